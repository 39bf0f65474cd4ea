// Apply and prune planning (docs/rollouts.md, step 3), pure: which objects go in which stage and
// order, with namespaces filled in and owner labels added; which objects of the previous
// release to delete, in reverse order, never CustomResourceDefinitions.

import { dns1123LabelProblem } from '../../domain/names.ts';
import { describeSourcePosition, groupOf, sourcePositionOf, subjectOf, type KubeObject, type ObjectRef } from '../types.ts';
import { builtinScope, createScopeResolver, identityKey, inventoryDifference, inventoryOf, type ScopeResolver } from './inventory.ts';
import { ApplyPlanError, MANAGED_BY, OWNER_LABELS } from './types.ts';

/** Stages in apply order. The executor applies a stage completely before the next one. */
const APPLY_STAGES = ['namespaces', 'crds', 'cluster', 'namespaced', 'custom-resources', 'webhooks'] as const;
type ApplyStageName = (typeof APPLY_STAGES)[number];

export interface ApplyStage {
  name: ApplyStageName;
  /** Objects in apply order, with namespace and owner labels set. */
  objects: KubeObject[];
  /** The CRDs of this stage must be Established before the next stage (custom resources need them). */
  waitForEstablished: boolean;
}

export interface ApplyPlan {
  /** Non-empty stages, in order. */
  stages: ApplyStage[];
  /** The identities of every planned object: the inventory to store after a successful apply. */
  inventory: ObjectRef[];
  /**
   * Namespaces that namespaced objects live in but that no Namespace object of the set
   * creates: the executor checks they exist (creating the operator's namespace if needed).
   */
  requiredNamespaces: string[];
}

export interface ApplyPlanOptions {
  /** Operator name, for the owner labels (a DNS-1123 label). */
  operatorName: string;
  /** Release name for the release label. Default: the operator name. */
  releaseName?: string;
  /** Namespace given to namespaced objects that have none: the operator's namespace. */
  namespace: string;
  /**
   * Scope of kinds that are neither built in nor defined by a CRD in the same set
   * (the executor answers from API discovery; see kindsNeedingDiscovery). Default: none.
   */
  isNamespaced?: ScopeResolver;
}

// Rank of kinds inside their stage: lower applies first. Kinds not listed rank after the
// listed ones of their stage, in input order.
const CLUSTER_ORDER = [
  'ClusterRole',
  'ClusterRoleBinding',
  'PriorityClass',
  'StorageClass',
  'IngressClass',
  'RuntimeClass',
  'VolumeAttributesClass',
  'DeviceClass',
  'PersistentVolume',
];
const NAMESPACED_ORDER = [
  'ResourceQuota',
  'LimitRange',
  'NetworkPolicy',
  'ServiceAccount',
  'Secret',
  'ConfigMap',
  'Role',
  'RoleBinding',
  'PersistentVolumeClaim',
  'Service',
  'Endpoints',
  'EndpointSlice',
  'DaemonSet',
  'Deployment',
  'StatefulSet',
  'ReplicaSet',
  'ReplicationController',
  'Pod',
  'Job',
  'CronJob',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
  'Ingress',
];
const WEBHOOK_ORDER = ['APIService', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];

function rankIn(order: readonly string[], kind: string): number {
  const i = order.indexOf(kind);
  return i === -1 ? order.length : i;
}

/**
 * The stage of an object. Webhook configurations and APIServices go last because they
 * point at a service that must be serving first; custom resources after every built-in
 * object, since their operator must be running to reconcile them.
 */
function stageOf(ref: { apiVersion: string; kind: string }, namespaced: boolean): ApplyStageName {
  const group = groupOf(ref.apiVersion);
  if (group === '' && ref.kind === 'Namespace') return 'namespaces';
  if (group === 'apiextensions.k8s.io' && ref.kind === 'CustomResourceDefinition') return 'crds';
  const builtin = builtinScope(ref) !== undefined;
  if (builtin && WEBHOOK_ORDER.includes(ref.kind)) return 'webhooks';
  if (!builtin) return 'custom-resources';
  return namespaced ? 'namespaced' : 'cluster';
}

