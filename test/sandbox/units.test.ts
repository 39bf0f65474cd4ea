// Pure pieces of the sandbox, without any server.
import { describe, expect, it } from 'vitest';
import { parseClusterSpec } from '../../src/sandbox/cli.ts';
import { fieldsOf, formatPath, fromFieldsV1, toFieldsV1 } from '../../src/sandbox/fieldset.ts';
import { builtinListTypes, schemaListTypes } from '../../src/sandbox/listkeys.ts';
import { jsonPatch, mergePatch, strategicMergePatch } from '../../src/sandbox/patch.ts';
import { compareKubeVersions } from '../../src/sandbox/resources.ts';
import { labelSelectorMatches, parseLabelSelector } from '../../src/sandbox/selectors.ts';
import { ObjectStore } from '../../src/sandbox/store.ts';
import { evalJsonPath, humanAge } from '../../src/sandbox/tables.ts';

describe('sandbox building blocks', () => {
  it('parses the CLI cluster spec, whose fault lists contain commas too', () => {
    expect(parseClusterSpec('dev-1:DEVELOPMENT,staging-1:STAGING,prod-1:PRODUCTION:latency=50ms,errorRate=0.05,edge:unreachable,plain')).toEqual([
      { name: 'dev-1', environment: 'DEVELOPMENT' },
      { name: 'staging-1', environment: 'STAGING' },
      { name: 'prod-1', environment: 'PRODUCTION', faults: { latencyMs: 50, errorRate: 0.05 } },
      { name: 'edge', faults: { unreachable: true } },
      { name: 'plain' },
    ]);
    expect(parseClusterSpec('flaky:STAGING:latency=50ms,errorRate=0.1,timeoutRate=0.05,spikeRate=0.05,spike=2s,seed=7,calm')).toEqual([
      { name: 'flaky', environment: 'STAGING', faults: { latencyMs: 50, errorRate: 0.1, timeoutRate: 0.05, spikeRate: 0.05, spikeMs: 2000 }, seed: 7 },
      { name: 'calm' },
    ]);
  });

  it('orders versions by Kubernetes priority', () => {
    expect(['v1alpha1', 'v2beta1', 'v1', 'v1beta2', 'v2', 'foo', 'v1beta1'].sort(compareKubeVersions)).toEqual([
      'v2',
      'v1',
      'v2beta1',
      'v1beta2',
      'v1beta1',
      'v1alpha1',
      'foo',
    ]);
  });

  it.each([
    ['a=1', { a: '1' }, true],
    ['a=1', { a: '2' }, false],
    ['a!=1', {}, true],
    ['a in (1,2),b', { a: '2', b: '' }, true],
    ['a notin (1,2)', { a: '2' }, false],
    ['!a', { b: '1' }, true],
    ['a>5', { a: '7' }, true],
  ])('label selector %s on %j is %s', (selector, labels, expected) => {
    expect(parseLabelSelector(selector)!({ apiVersion: 'v1', kind: 'X', metadata: { labels } })).toBe(expected);
  });

  it('matches structured selectors with matchExpressions', () => {
    const selector = {
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'NotIn', values: ['db'] },
        { key: 'env', operator: 'Exists' },
      ],
    };
    expect(labelSelectorMatches(selector, { app: 'web', env: 'prod' })).toBe(true);
    expect(labelSelectorMatches(selector, { app: 'web', env: 'prod', tier: 'db' })).toBe(false);
    expect(labelSelectorMatches(selector, { app: 'web' })).toBe(false);
  });

  it('computes field sets with keyed list items and round-trips them through FieldsV1', () => {
    const obj = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x', labels: { a: '1' }, finalizers: ['f1'] },
      spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }] }] } } },
      status: { replicas: 1 },
    };
    const set = fieldsOf(obj, builtinListTypes, 'main');
    const paths = [...set].map(formatPath).sort();
    expect(paths).toEqual([
      '.metadata.finalizers[="f1"]',
      '.metadata.labels.a',
      '.spec.template.spec.containers[name="web"]',
      '.spec.template.spec.containers[name="web"].image',
      '.spec.template.spec.containers[name="web"].name',
      '.spec.template.spec.containers[name="web"].ports[containerPort=80]',
      '.spec.template.spec.containers[name="web"].ports[containerPort=80].containerPort',
    ]);
    const tree = toFieldsV1(set);
    expect((tree['f:spec'] as any)['f:template']['f:spec']['f:containers']['k:{"name":"web"}']['.']).toEqual({});
    expect(fromFieldsV1(tree)).toEqual(set);
  });

  it('reads list types of custom resources from x-kubernetes-list-type markers', () => {
    const schema = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            endpoints: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['port'], items: { type: 'object' } },
            tags: { type: 'array', 'x-kubernetes-list-type': 'set' },
          },
        },
      },
    };
    const types = schemaListTypes(schema);
    expect(types(['spec', 'endpoints'])).toEqual({ keys: ['port'] });
    expect(types(['spec', 'tags'])).toBe('set');
    expect(types(['spec', 'other'])).toBeUndefined();
  });

  it('applies merge, JSON and strategic merge patches', () => {
    expect(mergePatch({ a: 1, b: { c: 2, d: 3 } }, { b: { c: null, e: 4 }, f: [1] })).toEqual({ a: 1, b: { d: 3, e: 4 }, f: [1] });
    expect(
      jsonPatch({ a: [1, 2] }, [
        { op: 'add', path: '/a/-', value: 3 },
        { op: 'move', from: '/a', path: '/b' },
        { op: 'copy', from: '/b/0', path: '/c' },
      ]),
    ).toEqual({ b: [1, 2, 3], c: 1 });
    expect(() => jsonPatch({}, [{ op: 'remove', path: '/missing' }])).toThrow(/does not exist/);
    const live = {
      spec: {
        containers: [
          { name: 'a', image: '1' },
          { name: 'b', image: '1' },
        ],
      },
    };
    const patched = strategicMergePatch(
      live,
      {
        spec: {
          containers: [
            { name: 'b', image: '2' },
            { name: 'a', $patch: 'delete' },
          ],
        },
      },
      (p) => builtinListTypes(p),
    );
    expect(patched).toEqual({ spec: { containers: [{ name: 'b', image: '2' }] } });
  });

  it('formats ages like kubectl and evaluates printer-column JSONPath', () => {
    const now = Date.parse('2024-01-10T00:00:00Z');
    expect(humanAge('2024-01-09T23:59:15Z', now)).toBe('45s');
    expect(humanAge('2024-01-09T23:56:40Z', now)).toBe('3m20s');
    expect(humanAge('2024-01-09T19:00:00Z', now)).toBe('5h');
    expect(humanAge('2024-01-07T00:00:00Z', now)).toBe('3d');
    const obj = { status: { conditions: [{ type: 'Ready', status: 'True' }], items: [{ n: 1 }] } };
    expect(evalJsonPath(obj, '.status.conditions[?(@.type=="Ready")].status')).toBe('True');
    expect(evalJsonPath(obj, '.status.items[0].n')).toBe(1);
  });

  it('replays watch history by resourceVersion and reports when it is gone', () => {
    const store = new ObjectStore(3);
    for (const name of ['a', 'b', 'c', 'd']) store.put('/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'x' } });
    expect(store.eventsSince(2)!.map((e) => e.object.metadata.name)).toEqual(['c', 'd']);
    expect(store.eventsSince(1)!.map((e) => e.rv)).toEqual([2, 3, 4]);
    expect(store.eventsSince(0)).toBeUndefined();
    expect(store.eventsSince(4)).toEqual([]);
    expect(store.list('/configmaps', 'x').map((o) => o.metadata.name)).toEqual(['a', 'b', 'c', 'd']);
    expect(store.list('/configmaps', 'y')).toEqual([]);
  });
});
