// Shared by the CRD-safety tests: live CRDs as a cluster shows them, and custom resources
// served page by page the way a cluster listing with `limit` serves them.
import type { KubeObject } from '../../src/kube/types.ts';

/** A live CRD as a cluster shows it: with status.storedVersions (the storage version unless given). */
export function asLive(crd: KubeObject, storedVersions?: string[]): KubeObject {
  const storage = (crd.spec.versions as Array<{ name: string; storage?: boolean }>).find((v) => v.storage)?.name;
  return { ...crd, status: { ...crd.status, storedVersions: storedVersions ?? (storage ? [storage] : []) } };
}

/** Serves the given objects as a paged listing, the way a client with `limit` would see them. */
export function pagedListing(objects: readonly KubeObject[], pageSize = 3) {
  return (liveCrd: KubeObject) => ({
    async *[Symbol.asyncIterator]() {
      const mine = objects.filter((o) => o.kind === liveCrd.spec.names.kind && o.apiVersion.startsWith(`${liveCrd.spec.group}/`));
      for (let i = 0; i < mine.length; i += pageSize) yield mine.slice(i, i + pageSize);
    },
  });
}
