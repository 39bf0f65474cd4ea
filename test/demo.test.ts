// `npm run demo` in-process: the fleet it prepares, the text it prints (working tokens,
// nothing else secret, operations valid against the running schema), the printed canary
// run for real and watched through the printed subscription, and a clean stop.
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildClientSchema, getIntrospectionQuery, parse, validate, type IntrospectionQuery } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_FLEET, DEMO_NAMESPACE, DEMO_OPERATOR, graphql, SSE_ID_PLACEHOLDER, startDemo, type Demo } from '../src/demo.ts';
import { subscribe } from './helpers/app.ts';
import { eventually } from './helpers/eventually.ts';

interface ProgressEvent {
  deploymentProgress: { sequence: number; clusterName: string | null; status: string; message: string };
}

/** The error code of a TCP connection to a loopback port ('connected' when something listens). */
const connectError = (port: number) =>
  new Promise<string>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });

const imageOn = (demo: Demo, cluster: string) =>
  (
    demo.sandbox.cluster(cluster).objects.get('apps/v1', 'Deployment', DEMO_NAMESPACE, DEMO_OPERATOR) as
      | { spec: { template: { spec: { containers: Array<{ image: string }> } } } }
      | undefined
  )?.spec.template.spec.containers[0]?.image;

describe('npm run demo', () => {
  let demo: Demo;
  let kubeconfigDir: string;
  beforeAll(async () => {
    kubeconfigDir = await mkdtemp(path.join(tmpdir(), 'demo-test-'));
    demo = await startDemo({ port: 0, kubeconfigDir, logLevel: 'silent', onNotification: () => {} });
  });
  afterAll(async () => {
    await demo?.stop();
    await rm(kubeconfigDir, { recursive: true, force: true });
  });

  it('registers the five clusters and installs the baseline on each, production included', async () => {
    const { clusters } = await graphql<{ clusters: { edges: Array<{ node: { name: string; environment: string } }> } }>(
      demo.url,
      demo.tokens.admin,
      '{ clusters(first: 10) { edges { node { name environment } } } }',
    );
    expect(clusters.edges.map((e) => e.node).sort((a, b) => a.name.localeCompare(b.name))).toEqual(
      [...DEMO_FLEET].sort((a, b) => a.name.localeCompare(b.name)),
    );
    for (const { name } of DEMO_FLEET) expect(imageOn(demo, name), name).toBe('registry.example.com/demo-operator:1.0.0');
    expect(demo.sandbox.clusters.every((c) => c.kubeconfigPath?.startsWith(kubeconfigDir))).toBe(true);
  });

  it('prints a GraphiQL URL and two working tokens: ADMIN, and ENVIRONMENT_OWNER of PRODUCTION', async () => {
    expect(demo.text).toContain(demo.url);
    const viewer = (token: string) =>
      graphql<{ viewer: { sub: string; roles: string[]; environments: string[] } }>(demo.url, token, '{ viewer { sub roles environments } }');
    expect((await viewer(demo.tokens.admin)).viewer).toMatchObject({ sub: 'admin', roles: ['ADMIN'] });
    expect((await viewer(demo.tokens.owner)).viewer).toEqual({ sub: 'erin', roles: ['ENVIRONMENT_OWNER'], environments: ['PRODUCTION'] });
  });

  it('prints no secret beyond its three tokens', () => {
    const jwts = demo.text.match(/eyJ[\w-]+\.[\w-]+\.[\w-]+/g) ?? [];
    expect(new Set(jwts)).toEqual(new Set([demo.tokens.admin, demo.tokens.owner, demo.tokens.operator]));
    const secrets = [demo.app.secrets.jwtSecret!, demo.app.secrets.encryptionKey];
    for (const c of demo.sandbox.clusters) secrets.push(/token: (\S+)/.exec(c.kubeconfig)![1]!, c.viewerToken);
    for (const secret of secrets) expect(demo.text).not.toContain(secret);
    expect(demo.text).not.toMatch(/certificate-authority-data|client-key/);
  });

  it('prints operations that are valid against the running schema', async () => {
    const introspection = await graphql<IntrospectionQuery>(demo.url, demo.tokens.admin, getIntrospectionQuery());
    const schema = buildClientSchema(introspection);
    const operations = [...Object.entries(demo.operations), ...Object.entries(demo.crdOperations)];
    expect(operations.length).toBeGreaterThanOrEqual(11);
    for (const [name, source] of operations) {
      // Printed indented: compare line by line, without the indentation.
      for (const line of source.split('\n')) expect(demo.text, `${name}: ${line}`).toContain(line.trim());
      expect(validate(schema, parse(source)).map((e) => `${name}: ${e.message}`)).toEqual([]);
    }
  });

  it('runs the printed canary: the printed subscription sees it reach dev-1 alone first, and the printed curl line streams it too', async () => {
    const { createDeployment } = await graphql<{ createDeployment: { id: string; status: string; previousVersion: string } }>(
      demo.url,
      demo.tokens.admin,
      demo.operations.canary,
    );
    expect(createDeployment).toMatchObject({ status: 'PLANNING', previousVersion: 'v1.0.0' });
    // GraphiQL sends its Headers pane as the connection parameters.
    const client = createClient({
      url: demo.url.replace('http://', 'ws://'),
      webSocketImpl: WebSocket,
      connectionParams: { Authorization: `Bearer ${demo.tokens.admin}` },
      retryAttempts: 0,
    });
    try {
      const progress = subscribe<ProgressEvent>(client, demo.operations.progress, { id: createDeployment.id });
      const events = () => progress.events.map((e) => e.data?.deploymentProgress);
      await progress.until(() => events().some((e) => e?.clusterName === 'dev-1' && e.status === 'COMPLETED') || progress.completed, 30_000);
      expect(progress.error).toBeUndefined();
      expect(events()[0]).toMatchObject({ sequence: 1 });
      expect(events().find((e) => /rollout started/.test(e?.message ?? ''))?.message).toMatch(
        /stage 1 of 3: .*: dev-1; stage 2 of 3: .*: dev-2; stage 3 of 3: .*: staging-1/,
      );
      // Cluster by cluster: only dev-1 has been touched so far.
      expect(
        new Set(
          events()
            .map((e) => e?.clusterName)
            .filter(Boolean),
        ),
      ).toEqual(new Set(['dev-1']));
      expect(imageOn(demo, 'dev-1')).toBe('registry.example.com/demo-operator:1.1.0');
      expect(imageOn(demo, 'dev-2')).toBe('registry.example.com/demo-operator:1.0.0');
      progress.unsubscribe();
    } finally {
      await client.dispose();
    }
    // The printed curl line: the same stream over Server-Sent Events.
    const body = JSON.parse(/-d '(\{.*\})'/.exec(demo.text)![1]!) as { query: string; variables: { id: string } };
    expect(body.variables.id).toBe(SSE_ID_PLACEHOLDER);
    const res = await fetch(demo.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${demo.tokens.admin}`, accept: 'text/event-stream', 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, variables: { id: createDeployment.id } }),
    });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    let streamed = '';
    while (!/"sequence":1,/.test(streamed)) {
      const { value, done } = await reader.read();
      if (done) break;
      streamed += new TextDecoder().decode(value);
    }
    await reader.cancel();
    expect(streamed).toMatch(/"deploymentProgress":\{"sequence":1,/);
  });

  it('shows the breaking CRD upgrade stopped, the Widgets it would break, the notification, and the rejection', async () => {
    const { validateCrdCompatibility: report } = await graphql<{
      validateCrdCompatibility: { requiresApproval: boolean; affectedObjects: Array<{ clusterName: string; name: string; fieldPath: string }> };
    }>(demo.url, demo.tokens.admin, demo.crdOperations.check);
    expect(report.requiresApproval).toBe(true);
    const broken = new Set(report.affectedObjects.map((o) => `${o.clusterName}/${o.name}`));
    expect([...broken].sort()).toEqual(['dev-1/checkout', 'dev-1/search', 'dev-2/payments', 'staging-1/checkout']);
    // Started by the OPERATOR (another deployment may still be running: wait for it to end first).
    const active = async () =>
      (
        await graphql<{ deployments: { edges: Array<{ node: { status: string } }> } }>(
          demo.url,
          demo.tokens.admin,
          '{ deployments(first: 5) { edges { node { status } } } }',
        )
      ).deployments.edges.some((e) => ['PLANNING', 'DEPLOYING', 'VALIDATING', 'ROLLING_BACK', 'PENDING_APPROVAL'].includes(e.node.status));
    await eventually(async () => !(await active()), 150_000, 'no deployment running or waiting');
    const { createDeployment } = await graphql<{ createDeployment: { id: string } }>(demo.url, demo.tokens.operator, demo.crdOperations.upgrade);
    type Pending = { approvals: Array<{ id: string; kind: string; deployment: { id: string; status: string; crdReport: unknown } }> };
    const approval = await eventually(
      async () =>
        (await graphql<Pending>(demo.url, demo.tokens.admin, demo.crdOperations.pending)).approvals.find(
          (a) => a.deployment.id === createDeployment.id && a.kind === 'CRD_CHANGE',
        ),
      60_000,
      'the CRD_CHANGE approval',
    );
    expect(approval.deployment.status).toBe('PENDING_APPROVAL');
    expect(approval.deployment.crdReport).toBeTruthy();
    const notice = await eventually(() => demo.inbox.received.find((m) => /CRD change/.test(m.text)), 30_000, 'the notification in the demo inbox');
    expect(notice.text).toMatch(/Approval needed/);
    const { reject } = await graphql<{ reject: { status: string; deployment: { status: string } } }>(demo.url, demo.tokens.admin, demo.crdOperations.reject, {
      id: approval.id,
    });
    expect(reject).toMatchObject({ status: 'REJECTED', deployment: { status: 'CANCELLED' } });
    for (const w of ['dev-1', 'dev-2', 'staging-1']) expect(imageOn(demo, w)).not.toMatch(/2\.0\.0$/);
  });

  it('stops the API, then the sandbox', async () => {
    await demo.stop();
    const apiPort = Number(new URL(demo.url).port);
    const devPort = Number(new URL(/server: (\S+)/.exec(demo.sandbox.cluster('dev-1').kubeconfig)![1]!).port);
    for (const port of [apiPort, devPort]) expect(await connectError(port), `port ${port}`).toBe('ECONNREFUSED');
  });
});
