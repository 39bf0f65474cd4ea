// Staged server-side apply of an operator's manifests to one cluster (docs/rollouts.md, step 3):
// plan (pure, plan.ts) → check namespaces → apply stage by stage, objects of a stage in
// parallel (bounded) → wait for CRDs to be Established before the stages that need them →
// prune what the previous release had and this one lacks. Every object gets a change
// entry; a failure stops the run and returns what was done so far with the error.
//
// Objects already as wanted are not sent: an object whose entry in the previous inventory
// records the digest of the same body, and whose live generation (resourceVersion, for kinds
// without one) and owner labels are still what that apply left, is reported unchanged
// without a request — a re-apply of a 2 MB bundle then costs a few metadata-only lists.
// Anything changed by hand moves the generation or resourceVersion and is sent again;
// `reapply: true` sends everything.
//
// Conflicts with other field managers: we apply with force=true by default. The manifests
// are the declared state of objects this product owns, so a field someone changed by hand
// (kubectl edit, another tool) is taken back, as Flux and Argo CD do — otherwise one stray
// edit would block every future release. Fields we do not declare stay with their owners
// (an HPA's replicas, a CA injector's caBundle). With `force: false` a conflict fails the
// object with 409 and the server's message naming the other manager and field.

import type { KubeClient } from '../client.ts';
import { sleep } from '../client-retry.ts';
import { appliedDigest } from '../body.ts';
import { KubeError } from '../errors.ts';
import { isCrd, subjectOf, type KubeObject, type ObjectRef } from '../types.ts';
import { forEachBounded } from './bounded.ts';
import { waitForCrdsEstablished } from './crd-established.ts';
import { identityKey, inventoryOf, kindsNeedingDiscovery, refOf, type ScopeResolver } from './inventory.ts';
import { applyChanged, liveVersions, versionOf, type LiveVersion } from './live-versions.ts';
import { planApply, type ApplyPlan, type ApplyStage } from './plan.ts';
import { pruneObjects } from './prune-executor.ts';
import { FIELD_MANAGER, MANAGED_BY, OWNER_LABELS, type AppliedRecord, type ApplyResult, type ChangeEntry, type InventoryEntry } from './types.ts';

interface ApplyTimeouts {
  /** How long CRDs may take to become Established. Default 60 s. */
  crdEstablishedMs?: number;
}

export interface ApplyManifestsOptions {
  /** Operator name (owner label; prune deletes only objects labelled with it). */
  operatorName: string;
  /** Release name for the release label. Default: the operator name. */
  releaseName?: string;
  /** The operator's namespace: given to namespaced objects without one, created when missing. */
  namespace: string;
  /**
   * Inventory of the release installed before: objects of it missing from the new set are
   * pruned; objects its entries record as applied with the same body, and that are live as
   * that apply left them, are not sent again (see the file comment). Default: none.
   */
  previousInventory?: readonly InventoryEntry[];
  /** Send every object, even those the previous inventory shows as already applied (drift correction). Default false. */
  reapply?: boolean;
  signal?: AbortSignal;
  timeouts?: ApplyTimeouts;
  /** Objects applied at once within a stage. Default 8. */
  concurrency?: number;
  /** Take over fields other managers own (see the file comment). Default true. */
  force?: boolean;
  /** Delete namespaces the previous release had and this one lacks. Default false. */
  pruneNamespaces?: boolean;
  /** First poll interval while waiting for CRDs. Default 200 ms. */
  establishedPollMs?: number;
  /** Called with each change entry as it happens (progress events). */
  onChange?: (entry: ChangeEntry) => void;
}

interface ApplyStats {
  /** Requests sent to the cluster during this apply, retries included. */
  requests: number;
  retries: number;
  /** Bytes of request bodies sent. */
  bytesSent: number;
  /** Polls made while waiting for CRDs to be Established (0 when the apply answers already said so). */
  establishedPolls: number;
  durationMs: number;
}

