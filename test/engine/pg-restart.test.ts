// PostgreSQL restarts (`pg_ctl restart -m fast`) in the middle of a rollout driven by two
// replicas: every connection is cut. The engine reconnects and resumes (leases, heartbeats
// and claims recover), LISTEN/NOTIFY is subscribed again on both replicas, and graphql-ws
// subscribers on both still receive every event exactly once, in order, up to the end.
// The server is one of the test's own, started like the CI one (test/helpers/postgres-server.ts).
import { createClient, type Client } from 'graphql-ws';
import pg from 'pg';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { mintToken } from '../../src/auth/tokens.ts';
import { loadConfig } from '../../src/config/index.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { CreateDeploymentDocument, DeploymentDocument, RegisterClusterDocument, RegisterOperatorDocument } from '../generated/graphql.ts';
import { gqlAt, subscribe, TEST_JWT_SECRET, testAppEnv } from '../helpers/app.ts';
import { DEMO_TEMPLATE, DEMO_VERSIONS, FAST_ENGINE_ENV, workloadImage } from '../helpers/fleet.ts';
import { startPostgresServer, type PostgresServer } from '../helpers/postgres-server.ts';
import { eventually } from '../helpers/eventually.ts';

const CLUSTERS = ['c1', 'c2', 'c3', 'c4'];
const PROGRESS = 'subscription($id: ID!) { deploymentProgress(deploymentId: $id) { sequence status clusterName } }';
type Progress = { deploymentProgress: { sequence: number; status: string; clusterName: string | null } };

interface Replica {
  app: App;
  url: string;
  ws: Client;
  logs: Array<Record<string, any>>;
}

