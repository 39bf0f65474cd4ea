// Canary failing at a stage, cancellation, manual rollback, approvals, limits, and an
// unreachable cluster — through the API, with the engine driving a sandbox fleet.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApprovalsDocument,
  ApproveDocument,
  CancelDeploymentDocument,
  CreateDeploymentDocument,
  DeploymentDocument,
  RegisterOperatorDocument,
  RollbackDeploymentDocument,
} from '../generated/graphql.ts';
import { DEMO_TEMPLATE, DEMO_VERSIONS, finishedDeployment, startFleet, workloadImage, type Fleet } from '../helpers/fleet.ts';
import { eventually } from '../helpers/eventually.ts';

const CLUSTERS = ['dev-1', 'dev-2', 'stage-1', 'stage-2', 'prod-1'];

describe('rollout control', () => {
  let f: Fleet;
  beforeAll(async () => {
    f = await startFleet({
      clusters: [
        { name: 'dev-1', environment: 'DEVELOPMENT' },
        { name: 'dev-2', environment: 'DEVELOPMENT' },
        { name: 'stage-1', environment: 'STAGING' },
        { name: 'stage-2', environment: 'STAGING' },
        { name: 'prod-1', environment: 'PRODUCTION' },
      ],
      env: { MAX_CONCURRENT_DEPLOYMENTS: '1' },
    });
    for (const name of ['demo-b', 'demo-c']) {
      await f.ok(RegisterOperatorDocument, { input: { name, namespace: `${name}-system`, manifestUrlTemplate: DEMO_TEMPLATE, versions: DEMO_VERSIONS } });
    }
  });
  afterAll(() => f?.stopAll());

  const create = async (input: Record<string, unknown>) => {
    const r = await f.gql(CreateDeploymentDocument, {
      input: { operatorName: 'demo', strategy: 'DIRECT', targetClusters: CLUSTERS.slice(0, 4), ...input } as never,
    });
    if (!r.data) throw new Error(JSON.stringify(r.errors));
    return r.data.createDeployment.id;
  };
  const get = async (id: string) => (await f.ok(DeploymentDocument, { id })).deployment!;
  const finished = (id: string) => finishedDeployment(f, id);
  const image = (cluster: string, ns = 'demo-system') => workloadImage(f.sandbox.cluster(cluster), ns, 'demo-operator');
  const tag = (v: string) => `registry.example.com/demo-operator:${v.slice(1)}`;

  it('installs v1.0.0 everywhere but production (baseline)', async () => {
    const d = await finished(await create({ targetVersion: 'v1.0.0' }));
    expect(d.status).toBe('COMPLETED');
  });

  it('fails a canary stage whose health samples fall below the threshold and restores the previous version on every changed cluster, and nothing else', async () => {
    const id = await create({
      targetVersion: 'v1.1.0',
      strategy: 'CANARY',
      strategyConfig: {
        canary: { initialPercentage: 25, incrementPercentage: 25, evaluationPeriod: 'PT3S', healthCheckInterval: 'PT0.2S', successThreshold: 0.9 },
      },
    });
    // Stage 2 adds dev-2: once it runs v1.1.0, its controller starts crash-looping.
    await eventually(async () => (await get(id)).clusters.find((c) => c.clusterName === 'dev-2')?.status === 'COMPLETED', 60_000, 'dev-2 deployed');
    const pod = structuredClone(f.sandbox.cluster('dev-2').objects.list('v1', 'Pod', 'demo-system')[0]!);
    pod.metadata.annotations = { ...pod.metadata.annotations, 'sandbox.operator-manager.io/behavior': 'crashloop' };
    f.sandbox.cluster('dev-2').objects.put(pod);
    const d = await finished(id);
    expect(d.status).toBe('ROLLED_BACK');
    expect(d.errorMessage).toMatch(/stage 2.*evaluate.*below the success threshold/);
    expect(d.clusters.map((c) => [c.clusterName, c.status])).toEqual([
      ['dev-1', 'ROLLED_BACK'],
      ['dev-2', 'ROLLED_BACK'],
      ['stage-1', 'SKIPPED'],
      ['stage-2', 'SKIPPED'],
    ]);
    for (const c of CLUSTERS.slice(0, 4)) expect(image(c)).toBe(tag('v1.0.0'));
  });

  it('cancels a rolling deployment mid-way: no further cluster starts, the finished ones stay', async () => {
    const id = await create({
      targetVersion: 'v1.1.0',
      strategy: 'ROLLING',
      strategyConfig: { rolling: { validationPeriod: 'PT0S', pauseBetweenClusters: 'PT5S' } },
    });
    await eventually(async () => (await get(id)).clusters[0]?.status === 'COMPLETED', 60_000, 'first cluster done');
    const r = await f.gql(CancelDeploymentDocument, { id });
    // The engine may act on the request before the mutation reads the deployment back.
    expect([r.data?.cancelDeployment.requestedAction, r.data?.cancelDeployment.status]).toEqual(expect.arrayContaining([expect.stringMatching(/^CANCEL/)]));
    const d = await finished(id);
    expect(d.status).toBe('CANCELLED');
    expect(d.clusters.map((c) => c.status)).toEqual(['COMPLETED', 'SKIPPED', 'SKIPPED', 'SKIPPED']);
    expect(image('dev-1')).toBe(tag('v1.1.0'));
    expect(image('dev-2')).toBe(tag('v1.0.0'));
  });

  it('rolls a COMPLETED deployment back on request (ADMIN only), to each cluster’s previous release', async () => {
    const id = await create({ targetVersion: 'v1.1.0' });
    expect((await finished(id)).status).toBe('COMPLETED');
    const denied = await f.gql(RollbackDeploymentDocument, { id, reason: 'x' }, await f.token('olga', ['OPERATOR']));
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const r = await f.gql(RollbackDeploymentDocument, { id, reason: 'metrics regression' });
    expect(r.data?.rollbackDeployment).toMatchObject({ status: 'ROLLING_BACK', rollbackReason: 'metrics regression' });
    const d = await finished(id);
    expect(d.status).toBe('ROLLED_BACK');
    // dev-1 had v1.1.0 from the cancelled deployment before this one: that is its previous release.
    expect(image('dev-1')).toBe(tag('v1.1.0'));
    for (const c of ['dev-2', 'stage-1', 'stage-2']) expect(image(c)).toBe(tag('v1.0.0'));
  });

  it('runs one deployment at a time with MAX_CONCURRENT_DEPLOYMENTS=1; the next waits in PLANNING', async () => {
    const slow = await f.gql(CreateDeploymentDocument, {
      input: {
        operatorName: 'demo-b',
        targetVersion: 'v1.0.0',
        strategy: 'ROLLING',
        targetClusters: ['dev-1', 'dev-2'],
        strategyConfig: { rolling: { validationPeriod: 'PT2S' } },
      },
    });
    const waiting = await f.gql(CreateDeploymentDocument, {
      input: { operatorName: 'demo-c', targetVersion: 'v1.0.0', strategy: 'DIRECT', targetClusters: ['dev-1'] },
    });
    const a = slow.data!.createDeployment.id;
    const b = waiting.data!.createDeployment.id;
    await eventually(async () => (await get(a)).status === 'VALIDATING', 30_000, 'first validating');
    expect((await get(b)).status).toBe('PLANNING');
    expect((await finished(a)).status).toBe('COMPLETED');
    expect((await finished(b)).status).toBe('COMPLETED');
    expect((await get(b)).startedAt! >= (await get(a)).completedAt!).toBe(true);
  });

  it('waits for approval before touching PRODUCTION, then deploys once approved', async () => {
    const id = await create({ operatorName: 'demo-b', targetVersion: 'v1.1.0', targetClusters: ['prod-1'] });
    await new Promise((r) => setTimeout(r, 1000));
    expect((await get(id)).status).toBe('PENDING_APPROVAL');
    expect(image('prod-1', 'demo-b-system')).toBeUndefined();
    const approval = (await f.ok(ApprovalsDocument, { status: 'PENDING' })).approvals.find((a) => a.deploymentId === id)!;
    const owner = await f.token('erin', ['ENVIRONMENT_OWNER'], { environments: ['PRODUCTION'] });
    await f.ok(ApproveDocument, { id: approval.id }, owner);
    expect((await finished(id)).status).toBe('COMPLETED');
    expect(image('prod-1', 'demo-b-system')).toBe(tag('v1.1.0'));
  });

  it('fails only the step of an unreachable cluster', async () => {
    await f.sandbox.cluster('stage-2').setFaults({ unreachable: true });
    try {
      const id = await create({ operatorName: 'demo-c', targetVersion: 'v1.1.0', targetClusters: ['dev-2', 'stage-2'], autoRollbackEnabled: false });
      const d = await finished(id);
      expect(d.status).toBe('FAILED');
      const byName = Object.fromEntries(d.clusters.map((c) => [c.clusterName, c]));
      expect(byName['dev-2']!.status).toBe('COMPLETED');
      expect(byName['stage-2']!.status).toBe('FAILED');
      expect(byName['stage-2']!.errorMessage).toMatch(/not reachable/);
    } finally {
      await f.sandbox.cluster('stage-2').setFaults({ unreachable: false });
    }
  });
});
