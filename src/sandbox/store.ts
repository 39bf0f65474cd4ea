// In-memory object store of one sandbox cluster: one resourceVersion counter, objects
// bucketed by resource, a sorted id cache for paging, an owner index for garbage
// collection and controllers, and a bounded event history that watches replay from.
import type { KubeObject } from '../kube/types.ts';

type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  /** storage key of the resource, e.g. "apps/deployments" */
  key: string;
  rv: number;
  object: KubeObject;
  /** the object before a MODIFIED or DELETED event */
  previous?: KubeObject;
}

export type StoreListener = (event: StoreEvent) => void;

/** Objects are plain JSON; a JSON round trip is the fastest faithful copy for them. */
export function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** "namespace/name", or "/name" for cluster-scoped objects: sorts by namespace, then name. */
function objectId(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

interface Bucket {
  objects: Map<string, KubeObject>;
  sorted?: string[];
}

export class ObjectStore {
  private rv = 0;
  private readonly buckets = new Map<string, Bucket>();
  private readonly owners = new Map<string, Set<string>>();
  private readonly listeners = new Map<string, Set<StoreListener>>();
  /** grows up to historyCapacity, then wraps around (a ring buffer) */
  private readonly history: StoreEvent[] = [];
  private historyStart = 0;
  private historySize = 0;

  constructor(private readonly historyCapacity = 20_000) {}

  get resourceVersion(): number {
    return this.rv;
  }

  get(key: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.buckets.get(key)?.objects.get(objectId(namespace, name));
  }

  /** Objects of a resource, sorted by namespace then name; only `namespace` when given. */
  list(key: string, namespace?: string): KubeObject[] {
    const bucket = this.buckets.get(key);
    if (!bucket) return [];
    const ids = this.sortedIds(bucket, namespace);
    return ids.map((id) => bucket.objects.get(id)!);
  }

  /** Sorted ids after `afterId` (exclusive), optionally limited to one namespace. */
  idsAfter(key: string, namespace: string | undefined, afterId: string | undefined): { ids: string[]; get: (id: string) => KubeObject | undefined } {
    const bucket = this.buckets.get(key);
    if (!bucket) return { ids: [], get: () => undefined };
    let ids = this.sortedIds(bucket, namespace);
    if (afterId !== undefined) ids = ids.slice(upperBound(ids, afterId));
    return { ids, get: (id) => bucket.objects.get(id) };
  }

  count(key: string): number {
    return this.buckets.get(key)?.objects.size ?? 0;
  }

  keys(): string[] {
    return [...this.buckets.keys()];
  }

  /** Stores `obj` (taking ownership of it), stamps the next resourceVersion and notifies listeners. */
  put(key: string, obj: KubeObject): KubeObject {
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = { objects: new Map() }));
    const id = objectId(obj.metadata.namespace, obj.metadata.name!);
    const previous = bucket.objects.get(id);
    const rv = ++this.rv;
    obj.metadata.resourceVersion = String(rv);
    bucket.objects.set(id, obj);
    if (!previous) bucket.sorted = undefined;
    this.indexOwners(`${key}|${id}`, previous, obj);
    this.emit({ type: previous ? 'MODIFIED' : 'ADDED', key, rv, object: obj, previous });
    return obj;
  }

  /** Removes an object; the DELETED event carries it with a fresh resourceVersion. */
  remove(key: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const bucket = this.buckets.get(key);
    const id = objectId(namespace, name);
    const previous = bucket?.objects.get(id);
    if (!bucket || !previous) return undefined;
    bucket.objects.delete(id);
    bucket.sorted = undefined;
    const rv = ++this.rv;
    const gone: KubeObject = { ...previous, metadata: { ...previous.metadata, resourceVersion: String(rv) } };
    this.indexOwners(`${key}|${id}`, previous, undefined);
    this.emit({ type: 'DELETED', key, rv, object: gone, previous });
    return gone;
  }

  /** "key|namespace/name" references of objects whose ownerReferences name `uid`. */
  dependentsOf(uid: string): Array<{ key: string; namespace?: string; name: string }> {
    const refs = this.owners.get(uid);
    if (!refs) return [];
    return [...refs].map((ref) => {
      const [key, id] = ref.split('|') as [string, string];
      const slash = id.indexOf('/');
      const namespace = id.slice(0, slash) || undefined;
      return { key, namespace, name: id.slice(slash + 1) };
    });
  }

  /** Listen to one resource (storage key) or to every resource with "*". Returns an unsubscribe function. */
  subscribe(key: string, listener: StoreListener): () => void {
    let set = this.listeners.get(key);
    if (!set) this.listeners.set(key, (set = new Set()));
    set.add(listener);
    return () => set!.delete(listener);
  }

  /**
   * Events after resourceVersion `rv`, oldest first, or undefined when some of them
   * are no longer retained (the watch must answer 410 Expired).
   */
  eventsSince(rv: number): StoreEvent[] | undefined {
    if (rv >= this.rv) return [];
    const oldest = this.historySize === 0 ? this.rv + 1 : this.history[this.historyStart]!.rv;
    if (rv + 1 < oldest) return undefined;
    const out: StoreEvent[] = [];
    for (let i = rv + 1 - oldest; i < this.historySize; i++) {
      out.push(this.history[(this.historyStart + i) % this.historyCapacity]!);
    }
    return out;
  }

  private emit(event: StoreEvent): void {
    if (this.historySize < this.historyCapacity) {
      this.history.push(event);
      this.historySize++;
    } else {
      this.history[this.historyStart] = event;
      this.historyStart = (this.historyStart + 1) % this.historyCapacity;
    }
    for (const l of this.listeners.get(event.key) ?? []) l(event);
    for (const l of this.listeners.get('*') ?? []) l(event);
  }

  private sortedIds(bucket: Bucket, namespace?: string): string[] {
    if (!bucket.sorted) bucket.sorted = [...bucket.objects.keys()].sort(compareIds);
    const all = bucket.sorted;
    if (namespace === undefined) return all;
    const start = lowerBound(all, `${namespace}/`);
    let end = start;
    while (end < all.length && all[end]!.startsWith(`${namespace}/`)) end++;
    return all.slice(start, end);
  }

  private indexOwners(ref: string, before: KubeObject | undefined, after: KubeObject | undefined): void {
    const uidsBefore = before?.metadata.ownerReferences?.map((o) => o.uid) ?? [];
    const uidsAfter = after?.metadata.ownerReferences?.map((o) => o.uid) ?? [];
    for (const uid of uidsBefore) {
      if (uidsAfter.includes(uid)) continue;
      const set = this.owners.get(uid);
      set?.delete(ref);
      if (set?.size === 0) this.owners.delete(uid);
    }
    for (const uid of uidsAfter) {
      let set = this.owners.get(uid);
      if (!set) this.owners.set(uid, (set = new Set()));
      set.add(ref);
    }
  }
}

/** Plain code-unit order, so that binary searches agree with the sort. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function lowerBound(sorted: string[], value: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(sorted: string[], value: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
