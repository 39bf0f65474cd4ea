// The source fence on real HTTP: refused addresses are never connected to, every redirect
// hop is checked, and the address a host name resolves to at fetch time is what counts
// (the resolver is injected, so `rebind.example` can resolve to whatever a test needs).
import https from 'node:https';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { readUrl } from '../../src/sources/fetch.ts';
import { SourceFence, type HostLookup, type SourceFenceOptions } from '../../src/sources/fence.ts';
import { listChartVersions } from '../../src/sources/helm-repo.ts';
import { createFleetTls } from '../../src/sandbox/tls.ts';
import { startLocalServer, type LocalServer } from './local-server.ts';
import { eventually } from '../helpers/eventually.ts';

const BODY = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: fenced}\n';
const PRIVATE_REFUSAL = 'refused (loopback and private networks need SOURCE_ALLOW_PRIVATE_NETWORKS=true; it defaults to false when NODE_ENV=production)';
const fast = { retries: 2, retryDelayMs: 5, timeoutMs: 5000 };

let server: LocalServer;
let port: number;
let redirectTo = '';

/** Resolves the names of the tests as `names` says; anything else does not exist. */
const resolver =
  (names: Record<string, string[]>): HostLookup =>
  async (hostname) => {
    const addresses = names[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: net.isIP(address) }));
  };

const fenceWith = (options: Partial<SourceFenceOptions> = {}) =>
  new SourceFence({ fileRoots: [], allowedUrlPrefixes: [], allowPrivateNetworks: true, lookup: resolver({ 'local.example': ['127.0.0.1'] }), ...options });

beforeAll(async () => {
  server = await startLocalServer({
    '/bundle.yaml': (_req, res) => res.writeHead(200).end(BODY),
    '/redirect': (_req, res) => res.writeHead(302, { location: redirectTo }).end(),
    '/hop': (req, res) => {
      const n = Number(new URL(req.url!, 'http://x').searchParams.get('n'));
      if (n > 0) res.writeHead(301, { location: `/hop?n=${n - 1}` }).end();
      else res.writeHead(200).end(BODY);
    },
    '/charts/index.yaml': (_req, res) => res.writeHead(302, { location: 'http://169.254.169.254/charts/index.yaml' }).end(),
  });
  port = Number(new URL(server.url).port);
});
afterAll(() => server.close());
afterEach(() => vi.restoreAllMocks());

