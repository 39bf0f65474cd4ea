import { createReadStream } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestVersion } from '../../src/domain/version.ts';
import { HelmError } from '../../src/sources/errors.ts';
import { helmTemplate, helmTemplateArgs, indexUrlOf, listChartVersions } from '../../src/sources/helm-repo.ts';
import { parseManifests } from '../../src/sources/yaml.ts';
import { createHelmStandIn, type HelmStandIn } from './helm-stand-in.ts';
import { startLocalServer, type LocalServer } from './local-server.ts';
import { testFence } from './test-fence.ts';

const INDEX = fileURLToPath(new URL('../fixtures/sources/index.yaml', import.meta.url));
let server: LocalServer;
let helm: HelmStandIn;
const fence = testFence();

beforeAll(async () => {
  server = await startLocalServer({
    '/charts/index.yaml': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/yaml' });
      createReadStream(INDEX).pipe(res);
    },
    '/not-a-repo/index.yaml': (_req, res) => res.writeHead(200).end('<html>hello</html>'),
    '/broken/index.yaml': (_req, res) => res.writeHead(200).end('apiVersion: v1\nentries: [\n'),
  });
  helm = await createHelmStandIn();
});
afterAll(() => server.close());

describe('Helm repository index', () => {
  it.each([
    ['https://charts.example.com', 'https://charts.example.com/index.yaml'],
    ['https://charts.example.com/', 'https://charts.example.com/index.yaml'],
    ['https://example.com/helm/stable', 'https://example.com/helm/stable/index.yaml'],
  ])('index of %s is %s', (repo, index) => {
    expect(indexUrlOf(repo)).toBe(index);
  });

  it("lists a chart's versions newest first, dropping entries that are not semver", async () => {
    const versions = await listChartVersions(`${server.url}/charts`, 'widget-operator', { fence });
    expect(versions.map((v) => v.version)).toEqual(['2.2.0-rc.1', '2.1.0', '2.0.0', '1.10.0', '1.9.3']);
    expect(versions[1]).toEqual({
      version: '2.1.0',
      appVersion: '2.1.0',
      created: '2025-11-02T10:15:03.118239+00:00',
      digest: '8f2b4c1e9a7d6b5c3e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d',
      urls: ['https://charts.example.com/widget-operator-2.1.0.tgz'],
    });
    expect(versions.find((v) => v.version === '2.0.0')?.deprecated).toBe(true);
    expect(latestVersion(versions.map((v) => v.version))).toBe('2.1.0');
    const stable = await listChartVersions(`${server.url}/charts/`, 'widget-operator', { fence, includePrerelease: false });
    expect(stable[0]?.version).toBe('2.1.0');
  });

  it('reads a file:// repository too', async () => {
    const repo = pathToFileURL(fileURLToPath(new URL('../fixtures/sources/', import.meta.url))).href;
    expect((await listChartVersions(repo, 'gadget-exporter', { fence })).map((v) => v.version)).toEqual(['0.4.1']);
  });

  it('names the charts a repository does have when one is missing', async () => {
    await expect(listChartVersions(`${server.url}/charts`, 'cert-manager', { fence })).rejects.toThrow(
      `chart "cert-manager" not found in Helm repository ${server.url}/charts (it has: gadget-exporter, widget-operator)`,
    );
  });

  it.each([
    ['/not-a-repo', /index.yaml has no "entries" mapping; is this a Helm chart repository\?/],
    ['/broken', /index.yaml: unexpected end of the stream/],
    ['/nowhere', /cannot read Helm repository index: .*\/nowhere\/index.yaml: HTTP 404 Not Found/],
  ])('explains a bad repository at %s', async (path, message) => {
    await expect(listChartVersions(`${server.url}${path}`, 'x', { fence, retryDelayMs: 5 })).rejects.toThrow(message);
  });

  it('reports an unreachable repository', async () => {
    const closed = await startLocalServer({});
    await closed.close();
    const attempt = listChartVersions(closed.url, 'x', { fence, retries: 1, retryDelayMs: 5 });
    await expect(attempt).rejects.toThrow(HelmError);
    await expect(attempt).rejects.toThrow(/cannot read Helm repository index: http:\/\/127.0.0.1:\d+\/index.yaml: ECONNREFUSED/);
  });

  it('does not pretend to list an OCI registry', async () => {
    await expect(listChartVersions('oci://registry.example.com/charts', 'x', { fence })).rejects.toThrow(/OCI registries have no index.yaml/);
  });
});

describe('helm template through a stand-in binary', () => {
  const base = {
    releaseName: 'widget-operator',
    repositoryUrl: 'https://charts.example.com',
    chartName: 'widget-operator',
    version: '2.1.0',
    namespace: 'widgets',
  };

  it('passes release, chart, repository, version, namespace, values and --include-crds', async () => {
    const output = await helmTemplate({ ...base, helmBin: helm.bin, env: helm.env, values: { replicaCount: 2, image: { tag: 'x' } } });
    const objects = parseManifests(output);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'CustomResourceDefinition/widgets.example.com',
      'ConfigMap/widget-operator-config',
      'Deployment/widget-operator',
    ]);
    expect(objects[2]?.spec.replicas).toBe(2);
    const [call] = (await helm.calls()).slice(-1);
    expect(call?.args).toEqual([
      'template',
      'widget-operator',
      'widget-operator',
      '--repo',
      'https://charts.example.com',
      '--version',
      '2.1.0',
      '--namespace',
      'widgets',
      '--values',
      expect.stringMatching(/values\.json$/),
      '--include-crds',
    ]);
    expect(call?.values).toEqual({ replicaCount: 2, image: { tag: 'x' } });
  });

  it('addresses OCI charts directly', () => {
    expect(helmTemplateArgs({ ...base, repositoryUrl: 'oci://ghcr.io/example/charts/' }, '/tmp/v.json').slice(0, 4)).toEqual([
      'template',
      'widget-operator',
      'oci://ghcr.io/example/charts/widget-operator',
      '--version',
    ]);
  });

  it("puts helm's stderr into the error", async () => {
    const attempt = helmTemplate({ ...base, version: '9.9.9', helmBin: helm.bin, env: helm.env });
    await expect(attempt).rejects.toThrow(HelmError);
    await expect(attempt).rejects.toThrow(
      'helm template widget-operator 9.9.9 failed (exit code 1): Error: chart "widget-operator" version "9.9.9" not found in https://charts.example.com repository',
    );
  });

  it('kills helm after the timeout', async () => {
    await expect(helmTemplate({ ...base, version: '0.0.1-hang', helmBin: helm.bin, env: helm.env, timeoutMs: 300 })).rejects.toThrow(
      'helm template widget-operator 0.0.1-hang timed out after 300 ms',
    );
  });

  it('says when the binary cannot run', async () => {
    await expect(helmTemplate({ ...base, helmBin: '/nonexistent/helm' })).rejects.toThrow(
      /cannot run helm at \/nonexistent\/helm: spawn \/nonexistent\/helm ENOENT/,
    );
  });
});
