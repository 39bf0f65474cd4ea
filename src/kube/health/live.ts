// Health of an operator in a live cluster (docs/rollouts.md, step 4): reads the objects of its
// inventory and what their checks need to see — the pods (and ReplicaSets) of its
// workloads, the Services and Endpoints its webhooks call — then assesses them with the
// pure checks of this folder. waitForHealthy polls it until healthy, stops at once on a
// clear failure (crash loop, image pull error, progress deadline) and, on timeout, names
// every object still not healthy.

import type { KubeClient } from '../client.ts';
import { forEachBounded } from '../apply/bounded.ts';
import { identityKey, refOf } from '../apply/inventory.ts';
import { groupOf, type KubeObject, type ObjectRef } from '../types.ts';
import { assessOperatorHealth, type OperatorHealth } from './assess.ts';
import { healthContextFromObjects } from './context.ts';
import type { HealthRegistry } from './registry.ts';
import type { CrashLoopRule } from './types.ts';
import type { LabelSelector } from './workload-pods.ts';

export interface ReadHealthOptions {
  /** Namespace of namespaced inventory entries that have none (the operator's namespace). */
  namespace?: string;
  /** Requests in flight at once. Default 8. */
  concurrency?: number;
  signal?: AbortSignal;
  /** Checks per kind. Default: defaultHealthChecks. */
  registry?: HealthRegistry;
  /** Clock for crash-loop windows and certificate expiry. Default: the system clock. */
  now?: () => Date;
  /** Crash-loop rule. Default: 3 restarts within 5 minutes. */
  crashLoop?: CrashLoopRule;
  /**
   * Live objects already read and known not to change on their own (keyed by identityKey):
   * not read again. waitForHealthy fills it with healthy CRDs, RBAC and configuration.
   */
  reuse?: ReadonlyMap<string, KubeObject>;
  /** Inventory objects known healthy without reading them (see waitForHealthy's `settled`). */
  settled?: readonly ObjectRef[];
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);
const WEBHOOK_KINDS = new Set(['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']);

/** "a=b,c in (d,e),!f" from a label selector; undefined for an empty one (which would select everything). */
export function labelSelectorString(selector: LabelSelector | undefined): string | undefined {
  if (!selector) return undefined;
  const terms = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    if (e.operator === 'In') terms.push(`${e.key} in (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'NotIn') terms.push(`${e.key} notin (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'Exists') terms.push(e.key);
    else if (e.operator === 'DoesNotExist') terms.push(`!${e.key}`);
  }
  return terms.length > 0 ? terms.join(',') : undefined;
}

/** The related objects the checks look up: pods/ReplicaSets of workloads, services/endpoints of webhooks. */
async function readRelated(client: KubeClient, objects: readonly KubeObject[], options: ReadHealthOptions): Promise<KubeObject[]> {
  const call = options.signal ? { signal: options.signal } : {};
  const reads: Array<() => Promise<KubeObject[]>> = [];
  const seen = new Set<string>();
  const once = (key: string, read: () => Promise<KubeObject[]>) => {
    if (!seen.has(key)) {
      seen.add(key);
      reads.push(read);
    }
  };
  for (const obj of objects) {
    const ns = obj.metadata.namespace;
    if (WORKLOAD_KINDS.has(obj.kind) && groupOf(obj.apiVersion) === 'apps' && ns) {
      const labelSelector = labelSelectorString(obj.spec?.selector);
      if (!labelSelector) continue;
      once(`pods/${ns}/${labelSelector}`, () => client.listAll({ apiVersion: 'v1', kind: 'Pod' }, { ...call, namespace: ns, labelSelector }));
      if (obj.kind === 'Deployment') {
        once(`rs/${ns}/${labelSelector}`, () => client.listAll({ apiVersion: 'apps/v1', kind: 'ReplicaSet' }, { ...call, namespace: ns, labelSelector }));
      }
    } else if (WEBHOOK_KINDS.has(obj.kind)) {
      for (const hook of (obj.webhooks as Array<{ clientConfig?: { service?: { namespace: string; name: string } } }> | undefined) ?? []) {
        const svc = hook.clientConfig?.service;
        if (!svc) continue;
        for (const kind of ['Service', 'Endpoints']) {
          once(`${kind}/${svc.namespace}/${svc.name}`, async () => {
            const found = await client.get({ apiVersion: 'v1', kind, namespace: svc.namespace, name: svc.name }, call);
            return found ? [{ ...found, apiVersion: 'v1', kind }] : [];
          });
        }
      }
    }
  }
  const related: KubeObject[] = [];
  await forEachBounded(reads, options.concurrency ?? 8, async (read) => void related.push(...(await read())));
  return related;
}

/** An assessment together with the live objects it was made from. */
export interface LiveHealth {
  health: OperatorHealth;
  /** The inventory's objects as read (missing ones absent). */
  objects: KubeObject[];
}

/** readOperatorHealth, also returning the objects read (waitForHealthy keeps the stable ones). */
export async function readLiveHealth(client: KubeClient, inventory: readonly ObjectRef[], options: ReadHealthOptions = {}): Promise<LiveHealth> {
  const call = options.signal ? { signal: options.signal } : {};
  const refs = await Promise.all(inventory.map((ref) => withDefaultNamespace(client, ref, options)));
  const settledKeys = new Set((options.settled ?? []).map(identityKey));
  const settled = refs.filter((ref) => settledKeys.has(identityKey(ref)));
  const toRead = refs.filter((ref) => !settledKeys.has(identityKey(ref)));
  const live: KubeObject[] = [];
  await forEachBounded(toRead, options.concurrency ?? 8, async (ref) => {
    const obj = options.reuse?.get(identityKey(ref)) ?? (await client.get(ref, call));
    if (obj) live.push({ ...obj, apiVersion: obj.apiVersion ?? ref.apiVersion, kind: obj.kind ?? ref.kind });
  });
  const related = await readRelated(client, live, options);
  const ctx = healthContextFromObjects(related, {
    ...(options.now ? { now: options.now } : {}),
    ...(options.crashLoop ? { crashLoop: options.crashLoop } : {}),
  });
  // Input order of the inventory, so results are stable between polls.
  const order = new Map(refs.map((r, i) => [identityKey(r), i]));
  live.sort((a, b) => (order.get(identityKey(refOf(a))) ?? 0) - (order.get(identityKey(refOf(b))) ?? 0));
  const health = assessOperatorHealth(live, { ...ctx, inventory: refs, settled, ...(options.registry ? { registry: options.registry } : {}) });
  return { health, objects: live };
}

/**
 * Reads the live objects of an inventory and assesses them: the worst over all, every
 * object's result, and inventory objects missing from the cluster reported UNHEALTHY.
 * Throws KubeError when the cluster cannot be read (after the client's retries).
 */
export async function readOperatorHealth(client: KubeClient, inventory: readonly ObjectRef[], options: ReadHealthOptions = {}): Promise<OperatorHealth> {
  return (await readLiveHealth(client, inventory, options)).health;
}

/** Inventories from planApply always carry namespaces; hand-written ones may rely on the operator's. */
async function withDefaultNamespace(client: KubeClient, ref: ObjectRef, options: ReadHealthOptions): Promise<ObjectRef> {
  if (ref.namespace || !options.namespace) return ref;
  const info = await client.discovery.resourceFor(ref.apiVersion, ref.kind, options.signal);
  return info?.namespaced ? { ...ref, namespace: options.namespace } : ref;
}
