// Hostile answers of the servers the product reads from or posts to: Helm repository
// indexes (read at registerOperator), manifest bundles (read at createDeployment and
// validateCrdCompatibility, rendered when a rollout plans) and webhook receivers. Alias
// bombs, 100 MB answers, wrong content types, answers that never end or never come, 500s:
// each is a clear error naming the problem, never INTERNAL, and nothing is written.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postWebhook } from '../../src/notifications/webhook.ts';
import { SourceFence } from '../../src/sources/fence.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { finishedDeployment } from '../helpers/fleet.ts';
import { kubeconfigYaml } from '../helpers/kubeconfigs.ts';

type Behaviour = (req: IncomingMessage, res: ServerResponse) => void;

const text =
  (status: number, type: string, body: string): Behaviour =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  };
/** Streams `total` bytes of `fill` (or forever) with `status`, honouring back-pressure. */
const stream =
  (total = Infinity, fill = 'x', status = 200): Behaviour =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/yaml' });
    const chunk = Buffer.alloc(64 * 1024, fill);
    let sent = 0;
    const pump = () => {
      while (!res.destroyed && sent < total && res.write(chunk)) sent += chunk.length;
      if (sent >= total) res.end();
      else if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  };
const never: Behaviour = () => {};
const aliasBomb = (head: string) =>
  [
    head,
    'l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ...Array.from({ length: 9 }, (_, i) => `l${i + 1}: &l${i + 1} [${Array(9).fill(`*l${i}`).join(',')}]`),
  ].join('\n');
const goodIndex = 'apiVersion: v1\nentries:\n  demo:\n  - version: 1.0.0\n    urls: [demo-1.0.0.tgz]\n';

const indexCases: Array<[string, Behaviour, RegExp]> = [
  ['an index.yaml alias bomb', text(200, 'application/yaml', aliasBomb('apiVersion: v1\nentries: {}')), /YAML aliases/],
  ['a 100 MB index.yaml', stream(100 * 1024 * 1024), /exceeds the limit of 1048576 bytes/],
  [
    'an index.yaml that announces 10 GB',
    (_req, res) => {
      res.writeHead(200, { 'content-length': String(10 * 1024 ** 3) });
      res.write('a');
    },
    /10737418240 bytes exceed the limit of 1048576/,
  ],
  [
    'an HTML page instead of index.yaml',
    text(200, 'text/html', '<!doctype html><html><body><h1>Sign in</h1></body></html>'),
    /no "entries" mapping; is this a Helm chart repository\?/,
  ],
  ['an index.yaml that is not YAML', text(200, 'application/yaml', 'entries: [unclosed\n  - {'), /index\.yaml/],
  ['entries that are a list', text(200, 'application/yaml', 'apiVersion: v1\nentries: [1, 2, 3]\n'), /no "entries" mapping/],
  [
    'an index without the chart',
    text(200, 'application/yaml', 'apiVersion: v1\nentries:\n  other: []\n'),
    /chart "demo" not found in Helm repository .* \(it has: other\)/,
  ],
  ['an index.yaml that never comes', never, /no complete answer within 1000 ms/],
  ['an index.yaml that never ends', stream(), /exceeds the limit of 1048576 bytes|no complete answer within 1000 ms/],
  ['500 for index.yaml', text(500, 'text/plain', 'upstream exploded'), /HTTP 500.*after 2 attempts/],
  ['404 for index.yaml', text(404, 'text/plain', 'nope'), /HTTP 404/],
];

const bundleCases: Array<[string, Behaviour, RegExp]> = [
  ['a 100 MB bundle', stream(100 * 1024 * 1024), /exceeds the limit of 1048576 bytes/],
  ['a bundle that never comes', never, /no complete answer within 1000 ms/],
  ['500 for the bundle', text(500, 'text/plain', 'boom'), /HTTP 500/],
  ['404 for the bundle', text(404, 'text/plain', 'no such release'), /HTTP 404/],
];

/** Bundles that can be read but not used: refused when rendered (validateCrdCompatibility, rollout planning). */
const renderCases: Array<[string, Behaviour, RegExp]> = [
  ['a manifest alias bomb', text(200, 'application/yaml', aliasBomb('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:')), /YAML aliases/],
  [
    'an HTML page instead of manifests',
    text(200, 'text/html', '<html><body>Login</body></html>'),
    /expected a Kubernetes object|not a Kubernetes object|apiVersion/,
  ],
  ['YAML that is not Kubernetes objects', text(200, 'application/yaml', 'name: not-a-manifest\nreplicas: 3\n'), /apiVersion is missing/],
  ['an empty bundle', text(200, 'application/yaml', '---\n---\n'), /contain no objects/],
];

