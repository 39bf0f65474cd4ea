// The source fence seen through the API: an OPERATOR cannot make the server read local
// files or the cloud metadata service by registering (or updating) an operator, nor by
// asking for a version that makes the server fetch a bundle; refusals are BAD_USER_INPUT
// naming the field and the rule, and nothing is written.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateDeploymentDocument, OperatorDocument, RegisterClusterDocument, RegisterOperatorDocument, UpdateOperatorDocument } from '../generated/graphql.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { kubeconfigYaml } from '../helpers/kubeconfigs.ts';

const DEMO_TEMPLATE = `${pathToFileURL(path.resolve('test/fixtures/operators/demo')).href}/{version}.yaml`;
const PRIVATE_REFUSAL = 'refused (loopback and private networks need SOURCE_ALLOW_PRIVATE_NETWORKS=true; it defaults to false when NODE_ENV=production)';

/** A server that counts requests; `/redirect/…` sends the caller to the metadata address. */
async function startOrigin(): Promise<{ url: string; requests: () => number; close(): Promise<void> }> {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests += 1;
    if (req.url?.startsWith('/redirect/')) res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('operator sources behind the fence (test mode: loopback allowed)', () => {
  let t: TestApp;
  let operatorToken: string;
  let origin: Awaited<ReturnType<typeof startOrigin>>;
  beforeAll(async () => {
    t = await startTestApp('pglite', { ENGINE_ENABLED: 'false' });
    operatorToken = await t.token('olga', ['OPERATOR']);
    origin = await startOrigin();
  });
  afterAll(async () => {
    await t?.stop();
    await origin?.close();
  });

  const register = (name: string, source: Record<string, unknown>) =>
    t.gql(RegisterOperatorDocument, { input: { name, namespace: name, versions: ['v1.0.0'], ...source } }, operatorToken);
  const exists = async (name: string) => (await t.ok(OperatorDocument, { name })).operator !== null;

  it.each([
    [
      'file:///etc/passwd?v={version}',
      [/file:\/\/\/etc\/passwd\?… has a query or fragment/, /file:\/\/\/etc\/passwd is outside SOURCE_FILE_ROOTS \(.*test\/fixtures/],
    ],
    ['file:///var/lib/operator-manager/jwt-secret#{version}', [/has a query or fragment/, /jwt-secret is outside SOURCE_FILE_ROOTS/]],
    ['file:///etc/{version}/shadow', [/file:\/\/\/etc\/0\.0\.0\/shadow is outside SOURCE_FILE_ROOTS/]],
    ['http://169.254.169.254/latest/{version}/x.yaml', [/^input\.manifestUrlTemplate: 169\.254\.169\.254 is a link-local\/cloud-metadata address, refused$/]],
    ['http://[::ffff:169.254.169.254]/{version}.yaml', [/IPv4-mapped form of 169\.254\.169\.254, a link-local\/cloud-metadata address, refused/]],
  ])('refuses the template %s with BAD_USER_INPUT naming the field, writing nothing', async (template, messages) => {
    const r = await register('stolen', { manifestUrlTemplate: template });
    expect(r.data?.registerOperator ?? null).toBeNull();
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: ['input.manifestUrlTemplate'] });
    for (const message of messages) expect(r.errors?.[0]?.message).toMatch(message);
    expect(await exists('stolen')).toBe(false);
  });

  it('refuses a Helm repository at a metadata address without reading it', async () => {
    const r = await register('charts', { chartRepository: 'http://169.254.169.254/charts', chartName: 'x', versions: undefined });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: ['input.chartRepository'] });
    expect(r.errors?.[0]?.message).toBe('input.chartRepository: 169.254.169.254 is a link-local/cloud-metadata address, refused');
    expect(await exists('charts')).toBe(false);
  });

  it('refuses a Helm repository whose index redirects to the metadata address', async () => {
    const r = await register('redirected', { chartRepository: `${origin.url}/redirect/charts`, chartName: 'x', versions: undefined });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: ['input.chartRepository', 'input.chartName'] });
    expect(r.errors?.[0]?.message).toContain(
      'redirect to http://169.254.169.254/latest/meta-data/ refused: 169.254.169.254 is a link-local/cloud-metadata address, refused',
    );
    expect(await exists('redirected')).toBe(false);
  });

  it('registers from a file under SOURCE_FILE_ROOTS, and refuses an update that leaves them, keeping the source', async () => {
    expect((await register('demo', { manifestUrlTemplate: DEMO_TEMPLATE })).errors).toBeUndefined();
    const r = await t.gql(UpdateOperatorDocument, { name: 'demo', input: { manifestUrlTemplate: 'file:///etc/{version}.conf' } }, operatorToken);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: ['input.manifestUrlTemplate'] });
    expect(r.errors?.[0]?.message).toMatch(/file:\/\/\/etc\/0\.0\.0\.conf is outside SOURCE_FILE_ROOTS/);
    expect((await t.ok(OperatorDocument, { name: 'demo' })).operator?.manifestUrlTemplate).toBe(DEMO_TEMPLATE);
  });

  it('refuses a deployment of an unlisted version whose bundle redirects to the metadata address', async () => {
    await t.ok(RegisterClusterDocument, { input: { name: 'dev-1', environment: 'DEVELOPMENT', kubeconfig: kubeconfigYaml(), skipConnectivityCheck: true } });
    expect((await register('fetched', { manifestUrlTemplate: `${origin.url}/redirect/{version}/bundle.yaml` })).errors).toBeUndefined();
    const r = await t.gql(
      CreateDeploymentDocument,
      { input: { operatorName: 'fetched', targetVersion: 'v9.9.9', strategy: 'DIRECT', targetClusters: ['dev-1'] } as never },
      operatorToken,
    );
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: ['input.targetVersion'] });
    expect(r.errors?.[0]?.message).toContain(
      `${origin.url}/redirect/v9.9.9/bundle.yaml: redirect to http://169.254.169.254/latest/meta-data/ refused: 169.254.169.254 is a link-local/cloud-metadata address, refused`,
    );
    expect(await t.app.db.prisma.deployment.count()).toBe(0);
  });
});

