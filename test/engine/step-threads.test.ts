// Step threads (ENGINE_STEP_THREADS, src/step-threads.ts): the cluster steps of a rollout run
// in a worker thread of the replica, not on the thread that serves the API — on the embedded
// database (through a port of its thread) as on PostgreSQL — and a graceful stop hands a
// running step back for the next start to take.
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config/index.ts';
import { CreateDeploymentDocument, DeploymentDocument } from '../generated/graphql.ts';
import { subscribe, testAppEnv } from '../helpers/app.ts';
import { DATABASE_KINDS } from '../helpers/databases.ts';
import { eventually } from '../helpers/eventually.ts';
import { FAST_ENGINE_ENV, startFleet, workloadImage, type Fleet } from '../helpers/fleet.ts';

const CLUSTERS = ['t1', 't2', 't3'];

describe.each(DATABASE_KINDS)('step threads (%s)', (kind) => {
  let f: Fleet | undefined;
  let again: App | undefined;
  afterEach(async () => {
    await again?.stop();
    again = undefined;
    await f?.stopAll();
    f = undefined;
  });

  const deploy = async (fleet: Fleet) =>
    (
      await fleet.ok(CreateDeploymentDocument, {
        input: {
          operatorName: 'demo',
          targetVersion: 'v1.0.0',
          strategy: 'DIRECT',
          targetClusters: CLUSTERS,
          strategyConfig: { direct: { parallelClusters: 3 } },
        },
      })
    ).createDeployment.id;

  it('runs every cluster step in the step thread and streams its events to subscribers of the main thread', async () => {
    f = await startFleet({ kind, clusters: CLUSTERS.map((name) => ({ name, environment: 'DEVELOPMENT' as const })), env: { ENGINE_STEP_THREADS: '1' } });
    const fleet = f;
    const replicaId = fleet.app.engine!.replicaId;
    const id = await deploy(fleet);
    const stream = subscribe<{ deploymentProgress: { sequence: number; clusterName: string | null; status: string } }>(
      fleet.wsClient(),
      'subscription($id: ID!) { deploymentProgress(deploymentId: $id) { sequence clusterName status } }',
      { id },
    );
    await stream.until(() => stream.completed, 60_000);
    const d = (await fleet.ok(DeploymentDocument, { id })).deployment!;
    expect(d.status).toBe('COMPLETED');
    // Every event, cluster steps' included, reached the subscriber on the main thread in order.
    expect(stream.events.map((e) => e.data?.deploymentProgress.sequence)).toEqual(d.events.map((e) => e.sequence));
    expect(stream.events.filter((e) => e.data?.deploymentProgress.status === 'COMPLETED' && e.data.deploymentProgress.clusterName).length).toBe(
      CLUSTERS.length,
    );
    // Each row names who ran its step: the replica's step thread, never its main thread.
    const rows = await fleet.app.db.prisma.clusterDeployment.findMany({ where: { deploymentId: id }, select: { clusterName: true, claimedBy: true } });
    expect(rows.map((r) => [r.clusterName, r.claimedBy]).sort()).toEqual(CLUSTERS.map((c) => [c, `${replicaId}/steps-1`]));
    for (const c of fleet.sandbox.clusters) expect(workloadImage(c, 'demo-system', 'demo-operator')).toBe('registry.example.com/demo-operator:1.0.0');
  });

  it.skipIf(kind !== 'postgres')(
    'hands a running step back on a graceful stop; the next start takes it and finishes (skipped on PGlite: its test database is in memory and ends with the app)',
    async () => {
      f = await startFleet({ kind, clusters: CLUSTERS.map((name) => ({ name, environment: 'DEVELOPMENT' as const })), env: { ENGINE_STEP_THREADS: '1' } });
      const fleet = f;
      // Slow clusters keep the steps in the middle of their work.
      for (const c of fleet.sandbox.clusters) await c.setFaults({ latencyMs: 300 });
      const id = await deploy(fleet);
      const prisma = fleet.app.db.prisma;
      await eventually(
        async () =>
          (await prisma.clusterDeployment.count({ where: { deploymentId: id, status: { in: ['DEPLOYING', 'VALIDATING'] }, claimedUntil: { not: null } } })) > 0,
        30_000,
        'a step in progress',
      );
      const env = testAppEnv({ ...FAST_ENGINE_ENV, ...fleet.db.env, ENGINE_STEP_THREADS: '1', ENGINE_REPLICA_ID: 'next-start' });
      await fleet.app.stop();
      // Handed back: still queued, nobody's claim on it.
      const { default: pg } = await import('pg');
      const sql = new pg.Client({ connectionString: fleet.db.env.DATABASE_URL });
      await sql.connect();
      try {
        const rows = await sql.query<{ status: string; queued: boolean; claimed: boolean }>(
          'SELECT status, queued_at IS NOT NULL AS queued, claimed_until IS NOT NULL AS claimed FROM cluster_deployments WHERE deployment_id = $1',
          [id],
        );
        const unfinished = rows.rows.filter((r) => r.status !== 'COMPLETED');
        expect(unfinished.length).toBeGreaterThan(0);
        for (const r of unfinished) expect(r).toEqual({ status: expect.any(String), queued: true, claimed: false });
      } finally {
        await sql.end();
      }
      for (const c of fleet.sandbox.clusters) await c.setFaults({ latencyMs: 0 });
      again = await createApp(loadConfig(env));
      await again.start();
      const done = await eventually(
        async () => {
          const d = await again!.db.prisma.deployment.findUnique({ where: { id }, select: { status: true } });
          return d && ['COMPLETED', 'FAILED', 'ROLLED_BACK', 'CANCELLED'].includes(d.status) ? d.status : undefined;
        },
        60_000,
        'the deployment to finish after the restart',
      );
      expect(done).toBe('COMPLETED');
    },
  );
});
