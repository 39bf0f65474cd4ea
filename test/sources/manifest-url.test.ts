import { createReadStream, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchError, SourceError } from '../../src/sources/errors.ts';
import { readUrl } from '../../src/sources/fetch.ts';
import { expandManifestUrl, fetchManifestBundle, manifestUrlTemplateProblem } from '../../src/sources/manifest-url.ts';
import { parseManifests } from '../../src/sources/yaml.ts';
import { corpus, corpusTitle } from '../helpers/corpus.ts';
import { FIXTURES_DIR, fixturePath, operatorText } from '../helpers/operators.ts';
import { startLocalServer, type LocalServer } from './local-server.ts';
import { testFence } from './test-fence.ts';

let server: LocalServer;
const fence = testFence();
const fast = { fence, retryDelayMs: 5, timeoutMs: 2000 };

beforeAll(async () => {
  server = await startLocalServer({
    '/releases/v0.75.0/bundle.yaml': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/yaml' });
      createReadStream(corpus.path('prometheus-operator/v0.75.0/bundle.yaml')).pipe(res);
    },
    '/releases/telemetry/v1.0.0/bundle.yaml': (_req, res) =>
      res.writeHead(200, { 'content-type': 'application/yaml' }).end(operatorText('telemetry', 'v1.0.0')),
    '/flaky.yaml': (_req, res, hit) => {
      if (hit <= 2) res.writeHead(503).end('busy');
      else res.writeHead(200).end('apiVersion: v1\nkind: Namespace\nmetadata: {name: ok}\n');
    },
    '/always-500.yaml': (_req, res) => res.writeHead(500).end('boom'),
    '/forbidden.yaml': (_req, res) => res.writeHead(403).end('no'),
    '/hang.yaml': () => {
      /* never answers */
    },
    '/big-declared.yaml': (_req, res) => res.writeHead(200, { 'content-length': String(5000) }).end('x'.repeat(5000)),
    '/big-chunked.yaml': (_req, res) => {
      res.writeHead(200); // no content-length: the limit must hold while streaming
      for (let i = 0; i < 10; i++) res.write('y'.repeat(1000));
      res.end();
    },
  });
});
afterAll(() => server.close());

