// Blue-Green end to end over real HTTP: API → engine → sandbox clusters. The test operator
// (test/fixtures/operators/bg) has a controller Deployment, a webhook Service and a
// ValidatingWebhookConfiguration, so a switch is visible as replicas and as where the one
// live webhook configuration points.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { mintToken } from '../../src/auth/tokens.ts';
import { loadConfig } from '../../src/config/index.ts';
import type { KubeObject } from '../../src/kube/types.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import {
  CancelDeploymentDocument,
  CreateDeploymentDocument,
  DeploymentDocument,
  PromoteDeploymentDocument,
  RegisterClusterDocument,
  RegisterOperatorDocument,
  RollbackDeploymentDocument,
} from '../generated/graphql.ts';
import { gqlAt, TEST_JWT_SECRET, testAppEnv } from '../helpers/app.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../helpers/databases.ts';
import { FAST_ENGINE_ENV, startFleet, type Fleet } from '../helpers/fleet.ts';
import { eventually } from '../helpers/eventually.ts';

const BG_TEMPLATE = `${pathToFileURL(path.resolve('test/fixtures/operators/bg')).toString()}/{version}.yaml`;
const BG_VERSIONS = ['v1.0.0', 'v1.1.0', 'v1.2.0'];
const BLUE = 'bg-system';
const GREEN = 'bg-system-green';
const TERMINAL = ['COMPLETED', 'FAILED', 'ROLLED_BACK', 'CANCELLED'];
/** The product's server-side-apply entry in an object's managedFields: it changes only when the product applies the object. */
const appliedBy = (obj: KubeObject) =>
  (obj.metadata.managedFields as Array<{ manager: string; operation: string }> | undefined)?.find(
    (m) => m.manager === 'operator-manager' && m.operation === 'Apply',
  );

