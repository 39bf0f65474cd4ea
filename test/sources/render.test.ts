import { createReadStream } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryManifestCache, renderDigest, renderManifests, sourceIdentityOf, type ManifestCache, type OperatorSource } from '../../src/sources/render.ts';
import { canonicalJson } from '../../src/domain/json.ts';
import { parseManifests } from '../../src/sources/yaml.ts';
import { corpus, corpusTitle } from '../helpers/corpus.ts';
import { fixtureTemplate, operatorText } from '../helpers/operators.ts';
import { createHelmStandIn, type HelmStandIn } from './helm-stand-in.ts';
import { startLocalServer, type LocalServer } from './local-server.ts';
import { testFence } from './test-fence.ts';

let server: LocalServer;
let helm: HelmStandIn;
const fence = testFence();

beforeAll(async () => {
  const bundle = (tag: string) => (_req: unknown, res: import('node:http').ServerResponse) => {
    res.writeHead(200);
    createReadStream(corpus.path(`prometheus-operator/${tag}/bundle.yaml`)).pipe(res);
  };
  // The project's telemetry operator, its Collector CRD inflated past 1 MB as in a real bundle.
  const telemetryBundle = (tag: string) => (_req: unknown, res: import('node:http').ServerResponse) => res.writeHead(200).end(operatorText('telemetry', tag));
  server = await startLocalServer({
    '/v0.75.0/bundle.yaml': bundle('v0.75.0'),
    '/v0.80.0/bundle.yaml': bundle('v0.80.0'),
    '/telemetry/v1.0.0/bundle.yaml': telemetryBundle('v1.0.0'),
    '/telemetry/v1.1.0/bundle.yaml': telemetryBundle('v1.1.0'),
  });
  helm = await createHelmStandIn();
  process.env.HELM_STAND_IN_LOG = helm.env.HELM_STAND_IN_LOG; // the renderer runs helm with this process's environment
});
afterAll(() => server.close());

const prometheus = (template: string): OperatorSource => ({ name: 'prometheus-operator', namespace: 'monitoring', manifestUrlTemplate: template });
const telemetry = (template: string): OperatorSource => ({ name: 'telemetry-operator', namespace: 'monitoring', manifestUrlTemplate: template });
const widget: OperatorSource = { name: 'widget-operator', namespace: 'widgets', chartRepository: 'https://charts.example.com', chartName: 'widget-operator' };

