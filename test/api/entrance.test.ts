// The API's entrance: authentication before any parsing, document limits from
// graphql-armor, size and time limits of HTTP and WebSocket, CSRF prevention and CORS.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CreateDeploymentDocument, ViewerDocument } from '../generated/graphql.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { capturingLogger } from '../helpers/logs.ts';
import { eventually } from '../helpers/eventually.ts';

/** `query { viewer { ...F0 } }` where each of `levels` fragments spreads the next one twice: 2^levels paths. */
function fragmentBomb(levels: number): string {
  const fragments = Array.from({ length: levels }, (_, i) =>
    i === levels - 1 ? `fragment F${i} on Viewer { sub }` : `fragment F${i} on Viewer { ...F${i + 1} ...F${i + 1} }`,
  );
  return `query { viewer { ...F0 } } ${fragments.join(' ')}`;
}

/** A query of `n` aliased fields. */
const aliasFlood = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: viewer { sub }`).join(' ')} }`;

/** Opens a WebSocket with the graphql-transport-ws protocol and collects what happens to it. */
function rawSocket(url: string) {
  const ws = new WebSocket(url, 'graphql-transport-ws');
  const messages: Array<Record<string, unknown>> = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  ws.on('message', (data) => messages.push(JSON.parse(data.toString())));
  const opened = new Promise<void>((resolve, reject) => {
    ws.on('open', () => resolve());
    ws.on('error', reject);
  });
  return { ws, messages, closed, opened, send: (m: unknown) => ws.send(typeof m === 'string' ? m : JSON.stringify(m)) };
}

/** Waits until a condition on what a socket received holds. */
const until = (check: () => boolean, what: string) => eventually(async () => check(), 5000, what);

describe('authentication comes before any work on the document', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('pglite', { MAX_REQUEST_BYTES: '65536' });
  });
  afterAll(() => t?.stop());

  it('answers a request without a token 401 without parsing it: a syntax error, a bomb and an oversized body all get UNAUTHENTICATED', async () => {
    for (const body of [
      { query: '{ this is not GraphQL' },
      { query: fragmentBomb(28) },
      { query: '{ viewer { sub } }', variables: { pad: 'x'.repeat(100_000) } },
    ]) {
      const r = await t.raw(body, null);
      expect(r.status).toBe(401);
      expect(r.errors).toEqual([{ message: 'missing Authorization: Bearer token', extensions: { code: 'UNAUTHENTICATED' } }]);
      expect(r.headers.get('www-authenticate')).toBe('Bearer');
    }
  });

  it('gives no field suggestions to a caller without a token', async () => {
    const r = await t.raw({ query: '{ viewr { sub } }' }, null);
    expect(r.status).toBe(401);
    expect(JSON.stringify(r.errors)).not.toMatch(/Did you mean/);
  });

  it('refuses a WebSocket whose connection_init has no valid token with 4401, before any subscribe is read', async () => {
    const s = rawSocket(t.wsUrl);
    await s.opened;
    s.send({ type: 'connection_init', payload: {} });
    expect(await s.closed).toEqual({ code: 4401, reason: 'UNAUTHENTICATED: missing Authorization: Bearer token' });
    expect(s.messages).toEqual([]);

    // A token in the headers of a subscribe message does not stand in for connection_init.
    const early = rawSocket(t.wsUrl);
    await early.opened;
    early.send({ type: 'connection_init', payload: {} });
    early.send({ id: '1', type: 'subscribe', payload: { query: fragmentBomb(28), extensions: { headers: { Authorization: `Bearer ${t.adminToken}` } } } });
    expect((await early.closed).code).toBe(4401);
    expect(early.messages).toEqual([]);

    const expired = rawSocket(t.wsUrl);
    await expired.opened;
    expired.send({ type: 'connection_init', payload: { authorization: `Bearer ${await t.token('old', ['ADMIN'], { ttlSeconds: -5 })}` } });
    expect(await expired.closed).toEqual({ code: 4401, reason: 'UNAUTHENTICATED: token expired' });
  });
});

