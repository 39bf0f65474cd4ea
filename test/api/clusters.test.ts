import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterDocument, ClustersDocument, DeleteClusterDocument, RegisterClusterDocument, UpdateClusterDocument } from '../generated/graphql.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { DATABASE_KINDS } from '../helpers/databases.ts';
import { aliasBombKubeconfig, kubeconfigObject, kubeconfigYaml } from '../helpers/kubeconfigs.ts';
import yaml from 'js-yaml';

const SECRET_TOKEN = 'super-secret-token-value-1234567890';

describe.each(DATABASE_KINDS)('clusters API (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
    // A cluster that tests read, or try to register again or to change.
    expect((await register('dev-1')).errors).toBeUndefined();
  });
  afterAll(() => t?.stop());

  const register = (name: string, extra: Record<string, unknown> = {}, token?: string) =>
    t.gql(RegisterClusterDocument, { input: { name, environment: 'DEVELOPMENT', kubeconfig: kubeconfigYaml(), skipConnectivityCheck: true, ...extra } }, token);

  async function clusterCount() {
    return t.app.db.prisma.cluster.count();
  }

  it('registers a cluster from raw YAML and never returns or stores the kubeconfig in clear', async () => {
    const r = await register('raw-1', { description: 'first', labels: { team: 'platform' } });
    expect(r.errors).toBeUndefined();
    expect(r.data?.registerCluster).toMatchObject({
      name: 'raw-1',
      environment: 'DEVELOPMENT',
      apiServerUrl: 'https://10.0.0.1:6443',
      tlsVerified: true,
      healthStatus: 'UNKNOWN',
      isEnabled: true,
      labels: { team: 'platform' },
    });
    expect(JSON.stringify(r)).not.toContain(SECRET_TOKEN);
    const row = await t.app.db.prisma.cluster.findUniqueOrThrow({ where: { name: 'raw-1' } });
    expect(row.kubeconfigEncrypted).not.toContain(SECRET_TOKEN);
    expect(row.kubeconfigKeyId).toMatch(/^[0-9a-f]{12}$/);
    expect(t.app.services.clusters.kubeconfigOf(row)).toContain(SECRET_TOKEN);
  });

  it('accepts a base64 kubeconfig and marks an insecure one as not TLS-verified', async () => {
    const b64 = Buffer.from(kubeconfigYaml({ server: 'http://127.0.0.1:8080', insecure: true })).toString('base64');
    const r = await register('dev-insecure', { kubeconfig: b64 });
    expect(r.errors).toBeUndefined();
    expect(r.data?.registerCluster.tlsVerified).toBe(false);
    expect(r.data?.registerCluster.apiServerUrl).toBe('http://127.0.0.1:8080');
  });

  it('rejects a duplicate name with CONFLICT and writes nothing', async () => {
    const before = await clusterCount();
    const r = await register('dev-1');
    expect(r.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await clusterCount()).toBe(before);
  });

  const badKubeconfigs: Array<[string, string, RegExp]> = [
    ['not YAML', 'clusters: [unclosed', /not valid YAML/],
    ['not a mapping', '- a\n- b\n', /must be a YAML mapping/],
    ['no current context', yaml.dump({ ...kubeconfigObject(), 'current-context': undefined }), /no current-context/],
    ['a context that is not defined', yaml.dump({ ...kubeconfigObject(), 'current-context': 'elsewhere' }), /context "elsewhere" is not defined/],
    ['no server', yaml.dump({ ...kubeconfigObject(), clusters: [{ name: 'test', cluster: {} }] }), /has no server URL/],
    ['a user without credentials', kubeconfigYaml({ user: {} }), /has no credentials/],
    ['an exec plugin', kubeconfigYaml({ user: { exec: { command: 'rm', args: ['-rf', '/'] } } }), /exec credential plugin/],
    ['huge', `a: ${'x'.repeat(300 * 1024)}`, /larger than 256 KiB/],
    ['empty', '   ', /empty/],
  ];

  it.each(badKubeconfigs)('rejects a kubeconfig that is %s, names the field, echoes no secret, writes nothing', async (_case, kubeconfig, message) => {
    const before = await clusterCount();
    const r = await register('bad-kubeconfig', { kubeconfig });
    const err = r.errors?.[0];
    expect(err?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(err?.extensions?.fields).toContain('input.kubeconfig');
    expect(err?.message).toMatch(message);
    expect(err?.message).not.toContain(SECRET_TOKEN);
    expect(await clusterCount()).toBe(before);
  });

  it.each(['extra key', 'user', 'preferences'] as const)(
    'refuses a kubeconfig carrying a YAML alias bomb (under %s), registering nothing and changing nothing',
    async (where) => {
      const kubeconfig = aliasBombKubeconfig(where);
      for (const input of [kubeconfig, Buffer.from(kubeconfig).toString('base64')]) {
        const r = await register('alias-bomb', { kubeconfig: input });
        expect(r.errors).toHaveLength(1);
        expect(r.errors?.[0]).toMatchObject({
          message: expect.stringContaining('kubeconfig expands to more than 256 KiB through YAML aliases'),
          extensions: { code: 'BAD_USER_INPUT', fields: ['input.kubeconfig'] },
        });
        expect(r.errors?.[0]?.message).not.toMatch(/lol|super-secret/);
        expect((await t.ok(ClusterDocument, { name: 'alias-bomb' })).cluster).toBeNull();
      }
      const before = await t.app.db.prisma.cluster.findUniqueOrThrow({ where: { name: 'dev-1' } });
      const u = await t.gql(UpdateClusterDocument, { name: 'dev-1', input: { kubeconfig, skipConnectivityCheck: true } });
      expect(u.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', fields: ['input.kubeconfig'] } });
      expect((await t.app.db.prisma.cluster.findUniqueOrThrow({ where: { name: 'dev-1' } })).kubeconfigEncrypted).toBe(before.kubeconfigEncrypted);
    },
  );

  it.each([
    ['Upper_Case', /DNS-1123/],
    ['-leading-dash', /DNS-1123/],
    ['a'.repeat(64), /at most 63/],
    ['', /must not be empty/],
  ])('rejects the name %j', async (name, message) => {
    const r = await register(name);
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0]?.extensions?.fields).toEqual(['input.name']);
    expect(r.errors?.[0]?.message).toMatch(message);
  });

  it('reports every bad field of one input at once', async () => {
    const r = await register('Bad Name', { description: 'd'.repeat(5000), labels: { team: 42 } });
    expect(r.errors?.[0]?.extensions?.fields).toEqual(expect.arrayContaining(['input.name', 'input.description', 'input.labels']));
  });

  it('rejects an environment that does not exist as a GraphQL input error', async () => {
    const r = await t.raw({ query: 'mutation { registerCluster(input: {name: "x", environment: MARS, kubeconfig: "a: b"}) { name } }' });
    expect(r.errors?.[0]?.message).toMatch(/MARS/);
    expect(r.data ?? null).toBeNull();
  });

  it('lists clusters as a connection, filtered by environment, page by page', async () => {
    await register('stage-1', { environment: 'STAGING' });
    await register('prod-1', { environment: 'PRODUCTION' });
    await register('prod-2', { environment: 'PRODUCTION' });
    const prod = await t.ok(ClustersDocument, { environment: 'PRODUCTION', first: 10 });
    expect(prod.clusters.edges.map((e) => e.node.name)).toEqual(['prod-1', 'prod-2']);
    expect(prod.clusters.totalCount).toBe(2);
    const page1 = await t.ok(ClustersDocument, { first: 2 });
    expect(page1.clusters.pageInfo.hasNextPage).toBe(true);
    const page2 = await t.ok(ClustersDocument, { first: 2, after: page1.clusters.pageInfo.endCursor });
    const names = [...page1.clusters.edges, ...page2.clusters.edges].map((e) => e.node.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.slice(0, 4)).toEqual([...names.slice(0, 4)].sort());
  });

  it('updates description, labels, enabled flag and kubeconfig, and audits it', async () => {
    expect((await register('update-1', { environment: 'STAGING' })).errors).toBeUndefined();
    const r = await t.gql(UpdateClusterDocument, {
      name: 'update-1',
      input: {
        description: 'staging',
        labels: { tier: 'b' },
        isEnabled: false,
        kubeconfig: kubeconfigYaml({ server: 'https://10.9.9.9:6443' }),
        skipConnectivityCheck: true,
      },
    });
    expect(r.errors).toBeUndefined();
    expect(r.data?.updateCluster).toMatchObject({ description: 'staging', labels: { tier: 'b' }, isEnabled: false, apiServerUrl: 'https://10.9.9.9:6443' });
    const audit = await t.app.db.prisma.auditEvent.findFirst({ where: { action: 'updateCluster', targetName: 'update-1' } });
    expect(audit?.actor).toBe('admin');
    expect(JSON.stringify(audit?.details)).toContain('kubeconfig');
    expect(JSON.stringify({ ...audit, id: String(audit?.id) })).not.toContain(SECRET_TOKEN);
  });

  it('answers NOT_FOUND for a cluster that does not exist', async () => {
    const r = await t.gql(UpdateClusterDocument, { name: 'nope', input: { description: 'x' } });
    expect(r.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const q = await t.ok(ClusterDocument, { name: 'nope' });
    expect(q.cluster).toBeNull();
  });

  it('lets only ADMIN register, change or delete clusters; every role reads', async () => {
    const operator = await t.token('olga', ['OPERATOR']);
    const viewer = await t.token('vic', ['VIEWER']);
    const before = await clusterCount();
    for (const tok of [operator, viewer]) {
      const r = await register('not-allowed', {}, tok);
      expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(r.errors?.[0]?.message).toMatch(/requires role ADMIN/);
      const d = await t.gql(DeleteClusterDocument, { name: 'dev-1' }, tok);
      expect(d.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect(await clusterCount()).toBe(before);
    const read = await t.gql(ClusterDocument, { name: 'dev-1' }, viewer);
    expect(read.data?.cluster?.name).toBe('dev-1');
  });

  it('deletes a cluster (ADMIN) and records who did it', async () => {
    expect((await register('gone-1')).errors).toBeUndefined();
    const r = await t.gql(DeleteClusterDocument, { name: 'gone-1' });
    expect(r.data?.deleteCluster).toBe(true);
    expect(await t.app.db.prisma.cluster.findUnique({ where: { name: 'gone-1' } })).toBeNull();
    const audit = await t.app.db.prisma.auditEvent.findFirst({ where: { action: 'deleteCluster', targetName: 'gone-1' } });
    expect(audit).toMatchObject({ actor: 'admin', targetType: 'Cluster' });
    expect(audit?.requestId).toBeTruthy();
  });
});