describe('Blue-Green rollouts', () => {
  // A cluster of its own per test (the test operator's cluster-scoped objects are shared by
  // its colors, so two tests cannot share a cluster), and each test installs what it starts from.
  let f: Fleet;
  beforeAll(async () => {
    f = await startFleet({
      clusters: ['switch-1', 'back-1', 'never-1', 'manual-1', 'cancel-1', 'later-1', 'later-2'].map((name) => ({ name, environment: 'DEVELOPMENT' as const })),
      demo: false,
    });
    await f.ok(RegisterOperatorDocument, { input: { name: 'bg', namespace: BLUE, manifestUrlTemplate: BG_TEMPLATE, versions: BG_VERSIONS } });
  });
  afterAll(() => f?.stopAll());

  const create = async (cluster: string | string[], targetVersion: string, strategy: 'DIRECT' | 'BLUE_GREEN', blueGreen?: Record<string, unknown>) => {
    const r = await f.gql(CreateDeploymentDocument, {
      input: {
        operatorName: 'bg',
        targetVersion,
        strategy,
        targetClusters: typeof cluster === 'string' ? [cluster] : cluster,
        ...(blueGreen ? { strategyConfig: { blueGreen } } : {}),
      } as never,
    });
    if (!r.data) throw new Error(JSON.stringify(r.errors));
    return r.data.createDeployment.id;
  };
  const get = async (id: string) => (await f.ok(DeploymentDocument, { id })).deployment!;
  const finished = (id: string) =>
    eventually(async () => ((d) => (TERMINAL.includes(d.status) ? d : undefined))(await get(id)), 60_000, `deployment ${id} to finish`);
  const objects = (cluster: string) => f.sandbox.cluster(cluster).objects;
  const controller = (cluster: string, ns: string) => objects(cluster).get('apps/v1', 'Deployment', ns, 'bg-operator');
  const image = (d: KubeObject | undefined) => d?.spec.template.spec.containers[0].image as string | undefined;
  const webhookConfiguration = (cluster: string) =>
    objects(cluster).get('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', undefined, 'bg-operator') as
      | (KubeObject & { webhooks: Array<{ clientConfig: { service: { namespace: string } } }> })
      | undefined;
  const webhookNamespace = (cluster: string) => webhookConfiguration(cluster)!.webhooks[0]!.clientConfig.service.namespace;
  const replicaSets = (cluster: string, ns: string) =>
    objects(cluster)
      .list('apps/v1', 'ReplicaSet', ns)
      .map((rs) => `${rs.metadata.name}@${rs.metadata.uid}`)
      .sort();
  const installed = async (cluster: string) =>
    (await f.raw({ query: `{ cluster(name: "${cluster}") { operators { operatorName version namespace } } }` })).data.cluster.operators as Array<{
      version: string;
      namespace: string;
    }>;
  /** v1.0.0 installed the plain way: blue (the uncolored installation) serves. */
  const blueServing = async (cluster: string) => {
    expect((await finished(await create(cluster, 'v1.0.0', 'DIRECT'))).status).toBe('COMPLETED');
    expect(webhookNamespace(cluster)).toBe(BLUE);
  };
  /** Then v1.1.0 by Blue-Green: green serves, blue is kept scaled down for an hour. */
  const greenServing = async (cluster: string) => {
    await blueServing(cluster);
    const d = await finished(
      await create(cluster, 'v1.1.0', 'BLUE_GREEN', { validationPeriod: 'PT0S', switchMonitoringPeriod: 'PT0S', retentionPeriod: 'PT1H' }),
    );
    expect(d.status).toBe('COMPLETED');
    expect(webhookNamespace(cluster)).toBe(GREEN);
    expect(controller(cluster, BLUE)!.spec.replicas).toBe(0);
  };
  /** While the deployment's driver sleeps until woken: how many times it has gone to sleep (RolloutEngine.waitState); else 0. */
  const asleep = (id: string) => {
    const state = f.app.engine!.waitState(id);
    return state.waiting ? state.waitsBegun : 0;
  };

  it('installs the next color beside the serving one, validates it, then switches replicas and the webhook configuration to it', async () => {
    await blueServing('switch-1');
    const id = await create('switch-1', 'v1.1.0', 'BLUE_GREEN', { validationPeriod: 'PT2S', switchMonitoringPeriod: 'PT0.5S', retentionPeriod: 'PT1H' });

    // Validation: both colors run; blue (the uncolored v1.0.0 installation) still serves.
    await eventually(async () => (await get(id)).events.some((e) => /validating for/.test(e.message)), 30_000, 'validation');
    expect(image(controller('switch-1', GREEN))).toBe('registry.example.com/bg-operator:1.1.0');
    expect(controller('switch-1', GREEN)!.status.readyReplicas).toBe(1);
    expect(image(controller('switch-1', BLUE))).toBe('registry.example.com/bg-operator:1.0.0');
    expect(controller('switch-1', BLUE)!.spec.replicas).toBe(1);
    expect(webhookNamespace('switch-1')).toBe(BLUE);
    expect(await installed('switch-1')).toEqual([{ operatorName: 'bg', version: 'v1.0.0', namespace: BLUE }]);

    const d = await finished(id);
    expect(d.status).toBe('COMPLETED');
    expect(d.clusters[0]).toMatchObject({ clusterName: 'switch-1', status: 'COMPLETED', releaseRevision: 2, previousRevision: 1 });
    // Green serves: the one webhook configuration calls its service, blue is scaled down and kept.
    expect(webhookNamespace('switch-1')).toBe(GREEN);
    expect(controller('switch-1', BLUE)!.spec.replicas).toBe(0);
    expect(controller('switch-1', GREEN)!.spec.replicas).toBe(1);
    expect(objects('switch-1').get('rbac.authorization.k8s.io/v1', 'ClusterRole', undefined, 'bg-operator-green')).toBeDefined();
    expect(await installed('switch-1')).toEqual([{ operatorName: 'bg', version: 'v1.1.0', namespace: GREEN }]);
    expect(d.events.map((e) => e.message).join('\n')).toMatch(/switched to green \(v1\.1\.0, revision 2\).*blue is kept scaled down until/);
  });

  it('switches back at once when the new color fails during monitoring: the old color serves again with its saved replicas, nothing redeployed', async () => {
    await blueServing('back-1');
    // Someone scaled the serving controller to 2: a switch back must restore 2, not the manifests' 1.
    const scaled = structuredClone(controller('back-1', BLUE)!);
    scaled.spec.replicas = 2;
    objects('back-1').put(scaled);
    await eventually(async () => controller('back-1', BLUE)!.status.readyReplicas === 2, 10_000, 'two blue replicas');
    const before = controller('back-1', BLUE)!;
    const blueReplicaSets = replicaSets('back-1', BLUE);

    const id = await create('back-1', 'v1.1.0', 'BLUE_GREEN', { validationPeriod: 'PT0.5S', switchMonitoringPeriod: 'PT6S', retentionPeriod: 'PT1H' });
    await eventually(async () => (await get(id)).clusters[0]!.status === 'COMPLETED', 30_000, 'the switch to green');
    expect(controller('back-1', BLUE)!.spec.replicas).toBe(0);
    expect(webhookNamespace('back-1')).toBe(GREEN);
    // Green starts crash-looping while it is monitored.
    const pod = structuredClone(objects('back-1').list('v1', 'Pod', GREEN)[0]!);
    pod.metadata.annotations = { ...pod.metadata.annotations, 'sandbox.operator-manager.io/behavior': 'crashloop' };
    objects('back-1').put(pod);

    const d = await finished(id);
    expect(d.status).toBe('ROLLED_BACK');
    expect(d.errorMessage).toMatch(/monitor failed on back-1.*switched back/);
    expect(d.clusters[0]).toMatchObject({ status: 'ROLLED_BACK' });
    expect(d.events.map((e) => e.message).join('\n')).toMatch(/switched back to blue \(v1\.0\.0\) without redeploying — service restored/);
    // Blue serves again with the two replicas it had, from the same ReplicaSet: only scaled, never re-applied.
    const after = controller('back-1', BLUE)!;
    expect(after.spec.replicas).toBe(2);
    expect(after.metadata.generation).toBe(before.metadata.generation! + 2); // scaled down, scaled up
    expect(appliedBy(after)).toEqual(appliedBy(before)); // no apply since: the product's entry in managedFields is as it was
    expect(replicaSets('back-1', BLUE)).toEqual(blueReplicaSets);
    expect(webhookNamespace('back-1')).toBe(BLUE);
    await eventually(async () => controller('back-1', BLUE)!.status.readyReplicas === 2, 10_000, 'blue ready again');
    expect(await installed('back-1')).toEqual([{ operatorName: 'bg', version: 'v1.0.0', namespace: BLUE }]);
    // The failed color is removed (its retirement is due at once); the shared CRD stays.
    await eventually(async () => !controller('back-1', GREEN), 15_000, 'green removed');
    expect(objects('back-1').get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, 'gadgets.bg.operator-manager.io')).toBeDefined();
  });

  it('removes a new color that never becomes healthy, before any switch, and leaves the serving color untouched', async () => {
    await blueServing('never-1');
    const before = controller('never-1', BLUE)!;
    const d = await finished(
      await create('never-1', 'v1.2.0', 'BLUE_GREEN', { validationPeriod: 'PT0.5S', switchMonitoringPeriod: 'PT0.5S', retentionPeriod: 'PT1H' }),
    );
    expect(d.status).toBe('ROLLED_BACK');
    expect(d.errorMessage).toMatch(/deploy failed on never-1.*crash/i);
    expect(d.events.map((e) => e.message).join('\n')).toMatch(/removed green \(never switched to\).*CRDs kept; blue \(v1\.0\.0\) kept serving/);
    expect(controller('never-1', GREEN)).toBeUndefined();
    expect(objects('never-1').get('rbac.authorization.k8s.io/v1', 'ClusterRole', undefined, 'bg-operator-green')).toBeUndefined();
    expect(objects('never-1').get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, 'gadgets.bg.operator-manager.io')).toBeDefined();
    expect(controller('never-1', BLUE)!.metadata.generation).toBe(before.metadata.generation);
    expect(webhookNamespace('never-1')).toBe(BLUE);
  });

  it('with autoSwitch false, waits after validation until promoteDeployment allows the switch; rolled back once COMPLETED, switches back to the old color it kept', async () => {
    // Green v1.1.0 serves; blue, scaled down and not yet retired, is installed again.
    await greenServing('manual-1');
    const id = await create('manual-1', 'v1.0.0', 'BLUE_GREEN', {
      autoSwitch: false,
      validationPeriod: 'PT0.5S',
      switchMonitoringPeriod: 'PT0.5S',
      retentionPeriod: 'PT1H',
    });
    const waits = await eventually(async () => (await get(id)).events.find((e) => /waits for promoteDeployment/.test(e.message)), 30_000, 'await-switch');
    const routing = webhookConfiguration('manual-1')!.metadata.resourceVersion;
    // The driver has looked for a promotion, found none, and sleeps. Woken without one (as by
    // any request about this deployment), it looks again and goes back to sleep.
    const sleeping = await eventually(() => asleep(id), 10_000, 'the driver asleep in await-switch');
    f.app.services.events.publish('engineWake', { deploymentId: id });
    await eventually(() => asleep(id) > sleeping, 10_000, 'the driver asleep again after a wake-up without a promotion');
    const waiting = await get(id);
    expect(waiting.status).not.toBe('COMPLETED');
    expect(waiting.clusters[0]!.status).toBe('VALIDATING');
    expect(waiting.events.at(-1)!.sequence).toBe(waits.sequence);
    expect(webhookNamespace('manual-1')).toBe(GREEN);
    expect(webhookConfiguration('manual-1')!.metadata.resourceVersion).toBe(routing);
    expect(image(controller('manual-1', BLUE))).toBe('registry.example.com/bg-operator:1.0.0');
    expect(controller('manual-1', BLUE)!.status.readyReplicas).toBe(1);
    expect(controller('manual-1', GREEN)!.spec.replicas).toBe(1);

    const viewer = await f.gql(PromoteDeploymentDocument, { id }, await f.token('vera', ['VIEWER']));
    expect(viewer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const allowed = await f.gql(PromoteDeploymentDocument, { id }, await f.token('olga', ['OPERATOR']));
    expect(allowed.errors).toBeUndefined();
    const d = await finished(id);
    expect(d.status).toBe('COMPLETED');
    expect(d.events.map((e) => e.message).join('\n')).toMatch(/switch allowed by olga/);
    expect(webhookNamespace('manual-1')).toBe(BLUE);
    expect(controller('manual-1', GREEN)!.spec.replicas).toBe(0);
    // A finished deployment has nothing left to switch.
    expect((await f.gql(PromoteDeploymentDocument, { id })).errors?.[0]?.extensions?.code).toBe('CONFLICT');

    // Rolled back while green is kept: a switch back, not a redeployment.
    const greenBefore = controller('manual-1', GREEN)!;
    const r = await f.gql(RollbackDeploymentDocument, { id, reason: 'regression' });
    expect(r.errors).toBeUndefined();
    const rolledBack = await finished(id);
    expect(rolledBack.status).toBe('ROLLED_BACK');
    expect(rolledBack.events.map((e) => e.message).join('\n')).toMatch(/switched back to green \(v1\.1\.0\) without redeploying/);
    expect(webhookNamespace('manual-1')).toBe(GREEN);
    expect(controller('manual-1', GREEN)!.spec.replicas).toBe(1);
    expect(appliedBy(controller('manual-1', GREEN)!)).toEqual(appliedBy(greenBefore));
    expect(await installed('manual-1')).toEqual([{ operatorName: 'bg', version: 'v1.1.0', namespace: GREEN }]);
  });

  it('cancelled while it waits for the switch, removes the new color and leaves the serving one as it was', async () => {
    await blueServing('cancel-1');
    const before = controller('cancel-1', BLUE)!;
    const id = await create('cancel-1', 'v1.1.0', 'BLUE_GREEN', { autoSwitch: false, validationPeriod: 'PT0S', retentionPeriod: 'PT1H' });
    await eventually(async () => (await get(id)).events.some((e) => /waits for promoteDeployment/.test(e.message)), 30_000, 'await-switch');
    expect(controller('cancel-1', GREEN)!.status.readyReplicas).toBe(1);
    expect((await f.gql(CancelDeploymentDocument, { id })).errors).toBeUndefined();
    const d = await finished(id);
    expect(d.status).toBe('CANCELLED');
    expect(d.clusters[0]!.status).toBe('ROLLED_BACK');
    expect(d.events.map((e) => e.message).join('\n')).toMatch(/cancelled before the switch: removed green .*blue kept serving/);
    expect(controller('cancel-1', GREEN)).toBeUndefined();
    expect(controller('cancel-1', BLUE)!.metadata.generation).toBe(before.metadata.generation);
    expect(webhookNamespace('cancel-1')).toBe(BLUE);
  });

  it('on a failure in a later cluster, switches the clusters already switched back too (automatic rollback)', async () => {
    // later-1 serves green v1.1.0, later-2 blue v1.0.0: each gets the other color.
    await greenServing('later-1');
    await blueServing('later-2');
    const id = await create(['later-1', 'later-2'], 'v1.1.0', 'BLUE_GREEN', {
      validationPeriod: 'PT0S',
      switchMonitoringPeriod: 'PT4S',
      retentionPeriod: 'PT1H',
    });
    await eventually(async () => (await get(id)).clusters.find((c) => c.clusterName === 'later-2')!.status === 'COMPLETED', 60_000, 'later-2 switched');
    expect(webhookNamespace('later-1')).toBe(BLUE);
    const pod = structuredClone(objects('later-2').list('v1', 'Pod', GREEN)[0]!);
    pod.metadata.annotations = { ...pod.metadata.annotations, 'sandbox.operator-manager.io/behavior': 'crashloop' };
    objects('later-2').put(pod);

    const d = await finished(id);
    expect(d.status).toBe('ROLLED_BACK');
    expect(d.clusters.map((c) => [c.clusterName, c.status])).toEqual([
      ['later-1', 'ROLLED_BACK'],
      ['later-2', 'ROLLED_BACK'],
    ]);
    const messages = d.events.map((e) => e.message).join('\n');
    expect(messages).toMatch(/later-2: switched back to blue \(v1\.0\.0\) without redeploying/);
    expect(messages).toMatch(/later-1: switched back to green \(v1\.1\.0\) without redeploying/);
    expect(webhookNamespace('later-1')).toBe(GREEN);
    expect(webhookNamespace('later-2')).toBe(BLUE);
    expect(await installed('later-1')).toEqual([{ operatorName: 'bg', version: 'v1.1.0', namespace: GREEN }]);
    expect(await installed('later-2')).toEqual([{ operatorName: 'bg', version: 'v1.0.0', namespace: BLUE }]);
  });
});