export interface ApplyManifestsResult extends ApplyResult {
  /**
   * What the cluster may now hold for this release — to store and prune from next time.
   * Success: the new inventory. Failure: the new objects applied so far plus everything of
   * the previous inventory not yet pruned, so nothing becomes untracked.
   */
  inventory: InventoryEntry[];
  /** Objects not sent because they were live exactly as the previous inventory records applying them. */
  untouched: ObjectRef[];
  /** The plan that was executed (absent when planning failed). */
  plan?: ApplyPlan;
  /**
   * What the cluster answered to each apply, in apply order: the live objects as they were
   * written (CRDs reduced to the planned object and the answer's metadata and conditions —
   * a CRD answer can be half a megabyte). A health check right after can start from them.
   */
  answers: KubeObject[];
  stats: ApplyStats;
}

/** What the executor reads of a CRD's apply answer (the schema it sent is not read back). */
const CRD_ANSWER_FIELDS = ['apiVersion', 'kind', 'metadata', 'status'];

const DEFAULTS = { concurrency: 8, force: true, establishedPollMs: 200, crdEstablishedMs: 60_000 };

/** Applies `objects` to the cluster of `client`. Never throws for cluster errors: they come back in `error`. */
export async function applyManifests(client: KubeClient, objects: readonly KubeObject[], options: ApplyManifestsOptions): Promise<ApplyManifestsResult> {
  const started = Date.now();
  const before = { ...client.stats };
  const concurrency = options.concurrency ?? DEFAULTS.concurrency;
  const call = options.signal ? { signal: options.signal } : {};
  const changes: ChangeEntry[] = [];
  const record = (entry: ChangeEntry) => {
    changes.push(entry);
    options.onChange?.(entry);
  };
  const previous = options.previousInventory ?? [];
  const applied: InventoryEntry[] = [];
  const untouched: ObjectRef[] = [];
  let establishedPolls = 0;
  let plan: ApplyPlan | undefined;
  const answers = new Map<KubeObject, KubeObject>();
  const finish = (error?: Error, inventory?: InventoryEntry[]): ApplyManifestsResult => ({
    changes,
    answers: [...answers.values()],
    untouched,
    inventory: inventory ?? inventoryOf([...applied, ...previous]),
    ...(plan ? { plan } : {}),
    ...(error ? { error } : {}),
    stats: {
      requests: client.stats.requests - before.requests,
      retries: client.stats.retries - before.retries,
      bytesSent: client.stats.bytesSent - before.bytesSent,
      establishedPolls,
      durationMs: Date.now() - started,
    },
  });

  try {
    plan = await planWithDiscovery(client, objects, options);
    const [versions] = await Promise.all([
      liveVersions(
        client,
        plan.stages.flatMap((s) => s.objects),
        { operatorName: options.operatorName, concurrency, ...call },
      ),
      ensureNamespaces(client, plan.requiredNamespaces, options, record),
    ]);
    const prior = new Map<string, AppliedRecord>();
    if (!options.reapply) for (const entry of previous) if (entry.applied) prior.set(identityKey(entry), entry.applied);
    for (const stage of plan.stages) {
      const error = await applyStage(client, stage, { versions, prior }, { ...options, concurrency }, { record, applied, untouched, answers });
      if (error) return finish(error);
      if (stage.waitForEstablished) {
        // CRDs not sent were Established when last applied, and their generation has not moved since.
        const crds = stage.objects.flatMap((o) => answers.get(o) ?? []);
        establishedPolls += await waitForCrdsEstablished(client, crds, {
          timeoutMs: options.timeouts?.crdEstablishedMs ?? DEFAULTS.crdEstablishedMs,
          pollMs: options.establishedPollMs ?? DEFAULTS.establishedPollMs,
          concurrency,
          ...call,
        });
        for (const crd of stage.objects) client.discovery.learnFromCrd(crd);
      }
    }
  } catch (err) {
    return finish(err as Error);
  }

  const prune = await pruneObjects(client, previous, plan.inventory, {
    operatorName: options.operatorName,
    concurrency,
    record,
    ...call,
    ...(options.pruneNamespaces !== undefined ? { pruneNamespaces: options.pruneNamespaces } : {}),
  });
  return finish(prune.error, inventoryOf(prune.error ? [...applied, ...prune.remaining] : applied));
}

