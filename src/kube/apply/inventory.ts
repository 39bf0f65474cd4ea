// Object identities (what an inventory stores and prune compares), the scope of kinds
// (namespaced or cluster-scoped) and ownership by label. Pure.

import { groupKindOf, groupOf, type KubeObject, type ObjectRef } from '../types.ts';
import { MANAGED_BY, OWNER_LABELS, type InventoryEntry } from './types.ts';

/** The identity of an object as an inventory stores it. */
export function refOf(obj: KubeObject): ObjectRef {
  const ref: ObjectRef = { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name ?? '' };
  if (obj.metadata.namespace) ref.namespace = obj.metadata.namespace;
  return ref;
}

function asEntry(item: KubeObject | InventoryEntry): InventoryEntry {
  return 'metadata' in item ? refOf(item as KubeObject) : (item as InventoryEntry);
}

/**
 * "group/Kind/namespace/name": the same object whatever API version names it
 * (policy/v1beta1 and policy/v1 PodDisruptionBudget "x" are one object).
 */
export function identityKey(ref: ObjectRef): string {
  return `${groupOf(ref.apiVersion)}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

/** Order of inventories: group, kind, namespace, name. */
function compareRefs(a: ObjectRef, b: ObjectRef): number {
  const ka = [groupOf(a.apiVersion), a.kind, a.namespace ?? '', a.name];
  const kb = [groupOf(b.apiVersion), b.kind, b.namespace ?? '', b.name];
  for (let i = 0; i < ka.length; i++) {
    if (ka[i]! < kb[i]!) return -1;
    if (ka[i]! > kb[i]!) return 1;
  }
  return 0;
}

/**
 * The inventory of a set of objects (or refs): identities sorted and deduplicated (the
 * first entry seen wins, with its API version and applied record). Give it planned
 * objects, whose namespaces are filled in.
 */
export function inventoryOf(items: ReadonlyArray<KubeObject | InventoryEntry>): InventoryEntry[] {
  const byKey = new Map<string, InventoryEntry>();
  for (const item of items) {
    const ref = asEntry(item);
    const key = identityKey(ref);
    if (!byKey.has(key)) {
      byKey.set(key, {
        apiVersion: ref.apiVersion,
        kind: ref.kind,
        ...(ref.namespace ? { namespace: ref.namespace } : {}),
        name: ref.name,
        ...(ref.applied ? { applied: ref.applied } : {}),
      });
    }
  }
  return [...byKey.values()].sort(compareRefs);
}

/** Objects whose identity is in `a` but not in `b`. */
export function inventoryDifference(a: readonly ObjectRef[], b: readonly ObjectRef[]): ObjectRef[] {
  const keys = new Set(b.map(identityKey));
  return a.filter((ref) => !keys.has(identityKey(ref)));
}

// Scope of the built-in kinds, keyed "group/Kind" (core group ""). true = namespaced.
const BUILTIN_SCOPES: Record<string, boolean> = {};
function scope(group: string, namespaced: boolean, kinds: string[]): void {
  for (const kind of kinds) BUILTIN_SCOPES[`${group}/${kind}`] = namespaced;
}
scope('', true, [
  'Pod',
  'Service',
  'Endpoints',
  'ConfigMap',
  'Secret',
  'ServiceAccount',
  'PersistentVolumeClaim',
  'ReplicationController',
  'LimitRange',
  'ResourceQuota',
  'Event',
  'PodTemplate',
  'Binding',
]);
scope('', false, ['Namespace', 'Node', 'PersistentVolume', 'ComponentStatus']);
scope('apps', true, ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ControllerRevision']);
scope('batch', true, ['Job', 'CronJob']);
scope('autoscaling', true, ['HorizontalPodAutoscaler']);
scope('policy', true, ['PodDisruptionBudget']);
scope('policy', false, ['PodSecurityPolicy']);
scope('networking.k8s.io', true, ['Ingress', 'NetworkPolicy']);
scope('networking.k8s.io', false, ['IngressClass', 'IPAddress', 'ServiceCIDR']);
scope('discovery.k8s.io', true, ['EndpointSlice']);
scope('rbac.authorization.k8s.io', true, ['Role', 'RoleBinding']);
scope('rbac.authorization.k8s.io', false, ['ClusterRole', 'ClusterRoleBinding']);
scope('storage.k8s.io', true, ['CSIStorageCapacity']);
scope('storage.k8s.io', false, ['StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment', 'VolumeAttributesClass']);
scope('scheduling.k8s.io', false, ['PriorityClass']);
scope('node.k8s.io', false, ['RuntimeClass']);
scope('apiextensions.k8s.io', false, ['CustomResourceDefinition']);
scope('apiregistration.k8s.io', false, ['APIService']);
scope('admissionregistration.k8s.io', false, [
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
]);
scope('coordination.k8s.io', true, ['Lease']);
scope('events.k8s.io', true, ['Event']);
scope('certificates.k8s.io', false, ['CertificateSigningRequest', 'ClusterTrustBundle']);
scope('flowcontrol.apiserver.k8s.io', false, ['FlowSchema', 'PriorityLevelConfiguration']);
scope('resource.k8s.io', true, ['ResourceClaim', 'ResourceClaimTemplate']);
scope('resource.k8s.io', false, ['DeviceClass', 'ResourceSlice']);

/** Namespaced (true), cluster-scoped (false) or not a built-in kind (undefined). */
export function builtinScope(ref: { apiVersion: string; kind: string }): boolean | undefined {
  return BUILTIN_SCOPES[groupKindOf(ref)];
}

export function isBuiltinKind(ref: { apiVersion: string; kind: string }): boolean {
  return builtinScope(ref) !== undefined;
}

/** Answers whether a kind is namespaced; undefined when it cannot tell. */
export type ScopeResolver = (ref: { apiVersion: string; kind: string }) => boolean | undefined;

/** "group/Kind" → namespaced, for every CustomResourceDefinition in `objects`. */
function crdScopes(objects: readonly KubeObject[]): Map<string, boolean> {
  const scopes = new Map<string, boolean>();
  for (const obj of objects) {
    if (obj.kind !== 'CustomResourceDefinition' || groupOf(obj.apiVersion) !== 'apiextensions.k8s.io') continue;
    const group = obj.spec?.group;
    const kind = obj.spec?.names?.kind;
    if (typeof group === 'string' && typeof kind === 'string') scopes.set(`${group}/${kind}`, obj.spec?.scope !== 'Cluster');
  }
  return scopes;
}

/**
 * Scope from, in order: the built-in kinds, the CRDs present in `objects`, then
 * `fallback` (the executor answers it from API discovery).
 */
export function createScopeResolver(objects: readonly KubeObject[], fallback?: ScopeResolver): ScopeResolver {
  const fromCrds = crdScopes(objects);
  return (ref) => builtinScope(ref) ?? fromCrds.get(groupKindOf(ref)) ?? fallback?.(ref);
}

/**
 * The kinds in `objects` that are neither built in nor defined by a CRD of the same set:
 * what the executor must look up through discovery before planning ("group/Kind", sorted).
 */
export function kindsNeedingDiscovery(objects: readonly KubeObject[]): Array<{ apiVersion: string; kind: string }> {
  const resolve = createScopeResolver(objects);
  const found = new Map<string, { apiVersion: string; kind: string }>();
  for (const obj of objects) {
    if (resolve(obj) === undefined) found.set(`${obj.apiVersion}/${obj.kind}`, { apiVersion: obj.apiVersion, kind: obj.kind });
  }
  return [...found.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => v);
}

/** Whether a live object carries this product's owner labels for `operatorName`. */
export function isOwnedBy(obj: KubeObject, operatorName: string): boolean {
  const labels = obj.metadata.labels ?? {};
  return labels[OWNER_LABELS.managedBy] === MANAGED_BY && labels[OWNER_LABELS.operator] === operatorName;
}