describe('document limits (graphql-armor)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('pglite', {
      GRAPHQL_MAX_DEPTH: '4',
      GRAPHQL_MAX_ALIASES: '5',
      GRAPHQL_MAX_DIRECTIVES: '3',
      GRAPHQL_MAX_TOKENS: '400',
      GRAPHQL_MAX_COST: '40',
      GRAPHQL_MAX_CHARACTERS: '3000',
    });
  });
  afterAll(() => t?.stop());

  const refused: Array<[string, string, RegExp]> = [
    ['too deep', '{ clusters { edges { node { operators { operatorName } } } } }', /^the operation is 5 levels deep; the limit is 4 \(GRAPHQL_MAX_DEPTH\)$/],
    [
      'too many aliases',
      `{ ${Array.from({ length: 6 }, (_, i) => `v${i}: viewer { sub }`).join(' ')} }`,
      /^the operation uses 6 aliases; the limit is 5 \(GRAPHQL_MAX_ALIASES\)$/,
    ],
    [
      'too many directives',
      '{ viewer { sub @include(if: true) roles @include(if: true) environments @skip(if: false) } v: viewer @skip(if: false) { sub } }',
      /^the operation uses 4 directives; the limit is 3 \(GRAPHQL_MAX_DIRECTIVES\)$/,
    ],
    [
      'too costly',
      '{ a: clusters { edges { node { name environment labels } } } b: operators { edges { node { name namespace versions } } } c: deployments { edges { node { id status } } } }',
      /^the operation costs \d+; the limit is 40 \(GRAPHQL_MAX_COST\)$/,
    ],
    ['too many tokens', `{ viewer { ${'sub '.repeat(400)} } }`, /^the operation has more than 400 tokens \(GRAPHQL_MAX_TOKENS\)$/],
    ['too long', `{ viewer { sub } } # ${'x'.repeat(3000)}`, /^the operation is \d+ characters long; the limit is 3000 \(GRAPHQL_MAX_CHARACTERS\)$/],
  ];

  it.each(refused)('refuses an operation that is %s with BAD_USER_INPUT naming the limit and its setting', async (_what, query, message) => {
    const r = await t.raw({ query });
    expect(r.data ?? undefined).toBeUndefined();
    expect(r.errors).toHaveLength(1);
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0]?.message).toMatch(message);
  });

  it('refuses a 28-level fragment bomb (2^28 paths) at once, by its depth counted once per fragment', { timeout: 10_000 }, async () => {
    const r = await t.raw({ query: fragmentBomb(28) });
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    // Fragments flattened, the bomb is 2 levels deep: what stops it is its cost.
    expect(r.errors?.[0]?.message).toMatch(/GRAPHQL_MAX_COST/);
  });

  it('refuses a 10,000-alias query while parsing it', { timeout: 10_000 }, async () => {
    const r = await t.raw({ query: aliasFlood(10_000) });
    expect(r.errors?.[0]?.message).toMatch(/GRAPHQL_MAX_(TOKENS|CHARACTERS)/);
  });

  it('still serves introspection (GraphiQL needs it) and ordinary queries', async () => {
    const r = await t.raw({ query: '{ __schema { types { name fields { name type { name ofType { name ofType { name ofType { name } } } } } } } }' });
    expect(r.errors).toBeUndefined();
    expect(r.data.__schema.types.length).toBeGreaterThan(10);
    expect((await t.ok(ViewerDocument, {})).viewer.sub).toBe('admin');
  });

  it('applies the same limits over WebSocket', async () => {
    const s = rawSocket(t.wsUrl);
    await s.opened;
    s.send({ type: 'connection_init', payload: { authorization: `Bearer ${t.adminToken}` } });
    await until(() => s.messages.some((m) => m.type === 'connection_ack'), 'connection_ack');
    s.send({ id: 'bomb', type: 'subscribe', payload: { query: fragmentBomb(28) } });
    await until(() => s.messages.some((m) => m.id === 'bomb'), 'the answer to the bomb');
    const answer = s.messages.find((m) => m.id === 'bomb') as { type: string; payload: Array<{ message: string; extensions: { code: string } }> };
    expect(answer.type).toBe('error');
    expect(answer.payload[0]?.extensions.code).toBe('BAD_USER_INPUT');
    s.ws.close();
  });
});