// The old color is retired retentionPeriod after the switch by a persisted schedule: here
// the process is stopped before it is due and a new one, on the same database, retires it.
describe.each(DATABASE_KINDS)('Blue-Green retirement across a restart (%s)', (kind) => {
  let sandbox: Sandbox;
  let db: TestDatabase;
  let dataDir: string | undefined;
  let app: App | undefined;
  let url: string;
  let token: string;

  async function startApp(): Promise<void> {
    const env = testAppEnv({
      ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      ...FAST_ENGINE_ENV,
      ...(dataDir ? { DATA_DIR: dataDir } : db.env),
    });
    app = await createApp(loadConfig(env));
    url = `http://127.0.0.1:${await app.start()}/graphql`;
  }
  const gql = <R, V>(doc: TypedDocumentNode<R, V>, variables: V): Promise<R> => gqlAt(url, token, doc, variables);
  const finished = (id: string) =>
    eventually(
      async () => ((d) => (TERMINAL.includes(d.status) ? d : undefined))((await gql(DeploymentDocument, { id })).deployment!),
      60_000,
      `deployment ${id} to finish`,
    );
  const create = async (targetVersion: string, strategy: 'DIRECT' | 'BLUE_GREEN', blueGreen?: Record<string, unknown>) =>
    (
      await gql(CreateDeploymentDocument, {
        input: { operatorName: 'bg', targetVersion, strategy, targetClusters: ['dev-1'], ...(blueGreen ? { strategyConfig: { blueGreen } } : {}) } as never,
      })
    ).createDeployment.id;
  const objects = () => sandbox.cluster('dev-1').objects;
  const controller = (ns: string) => objects().get('apps/v1', 'Deployment', ns, 'bg-operator');

  beforeAll(async () => {
    sandbox = await startSandbox({ clusters: [{ name: 'dev-1', environment: 'DEVELOPMENT' }], podReadyDelayMs: 100, crashLoopIntervalMs: 150 });
    db = await createTestDatabase(kind);
    if (kind === 'pglite') dataDir = await mkdtemp(path.join(tmpdir(), 'om-bg-'));
    token = await mintToken(TEST_JWT_SECRET, { sub: 'admin', roles: ['ADMIN'], ttlSeconds: 600 });
    await startApp();
    const c = sandbox.cluster('dev-1');
    await gql(RegisterClusterDocument, { input: { name: c.name, environment: c.environment, kubeconfig: c.kubeconfig } });
    await gql(RegisterOperatorDocument, { input: { name: 'bg', namespace: BLUE, manifestUrlTemplate: BG_TEMPLATE, versions: BG_VERSIONS } });
  });
  afterAll(async () => {
    await app?.stop();
    await sandbox?.stop();
    await db?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('retires the old color after retentionPeriod although the process restarted meanwhile; a later rollback re-applies the previous release', async () => {
    expect((await finished(await create('v1.0.0', 'DIRECT'))).status).toBe('COMPLETED');
    const id = await create('v1.1.0', 'BLUE_GREEN', { validationPeriod: 'PT0S', switchMonitoringPeriod: 'PT0S', retentionPeriod: 'PT4S' });
    const switched = await finished(id);
    expect(switched.status).toBe('COMPLETED');
    await app!.stop();
    app = undefined;
    // Kept, scaled down, through the retention period; due while no process runs.
    expect(controller(BLUE)!.spec.replicas).toBe(0);
    // The retention period running out while no process runs is the condition under test: only time brings it.
    await new Promise((r) => setTimeout(r, Date.parse(switched.completedAt!) + 4500 - Date.now()));
    expect(controller(BLUE)).toBeDefined();

    await startApp();
    // The retirement deletes in reverse apply order and records an event when it is through.
    const retired = /retired the old color blue/;
    await eventually(
      async () => retired.test((await gql(DeploymentDocument, { id })).deployment!.events.at(-1)?.message ?? ''),
      20_000,
      'blue retired by the new process',
    );
    expect(controller(BLUE)).toBeUndefined();
    expect(objects().get('rbac.authorization.k8s.io/v1', 'ClusterRole', undefined, 'bg-operator')).toBeUndefined();
    expect(objects().get('v1', 'ServiceAccount', BLUE, 'bg-operator')).toBeUndefined();
    // Green keeps serving; shared and routing objects and the namespace stay.
    expect(controller(GREEN)!.spec.replicas).toBe(1);
    expect(objects().get('rbac.authorization.k8s.io/v1', 'ClusterRole', undefined, 'bg-operator-green')).toBeDefined();
    expect(objects().get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, 'gadgets.bg.operator-manager.io')).toBeDefined();
    expect(objects().get('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', undefined, 'bg-operator')!.webhooks).toMatchObject([
      { clientConfig: { service: { namespace: GREEN } } },
    ]);
    expect(objects().get('v1', 'Namespace', undefined, BLUE)).toBeDefined();
    const events = (await gql(DeploymentDocument, { id })).deployment!.events;
    expect(events.at(-1)).toMatchObject({
      clusterName: 'dev-1',
      message: expect.stringMatching(/retired the old color blue \(v1\.0\.0, namespace bg-system\) of bg after its retention period: deleted \d+ object/),
    });

    // Blue is gone, so a rollback cannot switch back: it re-applies the previous release instead.
    await gql(RollbackDeploymentDocument, { id, reason: 'after retirement' });
    const rolledBack = await finished(id);
    expect(rolledBack.status).toBe('ROLLED_BACK');
    expect(rolledBack.events.map((e) => e.message).join('\n')).toMatch(
      /cannot switch back \(blue \(v1\.0\.0\) was already retired.*re-applying the previous release instead/,
    );
    expect(controller(BLUE)!.spec.template.spec.containers[0].image).toBe('registry.example.com/bg-operator:1.0.0');
    expect(objects().get('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', undefined, 'bg-operator')!.webhooks).toMatchObject([
      { clientConfig: { service: { namespace: BLUE } } },
    ]);
    await eventually(async () => !controller(GREEN), 10_000, 'green pruned by the rollback');
  });
});

// What a switch and a switch back record as the release's health is what the cluster says
// once traffic has moved: here the color that just took over loses its webhook Service the
// moment the webhook configuration points at it.
describe('Blue-Green records the health it assesses after a switch and a switch back', () => {
  let f: Fleet;
  beforeAll(async () => {
    f = await startFleet({
      clusters: [
        { name: 'dev-1', environment: 'DEVELOPMENT' },
        { name: 'dev-2', environment: 'DEVELOPMENT' },
      ],
      demo: false,
    });
    await f.ok(RegisterOperatorDocument, { input: { name: 'bg', namespace: BLUE, manifestUrlTemplate: BG_TEMPLATE, versions: BG_VERSIONS } });
  });
  afterAll(() => f?.stopAll());

  const create = async (cluster: string, targetVersion: string, strategy: 'DIRECT' | 'BLUE_GREEN', blueGreen?: Record<string, unknown>) =>
    (
      await f.ok(CreateDeploymentDocument, {
        input: { operatorName: 'bg', targetVersion, strategy, targetClusters: [cluster], ...(blueGreen ? { strategyConfig: { blueGreen } } : {}) } as never,
      })
    ).createDeployment.id;
  const finished = (id: string) =>
    eventually(
      async () => ((d) => (TERMINAL.includes(d.status) ? d : undefined))((await f.ok(DeploymentDocument, { id })).deployment!),
      60_000,
      `deployment ${id} to finish`,
    );
  const releases = (deploymentId: string) => f.app.db.prisma.release.findMany({ where: { deploymentId }, orderBy: { revision: 'asc' } });

  /** Deletes the webhook Service of `namespace` as soon as the webhook configuration is re-pointed at it (before the engine's next request). */
  function breakWebhookWhenRoutedTo(cluster: string, namespace: string): { fired: () => boolean; stop: () => void } {
    let fired = false;
    const stop = f.sandbox.cluster(cluster).store.subscribe('*', (e) => {
      const hooks = (e.object as { webhooks?: Array<{ clientConfig?: { service?: { namespace?: string } } }> }).webhooks;
      if (fired || e.object.kind !== 'ValidatingWebhookConfiguration' || hooks?.[0]?.clientConfig?.service?.namespace !== namespace) return;
      fired = true;
      queueMicrotask(() => f.sandbox.cluster(cluster).objects.delete('v1', 'Service', namespace, 'bg-operator-webhook'));
    });
    return { fired: () => fired, stop };
  }

  it('does not record the new color HEALTHY when it is not healthy right after the switch', async () => {
    expect((await finished(await create('dev-1', 'v1.0.0', 'DIRECT'))).status).toBe('COMPLETED');
    const trap = breakWebhookWhenRoutedTo('dev-1', GREEN);
    try {
      const id = await create('dev-1', 'v1.1.0', 'BLUE_GREEN', { validationPeriod: 'PT0S', switchMonitoringPeriod: 'PT1S', retentionPeriod: 'PT1H' });
      const green = await eventually(async () => (await releases(id)).find((r) => r.color === 'green'), 30_000, 'the switch to green recorded');
      expect(trap.fired()).toBe(true);
      expect(green.health).not.toBe('HEALTHY');
      expect(green.healthMessage).toMatch(/Service\/bg-system-green\/bg-operator-webhook/);
      // Monitoring sees the same and switches back; blue, untouched, is assessed healthy.
      const d = await finished(id);
      expect(d.status).toBe('ROLLED_BACK');
      const blue = (await releases(id)).find((r) => r.color !== 'green')!;
      expect(blue).toMatchObject({ status: 'DEPLOYED', health: 'HEALTHY' });
      expect(blue.healthMessage).not.toBe('switched back');
    } finally {
      trap.stop();
    }
  });

  it('does not record the old color HEALTHY when it is not healthy right after the switch back', async () => {
    // One active deployment per operator: whatever the test before left running ends first.
    await eventually(async () => (await f.app.db.prisma.deployment.count({ where: { status: { notIn: TERMINAL } } })) === 0, 60_000, 'no active deployment');
    expect((await finished(await create('dev-2', 'v1.0.0', 'DIRECT'))).status).toBe('COMPLETED');
    const id = await create('dev-2', 'v1.1.0', 'BLUE_GREEN', { validationPeriod: 'PT0S', switchMonitoringPeriod: 'PT0S', retentionPeriod: 'PT1H' });
    expect((await finished(id)).status).toBe('COMPLETED');
    const trap = breakWebhookWhenRoutedTo('dev-2', BLUE);
    try {
      expect((await f.gql(RollbackDeploymentDocument, { id, reason: 'regression' })).errors).toBeUndefined();
      const d = await finished(id);
      expect(d.status).toBe('ROLLED_BACK');
      expect(d.events.map((e) => e.message).join('\n')).toMatch(/switched back to blue \(v1\.0\.0\) without redeploying/);
      expect(trap.fired()).toBe(true);
      const current = (await f.raw({ query: '{ cluster(name: "dev-2") { operators { version namespace health healthMessage } } }' })).data.cluster.operators;
      expect(current).toEqual([
        {
          version: 'v1.0.0',
          namespace: BLUE,
          health: expect.not.stringMatching(/^HEALTHY$/),
          healthMessage: expect.stringMatching(/Service\/bg-system\/bg-operator-webhook/),
        },
      ]);
    } finally {
      trap.stop();
    }
  });
});
