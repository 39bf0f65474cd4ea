// kill -9 during a rollout: the server runs as a child process; it is killed while
// DEPLOYING, started again on the same database, and the deployment completes with its
// events numbered without gaps and every cluster released exactly once.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/auth/tokens.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { CreateDeploymentDocument, DeploymentDocument, RegisterClusterDocument, RegisterOperatorDocument } from '../generated/graphql.ts';
import { gqlAt, testAppEnv } from '../helpers/app.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../helpers/databases.ts';
import { DEMO_TEMPLATE, DEMO_VERSIONS, workloadImage } from '../helpers/fleet.ts';
import { eventually } from '../helpers/eventually.ts';
import { freePort } from '../helpers/ports.ts';

const SECRET = 'crash-test-secret-crash-test-secret';

describe.each(DATABASE_KINDS)('crash during a rollout (%s)', (kind) => {
  let sandbox: Sandbox;
  let db: TestDatabase;
  let env: Record<string, string>;
  let child: ChildProcess | undefined;
  let url: string;
  let token: string;

  async function startServer(): Promise<void> {
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    await eventually(
      async () => (await fetch(url.replace('/graphql', '/health')).catch(() => undefined))?.ok,
      60_000,
      `server to start (${stderr.slice(-500)})`,
    );
  }

  const gql = <R, V>(doc: TypedDocumentNode<R, V>, variables: V): Promise<R> => gqlAt(url, token, doc, variables);

  beforeAll(async () => {
    sandbox = await startSandbox({
      clusters: [
        { name: 'dev-1', environment: 'DEVELOPMENT' },
        { name: 'dev-2', environment: 'DEVELOPMENT' },
        { name: 'stage-1', environment: 'STAGING' },
      ],
      podReadyDelayMs: 100,
    });
    db = await createTestDatabase(kind);
    const port = await freePort();
    url = `http://127.0.0.1:${port}/graphql`;
    env = testAppEnv({
      PORT: String(port),
      JWT_SECRET: SECRET,
      ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
      LOG_LEVEL: 'silent',
      ENGINE_POLL_INTERVAL: 'PT0.2S',
      ENGINE_LEASE_TTL: 'PT3S',
      ENGINE_REPLICA_ID: 'crash-test',
      ...(kind === 'pglite' ? { DATA_DIR: await mkdtemp(path.join(tmpdir(), 'om-crash-')) } : db.env),
    });
    token = await mintToken(SECRET, { sub: 'admin', roles: ['ADMIN'], ttlSeconds: 600 });
    await startServer();
    for (const c of sandbox.clusters) await gql(RegisterClusterDocument, { input: { name: c.name, environment: c.environment, kubeconfig: c.kubeconfig } });
    await gql(RegisterOperatorDocument, { input: { name: 'demo', namespace: 'demo-system', manifestUrlTemplate: DEMO_TEMPLATE, versions: DEMO_VERSIONS } });
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await sandbox?.stop();
    await db?.drop();
  });

  it('finishes after kill -9 and restart, with gapless events and one release per cluster', async () => {
    const { createDeployment } = await gql(CreateDeploymentDocument, {
      input: {
        operatorName: 'demo',
        targetVersion: 'v1.0.0',
        strategy: 'ROLLING',
        targetClusters: ['dev-1', 'dev-2', 'stage-1'],
        strategyConfig: { rolling: { validationPeriod: 'PT1S' } },
      },
    });
    const id = createDeployment.id;
    await eventually(async () => (await gql(DeploymentDocument, { id })).deployment?.clusters[0]?.status === 'COMPLETED', 60_000, 'first cluster done');
    const before = (await gql(DeploymentDocument, { id })).deployment!;
    expect(before.status).toMatch(/DEPLOYING|VALIDATING/);
    child!.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));

    await startServer();
    const done = await eventually(
      async () => {
        const d = (await gql(DeploymentDocument, { id })).deployment!;
        return ['COMPLETED', 'FAILED', 'ROLLED_BACK', 'CANCELLED'].includes(d.status) ? d : undefined;
      },
      90_000,
      'deployment to finish after the restart',
    );
    expect(done.status).toBe('COMPLETED');
    expect(done.clusters.map((c) => [c.clusterName, c.status, c.releaseRevision])).toEqual([
      ['dev-1', 'COMPLETED', 1],
      ['dev-2', 'COMPLETED', 1],
      ['stage-1', 'COMPLETED', 1],
    ]);
    expect(done.events.length).toBeGreaterThan(before.events.length);
    expect(done.events.map((e) => e.sequence)).toEqual(done.events.map((_e, i) => i + 1));
    // Events written before the crash are still there, unchanged.
    expect(done.events.slice(0, before.events.length)).toEqual(before.events);
    for (const c of sandbox.clusters) {
      expect(workloadImage(c, 'demo-system', 'demo-operator')).toBe('registry.example.com/demo-operator:1.0.0');
    }
  });
});