/** Rank of an object in apply order over all stages (for sorting and reverse-order prune). */
export function applyRank(ref: { apiVersion: string; kind: string }, namespaced: boolean): number {
  const stage = stageOf(ref, namespaced);
  const base = APPLY_STAGES.indexOf(stage) * 1000;
  switch (stage) {
    case 'cluster': {
      const rank = rankIn(CLUSTER_ORDER, ref.kind);
      // Any other *Class kind goes with the known ones.
      return base + (rank === CLUSTER_ORDER.length && ref.kind.endsWith('Class') ? CLUSTER_ORDER.indexOf('PriorityClass') : rank);
    }
    case 'namespaced':
      return base + rankIn(NAMESPACED_ORDER, ref.kind);
    case 'custom-resources':
      return base + (namespaced ? 1 : 0); // cluster-scoped custom resources (ClusterIssuer…) first
    case 'webhooks':
      return base + rankIn(WEBHOOK_ORDER, ref.kind);
    default:
      return base;
  }
}

function validLabelValue(field: string, value: string): void {
  const problem = dns1123LabelProblem(value);
  if (problem) throw new ApplyPlanError(`${field} "${value}" ${problem}`);
}

function positionOf(obj: KubeObject, index: number): string {
  const pos = sourcePositionOf(obj);
  return pos ? describeSourcePosition(pos) : `object ${index + 1}`;
}

/** The owner labels planApply puts on every object of a release (see OWNER_LABELS). */
export function ownerLabels(operatorName: string, releaseName = operatorName): Record<string, string> {
  return { [OWNER_LABELS.managedBy]: MANAGED_BY, [OWNER_LABELS.operator]: operatorName, [OWNER_LABELS.release]: releaseName };
}

/**
 * An object as planApply sends it: in `namespace` (undefined: cluster-scoped, a stray
 * namespace dropped), with `labels` added. A shallow copy: its other sections are the input's.
 */
export function plannedObject(input: KubeObject, labels: Record<string, string>, namespace: string | undefined): KubeObject {
  const { namespace: _stray, ...metadata } = input.metadata;
  return { ...input, metadata: { ...metadata, ...(namespace !== undefined ? { namespace } : {}), labels: { ...input.metadata.labels, ...labels } } };
}

/**
 * Plans a staged apply: namespaces filled in (namespaced objects without one get
 * `namespace`; cluster-scoped objects lose a stray one, as the API server would drop it),
 * owner labels added, objects sorted into stages. The input is not mutated: planned objects
 * are shallow copies with new metadata (their spec/data are shared — treat them as read-only).
 * Throws ApplyPlanError for duplicate identities (naming both positions) and for kinds
 * whose scope nobody can tell.
 */
