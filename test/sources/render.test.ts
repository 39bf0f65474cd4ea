import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryManifestCache, renderDigest, renderManifests, sourceIdentityOf, type ManifestCache, type OperatorSource } from '../../src/sources/render.ts';
import { canonicalJson } from '../../src/domain/json.ts';
import { parseManifests } from '../../src/sources/yaml.ts';
import { corpus } from '../helpers/corpus.ts';
import { fixtureTemplate, operatorText } from '../helpers/operators.ts';
import { itSources, type SourceCase } from '../helpers/sources.ts';
import { createHelmStandIn, type HelmStandIn } from './helm-stand-in.ts';
import { startLocalServer, type LocalServer, type Route } from './local-server.ts';
import { testFence } from './test-fence.ts';

let server: LocalServer;
let helm: HelmStandIn;
const fence = testFence();

interface Operator extends SourceCase {
  operator: string;
  /** Where the local server serves the bundles, below its URL. */
  path: string;
  /** A release's bundle, as the local server serves it. */
  bundle: (version: string) => string;
  /** A file:// manifest URL template of the same bundles. */
  fileTemplate: () => string;
  versions: [string, string];
  objects: number;
  crds: number;
}

const operators: Operator[] = [
  {
    name: 'the prometheus-operator bundle',
    corpus: true,
    operator: 'prometheus-operator',
    path: '',
    bundle: (version) => corpus.read(`prometheus-operator/${version}/bundle.yaml`),
    fileTemplate: () => corpus.template('prometheus-operator', 'bundle.yaml'),
    versions: ['v0.75.0', 'v0.80.0'],
    objects: 15,
    crds: 10,
  },
  {
    name: "the project's telemetry operator bundle",
    corpus: false,
    operator: 'telemetry-operator',
    path: '/telemetry',
    // Its Collector CRD inflated past 1 MB, as in a real bundle.
    bundle: (version) => operatorText('telemetry', version),
    fileTemplate: () => fixtureTemplate('telemetry'),
    versions: ['v1.0.0', 'v1.1.0'],
    objects: 10,
    crds: 5,
  },
];

beforeAll(async () => {
  const routes: Record<string, Route> = {};
  for (const c of operators) {
    for (const version of c.versions) routes[`${c.path}/${version}/bundle.yaml`] = (_req, res) => res.writeHead(200).end(c.bundle(version));
  }
  server = await startLocalServer(routes);
  helm = await createHelmStandIn();
  process.env.HELM_STAND_IN_LOG = helm.env.HELM_STAND_IN_LOG; // the renderer runs helm with this process's environment
});
afterAll(() => server.close());

const source = (name: string, template: string): OperatorSource => ({ name, namespace: 'monitoring', manifestUrlTemplate: template });
const widget: OperatorSource = { name: 'widget-operator', namespace: 'widgets', chartRepository: 'https://charts.example.com', chartName: 'widget-operator' };

describe('renderManifests from a manifest URL', () => {
  const overHttp = (c: Operator) => source(c.operator, `${server.url}${c.path}/{version}/bundle.yaml`);

  itSources(
    operators,
    (c) => `renders ${c.name} over HTTP, normalised, and serves the second call from the cache`,
    async (c) => {
      const [version, next] = c.versions;
      const cache = new MemoryManifestCache();
      const operator = overHttp(c);
      const first = await renderManifests({ fence, operator, version, cache });
      expect(first).toMatchObject({ source: 'url', fromCache: false, warnings: [] });
      expect(first.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(first.objects).toHaveLength(c.objects);
      expect(first.manifests).not.toContain('---\n---'); // empty documents are gone
      expect(canonicalJson(parseManifests(first.manifests))).toBe(canonicalJson(first.objects));
      expect(cache.entries.get(first.digest)).toMatchObject({ operatorName: c.operator, version });

      const second = await renderManifests({ fence, operator, version, cache });
      expect(second).toMatchObject({ fromCache: true, digest: first.digest, manifests: first.manifests });
      expect(canonicalJson(second.objects)).toBe(canonicalJson(first.objects));
      expect(server.hits.get(`${c.path}/${version}/bundle.yaml`)).toBe(1);

      const other = await renderManifests({ fence, operator, version: next, cache });
      expect(other.digest).not.toBe(first.digest);
      expect(other.objects.find((o) => o.kind === 'Deployment')?.metadata.labels?.['app.kubernetes.io/version']).toBe(next.slice(1));
    },
  );

  itSources(
    operators,
    (c) => `renders ${c.name} from a file:// template, warning that values do not apply`,
    async (c) => {
      const result = await renderManifests({ fence, operator: source(c.operator, c.fileTemplate()), version: c.versions[1], values: { replicas: 2 } });
      expect(result.objects.filter((o) => o.kind === 'CustomResourceDefinition')).toHaveLength(c.crds);
      expect(result.warnings).toEqual(['values are ignored: the operator is installed from a manifest URL, not a Helm chart']);
    },
  );

  itSources(
    operators,
    (c) => `survives a broken cache, reporting it (${c.name})`,
    async (c) => {
      const broken: ManifestCache = {
        get: async () => {
          throw new Error('database unreachable');
        },
        put: async () => {
          throw new Error('database unreachable');
        },
      };
      const result = await renderManifests({ fence, operator: overHttp(c), version: c.versions[1], cache: broken });
      expect(result.objects).toHaveLength(c.objects);
      expect(result.warnings).toEqual(['rendered-manifest cache not used (database unreachable)', 'rendered manifests not cached (database unreachable)']);
    },
  );

  it('names the document when the bundle is bad', async () => {
    const bad = await startLocalServer({
      '/1.0.0/bundle.yaml': (_q, res) => res.end('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nkind: Secret\n'),
    });
    try {
      await expect(renderManifests({ fence, operator: source('prometheus-operator', `${bad.url}/{version}/bundle.yaml`), version: '1.0.0' })).rejects.toThrow(
        'prometheus-operator 1.0.0: document 2 (line 4) [Secret/?]: apiVersion is missing or not a string',
      );
    } finally {
      await bad.close();
    }
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
