// Hostile answers of a cluster's API server — malformed JSON, wrong shapes, truncated
// bodies, endless streams, 500s, silence — at every place the product asks a cluster:
// registration (refused with a clear error, nothing written; a cluster that answers 5xx is
// registered UNHEALTHY with the reason) and the health check (UNHEALTHY naming the problem). Never INTERNAL, and the API keeps answering while it happens.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { kubeconfigYaml } from '../helpers/kubeconfigs.ts';

type Behaviour = (req: IncomingMessage, res: ServerResponse) => void;

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};
const goodVersion = { major: '1', minor: '30', gitVersion: 'v1.30.0' };
const goodNodes = {
  kind: 'NodeList',
  apiVersion: 'v1',
  metadata: {},
  items: [{ metadata: { name: 'n1' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } }],
};
const discovery = { kind: 'APIResourceList', groupVersion: 'v1', resources: [{ name: 'nodes', kind: 'Node', namespaced: false, verbs: ['get', 'list'] }] };

const behaviours: Record<string, Behaviour> = {
  'answers HTML': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<html><body>Welcome to nginx!</body></html>');
  },
  'answers malformed JSON': (_req, res) => json(res, 200, '{"major": "1", "minor": '),
  'answers a version of the wrong shape': (req, res) =>
    req.url === '/version' ? json(res, 200, { major: { evil: true }, gitVersion: ['v1'] }) : json(res, 200, goodNodes),
  'answers a node list whose items are not a list': (req, res) =>
    json(res, 200, req.url === '/version' ? goodVersion : req.url === '/api/v1' ? discovery : { kind: 'NodeList', items: 'all of them' }),
  'answers discovery that is not an APIResourceList': (req, res) =>
    json(res, 200, req.url === '/version' ? goodVersion : { kind: 'APIResourceList', resources: 'nodes' }),
  'pages a list forever with the same continue token': (req, res) =>
    json(res, 200, req.url === '/version' ? goodVersion : req.url === '/api/v1' ? discovery : { ...goodNodes, metadata: { continue: 'again' } }),
  'cuts its answer short': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '5000' });
    res.write('{"major": "1", "min');
    setTimeout(() => res.socket?.destroy(), 20);
  },
  'streams without end': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const pump = () => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  },
  'announces a 10 GB answer': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(10 * 1024 ** 3) });
    res.write('{');
  },
  'never answers': () => {},
  'answers 500 to everything': (_req, res) =>
    json(res, 500, { kind: 'Status', status: 'Failure', message: 'etcdserver: request timed out', reason: 'InternalError', code: 500 }),
  'refuses the token': (_req, res) => json(res, 401, { kind: 'Status', status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 }),
};

/** What registration answers for each behaviour. */
const atRegistration: Record<string, RegExp> = {
  'answers HTML': /does not answer like a Kubernetes API server.*not JSON/,
  'answers malformed JSON': /does not answer like a Kubernetes API server.*not JSON/,
  'answers a version of the wrong shape': /does not answer like a Kubernetes API server.*version/,
  'answers a node list whose items are not a list': /does not answer like a Kubernetes API server.*items must be a list of objects/,
  'answers discovery that is not an APIResourceList': /does not answer like a Kubernetes API server.*not an APIResourceList/,
  'pages a list forever with the same continue token': /does not answer like a Kubernetes API server.*repeated a continue token/,
  'cuts its answer short': /unreachable|connection|not JSON/,
  'streams without end': /does not answer like a Kubernetes API server.*larger than 1048576 bytes/,
  'announces a 10 GB answer': /does not answer like a Kubernetes API server.*larger than 1048576 bytes/,
  'never answers': /unreachable.*timeout/,
  'refuses the token': /refused the credentials \(401 Unauthorized\)/,
};

describe('hostile answers of a cluster API server', () => {
  let t: TestApp;
  let server: Server;
  let behaviour: Behaviour = behaviours['answers HTML']!;
  let kubeconfig: string;

  beforeAll(async () => {
    server = createServer((req, res) => behaviour(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    kubeconfig = kubeconfigYaml({ server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, insecure: true });
    t = await startTestApp('pglite', { KUBE_MAX_RESPONSE_BYTES: String(1024 * 1024), KUBE_REQUEST_TIMEOUT: 'PT1S', HEALTH_CHECK_TIMEOUT: 'PT1S' });
  });
  afterAll(async () => {
    await t?.stop();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const register = (name: string) =>
    t.raw({
      query: 'mutation($input: RegisterClusterInput!) { registerCluster(input: $input) { name healthStatus healthMessage } }',
      variables: { input: { name, environment: 'DEVELOPMENT', kubeconfig } },
    });

  it.each(Object.entries(atRegistration))(
    'refuses to register a server that %s, names the problem and writes nothing',
    { timeout: 20_000 },
    async (what, message) => {
      behaviour = behaviours[what]!;
      const name = `hostile-${Object.keys(behaviours).indexOf(what)}`;
      const started = Date.now();
      // The API answers other callers meanwhile.
      const [r, viewer] = await Promise.all([register(name), t.raw({ query: '{ viewer { sub } }' })]);
      expect(viewer.data).toEqual({ viewer: { sub: 'admin' } });
      expect(r.errors?.[0]?.extensions?.code, JSON.stringify(r.errors)).toBe('BAD_USER_INPUT');
      expect(r.errors?.[0]?.extensions?.fields).toEqual(['input.kubeconfig']);
      expect(r.errors?.[0]?.message).toMatch(message);
      expect(r.errors?.[0]?.message).not.toMatch(/super-secret-token-value/);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(await t.app.db.prisma.cluster.count({ where: { name } })).toBe(0);
    },
  );

  it('registers a cluster that answers 500 as UNHEALTHY with the reason', async () => {
    behaviour = behaviours['answers 500 to everything']!;
    const r = await register('hostile-500');
    expect(r.errors).toBeUndefined();
    expect(r.data.registerCluster).toMatchObject({ healthStatus: 'UNHEALTHY', healthMessage: expect.stringMatching(/500.*etcdserver: request timed out/) });
  });

  it.each(Object.keys(behaviours))(
    'reports a registered cluster that %s as UNHEALTHY, naming the problem, in checkClusterHealth',
    { timeout: 20_000 },
    async (what) => {
      behaviour = behaviours[what]!;
      const name = `registered-${Object.keys(behaviours).indexOf(what)}`;
      await t.raw({
        query: 'mutation($input: RegisterClusterInput!) { registerCluster(input: $input) { name } }',
        variables: { input: { name, environment: 'DEVELOPMENT', kubeconfig, skipConnectivityCheck: true } },
      });
      const checked = await t.raw({ query: 'mutation($n: String!) { checkClusterHealth(name: $n) { healthStatus healthMessage } }', variables: { n: name } });
      expect(checked.errors).toBeUndefined();
      expect(checked.data.checkClusterHealth.healthStatus).toBe('UNHEALTHY');
      expect(checked.data.checkClusterHealth.healthMessage).toMatch(/\S{10,}/);
      expect(checked.data.checkClusterHealth.healthMessage).not.toMatch(/super-secret-token-value/);
    },
  );
});
