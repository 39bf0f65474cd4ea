// Canary failing at a stage, cancellation, manual rollback, approvals, limits, and an
// unreachable cluster — through the API, with the engine driving a sandbox fleet. Each test
// has operators of its own (the demo operator, in a namespace of their own), so it runs
// alone as well as after the others.
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
import { eventually } from '../helpers/eventually.ts';
import { DEMO_TEMPLATE, DEMO_VERSIONS, finishedDeployment, startFleet, workloadImage, type Fleet } from '../helpers/fleet.ts';

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
      demo: false,
    });
  });
  afterAll(() => f?.stopAll());

  /** Registers the demo operator as `name`, installing into the namespace `<name>-system`. */
  const register = (name: string) =>
    f.ok(RegisterOperatorDocument, { input: { name, namespace: `${name}-system`, manifestUrlTemplate: DEMO_TEMPLATE, versions: DEMO_VERSIONS } });
  const create = async (input: { operatorName: string } & Record<string, unknown>) => {
    const r = await f.gql(CreateDeploymentDocument, {
      input: { strategy: 'DIRECT', targetClusters: CLUSTERS.slice(0, 4), ...input } as never,
    });
    if (!r.data) throw new Error(JSON.stringify(r.errors));
    return r.data.createDeployment.id;
  };
  const get = async (id: string) => (await f.ok(DeploymentDocument, { id })).deployment!;
  const finished = (id: string) => finishedDeployment(f, id);
  const image = (cluster: string, operator: string) => workloadImage(f.sandbox.cluster(cluster), `${operator}-system`, 'demo-operator');
  const tag = (v: string) => `registry.example.com/demo-operator:${v.slice(1)}`;
  /** Registers `name` and installs v1.0.0 on the four clusters outside production: where most tests start. */
  const atBaseline = async (name: string) => {
    await register(name);
    const d = await finished(await create({ operatorName: name, targetVersion: 'v1.0.0' }));
    expect(d.status, `baseline of ${name}`).toBe('COMPLETED');
    for (const c of CLUSTERS.slice(0, 4)) expect(image(c, name)).toBe(tag('v1.0.0'));
  };

  it('fails a canary stage whose health samples fall below the threshold and restores the previous version on every changed cluster, and nothing else', async () => {
    await atBaseline('canary');
    const id = await create({
      operatorName: 'canary',
      targetVersion: 'v1.1.0',
      strategy: 'CANARY',
      strategyConfig: {
        canary: { initialPercentage: 25, incrementPercentage: 25, evaluationPeriod: 'PT3S', healthCheckInterval: 'PT0.2S', successThreshold: 0.9 },
      },
    });
    // Stage 2 adds dev-2: once it runs v1.1.0, its controller starts crash-looping.
    await eventually(async () => (await get(id)).clusters.find((c) => c.clusterName === 'dev-2')?.status === 'COMPLETED', 60_000, 'dev-2 deployed');
    const pod = structuredClone(f.sandbox.cluster('dev-2').objects.list('v1', 'Pod', 'canary-system')[0]!);
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
    for (const c of CLUSTERS.slice(0, 4)) expect(image(c, 'canary')).toBe(tag('v1.0.0'));
  });

  it('cancels a rolling deployment mid-way: no further cluster starts, the finished ones stay', async () => {
    await atBaseline('cancel');
    const id = await create({
      operatorName: 'cancel',
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
    expect(image('dev-1', 'cancel')).toBe(tag('v1.1.0'));
    for (const c of CLUSTERS.slice(1, 4)) expect(image(c, 'cancel')).toBe(tag('v1.0.0'));
  });

  it('rolls a COMPLETED deployment back on request (ADMIN only), to each cluster’s previous release', async () => {
    await atBaseline('rollback');
    // dev-1 alone gets v1.1.0 first: for the deployment below, that is dev-1's previous release.
    expect((await finished(await create({ operatorName: 'rollback', targetVersion: 'v1.1.0', targetClusters: ['dev-1'] }))).status).toBe('COMPLETED');
    const id = await create({ operatorName: 'rollback', targetVersion: 'v1.1.0' });
    expect((await finished(id)).status).toBe('COMPLETED');
    const denied = await f.gql(RollbackDeploymentDocument, { id, reason: 'x' }, await f.token('olga', ['OPERATOR']));
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const r = await f.gql(RollbackDeploymentDocument, { id, reason: 'metrics regression' });
    expect(r.data?.rollbackDeployment).toMatchObject({ status: 'ROLLING_BACK', rollbackReason: 'metrics regression' });
    const d = await finished(id);
    expect(d.status).toBe('ROLLED_BACK');
    expect(image('dev-1', 'rollback')).toBe(tag('v1.1.0'));
    for (const c of ['dev-2', 'stage-1', 'stage-2']) expect(image(c, 'rollback')).toBe(tag('v1.0.0'));
  });

  it('runs one deployment at a time with MAX_CONCURRENT_DEPLOYMENTS=1; the next waits in PLANNING', async () => {
    await register('slow');
    await register('next');
    const a = await create({
      operatorName: 'slow',
      targetVersion: 'v1.0.0',
      strategy: 'ROLLING',
      targetClusters: ['dev-1', 'dev-2'],
      strategyConfig: { rolling: { validationPeriod: 'PT2S' } },
    });
    const b = await create({ operatorName: 'next', targetVersion: 'v1.0.0', targetClusters: ['dev-1'] });
    await eventually(async () => (await get(a)).status === 'VALIDATING', 30_000, 'first validating');
    expect((await get(b)).status).toBe('PLANNING');
    expect((await finished(a)).status).toBe('COMPLETED');
    expect((await finished(b)).status).toBe('COMPLETED');
    expect((await get(b)).startedAt! >= (await get(a)).completedAt!).toBe(true);
  });

  it('waits for approval before touching PRODUCTION, then deploys once approved', async () => {
    await register('approval');
    await register('after-approval');
    const prod = f.sandbox.cluster('prod-1');
    const prodRequests = prod.stats.requests;
    const id = await create({ operatorName: 'approval', targetVersion: 'v1.1.0', targetClusters: ['prod-1'] });
    // A deployment created after it, free to run: the engine claims the oldest drivable work first,
    // one deployment at a time here, so once this one has completed the engine has passed the waiting one over.
    const later = await create({ operatorName: 'after-approval', targetVersion: 'v1.0.0', targetClusters: ['dev-1'] });
    expect((await finished(later)).status).toBe('COMPLETED');
    const waiting = await get(id);
    expect(waiting).toMatchObject({ status: 'PENDING_APPROVAL', approvalStatus: 'PENDING', startedAt: null });
    expect(waiting.clusters.map((c) => [c.clusterName, c.status])).toEqual([['prod-1', 'PENDING']]);
    expect(waiting.events.map((e) => e.status)).toEqual(['PENDING_APPROVAL']);
    // Nothing asked prod-1 anything, let alone changed it.
    expect(prod.stats.requests).toBe(prodRequests);
    expect(image('prod-1', 'approval')).toBeUndefined();

    const approval = (await f.ok(ApprovalsDocument, { status: 'PENDING' })).approvals.find((a) => a.deploymentId === id)!;
    const owner = await f.token('erin', ['ENVIRONMENT_OWNER'], { environments: ['PRODUCTION'] });
    await f.ok(ApproveDocument, { id: approval.id }, owner);
    expect((await finished(id)).status).toBe('COMPLETED');
    expect(image('prod-1', 'approval')).toBe(tag('v1.1.0'));
  });

  it('fails only the step of an unreachable cluster', async () => {
    await register('unreachable');
    await f.sandbox.cluster('stage-2').setFaults({ unreachable: true });
    try {
      const id = await create({ operatorName: 'unreachable', targetVersion: 'v1.1.0', targetClusters: ['dev-2', 'stage-2'], autoRollbackEnabled: false });
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
