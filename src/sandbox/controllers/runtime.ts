// What the simulated controllers share: the cluster's API and store, coalesced work
// queues and named timers (event-driven, never a polling loop over all objects), and
// helpers to read owners and write status the way the real controllers do.
import { createHash } from 'node:crypto';
import type { KubeObject } from '../../kube/types.ts';
import type { KubeApi } from '../api.ts';
import { StatusError } from '../errors.ts';
import type { ResourceRegistry, ResourceType } from '../resources.ts';
import { clone, type ObjectStore } from '../store.ts';

export interface ControllerTiming {
  /** How long a pod takes from creation to Ready (default behaviour). */
  podReadyDelayMs: number;
  /** Interval between restarts of a crash-looping container. */
  crashLoopIntervalMs: number;
  /** How long a Job's pod runs before it succeeds. */
  jobPodDurationMs: number;
}

export class ControllerRuntime {
  private readonly pending = new Map<string, () => void>();
  private flushScheduled = false;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly unsubscribers: Array<() => void> = [];
  private stopped = false;

  constructor(
    readonly api: KubeApi,
    readonly store: ObjectStore,
    readonly registry: ResourceRegistry,
    readonly timing: ControllerTiming,
    readonly clusterName: string,
  ) {}

  rt(group: string, resource: string): ResourceType {
    const found = this.registry.lookup(group, 'v1', resource);
    if (!found) throw new Error(`resource ${group}/${resource} is not served`);
    return found;
  }

  /** Runs `fn` once on the next turn however often the same key is queued before then. */
  queue(key: string, fn: () => void): void {
    if (this.stopped) return;
    this.pending.set(key, fn);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      const work = [...this.pending.values()];
      this.pending.clear();
      for (const w of work) this.safely(w);
    });
  }

  /** A named timer; setting it again replaces the previous one. */
  after(key: string, ms: number, fn: () => void): void {
    if (this.stopped) return;
    this.cancel(key);
    const t = setTimeout(() => {
      this.timers.delete(key);
      this.safely(fn);
    }, ms);
    t.unref?.();
    this.timers.set(key, t);
  }

  cancel(key: string): void {
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
  }

  watch(key: string, listener: Parameters<ObjectStore['subscribe']>[1]): void {
    this.unsubscribers.push(this.store.subscribe(key, listener));
  }

  stop(): void {
    this.stopped = true;
    for (const u of this.unsubscribers) u();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.pending.clear();
  }

  /** Controller failures (e.g. a namespace deleted mid-flight) are expected now and then: the next event retries. */
  private safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      if (!(err instanceof StatusError)) console.error(`[sandbox ${this.clusterName}] controller error:`, err);
    }
  }

  /** Objects under `key` whose controller owner has `uid`. */
  owned(uid: string, key: string): KubeObject[] {
    return this.store
      .dependentsOf(uid)
      .filter((d) => d.key === key)
      .map((d) => this.store.get(d.key, d.namespace, d.name))
      .filter((o): o is KubeObject => o !== undefined);
  }

  /** Writes a new status through the status subresource; unchanged status writes nothing. */
  writeStatus(rt: ResourceType, obj: KubeObject, status: unknown, manager = 'kube-controller-manager'): KubeObject {
    const next = clone(obj);
    next.status = status;
    return this.api.update(rt, obj.metadata.namespace, obj.metadata.name!, next, { manager, subresource: 'status' });
  }
}

/** The controller owner reference of an object, if any. */
export function controllerOf(obj: KubeObject): { kind: string; name: string; uid: string } | undefined {
  return obj.metadata.ownerReferences?.find((o) => o.controller);
}

export function ownerReference(owner: KubeObject) {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

/** A short, DNS-safe hash of a pod template (pod-template-hash, controller-revision-hash). */
export function templateHash(template: unknown, length = 10): string {
  const digest = createHash('sha1')
    .update(JSON.stringify(template ?? {}))
    .digest();
  let out = '';
  for (let i = 0; i < length; i++) out += SAFE[digest[i]! % SAFE.length];
  return out;
}

export const nowIso = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

export function isPodReady(pod: KubeObject): boolean {
  return (pod.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
}

export const isTerminating = (o: KubeObject) => o.metadata.deletionTimestamp !== undefined;

/** `25%` of `total`, rounded as the deployment controller rounds (up for surge, down for unavailable). */
export function resolveIntOrPercent(value: unknown, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(String(value ?? ''));
  if (!m) return Number(value) || 0;
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}
