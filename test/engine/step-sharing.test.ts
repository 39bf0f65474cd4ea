// Cluster steps as work items on PostgreSQL (src/rollout/step-queue.ts): the steps of one
// deployment are run by every replica, each object is applied once, and a replica killed
// in the middle of a step loses nothing — another replica takes the step again.
import { spawn, type ChildProcess } from 'node:child_process';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config/index.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { CreateDeploymentDocument, DeploymentDocument, RegisterClusterDocument, RegisterOperatorDocument } from '../generated/graphql.ts';
import { startTestApp, testAppEnv, type TestApp } from '../helpers/app.ts';
import { DEMO_TEMPLATE, DEMO_VERSIONS, FAST_ENGINE_ENV, workloadImage } from '../helpers/fleet.ts';
import { eventually } from '../helpers/eventually.ts';
import { freePort } from '../helpers/ports.ts';

const CLUSTERS = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];
const TERMINAL = ['COMPLETED', 'FAILED', 'ROLLED_BACK', 'CANCELLED'];

describe.skipIf(!process.env.TEST_DATABASE_URL)('cluster steps shared by replicas on PostgreSQL (skipped without TEST_DATABASE_URL)', () => {
  let sandbox: Sandbox;
  let a: TestApp;
  let sql: pg.Client;
  let b: App | undefined;
  let child: ChildProcess | undefined;

  // Two steps at a time per replica (its one step thread), six clusters at a time per deployment: the rest must go to the other replica.
  const replicaEnv = (id: string) => ({
    ...FAST_ENGINE_ENV,
    ENGINE_LEASE_TTL: 'PT3S',
    ENGINE_STEP_CONCURRENCY: '2',
    ENGINE_STEP_THREADS: '1',
    ENGINE_REPLICA_ID: id,
  });

  beforeAll(async () => {
    sandbox = await startSandbox({ clusters: CLUSTERS.map((name) => ({ name, environment: 'DEVELOPMENT' as const })), podReadyDelayMs: 400 });
    a = await startTestApp('postgres', replicaEnv('replica-a'));
    for (const c of sandbox.clusters) await a.ok(RegisterClusterDocument, { input: { name: c.name, environment: c.environment, kubeconfig: c.kubeconfig } });
    for (const name of ['shared', 'killed'])
      await a.ok(RegisterOperatorDocument, { input: { name, namespace: `${name}-system`, manifestUrlTemplate: DEMO_TEMPLATE, versions: DEMO_VERSIONS } });
    sql = new pg.Client({ connectionString: a.db.env.DATABASE_URL });
    await sql.connect();
  });
  afterEach(async () => {
    child?.kill('SIGKILL');
    child = undefined;
    await b?.stop();
    b = undefined;
  });
  afterAll(async () => {
    await sql?.end();
    await a?.stop();
    await sandbox?.stop();
  });

  const deploy = async (operatorName: string) =>
    (
      await a.ok(CreateDeploymentDocument, {
        input: { operatorName, targetVersion: 'v1.0.0', strategy: 'DIRECT', targetClusters: CLUSTERS, strategyConfig: { direct: { parallelClusters: 6 } } },
      })
    ).createDeployment.id;

  const finished = (id: string) =>
    eventually(
      async () => {
        const d = (await a.ok(DeploymentDocument, { id })).deployment!;
        return TERMINAL.includes(d.status) ? d : undefined;
      },
      90_000,
      `deployment ${id} to finish`,
    );

  const releasesPerCluster = async (operatorName: string) =>
    (
      await sql.query<{ cluster_name: string; n: number }>(
        'SELECT cluster_name, count(*)::int AS n FROM releases WHERE operator_name = $1 GROUP BY cluster_name ORDER BY cluster_name',
        [operatorName],
      )
    ).rows.map((r) => [r.cluster_name, r.n]);

  /** Cluster → the replica's step thread that ran (or runs) its step. */
  const steppedBy = async (id: string) =>
    Object.fromEntries(
      (
        await sql.query<{ cluster_name: string; claimed_by: string }>('SELECT cluster_name, claimed_by FROM cluster_deployments WHERE deployment_id = $1', [id])
      ).rows.map((r) => [r.cluster_name, r.claimed_by]),
    );

  it('runs the steps of one deployment on both replicas, applying every object once', async () => {
    b = await createApp(loadConfig(testAppEnv({ ...a.db.env, ...replicaEnv('replica-b') })));
    await b.start();
    const patchesBefore = new Map(sandbox.clusters.map((c) => [c.name, c.stats.byVerb.patch ?? 0]));
    const id = await deploy('shared');
    const done = await finished(id);

    expect(done.status).toBe('COMPLETED');
    expect(done.clusters.map((c) => c.status)).toEqual(CLUSTERS.map(() => 'COMPLETED'));
    // Each row names who ran its step: a step thread of replica A or of replica B.
    const ranBy = await steppedBy(id);
    expect(Object.keys(ranBy).sort(), 'every step ran').toEqual(CLUSTERS);
    const replicaOf = (name: string) => name.split('/')[0];
    expect(new Set(Object.values(ranBy).map(replicaOf)), 'replicas that ran steps').toEqual(new Set(['replica-a', 'replica-b']));
    // Nothing applied twice: one "applied" event per cluster, and the cluster received exactly the applies it reports.
    for (const c of sandbox.clusters) {
      const applied = done.events.filter((e) => e.clusterName === c.name && e.message.includes(': applied '));
      expect(applied, `apply events of ${c.name}`).toHaveLength(1);
      const created = Number(/\((\d+) created\)/.exec(applied[0]!.message)?.[1]);
      expect((c.stats.byVerb.patch ?? 0) - patchesBefore.get(c.name)!, `server-side applies on ${c.name}`).toBe(created);
    }
    expect(await releasesPerCluster('shared')).toEqual(CLUSTERS.map((c) => [c, 1]));
    expect(done.events.map((e) => e.sequence)).toEqual(done.events.map((_e, i) => i + 1));
    // Nothing left in the queue.
    const left = await sql.query(
      `SELECT cluster_name FROM cluster_deployments WHERE deployment_id = $1 AND (queued_at IS NOT NULL OR claimed_until IS NOT NULL)`,
      [id],
    );
    expect(left.rows).toEqual([]);
  });

  it('loses nothing when a replica is killed (kill -9) in the middle of a step: the other takes the step again', async () => {
    const port = await freePort();
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, ...testAppEnv({ ...a.db.env, ...replicaEnv('replica-killed'), MIGRATE_ON_START: 'false', PORT: String(port) }) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    await eventually(
      async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined))?.ok,
      60_000,
      `replica to start (${stderr.slice(-500)})`,
    );

    const id = await deploy('killed');
    // Wait until the child replica is in the middle of a step (claimed, applied or waiting for health), then kill it.
    const claimed = await eventually(
      async () => {
        const r = await sql.query<{ cluster_name: string }>(
          `SELECT cluster_name FROM cluster_deployments WHERE deployment_id = $1 AND claimed_by LIKE 'replica-killed/%' AND claimed_until > now()
           AND status IN ('DEPLOYING', 'VALIDATING')`,
          [id],
        );
        return r.rows.length ? r.rows.map((x) => x.cluster_name) : undefined;
      },
      60_000,
      'the child replica to be in a step',
    );
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    child = undefined;

    const done = await finished(id);
    expect(done.status).toBe('COMPLETED');
    expect(done.clusters.map((c) => [c.clusterName, c.status, c.releaseRevision])).toEqual(CLUSTERS.map((c) => [c, 'COMPLETED', 1]));
    expect(await releasesPerCluster('killed')).toEqual(CLUSTERS.map((c) => [c, 1]));
    expect(done.events.map((e) => e.sequence)).toEqual(done.events.map((_e, i) => i + 1));
    // The steps the killed replica held were taken again, and finished, by replica A.
    const ranBy = await steppedBy(id);
    for (const name of claimed) expect(ranBy[name], `who finished ${name}`).toMatch(/^replica-a\//);
    for (const name of claimed) {
      const c = sandbox.clusters.find((x) => x.name === name)!;
      expect(workloadImage(c, 'killed-system', 'demo-operator'), `workload on ${name}`).toBe('registry.example.com/demo-operator:1.0.0');
    }
  });
});
