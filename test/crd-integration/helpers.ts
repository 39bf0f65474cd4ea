// Shared pieces of the CRD-safety product tests: writing objects straight into a sandbox
// cluster's store (validated by the sandbox against the live CRD schema). The operators come
// from test/helpers/corpus.ts (the real-operator corpus) and test/helpers/operators.ts (the
// project's own fixtures).
import type { KubeObject } from '../../src/kube/types.ts';
import type { SandboxCluster } from '../../src/sandbox/cluster.ts';

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
