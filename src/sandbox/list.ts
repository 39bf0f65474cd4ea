// List with selectors and `limit`/`continue` paging. A continue token names the last id
// served, so each page is a binary search into the resource's sorted ids, not a rescan.
import type { KubeObject } from '../kube/types.ts';
import { badRequest } from './errors.ts';
import { present } from './objects.ts';
import { apiVersionOf, storageKeyOf, type ResourceType } from './resources.ts';
import { parseFieldSelector, parseLabelSelector, pinnedName, type Predicate } from './selectors.ts';
import type { ObjectStore } from './store.ts';

export interface ListQuery {
  labelSelector?: string | null;
  fieldSelector?: string | null;
  limit?: number;
  continueToken?: string | null;
}

export interface ListResult {
  kind: string;
  apiVersion: string;
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
  items: KubeObject[];
}

interface ContinueToken {
  v: 1;
  rv: number;
  after: string;
}

function decodeContinue(token: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as ContinueToken;
    if (parsed.v !== 1 || typeof parsed.after !== 'string') throw new Error('bad token');
    return parsed;
  } catch {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}

/** One predicate for namespace, label and field selectors (undefined when nothing filters). */
export function objectFilter(rt: ResourceType, namespace: string | undefined, q: Pick<ListQuery, 'labelSelector' | 'fieldSelector'>): Predicate | undefined {
  const tests = [parseLabelSelector(q.labelSelector), parseFieldSelector(q.fieldSelector, rt.kind)].filter((t): t is Predicate => t !== undefined);
  if (rt.namespaced && namespace) tests.push((o) => o.metadata.namespace === namespace);
  if (tests.length === 0) return undefined;
  return (o) => tests.every((t) => t(o));
}

export function listObjects(store: ObjectStore, rt: ResourceType, namespace: string | undefined, q: ListQuery): ListResult {
  const key = storageKeyOf(rt);
  const ns = rt.namespaced ? namespace : undefined;
  const matches = objectFilter(rt, undefined, q);
  const rv = store.resourceVersion;
  const result: ListResult = { kind: `${rt.kind}List`, apiVersion: apiVersionOf(rt), metadata: { resourceVersion: String(rv) }, items: [] };

  const name = pinnedName(q.fieldSelector);
  if (name !== undefined && (ns !== undefined || !rt.namespaced)) {
    const one = store.get(key, ns, name);
    if (one && (!matches || matches(one))) result.items.push(present(one, rt));
    return result;
  }

  const token = q.continueToken ? decodeContinue(q.continueToken) : undefined;
  const { ids, get } = store.idsAfter(key, ns, token?.after);
  const limit = q.limit && q.limit > 0 ? q.limit : Infinity;
  let i = 0;
  for (; i < ids.length && result.items.length < limit; i++) {
    const obj = get(ids[i]!)!;
    if (!matches || matches(obj)) result.items.push(present(obj, rt));
  }
  if (i < ids.length) {
    const last = ids[i - 1]!;
    result.metadata.continue = Buffer.from(JSON.stringify({ v: 1, rv: token?.rv ?? rv, after: last } satisfies ContinueToken)).toString('base64url');
    if (!matches) result.metadata.remainingItemCount = ids.length - i;
  }
  return result;
}