describe('hostile answers of sources and webhook receivers', () => {
  let t: TestApp;
  let server: Server;
  let behaviour: Behaviour = never;
  let base: string;
  const counts = async () => {
    const p = t.app.db.prisma;
    return {
      operators: await p.operator.count(),
      deployments: await p.deployment.count(),
      releases: await p.release.count(),
      rendered: await p.renderedManifest.count(),
    };
  };

  beforeAll(async () => {
    server = createServer((req, res) => behaviour(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    t = await startTestApp('pglite', { SOURCE_MAX_BYTES: String(1024 * 1024), SOURCE_FETCH_TIMEOUT: 'PT1S', ENGINE_POLL_INTERVAL: 'PT0.2S' });
    await t.raw({
      query: 'mutation($input: RegisterClusterInput!) { registerCluster(input: $input) { name } }',
      variables: { input: { name: 'dev-1', environment: 'DEVELOPMENT', kubeconfig: kubeconfigYaml(), skipConnectivityCheck: true } },
    });
    behaviour = text(200, 'application/yaml', goodIndex);
    await t.raw({
      query: 'mutation($input: RegisterOperatorInput!) { registerOperator(input: $input) { name } }',
      variables: { input: { name: 'bundled', namespace: 'bundled', manifestUrlTemplate: `${base}/bundles/{version}.yaml`, versions: ['v1.0.0'] } },
    });
  });
  afterAll(async () => {
    await t?.stop();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it.each(indexCases)('refuses to register a chart whose repository answers %s, naming the problem', { timeout: 15_000 }, async (_what, answer, message) => {
    behaviour = answer;
    const before = await counts();
    const r = await t.raw({
      query: 'mutation($input: RegisterOperatorInput!) { registerOperator(input: $input) { name } }',
      variables: { input: { name: 'charted', namespace: 'charted', chartRepository: `${base}/charts`, chartName: 'demo' } },
    });
    expect(r.errors?.[0]?.extensions?.code, JSON.stringify(r.errors)).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0]?.extensions?.fields).toEqual(['input.chartRepository', 'input.chartName']);
    expect(r.errors?.[0]?.message).toMatch(message);
    expect(await counts()).toEqual(before);
  });

  it.each(bundleCases)(
    'refuses a deployment of an unlisted version whose bundle answers %s, naming the problem',
    { timeout: 15_000 },
    async (_what, answer, message) => {
      behaviour = answer;
      const before = await counts();
      const r = await t.raw({
        query: 'mutation($input: CreateDeploymentInput!) { createDeployment(input: $input) { id } }',
        variables: { input: { operatorName: 'bundled', targetVersion: 'v9.9.9', strategy: 'DIRECT', targetClusters: ['dev-1'] } },
      });
      expect(r.errors?.[0]?.extensions?.code, JSON.stringify(r.errors)).toBe('BAD_USER_INPUT');
      expect(r.errors?.[0]?.extensions?.fields).toEqual(['input.targetVersion']);
      expect(r.errors?.[0]?.message).toMatch(message);
      expect(await counts()).toEqual(before);
    },
  );

  it.each(renderCases)(
    'refuses to check or roll out %s: validateCrdCompatibility is BAD_USER_INPUT, the rollout fails before any cluster',
    { timeout: 30_000 },
    async (_what, answer, message) => {
      behaviour = answer;
      const check = await t.raw({ query: 'mutation { validateCrdCompatibility(operatorName: "bundled", targetVersion: "v1.0.0") { compatible } }' });
      expect(check.errors?.[0]?.extensions?.code, JSON.stringify(check.errors)).toBe('BAD_USER_INPUT');
      expect(check.errors?.[0]?.message).toMatch(/could not render bundled v1\.0\.0/);
      expect(check.errors?.[0]?.message).toMatch(message);
      const releases = await t.app.db.prisma.release.count();
      const created = await t.raw({
        query: 'mutation($input: CreateDeploymentInput!) { createDeployment(input: $input) { id } }',
        variables: { input: { operatorName: 'bundled', targetVersion: 'v1.0.0', strategy: 'DIRECT', targetClusters: ['dev-1'] } },
      });
      expect(created.errors).toBeUndefined();
      const d = await finishedDeployment(t, created.data.createDeployment.id, 20_000);
      expect(d.status).toBe('FAILED');
      expect(d.errorMessage).toMatch(message);
      expect(d.clusters.map((c: { status: string }) => c.status)).toEqual(['PENDING']);
      expect(await t.app.db.prisma.release.count()).toBe(releases);
    },
  );

  describe('webhook receivers', () => {
    const fence = new SourceFence({ fileRoots: [], allowedUrlPrefixes: [], allowPrivateNetworks: true });
    const payload = { text: 'approval waiting' } as never;
    const receivers: Array<[string, Behaviour, RegExp]> = [
      ['answers 500 with 10 MB', stream(10 * 1024 * 1024, 'e', 500), /^HTTP 500/],
      ['never answers', never, /no response within 1 s/],
      [
        'redirects to the metadata address',
        (_req, res) => {
          res.writeHead(302, { location: 'http://169.254.169.254/latest/' });
          res.end();
        },
        /redirect to http:\/\/169\.254\.169\.254 not followed.*the fence refuses it as well/,
      ],
      ['answers 200 and then streams forever', stream(), /^$/],
      ['resets the connection', (req) => req.socket.destroy(), /request failed/],
    ];
    it.each(receivers)(
      'a receiver that %s gives a delivery error naming what happened (or a delivery)',
      { timeout: 10_000 },
      async (_what, answer, message) => {
        behaviour = answer;
        const started = Date.now();
        const outcome = await postWebhook(`${base}/hook/secret-token-abc`, payload, { fence, timeoutMs: 1000 }).then(
          () => '',
          (err: Error) => err.message,
        );
        expect(outcome).toMatch(message);
        expect(outcome).not.toContain('secret-token-abc');
        expect(Date.now() - started).toBeLessThan(5000);
      },
    );
  });
});
