import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteOperatorDocument, OperatorDocument, OperatorsDocument, RegisterOperatorDocument, UpdateOperatorDocument } from '../generated/graphql.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { DATABASE_KINDS } from '../helpers/databases.ts';

describe.each(DATABASE_KINDS)('operators API (%s)', (kind) => {
  let t: TestApp;
  let repo: Server;
  let repoRoot: string;
  /** The cert-manager versions each Helm repository (a path of the server) lists. */
  const repositories = new Map<string, string[]>();
  /** A Helm repository of a test's own, listing `versions` of cert-manager (the array, as it changes). */
  const repository = (name: string, versions: string[]) => {
    repositories.set(name, versions);
    return `${repoRoot}/${name}`;
  };
  beforeAll(async () => {
    t = await startTestApp(kind);
    // Helm repositories: each one's index.yaml lists the chart's versions.
    const index = (versions: string[]) =>
      [
        'apiVersion: v1',
        'entries:',
        '  cert-manager:',
        ...versions.flatMap((v) => [`  - name: cert-manager`, `    version: ${v}`, `    urls: [charts/cert-manager-${v}.tgz]`]),
      ].join('\n');
    repo = createServer((req, res) => {
      const versions = repositories.get(/^\/([^/]+)\/index\.yaml$/.exec(req.url ?? '')?.[1] ?? '');
      if (versions) res.end(index(versions));
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => repo.listen(0, '127.0.0.1', r));
    repoRoot = `http://127.0.0.1:${(repo.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await t?.stop();
    repo?.close();
  });

  const manifestSource = { manifestUrlTemplate: 'https://github.com/prometheus-operator/prometheus-operator/releases/download/{version}/bundle.yaml' };
  const register = (name: string, extra: Record<string, unknown> = {}, token?: string) =>
    t.gql(RegisterOperatorDocument, { input: { name, namespace: 'monitoring', ...manifestSource, ...extra } }, token);
  const count = () => t.app.db.prisma.operator.count();

  it('registers an operator from a manifest URL template, with its versions newest first', async () => {
    const r = await register(
      'prometheus-operator',
      { currentVersion: 'v0.75.0', versions: ['v0.75.0', 'v0.80.0', 'v0.78.1'], defaultValues: { replicas: 2 } },
      await t.token('olga', ['OPERATOR']),
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?.registerOperator).toMatchObject({
      name: 'prometheus-operator',
      namespace: 'monitoring',
      currentVersion: 'v0.75.0',
      latestVersion: 'v0.80.0',
      versions: ['v0.80.0', 'v0.78.1', 'v0.75.0'],
      defaultValues: { replicas: 2 },
    });
  });

  it('registers an operator from a Helm repository, with the versions of its index', async () => {
    const repoUrl = repository('registered', ['v1.13.0', 'v1.14.0', 'v1.15.0-beta.1']);
    const r = await register('cert-manager', {
      manifestUrlTemplate: undefined,
      chartRepository: repoUrl,
      chartName: 'cert-manager',
      namespace: 'cert-manager',
    });
    expect(r.errors).toBeUndefined();
    expect(r.data?.registerOperator).toMatchObject({
      chartRepository: repoUrl,
      chartName: 'cert-manager',
      manifestUrlTemplate: null,
      versions: ['v1.15.0-beta.1', 'v1.14.0', 'v1.13.0'],
      latestVersion: 'v1.14.0',
    });
  });

  it('keeps the versions of Helm operators current when the repository publishes a new one', async () => {
    const chartVersions = ['v1.13.0', 'v1.14.0', 'v1.15.0-beta.1'];
    const repoUrl = repository('refreshed', chartVersions);
    const r = await register('refreshed', { manifestUrlTemplate: undefined, chartRepository: repoUrl, chartName: 'cert-manager', namespace: 'cert-manager' });
    expect(r.errors).toBeUndefined();
    chartVersions.push('v1.15.0');
    const results = await t.app.services.operators.refreshVersions();
    expect(results.find((x) => x.operator === 'refreshed')).toEqual({ operator: 'refreshed', added: ['v1.15.0'] });
    // Other Helm operators (of other tests) have nothing new.
    expect(results.filter((x) => x.operator !== 'refreshed' && x.added.length > 0)).toEqual([]);
    const op = (await t.ok(OperatorDocument, { name: 'refreshed' })).operator!;
    expect(op.versions).toEqual(['v1.15.0', 'v1.15.0-beta.1', 'v1.14.0', 'v1.13.0']);
    expect(op.latestVersion).toBe('v1.15.0');
  });

  it.each([
    [
      'a chart the repository does not have',
      () => ({ chartRepository: repository('no-such-chart', ['v1.14.0']), chartName: 'ingress-nginx' }),
      /ingress-nginx/,
    ],
    ['a repository that does not answer', () => ({ chartRepository: 'http://127.0.0.1:9', chartName: 'cert-manager' }), /could not be read/],
  ])('refuses %s, writing nothing', async (_case, source, message) => {
    const before = await count();
    const r = await register('helm-rejected', { manifestUrlTemplate: undefined, ...source() });
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0]?.extensions?.fields).toEqual(['input.chartRepository', 'input.chartName']);
    expect(r.errors?.[0]?.message).toMatch(message);
    expect(await count()).toBe(before);
  });

  it.each([
    ['no source', { manifestUrlTemplate: null }, ['input.manifestUrlTemplate'], /needs a source/],
    ['both sources', { chartRepository: 'https://charts.example.com', chartName: 'x' }, ['input.manifestUrlTemplate'], /not both/],
    ['a chart without a repository', { manifestUrlTemplate: null, chartName: 'x' }, ['input.chartRepository'], /required with chartName/],
    ['a template without {version}', { manifestUrlTemplate: 'https://example.com/bundle.yaml' }, ['input.manifestUrlTemplate'], /\{version\}/],
    ['a relative URL', { manifestUrlTemplate: 'bundles/{version}.yaml' }, ['input.manifestUrlTemplate'], /absolute URL/],
    ['an ftp URL', { manifestUrlTemplate: 'ftp://example.com/{version}.yaml' }, ['input.manifestUrlTemplate'], /http/],
    ['a bad namespace', { namespace: 'Monitoring' }, ['input.namespace'], /DNS-1123/],
    ['a bad version', { currentVersion: 'latest' }, ['input.currentVersion'], /version/i],
    ['values that are not an object', { defaultValues: [1, 2] }, ['input.defaultValues'], /JSON object/],
    ['huge values', { defaultValues: { blob: 'x'.repeat(300 * 1024) } }, ['input.defaultValues'], /at most 256 KiB/],
  ])('rejects %s, naming the field, writing nothing', async (_case, extra, fields, message) => {
    const before = await count();
    const r = await register('rejected', extra);
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0]?.extensions?.fields).toEqual(fields);
    expect(r.errors?.[0]?.message).toMatch(message);
    expect(await count()).toBe(before);
  });

  it('rejects a duplicate with CONFLICT', async () => {
    expect((await register('duplicate')).errors).toBeUndefined();
    const before = await count();
    const r = await register('duplicate');
    expect(r.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await count()).toBe(before);
  });

  it('updates the description, versions and source', async () => {
    expect((await register('updated', { currentVersion: 'v0.75.0', versions: ['v0.75.0', 'v0.80.0'] })).errors).toBeUndefined();
    const r = await t.gql(UpdateOperatorDocument, { name: 'updated', input: { description: 'metrics', versions: ['v0.81.0', 'v0.80.0'] } });
    expect(r.errors).toBeUndefined();
    // the current version stays known even when the new list omits it
    expect(r.data?.updateOperator).toMatchObject({ description: 'metrics', latestVersion: 'v0.81.0', versions: ['v0.81.0', 'v0.80.0', 'v0.75.0'] });
    const bad = await t.gql(UpdateOperatorDocument, { name: 'updated', input: { manifestUrlTemplate: 'https://example.com/no-placeholder.yaml' } });
    expect(bad.errors?.[0]?.extensions?.fields).toEqual(['input.manifestUrlTemplate']);
  });

  it('lists and reads operators; VIEWER may read but not register; only ADMIN deletes', async () => {
    expect((await register('listed-a')).errors).toBeUndefined();
    expect((await register('listed-b', { namespace: 'listed' })).errors).toBeUndefined();
    const viewer = await t.token('vic', ['VIEWER']);
    const list = await t.ok(OperatorsDocument, { first: 100 }, viewer);
    const names = list.operators.edges.map((e) => e.node.name);
    // Every operator, by name (those of other tests too).
    expect(names).toEqual(expect.arrayContaining(['listed-a', 'listed-b']));
    expect(names).toEqual([...names].sort());
    expect(list.operators.totalCount).toBe(await count());
    expect(names).toHaveLength(await count());
    expect((await t.ok(OperatorDocument, { name: 'listed-b' }, viewer)).operator?.namespace).toBe('listed');
    const denied = await register('viewer-made', {}, viewer);
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const operatorDelete = await t.gql(DeleteOperatorDocument, { name: 'listed-b' }, await t.token('olga', ['OPERATOR']));
    expect(operatorDelete.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const del = await t.gql(DeleteOperatorDocument, { name: 'listed-b' });
    expect(del.data?.deleteOperator).toBe(true);
    expect((await t.ok(OperatorDocument, { name: 'listed-b' })).operator).toBeNull();
  });

  it('records every operator mutation in the audit trail', async () => {
    expect((await register('audited', {}, await t.token('olga', ['OPERATOR']))).errors).toBeUndefined();
    expect((await t.gql(UpdateOperatorDocument, { name: 'audited', input: { description: 'audited' } })).errors).toBeUndefined();
    expect((await t.gql(DeleteOperatorDocument, { name: 'audited' })).data?.deleteOperator).toBe(true);
    // Refused mutations change nothing, and record nothing.
    expect((await register('audited-refused', { namespace: 'Monitoring' })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await register('audited-refused', {}, await t.token('vic', ['VIEWER']))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await t.app.db.prisma.auditEvent.count({ where: { targetName: 'audited-refused' } })).toBe(0);
    const actions = await t.app.db.prisma.auditEvent.findMany({ where: { targetType: 'Operator', targetName: 'audited' }, orderBy: { id: 'asc' } });
    expect(actions.map((a) => [a.action, a.targetName, a.actor])).toEqual([
      ['registerOperator', 'audited', 'olga'],
      ['updateOperator', 'audited', 'admin'],
      ['deleteOperator', 'audited', 'admin'],
    ]);
  });
});