describe('operator sources behind the fence (production)', () => {
  let origin: Awaited<ReturnType<typeof startOrigin>>;
  const apps: TestApp[] = [];
  beforeAll(async () => {
    origin = await startOrigin();
  });
  afterAll(async () => {
    for (const app of apps) await app.stop();
    await origin?.close();
  });
  const production = async (env: Record<string, string> = {}) => {
    const app = await startTestApp('pglite', {
      NODE_ENV: 'production',
      LOG_LEVEL: 'silent',
      ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      ENGINE_ENABLED: 'false',
      ...env,
    });
    apps.push(app);
    return app;
  };

  it('refuses a loopback chart repository without contacting it, unless SOURCE_ALLOW_PRIVATE_NETWORKS=true', async () => {
    const strict = await production();
    const input = { name: 'local-charts', namespace: 'local-charts', chartRepository: `${origin.url}/charts`, chartName: 'x' };
    const r = await strict.gql(RegisterOperatorDocument, { input });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: ['input.chartRepository'] });
    expect(r.errors?.[0]?.message).toBe(`input.chartRepository: 127.0.0.1 is a loopback address, ${PRIVATE_REFUSAL}`);
    expect(origin.requests()).toBe(0);

    // Allowed, the repository is read (and answers 404, which is then what is reported).
    const relaxed = await production({ SOURCE_ALLOW_PRIVATE_NETWORKS: 'true' });
    const read = await relaxed.gql(RegisterOperatorDocument, { input });
    expect(read.errors?.[0]?.message).toMatch(/could not be read .*\/charts\/index.yaml: HTTP 404 Not Found/);
    expect(origin.requests()).toBe(1);
  });
});
