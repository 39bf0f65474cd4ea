// Starts the real app on a free port for API tests, with a known JWT secret, and gives a
// small client: typed GraphQL over HTTP, tokens of any role, a graphql-ws client.
import { fileURLToPath } from 'node:url';
import { print } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { createApp, type App } from '../../src/app.ts';
import { mintToken } from '../../src/auth/tokens.ts';
import { loadConfig } from '../../src/config/index.ts';
import type { Logger } from '../../src/observability/logger.ts';
import type { Environment, Role } from '../../src/domain/model.ts';
import { corpus } from './corpus.ts';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './databases.ts';
import { eventually } from './eventually.ts';

export const TEST_JWT_SECRET = 'test-secret-for-operator-manager-0123456789';

/** Operators in tests come from test/fixtures and the real-operator corpus (when there is one): the file roots of the source fence. */
export const TEST_SOURCE_ENV = {
  SOURCE_FILE_ROOTS: [fileURLToPath(new URL('../fixtures', import.meta.url)), ...(corpus.present ? [corpus.dir] : [])].join(','),
};

/**
 * The environment of an app under test: on 127.0.0.1, on a free port, signing tokens with
 * TEST_JWT_SECRET, reading operators from test/fixtures and the corpus, the cluster health
 * monitor off (a test turns it on with HEALTH_CHECK_INTERVAL). `env` adds to it or overrides it:
 * the database, engine settings, a port or secret of its own.
 */
export function testAppEnv(env: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    JWT_SECRET: TEST_JWT_SECRET,
    HEALTH_CHECK_INTERVAL: 'PT0S',
    ...TEST_SOURCE_ENV,
    ...env,
  };
}

interface GqlError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; fields?: string[]; [k: string]: unknown };
}

interface GqlResult<R> {
  status: number;
  data?: R | null;
  errors?: GqlError[];
  headers: Headers;
}

export interface TestApp {
  app: App;
  db: TestDatabase;
  url: string;
  wsUrl: string;
  token(sub: string, roles: Role[], options?: { environments?: Environment[]; ttlSeconds?: number; secret?: string }): Promise<string>;
  /** A token for an ADMIN named "admin". */
  adminToken: string;
  gql<R, V>(doc: TypedDocumentNode<R, V>, variables: V, token?: string | null, headers?: Record<string, string>): Promise<GqlResult<R>>;
  /** Raw GraphQL request (for documents the typed set does not have). */
  raw(body: unknown, token?: string | null, headers?: Record<string, string>): Promise<GqlResult<any>>;
  /** data of a successful operation; fails the test with the errors otherwise. */
  ok<R, V>(doc: TypedDocumentNode<R, V>, variables: V, token?: string): Promise<R>;
  wsClient(token?: string | null): Client;
  stop(): Promise<void>;
}

export async function startTestApp(kind: DatabaseKind, env: Record<string, string> = {}, options: { logger?: Logger } = {}): Promise<TestApp> {
  const db = await createTestDatabase(kind);
  const config = loadConfig(testAppEnv({ ...db.env, ...env }));
  const app = await createApp(config, options.logger ? { logger: options.logger } : {});
  const port = await app.start();
  const url = `http://127.0.0.1:${port}/graphql`;
  const token: TestApp['token'] = (sub, roles, o = {}) =>
    mintToken(o.secret ?? TEST_JWT_SECRET, {
      sub,
      roles,
      environments: o.environments,
      ttlSeconds: o.ttlSeconds ?? 600,
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
    });
  const adminToken = await token('admin', ['ADMIN']);

  async function raw(body: unknown, tok: string | null | undefined = adminToken, headers: Record<string, string> = {}): Promise<GqlResult<any>> {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...(tok ? { authorization: `Bearer ${tok}` } : {}), ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: { data?: unknown; errors?: GqlError[] } = {};
    try {
      json = JSON.parse(text);
    } catch {
      json = { errors: [{ message: `non-JSON response (${res.status}): ${text.slice(0, 200)}` }] };
    }
    return { status: res.status, data: json.data as never, errors: json.errors, headers: res.headers };
  }

  const gql: TestApp['gql'] = (doc, variables, tok, headers) => raw({ query: print(doc), variables }, tok === undefined ? adminToken : tok, headers);

  const clients: Client[] = [];
  return {
    app,
    db,
    url,
    wsUrl: url.replace('http://', 'ws://'),
    token,
    adminToken,
    gql,
    raw,
    async ok(doc, variables, tok) {
      const r = await gql(doc, variables, tok);
      if (r.errors?.length || !r.data) throw new Error(`GraphQL errors: ${JSON.stringify(r.errors)}`);
      return r.data;
    },
    wsClient(tok = adminToken) {
      const client = createClient({
        url: url.replace('http://', 'ws://'),
        webSocketImpl: WebSocket,
        connectionParams: tok ? { authorization: `Bearer ${tok}` } : {},
        retryAttempts: 0,
        lazy: true,
      });
      clients.push(client);
      return client;
    },
    async stop() {
      await Promise.all(clients.map((c) => c.dispose()));
      await app.stop();
      await db.drop();
    },
  };
}

/**
 * The data of a GraphQL operation sent to the app at `url` with a bearer token; throws with the
 * errors otherwise. For apps a test starts itself (a child process, a replica, a restart).
 */
export async function gqlAt<R, V>(url: string, token: string, doc: TypedDocumentNode<R, V>, variables: V): Promise<R> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: print(doc), variables }),
  });
  const body = (await res.json()) as { data?: R; errors?: unknown };
  if (!body.data) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/** Collects events of a graphql-ws subscription. */
export function subscribe<R>(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const events: Array<{ data?: R; errors?: GqlError[] }> = [];
  let completed = false;
  let error: unknown;
  const waiters: Array<() => void> = [];
  const notify = () => {
    for (const w of waiters.splice(0)) w();
  };
  const unsubscribe = client.subscribe<R>(
    { query, variables },
    {
      next: (value) => {
        events.push(value as never);
        notify();
      },
      error: (err) => {
        error = err;
        completed = true;
        notify();
      },
      complete: () => {
        completed = true;
        notify();
      },
    },
  );
  return {
    events,
    get completed() {
      return completed;
    },
    get error() {
      return error;
    },
    unsubscribe,
    /** Waits until `predicate` holds over what has arrived (or times out). */
    async until(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`timed out; events so far: ${JSON.stringify(events).slice(0, 500)}; error: ${String(error)}`);
        // Woken by the next event, or after 50 ms to check the deadline.
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
  };
}

/**
 * Resolves once a subscription is live. graphql-ws does not acknowledge a subscription, and
 * one registered after an event misses it: `trigger` causes an event the subscription should
 * receive, again and again, until `arrived` says one has.
 */
export async function untilLive(trigger: () => Promise<unknown>, arrived: () => boolean, what = 'the subscription to deliver'): Promise<void> {
  await eventually(
    async () => {
      if (arrived()) return true;
      await trigger();
      return false;
    },
    10_000,
    what,
    100,
  );
}
