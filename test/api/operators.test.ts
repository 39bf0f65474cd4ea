import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteOperatorDocument, OperatorDocument, OperatorsDocument, RegisterOperatorDocument, UpdateOperatorDocument } from '../generated/graphql.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { DATABASE_KINDS } from '../helpers/databases.ts';

describe.each(DATABASE_KINDS)('operators API (%s)', (kind) => {
  let t: TestApp;
  let repo: Server;
  let repoUrl: string;
  const chartVersions = ['v1.13.0', 'v1.14.0', 'v1.15.0-beta.1'];
  beforeAll(async () => {
    t = await startTestApp(kind);
    // A Helm repository: index.yaml lists the chart's versions.
    const index = () =>
      [
        'apiVersion: v1',
        'entries:',
        '  cert-manager:',
        ...chartVersions.flatMap((v) => [`  - name: cert-manager`, `    version: ${v}`, `    urls: [charts/cert-manager-${v}.tgz]`]),
      ].join('\n');
    repo = createServer((req, res) => (req.url === '/index.yaml' ? res.end(index()) : res.writeHead(404).end()));
    await new Promise<void>((r) => repo.listen(0, '127.0.0.1', r));
    repoUrl = `http://127.0.0.1:${(repo.address() as AddressInfo).port}`;
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
    chartVersions.push('v1.15.0');
    const results = await t.app.services.operators.refreshVersions();
    expect(results).toEqual([{ operator: 'cert-manager', added: ['v1.15.0'] }]);
    const op = (await t.ok(OperatorDocument, { name: 'cert-manager' })).operator!;
    expect(op.versions).toEqual(['v1.15.0', 'v1.15.0-beta.1', 'v1.14.0', 'v1.13.0']);
    expect(op.latestVersion).toBe('v1.15.0');
  });

  it.each([
    ['a chart the repository does not have', () => ({ chartRepository: repoUrl, chartName: 'ingress-nginx' }), /ingress-nginx/],
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
    const r = await register('prometheus-operator');
    expect(r.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('updates the description, versions and source', async () => {
    const r = await t.gql(UpdateOperatorDocument, { name: 'prometheus-operator', input: { description: 'metrics', versions: ['v0.81.0', 'v0.80.0'] } });
    expect(r.errors).toBeUndefined();
    // the current version stays known even when the new list omits it
    expect(r.data?.updateOperator).toMatchObject({ description: 'metrics', latestVersion: 'v0.81.0', versions: ['v0.81.0', 'v0.80.0', 'v0.75.0'] });
    const bad = await t.gql(UpdateOperatorDocument, { name: 'prometheus-operator', input: { manifestUrlTemplate: 'https://example.com/no-placeholder.yaml' } });
    expect(bad.errors?.[0]?.extensions?.fields).toEqual(['input.manifestUrlTemplate']);
  });

  it('lists and reads operators; VIEWER may read but not register; only ADMIN deletes', async () => {
    const viewer = await t.token('vic', ['VIEWER']);
    const list = await t.ok(OperatorsDocument, { first: 10 }, viewer);
    expect(list.operators.edges.map((e) => e.node.name)).toEqual(['cert-manager', 'prometheus-operator']);
    expect(list.operators.totalCount).toBe(2);
    expect((await t.ok(OperatorDocument, { name: 'cert-manager' }, viewer)).operator?.namespace).toBe('cert-manager');
    const denied = await register('viewer-made', {}, viewer);
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const operatorDelete = await t.gql(DeleteOperatorDocument, { name: 'cert-manager' }, await t.token('olga', ['OPERATOR']));
    expect(operatorDelete.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const del = await t.gql(DeleteOperatorDocument, { name: 'cert-manager' });
    expect(del.data?.deleteOperator).toBe(true);
    expect((await t.ok(OperatorDocument, { name: 'cert-manager' })).operator).toBeNull();
  });

  it('records every operator mutation in the audit trail', async () => {
    const actions = await t.app.db.prisma.auditEvent.findMany({ where: { targetType: 'Operator' }, orderBy: { id: 'asc' } });
    expect(actions.map((a) => [a.action, a.targetName, a.actor])).toEqual([
      ['registerOperator', 'prometheus-operator', 'olga'],
      ['registerOperator', 'cert-manager', 'admin'],
      ['updateOperator', 'prometheus-operator', 'admin'],
      ['deleteOperator', 'cert-manager', 'admin'],
    ]);
  });
});