/** Whether kinds neither built in nor defined by a CRD of the set are namespaced, from API discovery. */
export async function scopesFromDiscovery(client: KubeClient, objects: readonly KubeObject[], signal?: AbortSignal): Promise<ScopeResolver> {
  const scopes = new Map<string, boolean>();
  await Promise.all(
    kindsNeedingDiscovery(objects).map(async (ref) => {
      const info = await client.discovery.resourceFor(ref.apiVersion, ref.kind, signal);
      if (info) scopes.set(`${ref.apiVersion}/${ref.kind}`, info.namespaced);
    }),
  );
  return (ref) => scopes.get(`${ref.apiVersion}/${ref.kind}`);
}

/** Plans, asking discovery for the scope of kinds neither built in nor defined by a CRD of the set. */
async function planWithDiscovery(client: KubeClient, objects: readonly KubeObject[], options: ApplyManifestsOptions): Promise<ApplyPlan> {
  const plan = planApply(objects, {
    operatorName: options.operatorName,
    namespace: options.namespace,
    ...(options.releaseName ? { releaseName: options.releaseName } : {}),
    isNamespaced: await scopesFromDiscovery(client, objects, options.signal),
  });
  // Custom resources of CRDs in this set are applied before discovery lists them.
  for (const stage of plan.stages) if (stage.name === 'crds') for (const crd of stage.objects) client.discovery.learnFromCrd(crd);
  return plan;
}

/**
 * Namespaces that namespaced objects need and no Namespace object of the set creates: the
 * operator's namespace is created when missing (labelled as ours, never pruned); any
 * other missing one fails the apply before anything is written.
 */
async function ensureNamespaces(
  client: KubeClient,
  required: readonly string[],
  options: ApplyManifestsOptions,
  record: (e: ChangeEntry) => void,
): Promise<void> {
  const call = options.signal ? { signal: options.signal } : {};
  const missing: string[] = [];
  await Promise.all(
    required.map(async (name) => {
      if (!(await client.get({ apiVersion: 'v1', kind: 'Namespace', name }, call))) missing.push(name);
    }),
  );
  const others = missing.filter((ns) => ns !== options.namespace).sort();
  if (others.length > 0) {
    throw new KubeError({
      kind: 'NOT_FOUND',
      clusterName: client.clusterName,
      reason: 'NotFound',
      detail: `namespace${others.length > 1 ? 's' : ''} ${others.join(', ')} do${others.length > 1 ? '' : 'es'} not exist and the manifests do not create ${others.length > 1 ? 'them' : 'it'}`,
    });
  }
  if (!missing.includes(options.namespace)) return;
  const labels = { [OWNER_LABELS.managedBy]: MANAGED_BY, [OWNER_LABELS.operator]: options.operatorName };
  const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: options.namespace, labels } };
  await client.apply(ns, { ...call, fieldManager: FIELD_MANAGER, force: options.force ?? DEFAULTS.force });
  record({ subject: subjectOf(ns), action: 'created', message: "operator's namespace did not exist" });
}

