// Reads the shared real-operator corpus in place (never copied into the project).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { crdsOf } from '../../../src/kube/types.ts';
import { parseManifests } from '../../../src/sources/yaml.ts';
import type { KubeObject } from '../../../src/kube/types.ts';

const projectRoot = fileURLToPath(new URL('../../../', import.meta.url));
const corpusDir = `${projectRoot}../shared/corpus/`;

const cache = new Map<string, KubeObject[]>();

/** The CRDs of a corpus file such as `cert-manager/v1.6.0/rendered.yaml` (parsed once per test file). */
export function corpusCrds(path: string): KubeObject[] {
  let crds = cache.get(path);
  if (!crds) {
    crds = crdsOf(parseManifests(readFileSync(corpusDir + path, 'utf8')));
    cache.set(path, crds);
  }
  return crds;
}

export function fixtureObjects(name: string): KubeObject[] {
  return parseManifests(readFileSync(`${projectRoot}test/fixtures/crd/${name}`, 'utf8'));
}

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
