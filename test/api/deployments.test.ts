// Deployment intent through the API, with the engine off (ENGINE_ENABLED=false): creation
// and its validation, approvals, cancellation before start, event replay. The engine's
// own behaviour is tested in test/rollout/.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ApprovalsDocument,
  ApproveDocument,
  CancelDeploymentDocument,
  CreateDeploymentDocument,
  DeploymentDocument,
  DeploymentsDocument,
  RegisterClusterDocument,
  RegisterOperatorDocument,
  RejectDocument,
  RollbackDeploymentDocument,
} from '../generated/graphql.ts';
import { startTestApp, subscribe, type TestApp } from '../helpers/app.ts';
import { DATABASE_KINDS } from '../helpers/databases.ts';
import { kubeconfigYaml } from '../helpers/kubeconfigs.ts';

/** Under test/fixtures (a SOURCE_FILE_ROOTS entry of the test app); never read: the engine is off. */
const FIXTURE_BUNDLES = pathToFileURL(path.resolve('test/fixtures/operators')).href;

describe.each(DATABASE_KINDS)('deployments API (%s)', (kind) => {
  let t: TestApp;
  let operatorToken: string;
  beforeAll(async () => {
    t = await startTestApp(kind, { ENGINE_ENABLED: 'false' });
    operatorToken = await t.token('olga', ['OPERATOR']);
    for (const [name, environment] of [
      ['dev-1', 'DEVELOPMENT'],
      ['dev-2', 'DEVELOPMENT'],
      ['stage-1', 'STAGING'],
      ['prod-1', 'PRODUCTION'],
    ] as const) {
      await t.ok(RegisterClusterDocument, { input: { name, environment, kubeconfig: kubeconfigYaml(), skipConnectivityCheck: true } });
    }
    for (const name of ['alpha', 'beta', 'gamma', 'delta']) await register(name);
  });
  afterAll(() => t?.stop());

  /** An operator of a test's own: one active deployment per operator, so tests that leave one active use their own. */
  const register = (name: string) =>
    t.ok(RegisterOperatorDocument, {
      input: {
        name,
        namespace: name,
        manifestUrlTemplate: `${FIXTURE_BUNDLES}/${name}/{version}.yaml`,
        versions: ['v1.0.0', 'v1.1.0'],
        currentVersion: 'v1.0.0',
      },
    });

  const create = (input: Record<string, unknown>, token = operatorToken) =>
    t.gql(
      CreateDeploymentDocument,
      { input: { operatorName: 'alpha', targetVersion: 'v1.1.0', strategy: 'CANARY', targetClusters: ['stage-1', 'dev-2', 'dev-1'], ...input } as never },
      token,
    );

  it('creates a deployment in PLANNING with its plan, resolved config and first event', async () => {
    const r = await create({ strategyConfig: { canary: { initialPercentage: 34, evaluationPeriod: 'PT1M' } } });
    expect(r.errors).toBeUndefined();
    const d = r.data!.createDeployment;
    expect(d).toMatchObject({
      operatorName: 'alpha',
      targetVersion: 'v1.1.0',
      previousVersion: 'v1.0.0',
      status: 'PLANNING',
      approvalStatus: 'NOT_REQUIRED',
      initiatedBy: 'olga',
    });
    expect(d.targetClusters).toEqual(['dev-1', 'dev-2', 'stage-1']);
    expect(d.clusters.map((c) => [c.clusterName, c.status, c.wave])).toEqual([
      ['dev-1', 'PENDING', 0],
      ['dev-2', 'PENDING', 0], // 34 % of 3 clusters rounds up to 2
      ['stage-1', 'PENDING', 1],
    ]);
    expect(d.strategyConfig).toMatchObject({
      strategy: 'CANARY',
      canary: { initialPercentage: 34, incrementPercentage: 20, evaluationPeriod: 'PT1M', successThreshold: 0.95 },
    });
    const full = await t.ok(DeploymentDocument, { id: d.id });
    expect(full.deployment?.events).toEqual([expect.objectContaining({ sequence: 1, status: 'PLANNING', clusterName: null })]);
  });

  it('refuses a second active deployment of the same operator with CONFLICT', async () => {
    await register('epsilon');
    expect((await create({ operatorName: 'epsilon' })).errors).toBeUndefined();
    const r = await create({ operatorName: 'epsilon' });
    expect(r.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(r.errors?.[0]?.message).toMatch(/already has an active deployment/);
  });

  it('lets exactly one of several concurrent creations for one operator through', async () => {
    const results = await Promise.all([1, 2, 3, 4].map(() => create({ operatorName: 'delta', strategy: 'DIRECT' })));
    expect(results.filter((r) => r.data?.createDeployment).length).toBe(1);
    expect(results.filter((r) => r.errors?.[0]?.extensions?.code === 'CONFLICT').length).toBe(3);
  });

  it.each([
    ['an unknown operator', { operatorName: 'nope' }, ['input.operatorName']],
    ['an unknown version', { operatorName: 'beta', targetVersion: 'v9.9.9' }, ['input.targetVersion']],
    ['an invalid version', { operatorName: 'beta', targetVersion: 'newest' }, ['input.targetVersion']],
    ['no clusters', { operatorName: 'beta', targetClusters: [] }, ['input.targetClusters']],
    ['an unknown cluster', { operatorName: 'beta', targetClusters: ['dev-1', 'mars-1'] }, ['input.targetClusters']],
    ['a cluster twice', { operatorName: 'beta', targetClusters: ['dev-1', 'dev-1'] }, ['input.targetClusters']],
    [
      'config of another strategy',
      { operatorName: 'beta', strategy: 'ROLLING', strategyConfig: { canary: { initialPercentage: 10 } } },
      ['input.strategyConfig.canary'],
    ],
    ['a threshold above 1', { operatorName: 'beta', strategyConfig: { canary: { successThreshold: 1.5 } } }, ['input.strategyConfig.canary.successThreshold']],
    [
      'a bad duration',
      { operatorName: 'beta', strategy: 'ROLLING', strategyConfig: { rolling: { validationPeriod: '5 minutes' } } },
      ['input.strategyConfig.rolling.validationPeriod'],
    ],
    ['values that are not an object', { operatorName: 'beta', helmValues: 'x' }, ['input.helmValues']],
  ])('rejects %s naming the field, creating nothing', async (_case, input, fields) => {
    const before = await t.app.db.prisma.deployment.count();
    const r = await create(input);
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0]?.extensions?.fields).toEqual(fields);
    expect(await t.app.db.prisma.deployment.count()).toBe(before);
  });

  it('lets a VIEWER read but not create', async () => {
    await register('zeta');
    const viewer = await t.token('vic', ['VIEWER']);
    expect((await create({ operatorName: 'zeta' }, viewer)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const { createDeployment } = (await create({ operatorName: 'zeta' })).data!;
    const list = await t.ok(DeploymentsDocument, { operatorName: 'zeta', first: 10 }, viewer);
    expect(list.deployments.edges.map((e) => e.node.id)).toEqual([createDeployment.id]);
  });

  describe('approvals', () => {
    // Each test gets a deployment of its own that targets PRODUCTION, created by olga.
    let waiting = 0;
    let created: { id: string; status: string; approvalStatus: string; targetClusters: string[] };
    let deploymentId: string;
    let approvalId: string;
    beforeEach(async () => {
      waiting += 1;
      await register(`waiting-${waiting}`);
      const r = await create({ operatorName: `waiting-${waiting}`, strategy: 'ROLLING', targetClusters: ['prod-1', 'dev-1'] });
      created = r.data!.createDeployment;
      deploymentId = created.id;
      approvalId = (await t.ok(ApprovalsDocument, { status: 'PENDING' })).approvals.find((a) => a.deploymentId === deploymentId)!.id;
    });

    it('holds a deployment that targets PRODUCTION in PENDING_APPROVAL with a pending approval', async () => {
      expect(created).toMatchObject({ status: 'PENDING_APPROVAL', approvalStatus: 'PENDING', targetClusters: ['dev-1', 'prod-1'] });
      const pending = await t.ok(ApprovalsDocument, { status: 'PENDING' });
      const approval = pending.approvals.find((a) => a.deploymentId === deploymentId)!;
      expect(approval).toMatchObject({ id: approvalId, kind: 'DEPLOYMENT', environment: 'PRODUCTION', requestedBy: 'olga' });
    });

    it('refuses self-approval, an OPERATOR, and an ENVIRONMENT_OWNER of another environment', async () => {
      const self = await t.gql(ApproveDocument, { id: approvalId }, await t.token('olga', ['ADMIN']));
      expect(self.errors?.[0]).toMatchObject({ message: 'nobody may approve or reject their own deployment', extensions: { code: 'FORBIDDEN' } });
      const operator = await t.gql(ApproveDocument, { id: approvalId }, await t.token('otto', ['OPERATOR']));
      expect(operator.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const stagingOwner = await t.gql(ApproveDocument, { id: approvalId }, await t.token('sam', ['ENVIRONMENT_OWNER'], { environments: ['STAGING'] }));
      expect(stagingOwner.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
      expect(stagingOwner.errors?.[0]?.message).toMatch(/ENVIRONMENT_OWNER of PRODUCTION/);
      expect((await t.ok(DeploymentDocument, { id: deploymentId })).deployment?.status).toBe('PENDING_APPROVAL');
    });

    it('releases the deployment to PLANNING when a PRODUCTION owner approves, and keeps the decision', async () => {
      const owner = await t.token('erin', ['ENVIRONMENT_OWNER'], { environments: ['PRODUCTION'] });
      const r = await t.gql(ApproveDocument, { id: approvalId, comment: 'change ticket 42' }, owner);
      expect(r.data?.approve).toMatchObject({ status: 'APPROVED', decidedBy: 'erin', comment: 'change ticket 42' });
      const d = (await t.ok(DeploymentDocument, { id: deploymentId })).deployment!;
      expect(d).toMatchObject({ status: 'PLANNING', approvalStatus: 'APPROVED', approvedBy: 'erin' });
      expect(d.events.at(-1)?.message).toMatch(/approved by erin: change ticket 42/);
      const again = await t.gql(ApproveDocument, { id: approvalId }, owner);
      expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    });

    it('ends a rejected deployment without running it', async () => {
      const r = await create({ operatorName: 'gamma', strategy: 'DIRECT', targetClusters: ['prod-1'] });
      const id = r.data!.createDeployment.id;
      const approval = (await t.ok(ApprovalsDocument, { status: 'PENDING' })).approvals.find((a) => a.deploymentId === id)!;
      const noReason = await t.gql(RejectDocument, { id: approval.id, reason: ' ' });
      expect(noReason.errors?.[0]?.extensions?.fields).toEqual(['reason']);
      const rejected = await t.gql(RejectDocument, { id: approval.id, reason: 'freeze week' });
      expect(rejected.data?.reject).toMatchObject({ status: 'REJECTED', decidedBy: 'admin', comment: 'freeze week' });
      const d = (await t.ok(DeploymentDocument, { id })).deployment!;
      expect(d).toMatchObject({ status: 'CANCELLED', approvalStatus: 'REJECTED', errorMessage: 'rejected by admin: freeze week', startedAt: null });
      expect(d.clusters.every((c) => c.status === 'PENDING')).toBe(true);
    });
  });

  it('cancels a deployment that has not started, at once, and streams its events to a late subscriber', async () => {
    await register('eta');
    const id = (await create({ operatorName: 'eta' })).data!.createDeployment.id;
    expect((await t.ok(DeploymentDocument, { id })).deployment?.status).toBe('PLANNING');
    const r = await t.gql(CancelDeploymentDocument, { id });
    expect(r.data?.cancelDeployment).toMatchObject({ status: 'CANCELLED' });
    expect((await t.gql(CancelDeploymentDocument, { id })).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect((await t.gql(RollbackDeploymentDocument, { id })).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const sub = subscribe<{ deploymentProgress: { sequence: number; status: string } }>(
      t.wsClient(),
      'subscription($id: ID!) { deploymentProgress(deploymentId: $id) { sequence status } }',
      { id },
    );
    await sub.until(() => sub.completed);
    expect(sub.events.map((e) => e.data?.deploymentProgress)).toEqual([
      { sequence: 1, status: 'PLANNING' },
      { sequence: 2, status: 'CANCELLED' },
    ]);
    const after = subscribe<{ deploymentProgress: { sequence: number } }>(
      t.wsClient(),
      'subscription($id: ID!) { deploymentProgress(deploymentId: $id, afterSequence: 1) { sequence } }',
      { id },
    );
    await after.until(() => after.completed);
    expect(after.events.map((e) => e.data?.deploymentProgress.sequence)).toEqual([2]);
  });

  it('answers NOT_FOUND for the progress of a deployment that does not exist', async () => {
    const sub = subscribe(t.wsClient(), 'subscription { deploymentProgress(deploymentId: "nope") { sequence } }');
    await sub.until(() => sub.completed || sub.events.length > 0);
    const err = sub.events[0]?.errors?.[0] ?? (sub.error as Array<{ extensions?: { code?: string } }>)?.[0];
    expect(err?.extensions?.code).toBe('NOT_FOUND');
  });
});