/** Applies one stage; returns the first error (after letting started objects finish). */
async function applyStage(
  client: KubeClient,
  stage: ApplyStage,
  before: {
    /** Live metadata of the operator's objects before the apply (liveVersions). */
    versions: ReadonlyMap<string, LiveVersion>;
    /** What the previous release's apply wrote, by identityKey (none with `reapply`). */
    prior: ReadonlyMap<string, AppliedRecord>;
  },
  options: ApplyManifestsOptions & { concurrency: number },
  out: {
    record: (e: ChangeEntry) => void;
    /** Entries of the objects applied (or found already applied), appended to. */
    applied: InventoryEntry[];
    /** Objects not sent, appended to. */
    untouched: ObjectRef[];
    /** The server's answers (a CRD's says whether it is Established), keyed by planned object. */
    answers: Map<KubeObject, KubeObject>;
  },
): Promise<Error | undefined> {
  const { record, applied, untouched, answers } = out;
  let error: Error | undefined;
  await forEachBounded(
    stage.objects,
    options.concurrency,
    async (obj) => {
      const subject = subjectOf(obj);
      const ref = refOf(obj);
      const key = identityKey(ref);
      const live = before.versions.get(key);
      const digest = appliedDigest(obj);
      const prior = before.prior.get(key);
      if (asApplied(obj, digest, prior, live)) {
        applied.push({ ...ref, applied: recordOf(digest, live!, prior?.storedVersions) });
        untouched.push(ref);
        record({ subject, action: 'unchanged', message: 'not sent: live as the previous release applied it' });
        return;
      }
      try {
        const apply = () =>
          client.apply(obj, {
            fieldManager: FIELD_MANAGER,
            force: options.force ?? DEFAULTS.force,
            ...(isCrd(obj) ? { answerFields: CRD_ANSWER_FIELDS } : {}),
            ...(options.signal ? { signal: options.signal } : {}),
          });
        const res = stage.name === 'custom-resources' ? await untilServed(apply, client.clusterName, options.signal) : await apply();
        // Of a CRD only what the Established and health checks read is kept (and read): its answer can be megabytes.
        answers.set(obj, isCrd(obj) ? { ...obj, metadata: res.object.metadata, status: { conditions: res.object.status?.conditions ?? [] } } : res.object);
        const after = versionOf(res.object.metadata);
        const stored = res.object.status?.storedVersions;
        applied.push({ ...ref, applied: recordOf(digest, after, Array.isArray(stored) ? stored : undefined) });
        record({ subject, ...changeOf(res.created, live, after) });
      } catch (err) {
        record({ subject, action: 'failed', message: (err as Error).message });
        error ??= err as Error;
      }
    },
    () => error !== undefined || options.signal?.aborted === true,
  );
  if (!error && options.signal?.aborted) error = new KubeError({ kind: 'ABORTED', clusterName: client.clusterName, detail: 'apply cancelled' });
  return error;
}

const recordOf = (digest: string, version: LiveVersion, storedVersions?: string[]): AppliedRecord => ({
  digest,
  resourceVersion: version.resourceVersion,
  ...(version.generation !== undefined ? { generation: version.generation } : {}),
  ...(storedVersions ? { storedVersions } : {}),
});

/** Whether every key of `wanted` has the same value in `live`. */
const includes = (live: Record<string, string> = {}, wanted: Record<string, string> = {}) => Object.entries(wanted).every(([k, v]) => live[k] === v);

/**
 * Whether `obj` is live exactly as the previous release's apply left it: the same body was
 * sent (digest), and since then neither its generation (spec changes; kinds without one:
 * its resourceVersion, any change) moved nor its labels and annotations lost what we set.
 */
function asApplied(obj: KubeObject, digest: string, prior: AppliedRecord | undefined, live: LiveVersion | undefined): boolean {
  if (!prior || !live || prior.digest !== digest) return false;
  const same =
    prior.generation !== undefined && live.generation !== undefined ? prior.generation === live.generation : prior.resourceVersion === live.resourceVersion;
  return same && includes(live.labels, obj.metadata.labels) && includes(live.annotations, obj.metadata.annotations);
}

/** created (answer 201) / configured / unchanged; an object that existed without our labels was adopted (a change). */
function changeOf(created: boolean, before: LiveVersion | undefined, after: LiveVersion): Pick<ChangeEntry, 'action' | 'message'> {
  if (created) return { action: 'created' };
  if (before === undefined) return { action: 'configured', message: 'adopted: existed without the owner labels of this operator' };
  return applyChanged(before, after) ? { action: 'configured' } : { action: 'unchanged' };
}

/**
 * A CRD reported Established can still answer 404 for its resources for a moment (API
 * servers behind a load balancer learn of it one by one): a few short retries on NotFound.
 */
async function untilServed<T>(apply: () => Promise<T>, clusterName: string, signal?: AbortSignal, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await apply();
    } catch (err) {
      if (!(err instanceof KubeError && err.kind === 'NOT_FOUND') || attempt >= attempts) throw err;
      await sleep(200 * attempt, signal).catch(() => {
        throw new KubeError({ kind: 'ABORTED', clusterName, detail: 'apply cancelled' });
      });
    }
  }
}
