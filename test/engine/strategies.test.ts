// The engine end to end over real HTTP: API → engine → sandbox clusters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterDocument, CreateDeploymentDocument } from '../generated/graphql.ts';
import { finishedDeployment, startFleet, workloadImage, type Fleet } from '../helpers/fleet.ts';

describe('rollout engine', () => {
  let f: Fleet;
  beforeAll(async () => {
    f = await startFleet({
      clusters: [
        { name: 'dev-1', environment: 'DEVELOPMENT' },
        { name: 'dev-2', environment: 'DEVELOPMENT' },
        { name: 'stage-1', environment: 'STAGING' },
      ],
    });
  });
  afterAll(() => f?.stopAll());

  const deploy = async (
    targetVersion: string,
    strategy: 'DIRECT' | 'ROLLING' | 'CANARY',
    strategyConfig?: Record<string, unknown>,
    extra: Record<string, unknown> = {},
  ) => {
    const r = await f.gql(CreateDeploymentDocument, {
      input: {
        operatorName: 'demo',
        targetVersion,
        strategy,
        targetClusters: ['dev-1', 'dev-2', 'stage-1'],
        ...(strategyConfig ? { strategyConfig } : {}),
        ...extra,
      } as never,
    });
    if (!r.data) throw new Error(JSON.stringify(r.errors));
    return r.data.createDeployment.id;
  };
  const finished = (id: string) => finishedDeployment(f, id);
  const image = (cluster: string) => workloadImage(f.sandbox.cluster(cluster), 'demo-system', 'demo-operator');

  it('installs with Direct on every cluster, records releases and numbers events without gaps', async () => {
    const id = await deploy('v1.0.0', 'DIRECT');
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
    for (const c of ['dev-1', 'dev-2', 'stage-1']) expect(image(c)).toBe('registry.example.com/demo-operator:1.0.0');
    const cluster = (await f.ok(ClusterDocument, { name: 'dev-1' })).cluster!;
    expect(cluster.operators).toEqual([{ operatorName: 'demo', version: 'v1.0.0' }]);
    const op = (await f.raw({ query: '{ operator(name: "demo") { currentVersion installedClusterCount } }' })).data.operator;
    expect(op).toEqual({ currentVersion: 'v1.0.0', installedClusterCount: 3 });
  });

  it('stops Rolling at the first failed cluster and rolls it back, leaving the others untouched', async () => {
    const id = await deploy('v1.2.0', 'ROLLING', { rolling: { validationPeriod: 'PT0S' } });
    const d = await finished(id);
    expect(d.status).toBe('ROLLED_BACK');
    expect(d.errorMessage).toMatch(/dev-1.*crash/i);
    expect(d.clusters.map((c) => [c.clusterName, c.status])).toEqual([
      ['dev-1', 'ROLLED_BACK'],
      ['dev-2', 'SKIPPED'],
      ['stage-1', 'SKIPPED'],
    ]);
    for (const c of ['dev-1', 'dev-2', 'stage-1']) expect(image(c)).toBe('registry.example.com/demo-operator:1.0.0');
    // The restored release is healthy once the crash-looping pods are gone (not judged by them).
    const rolledBack = d.events.find((e) => e.clusterName === 'dev-1' && e.status === 'ROLLED_BACK');
    expect(rolledBack?.message).toMatch(/rolled back to v1\.0\.0/);
    expect(rolledBack?.message).not.toMatch(/after rollback/);
    // v1.2.0 never became a release on dev-1: v1.0.0 is recorded again, and the v1.0.0 it
    // replaces is superseded, not "rolled back" (nothing of it was).
    const releases = await f.app.db.prisma.release.findMany({ where: { operatorName: 'demo', clusterName: 'dev-1' }, orderBy: { revision: 'asc' } });
    expect(releases.map((r) => [r.revision, r.version, r.status])).toEqual([
      [1, 'v1.0.0', 'SUPERSEDED'],
      [2, 'v1.0.0', 'DEPLOYED'],
    ]);
  });

  it('upgrades with Canary stage by stage, sampling health between stages', async () => {
    const id = await deploy('v1.1.0', 'CANARY', {
      canary: { initialPercentage: 34, incrementPercentage: 66, evaluationPeriod: 'PT1S', healthCheckInterval: 'PT0.2S' },
    });
    const d = await finished(id);
    expect(d.status).toBe('COMPLETED');
    expect(d.events.filter((e) => /evaluating health/.test(e.message))).toHaveLength(2);
    for (const c of ['dev-1', 'dev-2', 'stage-1']) expect(image(c)).toBe('registry.example.com/demo-operator:1.1.0');
    const cluster = (await f.ok(ClusterDocument, { name: 'stage-1' })).cluster!;
    expect(cluster.operators).toEqual([{ operatorName: 'demo', version: 'v1.1.0' }]);
  });

  it('fails a never-ready version when the health timeout passes, naming what is not ready (FAILED without auto-rollback)', async () => {
    const id = await deploy('v1.3.0', 'DIRECT', { direct: { parallelClusters: 3 } }, { autoRollbackEnabled: false });
    const d = await finished(id);
    expect(d.status).toBe('FAILED');
    expect(d.clusters.every((c) => c.status === 'FAILED')).toBe(true);
    expect(d.clusters[0]!.errorMessage).toMatch(/not healthy after .* s: .*Deployment\/demo-system\/demo-operator/);
    expect(d.errorMessage).toMatch(/automatic rollback is off|failed on/);
    for (const c of ['dev-1', 'dev-2', 'stage-1']) expect(image(c)).toBe('registry.example.com/demo-operator:1.3.0');
  });

  it('counts the clusters an operator runs on, also after a cluster is deleted', async () => {
    const before = (await f.raw({ query: '{ operator(name: "demo") { installedClusterCount } }' })).data.operator.installedClusterCount;
    expect(before).toBe(3);
    expect((await f.raw({ query: 'mutation { deleteCluster(name: "stage-1") }' })).data.deleteCluster).toBe(true);
    expect((await f.raw({ query: '{ operator(name: "demo") { installedClusterCount } }' })).data.operator.installedClusterCount).toBe(2);
  });
});
