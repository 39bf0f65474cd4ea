// CompareMemo: the comparisons a CRD check shares across the clusters of a fleet. The
// answers must be exactly compareCrds' for every live CRD, whichever were seen before.
import { describe, expect, it } from 'vitest';
import { compareCrds } from '../../../src/crd/compat/compare.ts';
import { CompareMemo } from '../../../src/crd/compat/memo.ts';
import type { KubeObject } from '../../../src/kube/types.ts';

function crd(versions: Array<{ name: string; storage?: boolean; served?: boolean; x?: string }>, storedVersions?: string[]): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com', uid: crypto.randomUUID(), resourceVersion: String(Math.random()) },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { kind: 'Widget', plural: 'widgets' },
      versions: versions.map((v) => ({
        name: v.name,
        served: v.served ?? true,
        storage: v.storage ?? false,
        schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { x: { type: v.x ?? 'string' } } } } } },
      })),
    },
    ...(storedVersions ? { status: { storedVersions } } : {}),
  };
}

const target = crd([{ name: 'v2', storage: true, x: 'integer' }]);

describe('CompareMemo', () => {
  it('answers as compareCrds does for every live CRD, whether it matches one seen before or not', () => {
    const memo = new CompareMemo();
    // Equal specs from different clusters (other uid and resourceVersion), a different stored history, a different schema.
    const lives = [
      crd([{ name: 'v1', storage: true }], ['v1']),
      crd([{ name: 'v1', storage: true }], ['v1']),
      crd([{ name: 'v1', storage: true }], ['v1', 'v0']),
      crd([{ name: 'v1', storage: true, x: 'boolean' }], ['v1']),
      crd([{ name: 'v2', storage: true, x: 'integer' }], ['v2']),
      undefined,
    ];
    for (const live of [...lives, ...lives]) {
      const got = memo.compare(live, target);
      expect(got.findings).toEqual(compareCrds(live, target));
      expect(got.sameVersions).toBe(live !== undefined && JSON.stringify(live.spec.versions) === JSON.stringify(target.spec!.versions));
    }
  });

  it('tells the INFO option apart', () => {
    const memo = new CompareMemo();
    const live = crd([{ name: 'v1', storage: true }], ['v1']);
    const plain = memo.compare(live, target).findings;
    const withInfo = memo.compare(live, target, { includeInfo: true }).findings;
    expect(withInfo).toEqual(compareCrds(live, target, { includeInfo: true }));
    expect(plain).toEqual(compareCrds(live, target));
    expect(withInfo.length).toBeGreaterThan(plain.length);
  });

  it('hands out findings a caller may change without changing what the next cluster gets', () => {
    const memo = new CompareMemo();
    const live = crd([{ name: 'v1', storage: true }], ['v1']);
    const first = memo.compare(live, target).findings;
    expect(first.length).toBeGreaterThan(0);
    first[0]!.message = 'changed by a report builder';
    first.length = 0;
    expect(memo.compare(crd([{ name: 'v1', storage: true }], ['v1']), target).findings).toEqual(compareCrds(live, target));
  });
});
