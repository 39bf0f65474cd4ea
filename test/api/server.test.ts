import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ViewerDocument } from '../generated/graphql.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

describe('HTTP surface', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('pglite', { GRAPHQL_MAX_DEPTH: '4', MAX_REQUEST_BYTES: '65536' });
  });
  afterAll(() => t?.stop());
  const base = () => t.url.replace('/graphql', '');

  it('answers /health without a token, with the database state', async () => {
    const res = await fetch(`${base()}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', database: 'reachable', databaseKind: 'pglite' });
  });

  it('serves Prometheus metrics without a token', async () => {
    await t.ok(ViewerDocument, {});
    const text = await (await fetch(`${base()}/metrics`)).text();
    expect(text).toMatch(/operator_manager_http_requests_total\{route="\/graphql",status="200"\} \d+/);
    expect(text).toContain('operator_manager_graphql_operation_seconds_bucket');
  });

  it('serves GraphiQL at /graphql to browsers', async () => {
    const res = await fetch(t.url, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Operator Manager');
    expect(html).toContain('Authorization');
  });

  it('echoes a request id, or makes one', async () => {
    const given = await t.gql(ViewerDocument, {}, undefined, { 'x-request-id': 'trace-abc.123' });
    expect(given.headers.get('x-request-id')).toBe('trace-abc.123');
    const made = await t.gql(ViewerDocument, {}, undefined, { 'x-request-id': 'bad id with spaces' });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reports a mistyped argument as a client error', async () => {
    const r = await t.raw({ query: 'query { cluster(name: 1) { name } }' });
    expect(r.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(r.errors?.[0]?.message).toMatch(/String cannot represent a non string value/);
  });
});

describe('when the database is gone', () => {
  it('answers 503 on /health and masks the failure of an operation as INTERNAL', async () => {
    // Without the engine: its claims on the closed embedded database fail inside PGlite as
    // unhandled rejections, which are not what this test is about.
    const t = await startTestApp('pglite', { ENGINE_ENABLED: 'false' });
    await t.app.db.close();
    const res = await fetch(t.url.replace('/graphql', '/health'));
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'unavailable', database: 'unreachable' });
    const r = await t.raw({ query: '{ clusters { totalCount } }' });
    expect(r.errors?.[0]).toMatchObject({ message: 'Unexpected error.', extensions: { code: 'INTERNAL' } });
    expect(JSON.stringify(r.errors)).not.toMatch(/prisma|pglite|stack/i);
    await t.app.stop().catch(() => {});
  });
});

describe('graceful shutdown', () => {
  it('finishes an in-flight request, then refuses new connections', async () => {
    const t = await startTestApp('pglite');
    const { port } = new URL(t.url);
    const body = JSON.stringify({ query: '{ viewer { sub } }' });
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/graphql',
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${t.adminToken}` },
        },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10)); // the request is in flight: half of its body has arrived
      setTimeout(() => {
        stopped = t.app.stop();
        setTimeout(() => req.end(body.slice(10)), 300);
      }, 200);
    });
    let stopped: Promise<void> | undefined;
    const r = await response;
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text).data.viewer.sub).toBe('admin');
    await stopped;
    await expect(fetch(t.url.replace('/graphql', '/health'))).rejects.toThrow();
    await t.db.drop();
  });
});
