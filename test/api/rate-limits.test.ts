// Rate limits per caller and per client address: 429 with Retry-After and RATE_LIMITED,
// nothing done for a refused request, /health and /metrics never limited, and (on
// PostgreSQL) one count for all replicas.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/index.ts';
import { parseRateLimit, rateLimitSettings } from '../../src/config/rate-limit.ts';
import { clientAddress, operationCosts } from '../../src/api/rate-limit.ts';
import { parse } from 'graphql';
import { CreateDeploymentDocument, ViewerDocument } from '../generated/graphql.ts';
import { startTestApp, testAppEnv, type TestApp } from '../helpers/app.ts';

const deployment = { operatorName: 'nothing-here', targetVersion: 'v1.0.0', strategy: 'DIRECT' as const, targetClusters: ['dev-1'] };

describe('the production profile', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('pglite', { RATE_LIMIT_PROFILE: 'production', RATE_LIMITS: 'operations=20/min,unauthenticated=3/min' });
  });
  afterAll(() => t?.stop());

  it('allows createDeployment 10 times a minute per caller, then answers 429 with Retry-After and writes nothing', async () => {
    const alice = await t.token('alice', ['OPERATOR']);
    for (let i = 0; i < 10; i++) {
      const r = await t.gql(CreateDeploymentDocument, { input: deployment }, alice);
      expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    const over = await t.gql(CreateDeploymentDocument, { input: deployment }, alice);
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(over.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    expect(over.errors?.[0]?.message).toMatch(
      /^rate limit exceeded: at most 10 createDeployment calls per minute \(RATE_LIMITS createDeployment\); retry in \d+ s$/,
    );
    expect(await t.app.db.prisma.deployment.count()).toBe(0);
    // Another caller has a bucket of their own.
    const bob = await t.gql(CreateDeploymentDocument, { input: deployment }, await t.token('bob', ['OPERATOR']));
    expect(bob.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('counts every top-level list field, aliases included, against 60 list queries a minute', async () => {
    const carol = await t.token('carol', ['VIEWER']);
    const five = `{ ${Array.from({ length: 5 }, (_, i) => `l${i}: clusters { totalCount }`).join(' ')} }`;
    for (let i = 0; i < 12; i++) expect((await t.raw({ query: five }, carol)).status).toBe(200);
    const r = await t.raw({ query: five }, carol);
    expect(r.status).toBe(429);
    expect(r.errors?.[0]?.message).toMatch(/at most 60 list queries per minute/);
    // A query without list fields is not a list query.
    expect((await t.ok(ViewerDocument, {}, carol)).viewer.sub).toBe('carol');
  });

  it('limits every operation of a caller (RATE_LIMITS operations=20/min) before reading the body', async () => {
    const dave = await t.token('dave', ['VIEWER']);
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) statuses.push((await t.gql(ViewerDocument, {}, dave)).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    expect(statuses.slice(20)).toEqual([429, 429]);
    // …and a WebSocket of the same caller is refused at connection_init.
    const ws = new WebSocket(t.wsUrl, 'graphql-transport-ws');
    const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${dave}` } })));
    expect(await closed).toMatchObject({ code: 4429, reason: expect.stringMatching(/^RATE_LIMITED: rate limit exceeded/) });
  });

  it('limits requests without a valid token per client address, and never /health or /metrics', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await t.raw({ query: '{ viewer { sub } }' }, 'not-a-token')).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const base = t.url.replace('/graphql', '');
    for (let i = 0; i < 40; i++) {
      expect((await fetch(`${base}/health`)).status).toBe(200);
      expect((await fetch(`${base}/metrics`)).status).toBe(200);
    }
    // A caller with a valid token from the same address is not held back by others' failures.
    expect((await t.ok(ViewerDocument, {}, await t.token('erin', ['VIEWER']))).viewer.sub).toBe('erin');
  });
});

describe('rate-limit rules', () => {
  it('reads limits such as 10/min, 5/s, 100/h and 3/PT5M, and refuses the rest', () => {
    expect(parseRateLimit('10/min')).toEqual({ points: 10, windowMs: 60_000 });
    expect(parseRateLimit('5/s')).toEqual({ points: 5, windowMs: 1000 });
    expect(parseRateLimit('100/h')).toEqual({ points: 100, windowMs: 3_600_000 });
    expect(parseRateLimit('3/PT5M')).toEqual({ points: 3, windowMs: 300_000 });
    for (const bad of ['10', '0/min', '-1/min', '10/fortnight', '10/PT0.1S', '1e9/min']) expect(parseRateLimit(bad)).toBeUndefined();
    expect(() => rateLimitSettings({ RATE_LIMITS: 'deploys=1/min' }, 'production')).toThrow(/RATE_LIMITS names an unknown bucket "deploys"/);
    expect(() => rateLimitSettings({ RATE_LIMIT_PROFILE: 'strict' }, 'production')).toThrow(/RATE_LIMIT_PROFILE must be production, development or off/);
    expect(rateLimitSettings({}, 'production').limits.createDeployment).toEqual({ points: 10, windowMs: 60_000 });
    expect(rateLimitSettings({}, 'development').limits.createDeployment!.points).toBeGreaterThan(10);
    expect(rateLimitSettings({ RATE_LIMIT_PROFILE: 'off' }, 'production').limits).toEqual({});
  });

  it('counts list fields and limited mutations once per use, through root fragments, each fragment once', () => {
    const lists = new Set(['clusters', 'operators']);
    expect(
      operationCosts(
        parse('{ a: clusters { totalCount } b: clusters { totalCount } viewer { sub } ...F } fragment F on Query { operators { totalCount } ...F }'),
        undefined,
        lists,
      ),
    ).toEqual({ lists: 3 });
    expect(
      operationCosts(
        parse('mutation { a: createDeployment(input: {}) { id } b: registerCluster(input: {}) { name } c: createDeployment(input: {}) { id } }'),
        undefined,
        lists,
      ),
    ).toEqual({ createDeployment: 2, registerCluster: 1 });
    expect(operationCosts(parse('query A { clusters { totalCount } } query B { viewer { sub } }'), 'B', lists)).toEqual({});
    expect(operationCosts(parse('subscription { clusterUpdated { name } }'), undefined, lists)).toEqual({});
  });

  it('takes the client address from X-Forwarded-For only as far as the proxies are trusted', () => {
    expect(clientAddress('10.0.0.5', '203.0.113.9', 0)).toBe('10.0.0.5');
    expect(clientAddress('10.0.0.5', '198.51.100.1, 203.0.113.9', 1)).toBe('203.0.113.9');
    expect(clientAddress('10.0.0.5', '198.51.100.1, 203.0.113.9', 2)).toBe('198.51.100.1');
    expect(clientAddress('10.0.0.5', undefined, 1)).toBe('10.0.0.5');
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('limits shared by replicas through PostgreSQL (skipped without TEST_DATABASE_URL)', () => {
  it('counts the operations of one caller on two replicas together', async () => {
    const env = { RATE_LIMIT_PROFILE: 'production', RATE_LIMITS: 'operations=6/min' };
    const a = await startTestApp('postgres', env);
    const b = await createApp(loadConfig(testAppEnv({ ENGINE_ENABLED: 'false', ...a.db.env, ...env })));
    const bUrl = `http://127.0.0.1:${await b.start()}/graphql`;
    try {
      const token = await a.token('frank', ['VIEWER']);
      const onB = () =>
        fetch(bUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: '{ viewer { sub } }' }),
        }).then((r) => r.status);
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await a.gql(ViewerDocument, {}, token)).status, await onB());
      expect(statuses.filter((s) => s === 200)).toHaveLength(6);
      expect(statuses.slice(6)).toEqual([429, 429]);
      expect(await a.app.db.prisma.rateLimit.count({ where: { key: 'operations:frank' } })).toBe(1);
    } finally {
      await b.stop();
      await a.stop();
    }
  });
});