describe.skipIf(!process.env.TEST_DATABASE_URL || !process.env.PG_BIN)(
  'PostgreSQL restart during a rollout (skipped without TEST_DATABASE_URL and PG_BIN from .ci/postgres.sh)',
  () => {
    let server: PostgresServer;
    let sandbox: Sandbox;
    let token: string;
    const replicas: Replica[] = [];

    async function startReplica(id: string): Promise<Replica> {
      const logs: Array<Record<string, any>> = [];
      const logger = createLogger('warn', { write: (line: string) => void logs.push(JSON.parse(line)) });
      // Leases far longer than the test: a deployment must resume without waiting one out.
      const env = testAppEnv({ ...FAST_ENGINE_ENV, ENGINE_LEASE_TTL: 'PT90S', DATABASE_URL: server.url, ENGINE_REPLICA_ID: id });
      const app = await createApp(loadConfig(env), { logger });
      const url = `http://127.0.0.1:${await app.start()}/graphql`;
      const ws = createClient({
        url: url.replace('http', 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${token}` },
        retryAttempts: 0,
      });
      return { app, url, ws, logs };
    }

    const gql = <R, V>(r: Replica, doc: TypedDocumentNode<R, V>, variables: V): Promise<R> => gqlAt(r.url, token, doc, variables);

    beforeAll(async () => {
      server = await startPostgresServer(process.env.PG_BIN!);
      token = await mintToken(TEST_JWT_SECRET, { sub: 'admin', roles: ['ADMIN'], ttlSeconds: 600 });
      sandbox = await startSandbox({ clusters: CLUSTERS.map((name) => ({ name })), tls: false, podReadyDelayMs: 100 });
      replicas.push(await startReplica('replica-a'), await startReplica('replica-b'));
      for (const c of sandbox.clusters)
        await gql(replicas[0]!, RegisterClusterDocument, { input: { name: c.name, environment: c.environment, kubeconfig: c.kubeconfig } });
      for (const name of ['demo', 'after']) {
        await gql(replicas[0]!, RegisterOperatorDocument, {
          input: { name, namespace: `${name}-system`, manifestUrlTemplate: DEMO_TEMPLATE, versions: DEMO_VERSIONS },
        });
      }
    });
    afterAll(async () => {
      for (const r of replicas) {
        await r.ws.dispose();
        await r.app.stop();
      }
      await sandbox?.stop();
      await server?.stop();
    });

    /**
     * A Rolling rollout over every cluster, with subscribers on both replicas; `outage` runs
     * once the first cluster is done. Checks that it ends COMPLETED with every cluster released
     * once, events without gaps, and both subscribers served every event once, in order.
     */
    async function rolloutThrough(operatorName: string, outage: () => Promise<void>) {
      const [a, b] = replicas as [Replica, Replica];
      const { createDeployment } = await gql(a, CreateDeploymentDocument, {
        input: {
          operatorName,
          targetVersion: 'v1.0.0',
          strategy: 'ROLLING',
          targetClusters: CLUSTERS,
          strategyConfig: { rolling: { validationPeriod: 'PT1S' } },
        },
      });
      const id = createDeployment.id;
      const streams = [a, b].map((r) => subscribe<Progress>(r.ws, PROGRESS, { id }));

      // Who drives the deployment, sampled the whole time: never both at once.
      let overlap = false;
      const drivers = new Set<string>();
      const sampler = setInterval(() => {
        const da = a.app.engine!.driving().includes(id);
        const db = b.app.engine!.driving().includes(id);
        if (da && db) overlap = true;
        if (da) drivers.add('a');
        if (db) drivers.add('b');
      }, 20);
      try {
        await eventually(
          async () => (await gql(a, DeploymentDocument, { id })).deployment!.clusters[0]!.status === 'COMPLETED',
          60_000,
          'the first cluster done',
        );
        const before = (await gql(a, DeploymentDocument, { id })).deployment!;
        expect(before.status).toMatch(/DEPLOYING|VALIDATING/);
        await outage();

        const done = await eventually(
          async () => {
            const d = (await gql(b, DeploymentDocument, { id })).deployment!;
            return ['COMPLETED', 'FAILED', 'ROLLED_BACK', 'CANCELLED'].includes(d.status) ? d : undefined;
          },
          45_000,
          'the deployment to end after the outage (without waiting for its 90 s lease to run out)',
        );
        expect(done.status, done.errorMessage ?? '').toBe('COMPLETED');
        expect(done.clusters.map((c) => [c.clusterName, c.status, c.releaseRevision])).toEqual(CLUSTERS.map((c) => [c, 'COMPLETED', 1]));
        const sequences = done.events.map((e) => e.sequence);
        expect(sequences).toEqual(sequences.map((_s, i) => i + 1));
        expect(done.events.slice(0, before.events.length)).toEqual(before.events);
        for (const c of sandbox.clusters) expect(workloadImage(c, `${operatorName}-system`, 'demo-operator')).toBe('registry.example.com/demo-operator:1.0.0');

        for (const [i, s] of streams.entries()) {
          await s.until(() => s.completed, 30_000);
          expect(s.error, `subscriber on replica ${'ab'[i]}`).toBeUndefined();
          expect(
            s.events.map((e) => e.data?.deploymentProgress.sequence),
            `subscriber on replica ${'ab'[i]}`,
          ).toEqual(sequences);
          expect(s.events.at(-1)!.data!.deploymentProgress).toMatchObject({ status: 'COMPLETED', clusterName: null });
        }
      } finally {
        clearInterval(sampler);
      }
      expect(overlap, 'two replicas drove the deployment at once').toBe(false);
      expect(drivers.size).toBeGreaterThan(0);
    }

    it('resumes the rollout after pg_ctl restart -m fast; subscribers on both replicas get every event once, in order, and the end; both listen again', async () => {
      const clusterChanges = replicas.map((r) => subscribe<{ clusterUpdated: { name: string } }>(r.ws, 'subscription { clusterUpdated { name } }'));
      await rolloutThrough('demo', () => server.restart());

      // Both replicas lost their listening connection, and listen again: a notification sent now reaches both.
      for (const r of replicas) expect(r.logs.some((l) => l.msg === 'notification connection lost; reconnecting')).toBe(true);
      const notifier = new pg.Client({ connectionString: server.url });
      await notifier.connect();
      try {
        await eventually(
          async () => {
            await notifier.query(`SELECT pg_notify('operator_manager_events', $1)`, [JSON.stringify({ origin: 'test', type: 'cluster', name: 'c9' })]);
            return clusterChanges.every((s) => s.events.some((e) => e.data?.clusterUpdated.name === 'c9'));
          },
          20_000,
          'both replicas to hear a notification after the restart',
        );
      } finally {
        await notifier.end();
      }
      for (const s of clusterChanges) s.unsubscribe();
    });

    it("rides out an outage longer than the subscribers' poll interval (stopped 2.5 s, then started on the same port)", async () => {
      await rolloutThrough('after', () => server.restart({ downForMs: 2500 }));
    });
  },
);
