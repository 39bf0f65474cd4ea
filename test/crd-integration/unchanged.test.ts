// The CRD check does not read again what it cannot find changed: a target CRD identical to the
// one the installed release applied, and live with the generation that apply left, is neither
// read nor compared (one metadata-only list per cluster); a different target is compared with
// the CRD recorded for the installed version instead of a copy read from each cluster. A CRD
// changed by hand since is read and compared as before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/types.ts';
import { CreateDeploymentDocument, ValidateCrdCompatibilityDocument } from '../generated/graphql.ts';
import { finishedDeployment, startFleet, type Fleet } from '../helpers/fleet.ts';

const CRD = 'widgets.demo.operator-manager.io';

describe('CRD check of CRDs live as the installed release applied them', () => {
  let f: Fleet;
  beforeAll(async () => {
    f = await startFleet({
      clusters: [
        { name: 'dev-1', environment: 'DEVELOPMENT' },
        { name: 'dev-2', environment: 'DEVELOPMENT' },
      ],
    });
    const { createDeployment } = await f.ok(CreateDeploymentDocument, {
      input: { operatorName: 'demo', targetVersion: 'v1.0.0', strategy: 'DIRECT', targetClusters: ['dev-1', 'dev-2'] },
    });
    expect((await finishedDeployment(f, createDeployment.id)).status).toBe('COMPLETED');
  });
  afterAll(() => f?.stopAll());

  /** Requests each cluster answered, by verb, while `fn` ran. */
  const counting = async <T>(fn: () => Promise<T>) => {
    const before = new Map(f.sandbox.clusters.map((c) => [c.name, { ...c.stats.byVerb }]));
    const result = await fn();
    const verbs = Object.fromEntries(
      f.sandbox.clusters.map((c) => {
        const was = before.get(c.name)!;
        return [c.name, { get: (c.stats.byVerb.get ?? 0) - (was.get ?? 0), list: (c.stats.byVerb.list ?? 0) - (was.list ?? 0) }];
      }),
    );
    return { result, verbs };
  };
  const check = (targetVersion: string) =>
    counting(
      async () =>
        (await f.ok(ValidateCrdCompatibilityDocument, { operatorName: 'demo', targetVersion, clusters: ['dev-1', 'dev-2'] })).validateCrdCompatibility,
    );

  it('reads nothing but a metadata list where the installed CRDs are the target and unchanged', async () => {
    const { result, verbs } = await check('v1.0.0');
    expect(result).toMatchObject({ compatible: true, requiresApproval: false, findings: [], affectedObjects: [] });
    expect(verbs).toEqual({ 'dev-1': { get: 0, list: 1 }, 'dev-2': { get: 0, list: 1 } });
  });

  it('reads and compares a CRD changed by hand since, and any target that differs', async () => {
    const dev2 = f.sandbox.cluster('dev-2');
    const live = structuredClone(dev2.objects.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, CRD)!) as KubeObject;
    const spec = live.spec.versions[0].schema.openAPIV3Schema.properties.spec;
    spec.properties = { ...spec.properties, handAdded: { type: 'string' } };
    const generation = live.metadata.generation!;
    expect(dev2.objects.put(live, { manager: 'kubectl-edit' }).metadata.generation).toBe(generation + 1);

    const same = await check('v1.0.0');
    expect(same.verbs['dev-1']).toEqual({ get: 0, list: 1 });
    expect(same.verbs['dev-2']!.get).toBeGreaterThan(0);
    // The target drops the field added by hand: found on dev-2 alone.
    const handAdded = same.result.findings.filter((x) => x.fieldPath.includes('handAdded'));
    expect(handAdded.length).toBeGreaterThan(0);
    expect(handAdded.every((x) => x.clusters.join() === 'dev-2')).toBe(true);
  });

  it('compares a different target with the CRD recorded for the installed version, not a copy read from each cluster', async () => {
    const dev1 = f.sandbox.cluster('dev-1');
    dev1.objects.put({ apiVersion: 'demo.operator-manager.io/v1', kind: 'Widget', metadata: { name: 'legacy', namespace: 'default' }, spec: { size: 4 } });
    const newer = await check('v2.0.0');
    // dev-1 is as v1.0.0 left it: its CRD is not read, only listed by metadata, then its Widgets listed.
    expect(newer.verbs['dev-1']).toMatchObject({ get: 0 });
    expect(newer.verbs['dev-1']!.list).toBeGreaterThanOrEqual(2);
    // dev-2's CRD was edited by hand: read.
    expect(newer.verbs['dev-2']!.get).toBeGreaterThan(0);
    expect(newer.result.requiresApproval).toBe(true);
    expect(newer.result.affectedObjects.filter((o) => o.clusterName === 'dev-1').map((o) => o.name)).toContain('legacy');
    const sizeFindings = newer.result.findings.filter((x) => x.fieldPath.includes('size'));
    expect(sizeFindings.length).toBeGreaterThan(0);
    expect(sizeFindings.every((x) => x.clusters.includes('dev-1'))).toBe(true);
  });
});
