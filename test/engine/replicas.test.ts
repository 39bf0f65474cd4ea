// Two replicas on one PostgreSQL: each deployment is driven by exactly one of them, and a
// subscriber on either receives every event (LISTEN/NOTIFY between the replicas).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config/index.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { CreateDeploymentDocument, DeploymentDocument, RegisterClusterDocument, RegisterOperatorDocument } from '../generated/graphql.ts';
import { startTestApp, subscribe, testAppEnv, type TestApp } from '../helpers/app.ts';
import { DEMO_TEMPLATE, DEMO_VERSIONS, FAST_ENGINE_ENV } from '../helpers/fleet.ts';
import { eventually } from '../helpers/eventually.ts';

describe.skipIf(!process.env.TEST_DATABASE_URL)('two replicas on one PostgreSQL (skipped without TEST_DATABASE_URL)', () => {
  let sandbox: Sandbox;
  let a: TestApp;
  let b: App;
  let bUrl: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ clusters: ['c1', 'c2', 'c3'].map((name) => ({ name, environment: 'DEVELOPMENT' as const })), podReadyDelayMs: 100 });
    a = await startTestApp('postgres', { ...FAST_ENGINE_ENV, ENGINE_REPLICA_ID: 'replica-a' });
    b = await createApp(loadConfig(testAppEnv({ ...FAST_ENGINE_ENV, ...a.db.env, ENGINE_REPLICA_ID: 'replica-b' })));
    bUrl = `http://127.0.0.1:${await b.start()}/graphql`;
    for (const c of sandbox.clusters) await a.ok(RegisterClusterDocument, { input: { name: c.name, environment: c.environment, kubeconfig: c.kubeconfig } });
    for (let i = 0; i < 6; i++) {
      await a.ok(RegisterOperatorDocument, { input: { name: `op-${i}`, namespace: `op-${i}`, manifestUrlTemplate: DEMO_TEMPLATE, versions: DEMO_VERSIONS } });
    }
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await sandbox?.stop();
  });

  it('drives each deployment from exactly one replica and streams its events to subscribers on both', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const d = await a.ok(CreateDeploymentDocument, {
        input: {
          operatorName: `op-${i}`,
          targetVersion: 'v1.0.0',
          strategy: 'ROLLING',
          targetClusters: ['c1', 'c2', 'c3'],
          strategyConfig: { rolling: { validationPeriod: 'PT0.5S' } },
        },
      });
      ids.push(d.createDeployment.id);
    }
    // Subscribers on replica B for every deployment, whoever drives it.
    const clientB = a.wsClient();
    // (a second client pointed at B)
    const { createClient } = await import('graphql-ws');
    const WebSocket = (await import('ws')).default;
    const onB = createClient({
      url: bUrl.replace('http', 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${a.adminToken}` },
      retryAttempts: 0,
    });
    const streams = ids.map((id) =>
      subscribe<{ deploymentProgress: { sequence: number } }>(onB, 'subscription($id: ID!) { deploymentProgress(deploymentId: $id) { sequence } }', { id }),
    );
    void clientB;

    // Sample who drives what while the rollouts run.
    const owners = new Map<string, Set<string>>(ids.map((id) => [id, new Set()]));
    let overlap = false;
    const sampler = setInterval(() => {
      const da = new Set(a.app.engine!.driving());
      const db = b.engine!.driving();
      for (const id of db) if (da.has(id)) overlap = true;
      for (const id of da) owners.get(id)?.add('a');
      for (const id of db) owners.get(id)?.add('b');
    }, 20);
    try {
      for (const id of ids) {
        await eventually(async () => (await a.ok(DeploymentDocument, { id })).deployment!.status === 'COMPLETED', 120_000, `deployment ${id}`);
      }
    } finally {
      clearInterval(sampler);
    }
    expect(overlap).toBe(false);
    for (const [id, seen] of owners) expect(seen.size, `drivers of ${id}`).toBeLessThanOrEqual(1);
    const drivers = new Set([...owners.values()].flatMap((s) => [...s]));
    expect(drivers.size, 'both replicas drove deployments').toBe(2);

    for (const [i, s] of streams.entries()) {
      await s.until(() => s.completed, 30_000);
      const d = (await a.ok(DeploymentDocument, { id: ids[i]! })).deployment!;
      expect(s.events.map((e) => e.data?.deploymentProgress.sequence)).toEqual(d.events.map((e) => e.sequence));
    }
    await onB.dispose();
  });
});