describe('manifest URL templates', () => {
  it.each([
    ['https://github.com/o/p/releases/download/{version}/bundle.yaml', 'v0.75.0', 'https://github.com/o/p/releases/download/v0.75.0/bundle.yaml'],
    ['https://github.com/o/p/releases/download/{version}/bundle.yaml', '0.75.0', 'https://github.com/o/p/releases/download/0.75.0/bundle.yaml'],
    ['https://example.com/{vVersion}/cert-manager-{bareVersion}.yaml', '1.14.0', 'https://example.com/v1.14.0/cert-manager-1.14.0.yaml'],
    ['https://example.com/{vVersion}/cert-manager-{bareVersion}.yaml', 'v1.14.0', 'https://example.com/v1.14.0/cert-manager-1.14.0.yaml'],
    ['file:///srv/bundles/latest.yaml', '1.0.0', 'file:///srv/bundles/latest.yaml'],
  ])('%s with %s → %s', (template, version, url) => {
    expect(expandManifestUrl(template, version)).toBe(url);
  });

  it.each([
    ['https://example.com/{tag}/x.yaml', /unknown placeholder \{tag\} \(known: \{version\}, \{bareVersion\}, \{vVersion\}\)/],
    ['ftp://example.com/{version}.yaml', /must use http:\/\/, https:\/\/ or file:\/\//],
    ['bundles/{version}.yaml', /must be an absolute URL/],
  ])('rejects the template %s', (template, message) => {
    expect(manifestUrlTemplateProblem(template)).toMatch(message);
    expect(() => expandManifestUrl(template, '1.0.0')).toThrow(SourceError);
  });

  it.each(['../../etc/passwd', '1.0.0/../../x', '1.0.0?x=1', '', 'v1 .0'])('refuses the version %j', (version) => {
    expect(() => expandManifestUrl('file:///srv/{version}/bundle.yaml', version)).toThrow(/cannot be used in a URL/);
  });
});

describe('fetching bundles', () => {
  it.skipIf(!corpus.present)(corpusTitle('reads the v0.75.0 bundle over HTTP through a {version} template'), async () => {
    const { url, text } = await fetchManifestBundle(`${server.url}/releases/{version}/bundle.yaml`, 'v0.75.0', fast);
    expect(url).toBe(`${server.url}/releases/v0.75.0/bundle.yaml`);
    expect(parseManifests(text).filter((o) => o.kind === 'CustomResourceDefinition')).toHaveLength(10);
  });

  it.skipIf(!corpus.present)(corpusTitle('reads the corpus through a file:// template'), async () => {
    const template = `${pathToFileURL(corpus.path('prometheus-operator')).href}/{vVersion}/bundle.yaml`;
    const { text } = await fetchManifestBundle(template, '0.80.0', { fence });
    expect(parseManifests(text).find((o) => o.kind === 'Deployment')?.spec.template.spec.containers[0].image).toBe(
      'quay.io/prometheus-operator/prometheus-operator:v0.80.0',
    );
  });

  it("reads the project's telemetry v1.0.0 bundle (over 1 MB) over HTTP through a {version} template", async () => {
    const { url, text } = await fetchManifestBundle(`${server.url}/releases/telemetry/{version}/bundle.yaml`, 'v1.0.0', fast);
    expect(url).toBe(`${server.url}/releases/telemetry/v1.0.0/bundle.yaml`);
    expect(text.length).toBeGreaterThan(1024 * 1024);
    expect(parseManifests(text).filter((o) => o.kind === 'CustomResourceDefinition')).toHaveLength(5);
  });

  it("reads the project's fixtures through a file:// template", async () => {
    const template = `${pathToFileURL(fixturePath('operators/telemetry')).href}/{vVersion}.yaml`;
    const { text } = await fetchManifestBundle(template, '1.1.0', { fence });
    expect(parseManifests(text).find((o) => o.kind === 'Deployment')?.spec.template.spec.containers[0].image).toBe(
      'registry.example.com/telemetry/telemetry-operator:v1.1.0',
    );
  });

  it('retries 5xx answers with backoff', async () => {
    const body = await readUrl(`${server.url}/flaky.yaml`, fast);
    expect(body.toString()).toContain('name: ok');
    expect(server.hits.get('/flaky.yaml')).toBe(3);
  });

  it('gives up after the retries, naming the URL and the status', async () => {
    const attempt = readUrl(`${server.url}/always-500.yaml?token=secret`, { ...fast, retries: 2 });
    await expect(attempt).rejects.toThrow(new RegExp(`^${server.url}/always-500.yaml: HTTP 500 Internal Server Error \\(after 3 attempts\\)$`));
    await expect(attempt).rejects.toMatchObject({ status: 500 });
    expect(server.hits.get('/always-500.yaml')).toBe(3);
  });

  it('does not retry a 4xx', async () => {
    await expect(readUrl(`${server.url}/forbidden.yaml`, fast)).rejects.toThrow(/forbidden.yaml: HTTP 403 Forbidden$/);
    await expect(readUrl(`${server.url}/missing.yaml`, fast)).rejects.toThrow(/missing.yaml: HTTP 404 Not Found$/);
    expect(server.hits.get('/forbidden.yaml')).toBe(1);
  });

  it('times out each attempt', async () => {
    await expect(readUrl(`${server.url}/hang.yaml`, { fence, timeoutMs: 100, retries: 1, retryDelayMs: 5 })).rejects.toThrow(
      /hang.yaml: no complete answer within 100 ms \(after 2 attempts\)/,
    );
  });

  it('cancels a read in flight, retries included', async () => {
    const controller = new AbortController();
    const before = server.hits.get('/hang.yaml') ?? 0;
    const reading = readUrl(`${server.url}/hang.yaml?token=secret`, { ...fast, timeoutMs: 60_000, signal: controller.signal });
    while ((server.hits.get('/hang.yaml') ?? 0) === before) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    await expect(reading).rejects.toThrow(new RegExp(`^${server.url}/hang.yaml: cancelled$`));
  });

  it('enforces the size limit, declared, streamed or of a file', async () => {
    await expect(readUrl(`${server.url}/big-declared.yaml`, { ...fast, maxBytes: 1000 })).rejects.toThrow(/5000 bytes exceed the limit of 1000/);
    await expect(readUrl(`${server.url}/big-chunked.yaml`, { ...fast, maxBytes: 1000 })).rejects.toThrow(/body exceeds the limit of 1000 bytes/);
    const file = fixturePath('operators/telemetry/v1.0.0.yaml');
    await expect(readUrl(pathToFileURL(file), { fence, maxBytes: 1000 })).rejects.toThrow(`${statSync(file).size} bytes exceed the limit of 1000`);
  });

  it.skipIf(!corpus.present)(corpusTitle('enforces the size limit on a file'), async () => {
    await expect(readUrl(pathToFileURL(corpus.path('prometheus-operator/v0.75.0/bundle.yaml')), { fence, maxBytes: 1000 })).rejects.toThrow(
      /3394436 bytes exceed the limit of 1000/,
    );
  });

  it('reports an unreachable server, a missing file and an unsupported scheme', async () => {
    const closed = await startLocalServer({});
    await closed.close();
    await expect(readUrl(`${closed.url}/x.yaml`, { ...fast, retries: 1 })).rejects.toThrow(/x.yaml: ECONNREFUSED \(after 2 attempts\)/);
    const missing = pathToFileURL(`${FIXTURES_DIR}nonexistent/bundle.yaml`).href;
    await expect(readUrl(missing, { fence })).rejects.toThrow(`${missing}: file not found`);
    await expect(readUrl('ftp://example.com/x.yaml', { fence })).rejects.toThrow(FetchError);
    await expect(readUrl('https://user:pw@127.0.0.1:1/x.yaml', { ...fast, retries: 0 })).rejects.toThrow(/^https:\/\/127.0.0.1:1\/x.yaml: /); // no credentials in messages
  });
});
