// Shared pieces of the CRD-safety product tests: the corpus read in place (never copied),
// operators whose manifest URL points into it, and writing objects straight into a
// sandbox cluster's store (validated by the sandbox against the live CRD schema).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { crdsOf } from '../../src/kube/types.ts';
import { parseManifests } from '../../src/sources/yaml.ts';
import type { KubeObject } from '../../src/kube/types.ts';
import type { SandboxCluster } from '../../src/sandbox/cluster.ts';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const CORPUS = path.resolve(projectRoot, '../shared/corpus');

/** `file://…/corpus/<operator>/{version}/<file>`: the operator's manifest URL template. */
export const corpusTemplate = (operator: string, file: string) => `${pathToFileURL(CORPUS).toString()}/${operator}/{version}/${file}`;

export function corpusCrds(relative: string): KubeObject[] {
  return crdsOf(parseManifests(readFileSync(path.join(CORPUS, relative), 'utf8')));
}

export function fixtureObjects(name: string): KubeObject[] {
  return parseManifests(readFileSync(path.join(projectRoot, 'test/fixtures/crd', name), 'utf8'));
}

export const clone = <T>(v: T): T => structuredClone(v);

/** Puts objects into a cluster's store, creating their namespaces first. */
export function putAll(cluster: SandboxCluster, objects: readonly KubeObject[]): void {
  for (const ns of new Set(objects.map((o) => o.metadata.namespace).filter((n): n is string => !!n))) {
    if (!cluster.objects.get('v1', 'Namespace', undefined, ns)) cluster.objects.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  }
  for (const o of objects) cluster.objects.put(clone(o));
}

/** `Kind/namespace/name` of an object or an AffectedObject. */
export const idOf = (o: { kind: string; metadata?: { namespace?: string; name?: string }; namespace?: string | null; name?: string }) =>
  `${o.kind}/${o.metadata?.namespace ?? o.namespace ?? ''}/${o.metadata?.name ?? o.name}`;
