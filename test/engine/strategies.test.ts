// The engine end to end over real HTTP: API → engine → sandbox clusters. Each test has an
// operator of its own (the demo operator, in a namespace of its own) and installs what it
// starts from, so it runs alone as well as after the others.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterDocument, CreateDeploymentDocument, RegisterOperatorDocument } from '../generated/graphql.ts';
import { DEMO_TEMPLATE, DEMO_VERSIONS, finishedDeployment, startFleet, workloadImage, type Fleet } from '../helpers/fleet.ts';

const CLUSTERS = ['dev-1', 'dev-2', 'stage-1'];

describe('rollout engine', () => {
  let f: Fleet;
  beforeAll(async () => {
    f = await startFleet({
      clusters: [
        { name: 'dev-1', environment: 'DEVELOPMENT' },
        { name: 'dev-2', environment: 'DEVELOPMENT' },
        { name: 'stage-1', environment: 'STAGING' },
        // Only for the test that deletes a cluster.
        { name: 'stage-9', environment: 'STAGING' },
      ],
      demo: false,
    });
  });
  afterAll(() => f?.stopAll());

  /** Registers the demo operator as `name`, installing into the namespace `<name>-system`. */
  const register = (name: string) =>
    f.ok(RegisterOperatorDocument, { input: { name, namespace: `${name}-system`, manifestUrlTemplate: DEMO_TEMPLATE, versions: DEMO_VERSIONS } });
  const deploy = async (
    operatorName: string,
    targetVersion: string,
    strategy: 'DIRECT' | 'ROLLING' | 'CANARY',
    strategyConfig?: Record<string, unknown>,
    extra: Record<string, unknown> = {},
  ) => {
    const r = await f.gql(CreateDeploymentDocument, {
      input: {
        operatorName,
        targetVersion,
        strategy,
        targetClusters: CLUSTERS,
        ...(strategyConfig ? { strategyConfig } : {}),
        ...extra,
      } as never,
    });
    if (!r.data) throw new Error(JSON.stringify(r.errors));
    return r.data.createDeployment.id;
  };
  const finished = (id: string) => finishedDeployment(f, id);
  const image = (cluster: string, operatorName: string) => workloadImage(f.sandbox.cluster(cluster), `${operatorName}-system`, 'demo-operator');
  const tag = (v: string) => `registry.example.com/demo-operator:${v.slice(1)}`;
  /** The operators a cluster runs, as the API lists them, of `operatorName` only (other tests' operators run there too). */
  const operatorsOn = async (cluster: string, operatorName: string) =>
    (await f.ok(ClusterDocument, { name: cluster })).cluster!.operators.filter((o) => o.operatorName === operatorName);
  /** Registers `name` and installs v1.0.0 with Direct on every cluster. */
  const atBaseline = async (name: string) => {
    await register(name);
    expect((await finished(await deploy(name, 'v1.0.0', 'DIRECT'))).status, `baseline of ${name}`).toBe('COMPLETED');
  };

  it('installs with Direct on every cluster, records releases and numbers events without gaps', async () => {
    await register('direct');
    const id = await deploy('direct', 'v1.0.0', 'DIRECT');
    const d = await finished(id);
    expect(d.status).toBe('COMPLETED');
    expect(d.successRate).toBe(1);
    expect(d.clusters.map((c) => [c.clusterName, c.status, c.releaseRevision])).toEqual([
      ['dev-1', 'COMPLETED', 1],
      ['dev-2', 'COMPLETED', 1],
      ['stage-1', 'COMPLETED', 1],
    ]);
    expect(d.events.map((e) => e.sequence)).toEqual(d.events.map((_e, i) => i + 1));
    expect(d.events.at(-1)).toMatchObject({ status: 'COMPLETED', clusterName: null, progress: 1 });
    for (const c of CLUSTERS) expect(image(c, 'direct')).toBe(tag('v1.0.0'));
    expect(await operatorsOn('dev-1', 'direct')).toEqual([{ operatorName: 'direct', version: 'v1.0.0' }]);
    const op = (await f.raw({ query: '{ operator(name: "direct") { currentVersion installedClusterCount } }' })).data.operator;
    expect(op).toEqual({ currentVersion: 'v1.0.0', installedClusterCount: 3 });
  });

  it('stops Rolling at the first failed cluster and rolls it back, leaving the others untouched', async () => {
    await atBaseline('rolling');
    const id = await deploy('rolling', 'v1.2.0', 'ROLLING', { rolling: { validationPeriod: 'PT0S' } });
    const d = await finished(id);
    expect(d.status).toBe('ROLLED_BACK');
    expect(d.errorMessage).toMatch(/dev-1.*crash/i);
    expect(d.clusters.map((c) => [c.clusterName, c.status])).toEqual([
      ['dev-1', 'ROLLED_BACK'],
      ['dev-2', 'SKIPPED'],
      ['stage-1', 'SKIPPED'],
    ]);
    for (const c of CLUSTERS) expect(image(c, 'rolling')).toBe(tag('v1.0.0'));
    // The restored release is healthy once the crash-looping pods are gone (not judged by them).
    const rolledBack = d.events.find((e) => e.clusterName === 'dev-1' && e.status === 'ROLLED_BACK');
    expect(rolledBack?.message).toMatch(/rolled back to v1\.0\.0/);
    expect(rolledBack?.message).not.toMatch(/after rollback/);
    // v1.2.0 never became a release on dev-1: v1.0.0 is recorded again, and the v1.0.0 it
    // replaces is superseded, not "rolled back" (nothing of it was).
    const releases = await f.app.db.prisma.release.findMany({ where: { operatorName: 'rolling', clusterName: 'dev-1' }, orderBy: { revision: 'asc' } });
    expect(releases.map((r) => [r.revision, r.version, r.status])).toEqual([
      [1, 'v1.0.0', 'SUPERSEDED'],
      [2, 'v1.0.0', 'DEPLOYED'],
    ]);
  });

  it('upgrades with Canary stage by stage, sampling health between stages', async () => {
    await atBaseline('canary');
    const id = await deploy('canary', 'v1.1.0', 'CANARY', {
      canary: { initialPercentage: 34, incrementPercentage: 66, evaluationPeriod: 'PT1S', healthCheckInterval: 'PT0.2S' },
    });
    const d = await finished(id);
    expect(d.status).toBe('COMPLETED');
    expect(d.events.filter((e) => /evaluating health/.test(e.message))).toHaveLength(2);
    for (const c of CLUSTERS) expect(image(c, 'canary')).toBe(tag('v1.1.0'));
    expect(await operatorsOn('stage-1', 'canary')).toEqual([{ operatorName: 'canary', version: 'v1.1.0' }]);
  });

  it('fails a never-ready version when the health timeout passes, naming what is not ready (FAILED without auto-rollback)', async () => {
    await atBaseline('never-ready');
    const id = await deploy('never-ready', 'v1.3.0', 'DIRECT', { direct: { parallelClusters: 3 } }, { autoRollbackEnabled: false });
    const d = await finished(id);
    expect(d.status).toBe('FAILED');
    expect(d.clusters.every((c) => c.status === 'FAILED')).toBe(true);
    expect(d.clusters[0]!.errorMessage).toMatch(/not healthy after .* s: .*Deployment\/never-ready-system\/demo-operator/);
    expect(d.errorMessage).toMatch(/automatic rollback is off|failed on/);
    for (const c of CLUSTERS) expect(image(c, 'never-ready')).toBe(tag('v1.3.0'));
  });

  it('counts the clusters an operator runs on, also after a cluster is deleted', async () => {
    await register('counted');
    const installed = async () => (await f.raw({ query: '{ operator(name: "counted") { installedClusterCount } }' })).data.operator.installedClusterCount;
    expect(await installed()).toBe(0);
    const d = await finished(await deploy('counted', 'v1.0.0', 'DIRECT', undefined, { targetClusters: ['dev-1', 'stage-9'] }));
    expect(d.status).toBe('COMPLETED');
    expect(await installed()).toBe(2);
    expect((await f.raw({ query: 'mutation { deleteCluster(name: "stage-9") }' })).data.deleteCluster).toBe(true);
    expect(await installed()).toBe(1);
  });
});
