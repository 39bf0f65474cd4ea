// What the cluster holds of an operator before an apply, as object metadata: one labelled
// list per kind (metadata only where the server supports it), in parallel. With it the
// executor tells created / configured / unchanged from the apply answers alone — one
// round trip for the whole set instead of a GET (or a dry-run, as Flux's ssa manager
// does) per object. See changeOf for the rule.

import type { KubeClient } from '../client.ts';
import { KubeError } from '../errors.ts';
import type { KubeObject } from '../types.ts';
import { forEachBounded } from './bounded.ts';
import { identityKey } from './inventory.ts';
import { OWNER_LABELS } from './types.ts';

/** Metadata-only lists on a real API server; servers that do not know it answer plain JSON. */
const METADATA_ONLY = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';

export interface LiveVersionOptions {
  operatorName: string;
  concurrency: number;
  signal?: AbortSignal;
}

/** The parts of an object's metadata that tell whether an apply changed it. */
export interface LiveVersion {
  resourceVersion: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** identityKey → metadata of the live objects labelled as this operator's, for the kinds of `objects`. */
export async function liveVersions(client: KubeClient, objects: readonly KubeObject[], options: LiveVersionOptions): Promise<Map<string, LiveVersion>> {
  const kinds = new Map<string, { apiVersion: string; kind: string }>();
  for (const o of objects) kinds.set(`${o.apiVersion}/${o.kind}`, { apiVersion: o.apiVersion, kind: o.kind });
  const versions = new Map<string, LiveVersion>();
  const selector = `${OWNER_LABELS.operator}=${options.operatorName}`;
  const call = options.signal ? { signal: options.signal } : {};
  await forEachBounded([...kinds.values()], options.concurrency, async (ref) => {
    let path: string;
    try {
      path = await client.collectionPath(ref, undefined, call);
    } catch (err) {
      // A custom kind whose CRD is not installed yet: nothing of it exists.
      if (err instanceof KubeError && err.kind === 'NOT_FOUND') return;
      throw err;
    }
    let continueToken: string | undefined;
    do {
      const query = new URLSearchParams({ labelSelector: selector, limit: '500', ...(continueToken ? { continue: continueToken } : {}) });
      let page: { items?: Array<{ metadata?: KubeObject['metadata'] }>; metadata?: { continue?: string } };
      try {
        page = (await client.getJson(`${path}?${query}`, call, METADATA_ONLY)) as typeof page;
      } catch (err) {
        if (err instanceof KubeError && err.kind === 'NOT_FOUND') return;
        throw err;
      }
      for (const item of page.items ?? []) {
        const m = item.metadata ?? {};
        if (!m.name || !m.resourceVersion) continue;
        versions.set(
          identityKey({ apiVersion: ref.apiVersion, kind: ref.kind, name: m.name, ...(m.namespace ? { namespace: m.namespace } : {}) }),
          versionOf(m),
        );
      }
      continueToken = page.metadata?.continue || undefined;
    } while (continueToken);
  });
  return versions;
}

export function versionOf(m: KubeObject['metadata']): LiveVersion {
  return {
    resourceVersion: m.resourceVersion ?? '',
    ...(typeof m.generation === 'number' ? { generation: m.generation } : {}),
    ...(m.labels ? { labels: m.labels } : {}),
    ...(m.annotations ? { annotations: m.annotations } : {}),
  };
}

const sameRecord = (a: Record<string, string> = {}, b: Record<string, string> = {}) => {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
};

/**
 * Whether an apply changed an object, from its metadata before and after:
 * - same resourceVersion → unchanged (a no-op apply writes nothing);
 * - for kinds with a generation (spec-bearing: workloads, CRDs, most custom resources) →
 *   changed when the generation moved or labels/annotations differ; a new resourceVersion
 *   alone is a controller writing status (a Deployment's rollout), not our change;
 * - otherwise a new resourceVersion means changed.
 */
export function applyChanged(before: LiveVersion, after: LiveVersion): boolean {
  if (before.resourceVersion === after.resourceVersion) return false;
  if (before.generation === undefined || after.generation === undefined) return true;
  return before.generation !== after.generation || !sameRecord(before.labels, after.labels) || !sameRecord(before.annotations, after.annotations);
}
