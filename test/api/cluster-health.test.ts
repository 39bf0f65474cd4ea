// Clusters against the sandbox over real HTTPS: registration connects (version, nodes,
// health; unreachable and refused credentials are rejected saying which), the health
// monitor with one cluster down and one slow, on-demand checks, and operatorHealth.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yaml from 'js-yaml';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import {
  CheckClusterHealthDocument,
  ClusterHealthDocument,
  CreateDeploymentDocument,
  DeploymentDocument,
  OperatorHealthDocument,
  RegisterClusterDocument,
  RegisterOperatorDocument,
} from '../generated/graphql.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { DEMO_TEMPLATE, DEMO_VERSIONS, FAST_ENGINE_ENV } from '../helpers/fleet.ts';
import { eventually } from '../helpers/eventually.ts';

describe('clusters against live API servers', () => {
  let sandbox: Sandbox;
  let insecure: Sandbox;
  let t: TestApp;
  beforeAll(async () => {
    sandbox = await startSandbox({
      // Clusters of each test's own: registering one, or its faults, is for that test alone.
      clusters: [
        { name: 'ok-1', environment: 'DEVELOPMENT', nodes: 4, kubernetesVersion: 'v1.29.7' },
        { name: 'down-1', environment: 'STAGING' },
        { name: 'ok-2', environment: 'DEVELOPMENT' },
        { name: 'down-2', environment: 'STAGING' },
        { name: 'slow-1', environment: 'PRODUCTION' },
        { name: 'back-1', environment: 'STAGING' },
        { name: 'health-a', environment: 'DEVELOPMENT' },
        { name: 'health-b', environment: 'DEVELOPMENT' },
      ],
      podReadyDelayMs: 100,
      crashLoopIntervalMs: 150,
    });
    insecure = await startSandbox({ clusters: [{ name: 'plain-1' }], tls: false });
    t = await startTestApp('pglite', { ...FAST_ENGINE_ENV, HEALTH_CHECK_INTERVAL: 'PT1S', HEALTH_CHECK_TIMEOUT: 'PT1S' });
  });
  afterAll(async () => {
    await t?.stop();
    await sandbox?.stop();
    await insecure?.stop();
  });

  const register = (name: string, environment: 'DEVELOPMENT' | 'STAGING' | 'PRODUCTION', kubeconfig: string, skipConnectivityCheck = false) =>
    t.gql(RegisterClusterDocument, { input: { name, environment, kubeconfig, skipConnectivityCheck } });

  it('records the version, node count and health of a reachable cluster at registration', async () => {
    const r = await register('ok-1', 'DEVELOPMENT', sandbox.cluster('ok-1').kubeconfig);
    expect(r.errors).toBeUndefined();
    expect(r.data?.registerCluster).toMatchObject({ name: 'ok-1', kubernetesVersion: 'v1.29.7', nodeCount: 4, healthStatus: 'HEALTHY', tlsVerified: true });
  });

  it('accepts a plain-http cluster whose kubeconfig skips TLS verification, and says so', async () => {
    const r = await register('plain-1', 'DEVELOPMENT', insecure.cluster('plain-1').kubeconfig);
    expect(r.data?.registerCluster).toMatchObject({ healthStatus: 'HEALTHY', tlsVerified: false });
  });

  it('rejects an unreachable cluster, saying so, without echoing credentials', async () => {
    await sandbox.cluster('down-1').setFaults({ unreachable: true });
    const r = await register('down-1', 'STAGING', sandbox.cluster('down-1').kubeconfig);
    expect(r.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', fields: ['input.kubeconfig'] } });
    expect(r.errors?.[0]?.message).toMatch(/unreachable.*connection refused/);
    expect(r.errors?.[0]?.message).not.toContain(sandbox.cluster('down-1').token);
    expect(await t.app.db.prisma.cluster.count({ where: { name: 'down-1' } })).toBe(0);
  });

  it('rejects credentials the cluster refuses, saying so', async () => {
    const doc = yaml.load(sandbox.cluster('ok-1').kubeconfig) as { users: Array<{ user: { token: string } }> };
    doc.users[0]!.user.token = 'wrong-token';
    const r = await register('badtoken-1', 'DEVELOPMENT', yaml.dump(doc));
    expect(r.errors?.[0]?.message).toMatch(/refused the credentials \(401/);
    expect(r.errors?.[0]?.message).not.toContain('wrong-token');
  });

  it('keeps checking: one cluster down and one slow never delay or break the others', async () => {
    expect((await register('ok-2', 'DEVELOPMENT', sandbox.cluster('ok-2').kubeconfig)).errors).toBeUndefined();
    await sandbox.cluster('down-2').setFaults({ unreachable: true });
    await register('down-2', 'STAGING', sandbox.cluster('down-2').kubeconfig, true);
    await sandbox.cluster('slow-1').setFaults({ latencyMs: 3000 });
    await register('slow-1', 'PRODUCTION', sandbox.cluster('slow-1').kubeconfig, true);
    const since = Date.now();
    const state = async (name: string) => (await t.ok(ClusterHealthDocument, { name })).cluster!;
    await eventually(
      async () => {
        const [ok, down, slow] = await Promise.all([state('ok-2'), state('down-2'), state('slow-1')]);
        const fresh = (c: { lastHealthCheckAt: string | null }) => c.lastHealthCheckAt && Date.parse(c.lastHealthCheckAt) > since;
        return fresh(ok) && fresh(down) && fresh(slow);
      },
      15_000,
      'a monitor pass over every cluster',
    );
    const ok = await state('ok-2');
    expect(ok.healthStatus).toBe('HEALTHY');
    expect((await state('down-2')).healthStatus).toBe('UNHEALTHY');
    expect((await state('down-2')).healthMessage).toMatch(/unreachable|refused/);
    expect((await state('slow-1')).healthStatus).toBe('UNHEALTHY');
    expect((await state('slow-1')).healthMessage).toMatch(/gave no complete answer within 1 s \(HEALTH_CHECK_TIMEOUT\)/);
    // Passes keep coming at the interval although slow-1 never answers in time.
    const before = Date.parse(ok.lastHealthCheckAt!);
    await eventually(async () => Date.parse((await state('ok-2')).lastHealthCheckAt!) > before, 5_000, 'a second pass');
    await sandbox.cluster('slow-1').setFaults({ latencyMs: 0 });
  });

  it('checks a cluster on demand and sees it come back', async () => {
    await sandbox.cluster('back-1').setFaults({ unreachable: true });
    await register('back-1', 'STAGING', sandbox.cluster('back-1').kubeconfig, true);
    expect((await t.ok(CheckClusterHealthDocument, { name: 'back-1' })).checkClusterHealth).toMatchObject({ healthStatus: 'UNHEALTHY' });
    await sandbox.cluster('back-1').setFaults({ unreachable: false });
    const r = await t.ok(CheckClusterHealthDocument, { name: 'back-1' });
    expect(r.checkClusterHealth).toMatchObject({ healthStatus: 'HEALTHY', nodeCount: 3, kubernetesVersion: 'v1.30.2' });
    const viewer = await t.gql(CheckClusterHealthDocument, { name: 'back-1' }, await t.token('vic', ['VIEWER']));
    expect(viewer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('reports an operator’s health per cluster, naming what is wrong', async () => {
    for (const name of ['health-a', 'health-b']) expect((await register(name, 'DEVELOPMENT', sandbox.cluster(name).kubeconfig)).errors).toBeUndefined();
    await t.ok(RegisterOperatorDocument, { input: { name: 'demo', namespace: 'demo-system', manifestUrlTemplate: DEMO_TEMPLATE, versions: DEMO_VERSIONS } });
    const { createDeployment } = await t.ok(CreateDeploymentDocument, {
      input: { operatorName: 'demo', targetVersion: 'v1.0.0', strategy: 'DIRECT', targetClusters: ['health-a', 'health-b'] },
    });
    await eventually(async () => (await t.ok(DeploymentDocument, { id: createDeployment.id })).deployment!.status === 'COMPLETED', 60_000, 'install');
    const healthy = (await t.ok(OperatorHealthDocument, { operatorName: 'demo' })).operatorHealth;
    expect(healthy.status).toBe('HEALTHY');
    expect(healthy.clusters.map((c) => [c.clusterName, c.version, c.status])).toEqual([
      ['health-a', 'v1.0.0', 'HEALTHY'],
      ['health-b', 'v1.0.0', 'HEALTHY'],
    ]);
    const pod = structuredClone(sandbox.cluster('health-b').objects.list('v1', 'Pod', 'demo-system')[0]!);
    pod.metadata.annotations = { ...pod.metadata.annotations, 'sandbox.operator-manager.io/behavior': 'crashloop' };
    sandbox.cluster('health-b').objects.put(pod);
    const broken = await eventually(
      async () => {
        const h = (await t.ok(OperatorHealthDocument, { operatorName: 'demo' })).operatorHealth;
        return h.status === 'UNHEALTHY' ? h : undefined;
      },
      15_000,
      'crash loop seen',
    );
    const crashing = broken.clusters.find((c) => c.clusterName === 'health-b')!;
    expect(crashing.message).toMatch(/Deployment\/demo-system\/demo-operator.*crash-looping/);
    expect(broken.clusters.find((c) => c.clusterName === 'health-a')!.status).toBe('HEALTHY');
  });
});