describe('field suggestions', () => {
  it('are hidden when GRAPHQL_BLOCK_FIELD_SUGGESTIONS is on (the production default) and shown otherwise', async () => {
    const blocked = await startTestApp('pglite', { GRAPHQL_BLOCK_FIELD_SUGGESTIONS: 'true' });
    const open = await startTestApp('pglite', { GRAPHQL_BLOCK_FIELD_SUGGESTIONS: 'false' });
    try {
      const hidden = await blocked.raw({ query: '{ viewer { subb } }' });
      expect(hidden.errors?.[0]?.message).toMatch(/Cannot query field "subb"/);
      expect(hidden.errors?.[0]?.message).not.toMatch(/Did you mean/);
      const shown = await open.raw({ query: '{ viewer { subb } }' });
      expect(shown.errors?.[0]?.message).toMatch(/Did you mean "sub"/);
    } finally {
      await blocked.stop();
      await open.stop();
    }
  });
});

describe('size and time limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('pglite', {
      MAX_REQUEST_BYTES: '65536',
      MAX_HEADER_BYTES: '4096',
      REQUEST_TIMEOUT: 'PT1S',
      WS_MAX_MESSAGE_BYTES: '4096',
      WS_CONNECTION_INIT_TIMEOUT: 'PT0.3S',
      WS_MAX_SUBSCRIPTIONS: '2',
    });
  });
  afterAll(() => t?.stop());
  const port = () => Number(new URL(t.url).port);

  it('answers a body over MAX_REQUEST_BYTES with 413, naming the setting', async () => {
    const r = await t.raw({ query: '{ viewer { sub } }', variables: { pad: 'x'.repeat(70_000) } });
    expect(r.status).toBe(413);
    expect(r.errors?.[0]?.message).toBe('request body is larger than 65536 bytes (MAX_REQUEST_BYTES)');
  });

  it('answers headers over MAX_HEADER_BYTES with 431', async () => {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.adminToken}`, 'content-type': 'application/json', 'x-padding': 'p'.repeat(5000) },
      body: '{"query":"{ viewer { sub } }"}',
    });
    expect(res.status).toBe(431);
  });

  it('answers a client that sends its body too slowly with 408 after REQUEST_TIMEOUT', async () => {
    const socket: Socket = connect(port(), '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => (answer += d.toString()));
    const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write(
      `POST /graphql HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${t.adminToken}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"query":`,
    );
    const started = Date.now();
    await ended;
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
  });

  it('closes a WebSocket that sends a message over WS_MAX_MESSAGE_BYTES (1009)', async () => {
    const s = rawSocket(t.wsUrl);
    await s.opened;
    s.send({ type: 'connection_init', payload: { authorization: `Bearer ${t.adminToken}`, pad: 'x'.repeat(5000) } });
    expect((await s.closed).code).toBe(1009);
  });

  it('closes a WebSocket that does not initialise within WS_CONNECTION_INIT_TIMEOUT (4408)', async () => {
    const s = rawSocket(t.wsUrl);
    await s.opened;
    expect(await s.closed).toEqual({ code: 4408, reason: 'Connection initialisation timeout' });
  });

  it('refuses a subscription past WS_MAX_SUBSCRIPTIONS on one connection and keeps the others', async () => {
    const s = rawSocket(t.wsUrl);
    await s.opened;
    s.send({ type: 'connection_init', payload: { authorization: `Bearer ${t.adminToken}` } });
    await until(() => s.messages.some((m) => m.type === 'connection_ack'), 'connection_ack');
    for (const id of ['1', '2', '3']) s.send({ id, type: 'subscribe', payload: { query: 'subscription { clusterUpdated { name } }' } });
    await until(() => s.messages.some((m) => m.id === '3'), 'the answer to the third subscription');
    expect(s.messages.find((m) => m.id === '3')).toMatchObject({
      type: 'error',
      payload: [{ message: 'this connection already runs 2 subscriptions, the limit (WS_MAX_SUBSCRIPTIONS)', extensions: { code: 'BAD_USER_INPUT' } }],
    });
    expect(s.messages.filter((m) => m.id === '1' || m.id === '2')).toEqual([]);
    s.ws.close();
  });
});

describe('browsers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('pglite', { CORS_ALLOWED_ORIGINS: 'https://dashboard.example.com' });
  });
  afterAll(() => t?.stop());
  const auth = () => ({ authorization: `Bearer ${t.adminToken}` });

  it('refuses GET requests without the CSRF header (403) and form-like POSTs at all (415), serves GET with the header', async () => {
    const url = `${t.url}?query=${encodeURIComponent('{ viewer { sub } }')}`;
    expect((await fetch(url, { headers: auth() })).status).toBe(403);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const form = await fetch(t.url, {
        method: 'POST',
        headers: { ...auth(), 'content-type': type, 'x-graphql-yoga-csrf': '1' },
        body: '{"query":"{ viewer { sub } }"}',
      });
      expect(form.status).toBe(415);
      expect((await form.json()).errors[0].message).toBe('send GraphQL requests as Content-Type: application/json');
    }
    const withHeader = await fetch(url, { headers: { ...auth(), 'x-graphql-yoga-csrf': '1', accept: 'application/json' } });
    expect(withHeader.status).toBe(200);
    expect((await withHeader.json()).data.viewer.sub).toBe('admin');
  });

  it('allows cross-origin calls only from CORS_ALLOWED_ORIGINS', async () => {
    const preflight = (origin: string) =>
      fetch(t.url, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
      });
    expect((await preflight('https://dashboard.example.com')).headers.get('access-control-allow-origin')).toBe('https://dashboard.example.com');
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
    const r = await t.gql(ViewerDocument, {}, undefined, { origin: 'https://evil.example' });
    expect(r.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
  });
});

describe('errors', () => {
  it('answers an unknown enum value sent as a variable BAD_USER_INPUT and does not log it as a server error', async () => {
    const mem = capturingLogger('info');
    const t = await startTestApp('pglite', {}, { logger: mem.logger });
    try {
      const input = { operatorName: 'demo', targetVersion: 'v1.0.0', strategy: 'YOLO', targetClusters: ['dev-1'] };
      const r = await t.gql(CreateDeploymentDocument, { input: input as never }, undefined);
      expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(r.errors?.[0]?.message).toMatch(/"YOLO".*DeploymentStrategy/);
      expect(r.errors?.[0]?.extensions?.fields).toEqual(['input.strategy']);
      expect(mem.lines.filter((l) => l.level === 'error')).toEqual([]);
    } finally {
      await t.stop();
    }
  });

  it('logs an unexpected error with the id of the request it belongs to', async () => {
    const mem = capturingLogger('info');
    // Without the engine: its claims on the closed embedded database fail inside PGlite as
    // unhandled rejections, which are not what this test is about.
    const t = await startTestApp('pglite', { ENGINE_ENABLED: 'false' }, { logger: mem.logger });
    await t.app.db.close();
    const r = await t.raw({ query: '{ clusters { totalCount } }' }, undefined, { 'x-request-id': 'req-for-the-log' });
    expect(r.errors?.[0]?.extensions?.code).toBe('INTERNAL');
    const logged = mem.lines.find((l) => l.msg === 'unexpected error in GraphQL operation');
    expect(logged?.requestId).toBe('req-for-the-log');
    await t.app.stop().catch(() => {});
    await t.db.drop();
  });
});
