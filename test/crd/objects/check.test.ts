import { describe, expect, it } from 'vitest';
import { compareCrds } from '../../../src/crd/compat/compare.ts';
import { checkObjects } from '../../../src/crd/objects/check.ts';
import { buildReport } from '../../../src/crd/objects/report.ts';
import { verdict } from '../../../src/crd/objects/verdict.ts';
import { checkCluster } from '../../../src/crd/objects/cluster.ts';
import type { JSONSchemaProps } from '../../../src/crd/structural/types.ts';
import type { KubeObject } from '../../../src/kube/types.ts';

const specSchema = (spec: JSONSchemaProps): JSONSchemaProps => ({
  type: 'object',
  properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, spec },
});
function crd(versions: Array<{ name: string; served?: boolean; spec: JSONSchemaProps }>, storedVersions: string[] = []): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { kind: 'Widget', plural: 'widgets' },
      versions: versions.map((v, i) => ({
        name: v.name,
        served: v.served ?? true,
        storage: i === versions.length - 1,
        schema: { openAPIV3Schema: specSchema(v.spec) },
      })),
    },
    status: { storedVersions },
  };
}
const widget = (name: string, spec: unknown, version = 'v1'): KubeObject => ({
  apiVersion: `example.com/${version}`,
  kind: 'Widget',
  metadata: { name, namespace: 'team-a' },
  spec,
});

const liveSpec: JSONSchemaProps = {
  type: 'object',
  properties: {
    mode: { type: 'string', enum: ['fast', 'slow', 'legacy'] },
    port: { type: 'integer' },
    targetURL: { type: 'string' },
    rules: { type: 'array', items: { type: 'object', properties: { expr: { type: 'string' } } } },
  },
};
const targetSpec: JSONSchemaProps = {
  type: 'object',
  required: ['port'],
  properties: {
    mode: { type: 'string', enum: ['fast', 'slow'] },
    port: { type: 'integer', maximum: 65535 },
    targetUrl: { type: 'string' },
    rules: {
      type: 'array',
      items: {
        type: 'object',
        'x-kubernetes-validations': [{ rule: 'self.expr != ""', message: 'expr must not be empty' }],
        properties: { expr: { type: 'string' } },
      },
    },
  },
};
const live = crd(
  [
    { name: 'v1alpha1', spec: liveSpec },
    { name: 'v1', spec: liveSpec },
  ],
  ['v1'],
);
const target = crd([
  { name: 'v1alpha1', served: false, spec: targetSpec },
  { name: 'v1', spec: targetSpec },
]);
const findings = compareCrds(live, target);

describe('checkObjects', () => {
  it.each<[string, KubeObject, Array<[string, string, string | undefined]>]>([
    ['valid object', widget('ok', { mode: 'fast', port: 80 }), []],
    ['removed enum value', widget('legacy', { mode: 'legacy', port: 80 }), [['INVALID', '.spec.mode', 'ENUM_VALUE_REMOVED']]],
    ['newly required field missing', widget('noport', { mode: 'fast' }), [['INVALID', '.spec.port', 'FIELD_NEWLY_REQUIRED']]],
    ['tightened maximum', widget('bigport', { port: 70000 }), [['INVALID', '.spec.port', 'CONSTRAINT_TIGHTENED']]],
    ['renamed field loses data', widget('renamed', { port: 1, targetURL: 'x' }), [['DATA_LOSS', '.spec.targetURL', 'FIELD_REMOVED']]],
    ['unserved version', widget('alpha', { port: 1 }, 'v1alpha1'), [['UNSERVED_VERSION', '.apiVersion', 'VERSION_NOT_SERVED']]],
  ])('%s', async (_name, obj, expected) => {
    const result = await checkObjects(target, findings, [obj], { clusterName: 'c1', live });
    expect(result.affected.map((a) => [a.category, a.fieldPath, a.changeType])).toEqual(expected);
    expect(result.objectsScanned).toBe(1);
    expect(result.objectsBroken).toBe(expected.length ? 1 : 0);
  });

  it('fills the contract fields and says where renamed data should go', async () => {
    const { affected } = await checkObjects(target, findings, [widget('renamed', { port: 1, targetURL: 'x' })], { clusterName: 'c1', live });
    expect(affected[0]).toMatchObject({ clusterName: 'c1', kind: 'Widget', namespace: 'team-a', name: 'renamed', fieldPath: '.spec.targetURL' });
    expect(affected[0]!.reason).toMatch(/possibly renamed to \.spec\.targetUrl/);
  });

  it('marks problems the object already had under the live schema as pre-existing', async () => {
    const liveStrict = crd([
      { name: 'v1alpha1', spec: liveSpec },
      { name: 'v1', spec: { ...liveSpec, required: ['port'] } },
    ]);
    const { affected, objectsBroken } = await checkObjects(target, findings, [widget('noport', { mode: 'fast' })], { clusterName: 'c1', live: liveStrict });
    expect(affected).toEqual([expect.objectContaining({ category: 'INVALID', preexisting: true })]);
    expect(objectsBroken).toBe(0);
  });

  it('counts CEL rules it could not evaluate, per rule, never as passed', async () => {
    const objs = [widget('a', { port: 1, rules: [{ expr: '' }, { expr: 'up' }] }), widget('b', { port: 1, rules: [{ expr: 'x' }] }), widget('c', { port: 1 })];
    const { notChecked, affected } = await checkObjects(target, findings, objs, { clusterName: 'c1', live });
    expect(affected).toEqual([]);
    expect(notChecked).toEqual([
      {
        clusterName: 'c1',
        crdName: 'widgets.example.com',
        version: 'v1',
        schemaPath: '.spec.rules[*]',
        rule: 'self.expr != ""',
        message: 'expr must not be empty',
        objectCount: 2,
        sampleObjects: ['team-a/a', 'team-a/b'],
      },
    ]);
  });

  it('streams pages from an async source and skips other kinds', async () => {
    async function* pages() {
      yield [widget('a', { port: 1 }), widget('b', { mode: 'legacy', port: 1 })];
      yield [{ ...widget('x', {}), kind: 'Gadget' }];
    }
    const result = await checkObjects(target, findings, pages(), { clusterName: 'c1', live });
    expect([result.objectsScanned, result.objectsSkipped, result.objectsBroken]).toEqual([2, 1, 1]);
  });

  it('keeps at most maxAffectedObjects entries and counts the rest', async () => {
    const objs = Array.from({ length: 5 }, (_, i) => widget(`w${i}`, { mode: 'legacy', port: 1 }));
    const result = await checkObjects(target, findings, objs, { clusterName: 'c1', live, maxAffectedObjects: 2 });
    expect([result.affected.length, result.affectedTruncated, result.objectsBroken]).toEqual([2, 3, 5]);
  });
});

