// Blue-Green end to end over real HTTP: API → engine → sandbox clusters. The test operator
// (test/fixtures/operators/bg) has a controller Deployment, a webhook Service and a
// ValidatingWebhookConfiguration, so a switch is visible as replicas and as where the one
// live webhook configuration points.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
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
import { TEST_JWT_SECRET, TEST_SOURCE_ENV } from '../helpers/app.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../helpers/databases.ts';
import { FAST_ENGINE_ENV, startFleet, type Fleet } from '../helpers/fleet.ts';
import { eventually } from '../helpers/eventually.ts';

const BG_TEMPLATE = `${pathToFileURL(path.resolve('test/fixtures/operators/bg')).toString()}/{version}.yaml`;
const BG_VERSIONS = ['v1.0.0', 'v1.1.0', 'v1.2.0'];
const BLUE = 'bg-system';
const GREEN = 'bg-system-green';
const TERMINAL = ['COMPLETED', 'FAILED', 'ROLLED_BACK', 'CANCELLED'];

describe('Blue-Green rollouts', () => {
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

  const create = async (cluster: string, targetVersion: string, strategy: 'DIRECT' | 'BLUE_GREEN', blueGreen?: Record<string, unknown>) => {
    const r = await f.gql(CreateDeploymentDocument, {
      input: { operatorName: 'bg', targetVersion, strategy, targetClusters: [cluster], ...(blueGreen ? { strategyConfig: { blueGreen } } : {}) } as never,
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
  const webhookNamespace = (cluster: string) =>
    (objects(cluster).get('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', undefined, 'bg-operator') as
      | { webhooks: Array<{ clientConfig: { service: { namespace: string } } }> }
      | undefined)!.webhooks[0]!.clientConfig.service.namespace;
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

  it('installs the next color beside the serving one, validates it, then switches replicas and the webhook configuration to it', async () => {
    expect((await finished(await create('dev-1', 'v1.0.0', 'DIRECT'))).status).toBe('COMPLETED');
    const id = await create('dev-1', 'v1.1.0', 'BLUE_GREEN', { validationPeriod: 'PT2S', switchMonitoringPeriod: 'PT0.5S', retentionPeriod: 'PT1H' });

    // Validation: both colors run; blue (the uncolored v1.0.0 installation) still serves.
    await eventually(async () => (await get(id)).events.some((e) => /validating for/.test(e.message)), 30_000, 'validation');
    expect(image(controller('dev-1', GREEN))).toBe('registry.example.com/bg-operator:1.1.0');
    expect(controller('dev-1', GREEN)!.status.readyReplicas).toBe(1);
    expect(image(controller('dev-1', BLUE))).toBe('registry.example.com/bg-operator:1.0.0');
    expect(controller('dev-1', BLUE)!.spec.replicas).toBe(1);
    expect(webhookNamespace('dev-1')).toBe(BLUE);
    expect(await installed('dev-1')).toEqual([{ operatorName: 'bg', version: 'v1.0.0', namespace: BLUE }]);

    const d = await finished(id);
    expect(d.status).toBe('COMPLETED');
    expect(d.clusters[0]).toMatchObject({ clusterName: 'dev-1', status: 'COMPLETED', releaseRevision: 2, previousRevision: 1 });
    // Green serves: the one webhook configuration calls its service, blue is scaled down and kept.
    expect(webhookNamespace('dev-1')).toBe(GREEN);
    expect(controller('dev-1', BLUE)!.spec.replicas).toBe(0);
    expect(controller('dev-1', GREEN)!.spec.replicas).toBe(1);
    expect(objects('dev-1').get('rbac.authorization.k8s.io/v1', 'ClusterRole', undefined, 'bg-operator-green')).toBeDefined();
    expect(await installed('dev-1')).toEqual([{ operatorName: 'bg', version: 'v1.1.0', namespace: GREEN }]);
    expect(d.events.map((e) => e.message).join('\n')).toMatch(/switched to green \(v1\.1\.0, revision 2\).*blue is kept scaled down until/);
  });

  it('switches back at once when the new color fails during monitoring: the old color serves again with its saved replicas, nothing redeployed', async () => {
    expect((await finished(await create('dev-2', 'v1.0.0', 'DIRECT'))).status).toBe('COMPLETED');
    // Someone scaled the serving controller to 2: a switch back must restore 2, not the manifests' 1.
    const scaled = structuredClone(controller('dev-2', BLUE)!);
    scaled.spec.replicas = 2;
    objects('dev-2').put(scaled);
    await eventually(async () => controller('dev-2', BLUE)!.status.readyReplicas === 2, 10_000, 'two blue replicas');
    const before = controller('dev-2', BLUE)!;
    const blueReplicaSets = replicaSets('dev-2', BLUE);

    const id = await create('dev-2', 'v1.1.0', 'BLUE_GREEN', { validationPeriod: 'PT0.5S', switchMonitoringPeriod: 'PT6S', retentionPeriod: 'PT1H' });
    await eventually(async () => (await get(id)).clusters[0]!.status === 'COMPLETED', 30_000, 'the switch to green');
    expect(controller('dev-2', BLUE)!.spec.replicas).toBe(0);
    expect(webhookNamespace('dev-2')).toBe(GREEN);
    // Green starts crash-looping while it is monitored.
    const pod = structuredClone(objects('dev-2').list('v1', 'Pod', GREEN)[0]!);
    pod.metadata.annotations = { ...pod.metadata.annotations, 'sandbox.operator-manager.io/behavior': 'crashloop' };
    objects('dev-2').put(pod);

    const d = await finished(id);
    expect(d.status).toBe('ROLLED_BACK');
    expect(d.errorMessage).toMatch(/monitor failed on dev-2.*switched back/);
    expect(d.clusters[0]).toMatchObject({ status: 'ROLLED_BACK' });
    expect(d.events.map((e) => e.message).join('\n')).toMatch(/switched back to blue \(v1\.0\.0\) without redeploying — service restored/);
    // Blue serves again with the two replicas it had, from the same ReplicaSet: only scaled, never re-applied.
    const after = controller('dev-2', BLUE)!;
    expect(after.spec.replicas).toBe(2);
    expect(after.metadata.generation).toBe(before.metadata.generation! + 2); // scaled down, scaled up
    expect(after.metadata.labels!['operator-manager.io/revision']).toBe(before.metadata.labels!['operator-manager.io/revision']);
    expect(replicaSets('dev-2', BLUE)).toEqual(blueReplicaSets);
    expect(webhookNamespace('dev-2')).toBe(BLUE);
    await eventually(async () => controller('dev-2', BLUE)!.status.readyReplicas === 2, 10_000, 'blue ready again');
    expect(await installed('dev-2')).toEqual([{ operatorName: 'bg', version: 'v1.0.0', namespace: BLUE }]);
    // The failed color is removed (its retirement is due at once); the shared CRD stays.
    await eventually(async () => !controller('dev-2', GREEN), 15_000, 'green removed');
    expect(objects('dev-2').get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, 'gadgets.bg.operator-manager.io')).toBeDefined();
  });

  it('removes a new color that never becomes healthy, before any switch, and leaves the serving color untouched', async () => {
    const before = controller('dev-2', BLUE)!;
    const d = await finished(
      await create('dev-2', 'v1.2.0', 'BLUE_GREEN', { validationPeriod: 'PT0.5S', switchMonitoringPeriod: 'PT0.5S', retentionPeriod: 'PT1H' }),
    );
    expect(d.status).toBe('ROLLED_BACK');
    expect(d.errorMessage).toMatch(/deploy failed on dev-2.*crash/i);
    expect(d.events.map((e) => e.message).join('\n')).toMatch(/removed green \(never switched to\).*CRDs kept; blue \(v1\.0\.0\) kept serving/);
    expect(controller('dev-2', GREEN)).toBeUndefined();
    expect(objects('dev-2').get('rbac.authorization.k8s.io/v1', 'ClusterRole', undefined, 'bg-operator-green')).toBeUndefined();
    expect(objects('dev-2').get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, 'gadgets.bg.operator-manager.io')).toBeDefined();
    expect(controller('dev-2', BLUE)!.metadata.generation).toBe(before.metadata.generation);
    expect(webhookNamespace('dev-2')).toBe(BLUE);
  });

  let promoted = ''; // the deployment the next test rolls back
  it('with autoSwitch false, waits after validation until promoteDeployment allows the switch', async () => {
    // dev-1 runs green v1.1.0 (first test); blue, scaled down and not yet retired, is installed again.
    const id = (promoted = await create('dev-1', 'v1.0.0', 'BLUE_GREEN', {
      autoSwitch: false,
      validationPeriod: 'PT0.5S',
      switchMonitoringPeriod: 'PT0.5S',
      retentionPeriod: 'PT1H',
    }));
    await eventually(async () => (await get(id)).events.some((e) => /waiting for the switch/.test(e.message)), 30_000, 'await-switch');
    await new Promise((r) => setTimeout(r, 1500));
    const waiting = await get(id);
    expect(waiting.status).not.toBe('COMPLETED');
    expect(waiting.clusters[0]!.status).toBe('VALIDATING');
    expect(webhookNamespace('dev-1')).toBe(GREEN);
    expect(image(controller('dev-1', BLUE))).toBe('registry.example.com/bg-operator:1.0.0');
    expect(controller('dev-1', BLUE)!.status.readyReplicas).toBe(1);

    const viewer = await f.gql(PromoteDeploymentDocument, { id }, await f.token('vera', ['VIEWER']));
    expect(viewer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const allowed = await f.gql(PromoteDeploymentDocument, { id }, await f.token('olga', ['OPERATOR']));
    expect(allowed.errors).toBeUndefined();
    const d = await finished(id);
    expect(d.status).toBe('COMPLETED');
    expect(d.events.map((e) => e.message).join('\n')).toMatch(/switch allowed by olga/);
    expect(webhookNamespace('dev-1')).toBe(BLUE);
    expect(controller('dev-1', GREEN)!.spec.replicas).toBe(0);
    // A finished deployment has nothing left to switch.
    expect((await f.gql(PromoteDeploymentDocument, { id })).errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('rolls a COMPLETED deployment back by switching back while the old color is kept', async () => {
    const greenBefore = controller('dev-1', GREEN)!;
    const r = await f.gql(RollbackDeploymentDocument, { id: promoted, reason: 'regression' });
    expect(r.errors).toBeUndefined();
    const d = await finished(promoted);
    expect(d.status).toBe('ROLLED_BACK');
    expect(d.events.map((e) => e.message).join('\n')).toMatch(/switched back to green \(v1\.1\.0\) without redeploying/);
    expect(webhookNamespace('dev-1')).toBe(GREEN);
    expect(controller('dev-1', GREEN)!.spec.replicas).toBe(1);
    expect(controller('dev-1', GREEN)!.metadata.labels!['operator-manager.io/revision']).toBe(greenBefore.metadata.labels!['operator-manager.io/revision']);
    expect(await installed('dev-1')).toEqual([{ operatorName: 'bg', version: 'v1.1.0', namespace: GREEN }]);
  });

  it('cancelled while it waits for the switch, removes the new color and leaves the serving one as it was', async () => {
    const before = controller('dev-2', BLUE)!;
    const id = await create('dev-2', 'v1.1.0', 'BLUE_GREEN', { autoSwitch: false, validationPeriod: 'PT0S', retentionPeriod: 'PT1H' });
    await eventually(async () => (await get(id)).events.some((e) => /waits for promoteDeployment/.test(e.message)), 30_000, 'await-switch');
    expect(controller('dev-2', GREEN)!.status.readyReplicas).toBe(1);
    expect((await f.gql(CancelDeploymentDocument, { id })).errors).toBeUndefined();
    const d = await finished(id);
    expect(d.status).toBe('CANCELLED');
    expect(d.clusters[0]!.status).toBe('ROLLED_BACK');
    expect(d.events.map((e) => e.message).join('\n')).toMatch(/cancelled before the switch: removed green .*blue kept serving/);
    expect(controller('dev-2', GREEN)).toBeUndefined();
    expect(controller('dev-2', BLUE)!.metadata.generation).toBe(before.metadata.generation);
    expect(webhookNamespace('dev-2')).toBe(BLUE);
  });

  it('on a failure in a later cluster, switches the clusters already switched back too (automatic rollback)', async () => {
    // dev-1 serves green v1.1.0, dev-2 blue v1.0.0: each gets the other color.
    const r = await f.gql(CreateDeploymentDocument, {
      input: {
        operatorName: 'bg',
        targetVersion: 'v1.1.0',
        strategy: 'BLUE_GREEN',
        targetClusters: ['dev-1', 'dev-2'],
        strategyConfig: { blueGreen: { validationPeriod: 'PT0S', switchMonitoringPeriod: 'PT4S', retentionPeriod: 'PT1H' } },
      },
    });
    const id = r.data!.createDeployment.id;
    await eventually(async () => (await get(id)).clusters.find((c) => c.clusterName === 'dev-2')!.status === 'COMPLETED', 60_000, 'dev-2 switched');
    expect(webhookNamespace('dev-1')).toBe(BLUE);
    const pod = structuredClone(objects('dev-2').list('v1', 'Pod', GREEN)[0]!);
    pod.metadata.annotations = { ...pod.metadata.annotations, 'sandbox.operator-manager.io/behavior': 'crashloop' };
    objects('dev-2').put(pod);

    const d = await finished(id);
    expect(d.status).toBe('ROLLED_BACK');
    expect(d.clusters.map((c) => [c.clusterName, c.status])).toEqual([
      ['dev-1', 'ROLLED_BACK'],
      ['dev-2', 'ROLLED_BACK'],
    ]);
    const messages = d.events.map((e) => e.message).join('\n');
    expect(messages).toMatch(/dev-2: switched back to blue \(v1\.0\.0\) without redeploying/);
    expect(messages).toMatch(/dev-1: switched back to green \(v1\.1\.0\) without redeploying/);
    expect(webhookNamespace('dev-1')).toBe(GREEN);
    expect(webhookNamespace('dev-2')).toBe(BLUE);
    expect(await installed('dev-1')).toEqual([{ operatorName: 'bg', version: 'v1.1.0', namespace: GREEN }]);
    expect(await installed('dev-2')).toEqual([{ operatorName: 'bg', version: 'v1.0.0', namespace: BLUE }]);
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
    const env = {
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      JWT_SECRET: TEST_JWT_SECRET,
      ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      HEALTH_CHECK_INTERVAL: 'PT0S',
      ...TEST_SOURCE_ENV,
      ...FAST_ENGINE_ENV,
      ...(dataDir ? { DATA_DIR: dataDir } : db.env),
    };
    app = await createApp(loadConfig(env));
    url = `http://127.0.0.1:${await app.start()}/graphql`;
  }
  async function gql<R, V>(doc: TypedDocumentNode<R, V>, variables: V): Promise<R> {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: print(doc), variables }),
    });
    const body = (await res.json()) as { data?: R; errors?: unknown };
    if (!body.data) throw new Error(JSON.stringify(body.errors));
    return body.data;
  }
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