export function planApply(objects: readonly KubeObject[], options: ApplyPlanOptions): ApplyPlan {
  const releaseName = options.releaseName ?? options.operatorName;
  validLabelValue('operatorName', options.operatorName);
  validLabelValue('releaseName', releaseName);
  validLabelValue('namespace', options.namespace);
  const resolveScope = createScopeResolver(objects, options.isNamespaced);
  const labels = ownerLabels(options.operatorName, releaseName);

  const unknownKinds = new Set<string>();
  const seen = new Map<string, number>();
  const duplicates: Array<{ subject: string; message: string }> = [];
  const planned: Array<{ obj: KubeObject; rank: number; index: number }> = [];
  objects.forEach((input, index) => {
    const namespaced = resolveScope(input);
    if (namespaced === undefined) {
      unknownKinds.add(`${input.apiVersion} ${input.kind}`);
      return;
    }
    const obj = plannedObject(input, labels, namespaced ? input.metadata.namespace || options.namespace : undefined);
    const key = identityKey({ apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name ?? '' });
    const first = seen.get(key);
    if (first !== undefined) {
      const subject = subjectOf(obj);
      duplicates.push({ subject, message: `${subject} appears twice: ${positionOf(objects[first]!, first)} and ${positionOf(input, index)}` });
    } else seen.set(key, index);
    planned.push({ obj, rank: applyRank(obj, namespaced), index });
  });
  if (unknownKinds.size > 0) {
    throw new ApplyPlanError(
      `cannot tell whether these kinds are namespaced (not built in, no CRD in the set, not found by discovery): ${[...unknownKinds].sort().join(', ')}`,
    );
  }
  if (duplicates.length > 0) {
    throw new ApplyPlanError(
      `duplicate objects: ${duplicates.map((d) => d.message).join('; ')}`,
      duplicates.map((d) => d.subject),
    );
  }

  planned.sort((a, b) => a.rank - b.rank || a.index - b.index);
  const stages: ApplyStage[] = [];
  for (const { obj } of planned) {
    const name = stageOf(obj, obj.metadata.namespace !== undefined);
    let stage = stages[stages.length - 1];
    if (stage?.name !== name) {
      stage = { name, objects: [], waitForEstablished: name === 'crds' };
      stages.push(stage);
    }
    stage.objects.push(obj);
  }
  const created = new Set(planned.filter(({ obj }) => obj.kind === 'Namespace' && groupOf(obj.apiVersion) === '').map(({ obj }) => obj.metadata.name));
  const requiredNamespaces = [...new Set(planned.map(({ obj }) => obj.metadata.namespace).filter((ns): ns is string => !!ns && !created.has(ns)))].sort();
  return { stages, inventory: inventoryOf(planned.map((p) => p.obj)), requiredNamespaces };
}

export interface PruneOptions {
  /**
   * Delete Namespaces that the previous release created and the new one no longer has.
   * Default false: deleting a namespace deletes everything in it, custom resources of
   * users included, which docs/rollouts.md rules out (never namespaces).
   */
  pruneNamespaces?: boolean;
}

interface KeptObject {
  ref: ObjectRef;
  reason: string;
}

export interface PrunePlan {
  /** Objects to delete, in reverse apply order (webhooks first, namespaces last). */
  prune: ObjectRef[];
  /** Objects of the previous inventory that the new one lacks but that are kept, and why. */
  kept: KeptObject[];
}

/**
 * Objects of the previous inventory that the new inventory lacks, to delete in reverse
 * apply order — never CustomResourceDefinitions (deleting one deletes every custom
 * resource of it), which are returned in `kept` with the reason. Only objects of the
 * previous inventory are ever candidates, so nothing the product did not apply is touched;
 * the executor must still check the owner labels on the live object before deleting it.
 */
export function planPrune(previous: readonly ObjectRef[], next: readonly ObjectRef[], options: PruneOptions = {}): PrunePlan {
  const gone = inventoryDifference(inventoryOf(previous), next);
  const nextNamespaces = new Set(next.map((r) => r.namespace).filter(Boolean));
  const prune: ObjectRef[] = [];
  const kept: KeptObject[] = [];
  for (const ref of gone) {
    const group = groupOf(ref.apiVersion);
    if (group === 'apiextensions.k8s.io' && ref.kind === 'CustomResourceDefinition') {
      kept.push({ ref, reason: 'CustomResourceDefinitions are never pruned: deleting one deletes every custom resource of it' });
    } else if (group === '' && ref.kind === 'Namespace' && !options.pruneNamespaces) {
      kept.push({ ref, reason: 'Namespaces are not pruned: deleting one deletes everything in it (enable pruneNamespaces to allow)' });
    } else if (group === '' && ref.kind === 'Namespace' && nextNamespaces.has(ref.name)) {
      kept.push({ ref, reason: 'the namespace still holds objects of the new release' });
    } else {
      prune.push(ref);
    }
  }
  // Reverse apply order; a ref's scope is known from whether it has a namespace.
  const rank = (ref: ObjectRef) => applyRank(ref, ref.namespace !== undefined);
  prune.sort((a, b) => rank(b) - rank(a) || (identityKey(a) < identityKey(b) ? -1 : 1));
  return { prune, kept };
}