describe('renderManifests from a manifest URL', () => {
  it.skipIf(!corpus.present)(corpusTitle('renders the bundle over HTTP, normalised, and serves the second call from the cache'), async () => {
    const cache = new MemoryManifestCache();
    const operator = prometheus(`${server.url}/{version}/bundle.yaml`);
    const first = await renderManifests({ fence, operator, version: 'v0.75.0', cache });
    expect(first).toMatchObject({ source: 'url', fromCache: false, warnings: [] });
    expect(first.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(first.objects).toHaveLength(15);
    expect(first.manifests).not.toContain('---\n---'); // empty documents are gone
    expect(canonicalJson(parseManifests(first.manifests))).toBe(canonicalJson(first.objects));
    expect(cache.entries.get(first.digest)).toMatchObject({ operatorName: 'prometheus-operator', version: 'v0.75.0' });

    const second = await renderManifests({ fence, operator, version: 'v0.75.0', cache });
    expect(second).toMatchObject({ fromCache: true, digest: first.digest, manifests: first.manifests });
    expect(canonicalJson(second.objects)).toBe(canonicalJson(first.objects));
    expect(server.hits.get('/v0.75.0/bundle.yaml')).toBe(1);

    const other = await renderManifests({ fence, operator, version: 'v0.80.0', cache });
    expect(other.digest).not.toBe(first.digest);
    expect(other.objects.find((o) => o.kind === 'Deployment')?.metadata.labels?.['app.kubernetes.io/version']).toBe('0.80.0');
  });

  it.skipIf(!corpus.present)(corpusTitle('renders from a file:// template, warning that values do not apply'), async () => {
    const operator = prometheus(corpus.template('prometheus-operator', 'bundle.yaml'));
    const result = await renderManifests({ fence, operator, version: 'v0.80.0', values: { replicas: 2 } });
    expect(result.objects.filter((o) => o.kind === 'CustomResourceDefinition')).toHaveLength(10);
    expect(result.warnings).toEqual(['values are ignored: the operator is installed from a manifest URL, not a Helm chart']);
  });

  it.skipIf(!corpus.present)(corpusTitle('survives a broken cache, reporting it'), async () => {
    const broken: ManifestCache = {
      get: async () => {
        throw new Error('database unreachable');
      },
      put: async () => {
        throw new Error('database unreachable');
      },
    };
    const result = await renderManifests({ fence, operator: prometheus(`${server.url}/{version}/bundle.yaml`), version: 'v0.80.0', cache: broken });
    expect(result.objects).toHaveLength(15);
    expect(result.warnings).toEqual(['rendered-manifest cache not used (database unreachable)', 'rendered manifests not cached (database unreachable)']);
  });

  it('names the document when the bundle is bad', async () => {
    const bad = await startLocalServer({
      '/1.0.0/bundle.yaml': (_q, res) => res.end('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nkind: Secret\n'),
    });
    try {
      await expect(renderManifests({ fence, operator: prometheus(`${bad.url}/{version}/bundle.yaml`), version: '1.0.0' })).rejects.toThrow(
        'prometheus-operator 1.0.0: document 2 (line 4) [Secret/?]: apiVersion is missing or not a string',
      );
    } finally {
      await bad.close();
    }
  });
});

describe("renderManifests from a manifest URL, with the project's telemetry operator", () => {
  it('renders the bundle over HTTP, normalised, and serves the second call from the cache', async () => {
    const cache = new MemoryManifestCache();
    const operator = telemetry(`${server.url}/telemetry/{version}/bundle.yaml`);
    const first = await renderManifests({ fence, operator, version: 'v1.0.0', cache });
    expect(first).toMatchObject({ source: 'url', fromCache: false, warnings: [] });
    expect(first.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(first.objects).toHaveLength(10);
    expect(first.manifests).not.toContain('---\n---'); // empty documents are gone
    expect(canonicalJson(parseManifests(first.manifests))).toBe(canonicalJson(first.objects));
    expect(cache.entries.get(first.digest)).toMatchObject({ operatorName: 'telemetry-operator', version: 'v1.0.0' });

    const second = await renderManifests({ fence, operator, version: 'v1.0.0', cache });
    expect(second).toMatchObject({ fromCache: true, digest: first.digest, manifests: first.manifests });
    expect(canonicalJson(second.objects)).toBe(canonicalJson(first.objects));
    expect(server.hits.get('/telemetry/v1.0.0/bundle.yaml')).toBe(1);

    const other = await renderManifests({ fence, operator, version: 'v1.1.0', cache });
    expect(other.digest).not.toBe(first.digest);
    expect(other.objects.find((o) => o.kind === 'Deployment')?.metadata.labels?.['app.kubernetes.io/version']).toBe('1.1.0');
  });

  it('renders from a file:// template, warning that values do not apply', async () => {
    const result = await renderManifests({ fence, operator: telemetry(fixtureTemplate('telemetry')), version: 'v1.1.0', values: { replicas: 2 } });
    expect(result.objects.filter((o) => o.kind === 'CustomResourceDefinition')).toHaveLength(5);
    expect(result.warnings).toEqual(['values are ignored: the operator is installed from a manifest URL, not a Helm chart']);
  });

  it('survives a broken cache, reporting it', async () => {
    const broken: ManifestCache = {
      get: async () => {
        throw new Error('database unreachable');
      },
      put: async () => {
        throw new Error('database unreachable');
      },
    };
    const result = await renderManifests({ fence, operator: telemetry(`${server.url}/telemetry/{version}/bundle.yaml`), version: 'v1.1.0', cache: broken });
    expect(result.objects).toHaveLength(10);
    expect(result.warnings).toEqual(['rendered-manifest cache not used (database unreachable)', 'rendered manifests not cached (database unreachable)']);
  });
});

describe('renderManifests from a Helm chart', () => {
  it('runs helm template with the values and caches by (chart, version, values)', async () => {
    const cache = new MemoryManifestCache();
    const result = await renderManifests({ fence, operator: widget, version: '2.1.0', values: { replicaCount: 3 }, helmBin: helm.bin, cache });
    expect(result.source).toBe('helm');
    expect(result.objects.map((o) => o.kind)).toEqual(['CustomResourceDefinition', 'ConfigMap', 'Deployment']);
    expect(result.objects[2]?.spec.replicas).toBe(3);
    expect(result.manifests).not.toContain('# Source:');
    const calls = (await helm.calls()).length;
    await renderManifests({ fence, operator: widget, version: '2.1.0', values: { replicaCount: 3 }, helmBin: helm.bin, cache });
    expect((await helm.calls()).length).toBe(calls); // from the cache
    const changed = await renderManifests({ fence, operator: widget, version: '2.1.0', values: { replicaCount: 4 }, helmBin: helm.bin, cache });
    expect(changed.digest).not.toBe(result.digest);
    expect((await helm.calls()).length).toBe(calls + 1);
  });

  it('needs a helm binary for a chart-only operator, and falls back to the URL when there is one', () => {
    expect(() => sourceIdentityOf(widget)).toThrow(
      'operator "widget-operator" is a Helm chart; rendering it needs a helm binary (set HELM_BIN) or a manifestUrlTemplate',
    );
    expect(sourceIdentityOf({ ...widget, manifestUrlTemplate: 'https://x/{version}.yaml' })).toEqual({ type: 'url', template: 'https://x/{version}.yaml' });
    expect(sourceIdentityOf({ ...widget, manifestUrlTemplate: 'https://x/{version}.yaml' }, '/usr/bin/helm').type).toBe('helm');
    expect(() => sourceIdentityOf({ name: 'x', namespace: 'y' })).toThrow(/has no manifest source/);
  });
});

describe('renderDigest', () => {
  const identity = { type: 'url' as const, template: 'https://x/{version}.yaml' };
  it('depends on identity, version and values, not on key order', () => {
    const d = renderDigest(identity, '1.0.0', { a: 1, b: { c: 2, d: 3 } });
    expect(renderDigest(identity, '1.0.0', { b: { d: 3, c: 2 }, a: 1 })).toBe(d);
    expect(renderDigest(identity, '1.0.1', { a: 1, b: { c: 2, d: 3 } })).not.toBe(d);
    expect(renderDigest(identity, '1.0.0', { a: 2, b: { c: 2, d: 3 } })).not.toBe(d);
    expect(renderDigest({ ...identity, template: 'https://y/{version}.yaml' }, '1.0.0', { a: 1, b: { c: 2, d: 3 } })).not.toBe(d);
    expect(renderDigest(identity, '1.0.0')).toBe(renderDigest(identity, '1.0.0', {}));
  });
});