/** Socket.connect calls (every outgoing TCP connection starts with one) while `run` runs. */
async function connectsDuring(run: () => Promise<unknown>): Promise<number> {
  const spy = vi.spyOn(net.Socket.prototype, 'connect');
  try {
    await run().catch(() => {});
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

describe('addresses refused without connecting', () => {
  it.each(['http://169.254.169.254/latest/meta-data/iam/', 'http://[::ffff:169.254.169.254]/latest/', 'http://[fd00:ec2::254]/latest/', 'http://0.0.0.0:80/'])(
    'refuses %s at once, without retries and without a connection',
    async (url) => {
      const fence = fenceWith();
      const started = Date.now();
      let error: Error | undefined;
      const connects = await connectsDuring(async () => {
        error = await readUrl(url, { ...fast, fence, timeoutMs: 60_000, retryDelayMs: 60_000 }).then(
          () => undefined,
          (err: Error) => err,
        );
      });
      expect(error?.message).toMatch(
        / is (a link-local\/cloud-metadata|an unspecified|an IPv4-mapped form of 169\.254\.169\.254, a link-local\/cloud-metadata) address, refused$/,
      );
      expect(connects).toBe(0);
      expect(Date.now() - started).toBeLessThan(5000); // no retry waited 60 s
    },
  );

  it('refuses a name that resolves to a metadata address at connect time, though the URL itself passes', async () => {
    const fence = fenceWith({ lookup: resolver({ 'rebind.example': ['169.254.169.254'] }) });
    const url = `http://rebind.example:${port}/bundle.yaml`;
    expect(fence.checkUrl(url)).toBeUndefined();
    await expect(readUrl(url, { ...fast, fence })).rejects.toThrow(
      `http://rebind.example:${port}/bundle.yaml: rebind.example resolves to 169.254.169.254, a link-local/cloud-metadata address, refused`,
    );
  });

  it('refuses a name when any of its addresses is forbidden', async () => {
    const fence = fenceWith({ allowPrivateNetworks: false, lookup: resolver({ 'mixed.example': ['93.184.216.34', '10.0.0.7'] }) });
    await expect(readUrl('http://mixed.example/x.yaml', { ...fast, fence })).rejects.toThrow(
      `http://mixed.example/x.yaml: mixed.example resolves to 10.0.0.7, a private-network address, ${PRIVATE_REFUSAL}`,
    );
  });

  it('reads through a name that resolves to an allowed address (the resolver is what connects)', async () => {
    const fence = fenceWith({ lookup: resolver({ 'rebind.example': ['127.0.0.1'] }) });
    expect((await readUrl(`http://rebind.example:${port}/bundle.yaml`, { ...fast, fence })).toString()).toBe(BODY);
  });

  it('reports a name that does not resolve as a network error, retried', async () => {
    await expect(readUrl('http://nowhere.example/x.yaml', { ...fast, fence: fenceWith() })).rejects.toThrow(
      'http://nowhere.example/x.yaml: ENOTFOUND (after 3 attempts)',
    );
  });
});

describe('https', () => {
  it('goes through the same lookup, and still verifies the server certificate', async () => {
    const tls = await createFleetTls('fence-test'); // signed by a CA this process does not trust
    let handshakes = 0;
    const secure = https.createServer({ cert: tls.cert, key: tls.key }, (_req, res) => res.end(BODY));
    secure.on('tlsClientError', () => (handshakes += 1));
    await new Promise<void>((resolve) => secure.listen(0, '127.0.0.1', resolve));
    const securePort = (secure.address() as net.AddressInfo).port;
    try {
      const fence = fenceWith({ lookup: resolver({ 'tls.example': ['127.0.0.1'], 'rebind.example': ['169.254.169.254'] }) });
      await expect(readUrl(`https://rebind.example:${securePort}/x.yaml`, { ...fast, fence })).rejects.toThrow(
        'rebind.example resolves to 169.254.169.254, a link-local/cloud-metadata address, refused',
      );
      expect(handshakes).toBe(0);
      await expect(readUrl(`https://tls.example:${securePort}/x.yaml`, { ...fast, retries: 0, fence })).rejects.toThrow(
        `https://tls.example:${securePort}/x.yaml: UNABLE_TO_VERIFY_LEAF_SIGNATURE (after 1 attempt)`,
      );
      await eventually(async () => handshakes === 1, 5000, 'the TLS handshake');
    } finally {
      secure.closeAllConnections();
      await new Promise<void>((resolve) => secure.close(() => resolve()));
    }
  });
});

describe('redirects', () => {
  it('follows up to 5 redirects, each hop checked, and refuses the 6th', async () => {
    const fence = fenceWith();
    expect((await readUrl(`${server.url}/hop?n=5`, { ...fast, fence })).toString()).toBe(BODY);
    await expect(readUrl(`${server.url}/hop?n=6`, { ...fast, fence })).rejects.toThrow(`${server.url}/hop: more than 5 redirects`);
  });

  it('refuses a redirect to the metadata address without connecting to it, naming the hop', async () => {
    redirectTo = 'http://169.254.169.254/latest/meta-data/?token=abc';
    const fence = fenceWith();
    const before = server.hits.get('/redirect') ?? 0;
    let error: Error | undefined;
    const connects = await connectsDuring(async () => {
      error = await readUrl(`${server.url}/redirect?x=secret`, { ...fast, fence }).then(
        () => undefined,
        (err: Error) => err,
      );
    });
    expect(error?.message).toBe(
      `${server.url}/redirect: redirect to http://169.254.169.254/latest/meta-data/ refused: 169.254.169.254 is a link-local/cloud-metadata address, refused`,
    );
    expect(connects).toBe(1); // the test server only
    expect(server.hits.get('/redirect')).toBe(before + 1); // not retried
  });

  it('refuses a redirect to a file', async () => {
    redirectTo = 'file:///etc/passwd';
    await expect(readUrl(`${server.url}/redirect`, { ...fast, fence: fenceWith({ fileRoots: ['/etc'] }) })).rejects.toThrow(
      `${server.url}/redirect: redirect to file:///etc/passwd refused: a redirect to file:///etc/passwd is not followed (redirects never lead to files)`,
    );
  });

  it('refuses a redirect to a name that resolves to a metadata address, at connect time', async () => {
    redirectTo = 'http://rebind.example/latest/';
    const fence = fenceWith({ lookup: resolver({ 'rebind.example': ['169.254.169.254'] }) });
    await expect(readUrl(`${server.url}/redirect`, { ...fast, fence })).rejects.toThrow(
      `${server.url}/redirect: redirect to http://rebind.example/latest/ refused: rebind.example resolves to 169.254.169.254, a link-local/cloud-metadata address, refused`,
    );
  });

  it('checks every hop against the URL prefixes', async () => {
    redirectTo = `http://127.0.0.1:${port}/bundle.yaml`;
    const fence = fenceWith({ allowedUrlPrefixes: [`http://127.0.0.1:${port}/redirect`] });
    await expect(readUrl(`${server.url}/redirect`, { ...fast, fence })).rejects.toThrow(
      `${server.url}/redirect: redirect to ${server.url}/bundle.yaml refused: ${server.url}/… does not start with any SOURCE_ALLOWED_URL_PREFIXES entry (${server.url}/redirect)`,
    );
    const wider = fenceWith({ allowedUrlPrefixes: [`${server.url}/`] });
    expect((await readUrl(`${server.url}/redirect`, { ...fast, fence: wider })).toString()).toBe(BODY);
  });

  it('refuses a Helm repository index that redirects to the metadata address', async () => {
    await expect(listChartVersions(`${server.url}/charts`, 'x', { ...fast, fence: fenceWith() })).rejects.toThrow(
      `cannot read Helm repository index: ${server.url}/charts/index.yaml: redirect to http://169.254.169.254/charts/index.yaml refused: 169.254.169.254 is a link-local/cloud-metadata address, refused`,
    );
  });
});

describe('production: loopback and private networks', () => {
  const production = (env: Record<string, string> = {}) => {
    const { sources } = loadConfig({ NODE_ENV: 'production', ...env });
    return new SourceFence({ ...sources, lookup: resolver({ 'rebind.example': ['127.0.0.1'] }) });
  };

  it('refuses 127.0.0.1 without connecting, unless SOURCE_ALLOW_PRIVATE_NETWORKS=true', async () => {
    const before = server.hits.get('/bundle.yaml') ?? 0;
    const connects = await connectsDuring(() => readUrl(`${server.url}/bundle.yaml`, { ...fast, fence: production() }));
    await expect(readUrl(`${server.url}/bundle.yaml`, { ...fast, fence: production() })).rejects.toThrow(
      `${server.url}/bundle.yaml: 127.0.0.1 is a loopback address, ${PRIVATE_REFUSAL}`,
    );
    expect(connects).toBe(0);
    expect(server.hits.get('/bundle.yaml') ?? 0).toBe(before);
    const allowed = production({ SOURCE_ALLOW_PRIVATE_NETWORKS: 'true' });
    expect((await readUrl(`${server.url}/bundle.yaml`, { ...fast, fence: allowed })).toString()).toBe(BODY);
  });

  it('refuses a name that resolves to loopback, before the server sees a request', async () => {
    const before = server.hits.get('/bundle.yaml') ?? 0;
    await expect(readUrl(`http://rebind.example:${port}/bundle.yaml`, { ...fast, fence: production() })).rejects.toThrow(
      `rebind.example resolves to 127.0.0.1, a loopback address, ${PRIVATE_REFUSAL}`,
    );
    expect(server.hits.get('/bundle.yaml') ?? 0).toBe(before);
  });

  // 0.0.0.0 reaches this host (which is why it is refused unless a prefix names it): named
  // here, it lets a production fence reach the test server, whose redirects to loopback
  // must then be refused hop by hop. Naming 127.0.0.1 in a prefix does not allow it: only
  // SOURCE_ALLOW_PRIVATE_NETWORKS does.
  const prefixes = () => `http://0.0.0.0:${port}/,http://127.0.0.1:${port}/,http://rebind.example:${port}/`;

  it.each([
    ['a loopback address', () => `http://127.0.0.1:${port}/bundle.yaml`, () => `127.0.0.1 is a loopback address, ${PRIVATE_REFUSAL}`],
    [
      'a name that resolves to loopback',
      () => `http://rebind.example:${port}/bundle.yaml`,
      () => `rebind.example resolves to 127.0.0.1, a loopback address, ${PRIVATE_REFUSAL}`,
    ],
  ])('refuses a redirect to %s, naming the hop', async (_what, target, problem) => {
    redirectTo = target();
    const fence = production({ SOURCE_ALLOWED_URL_PREFIXES: prefixes() });
    const before = server.hits.get('/bundle.yaml') ?? 0;
    await expect(readUrl(`http://0.0.0.0:${port}/redirect`, { ...fast, fence })).rejects.toThrow(
      `http://0.0.0.0:${port}/redirect: redirect to ${target()} refused: ${problem()}`,
    );
    expect(server.hits.get('/bundle.yaml') ?? 0).toBe(before);
    // With private networks allowed the same chain is read to the end.
    const allowed = production({ SOURCE_ALLOWED_URL_PREFIXES: prefixes(), SOURCE_ALLOW_PRIVATE_NETWORKS: 'true' });
    expect((await readUrl(`http://0.0.0.0:${port}/redirect`, { ...fast, fence: allowed })).toString()).toBe(BODY);
  });
});