describe('verdict and report', () => {
  it('field findings stay warnings until an object is affected, then escalate', async () => {
    const clean = await checkObjects(target, findings, [widget('ok', { port: 1 })], { clusterName: 'c1', live });
    const fieldOnly = findings.filter((f) => f.fieldPath !== '');
    expect(verdict(fieldOnly, clean.affected)).toMatchObject({ compatible: true, requiresApproval: false });
    expect(verdict(fieldOnly, clean.affected).warnings.findings.length).toBe(fieldOnly.length);

    const broken = await checkObjects(target, findings, [widget('legacy', { mode: 'legacy', port: 1 })], { clusterName: 'c1', live });
    const v = verdict(fieldOnly, broken.affected);
    expect(v).toMatchObject({ compatible: false, requiresApproval: true });
    expect(v.breaking.findings.map((f) => [f.changeType, f.oldValue])).toEqual([['ENUM_VALUE_REMOVED', 'legacy']]);
  });

  it('an unserved version is breaking without any object', () => {
    expect(verdict(findings, []).breaking.findings.map((f) => f.changeType)).toEqual(['VERSION_NOT_SERVED']);
  });

  it('combines clusters; a cluster with an error is never compatible', async () => {
    const okCluster = await checkCluster([target], { clusterName: 'ok', liveCrds: [target], listObjects: () => [] });
    const failing = await checkCluster([target], {
      clusterName: 'down',
      liveCrds: [live],
      listObjects: () => {
        throw new Error('connection refused');
      },
    });
    const brokenCluster = await checkCluster([target], {
      clusterName: 'prod',
      liveCrds: [live],
      listObjects: () => [widget('legacy', { mode: 'legacy', port: 1 })],
    });
    const report = buildReport([okCluster, failing, brokenCluster]);
    expect(report.clusters.map((c) => [c.clusterName, c.compatible, c.requiresApproval, c.complete, c.objectsScanned])).toEqual([
      ['ok', true, false, true, 0],
      ['down', false, true, false, 0],
      ['prod', false, true, true, 1],
    ]);
    expect(report.clusters[1]!.errors).toEqual(['widgets.example.com: connection refused']);
    expect(report.affectedObjects.map((a) => `${a.clusterName}/${a.name}`)).toEqual(['prod/legacy']);
    const legacy = report.findings.find((f) => f.changeType === 'ENUM_VALUE_REMOVED')!;
    expect(legacy).toMatchObject({ severity: 'BREAKING', schemaSeverity: 'WARNING', clusters: ['down', 'prod'], affectedObjectCount: 1 });
    expect(report).toMatchObject({ compatible: false, requiresApproval: true });
  });
});
