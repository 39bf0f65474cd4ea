// The product as the benchmarks run it: in this process, on an in-memory embedded database,
// quiet logs, an ephemeral port on 127.0.0.1, no cluster health monitor (PT0S: the sandbox
// then counts a rollout's own requests only), and an ADMIN token for it.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createApp, type App } from '../src/app.ts';
import { mintToken } from '../src/auth/tokens.ts';
import { loadConfig } from '../src/config/index.ts';

export const BENCH_JWT_SECRET = 'bench-secret-0123456789abcdef0123456789';
/** Every replica of a benchmark's product encrypts kubeconfigs with this key (32 bytes). */
export const BENCH_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

export async function startBenchApp(env: Record<string, string> = {}): Promise<{ app: App; url: string; token: string }> {
  const config = loadConfig({
    NODE_ENV: 'development',
    DATA_DIR: 'memory://',
    LOG_LEVEL: 'silent',
    PORT: '0',
    HOST: '127.0.0.1',
    JWT_SECRET: BENCH_JWT_SECRET,
    HEALTH_CHECK_INTERVAL: 'PT0S',
    ...env,
  });
  const app = await createApp(config);
  const port = await app.start();
  const token = await mintToken(BENCH_JWT_SECRET, { sub: 'bench', roles: ['ADMIN'], ttlSeconds: 3600 });
  return { app, url: `http://127.0.0.1:${port}/graphql`, token };
}

/**
 * A new, empty database on the PostgreSQL server of `adminUrl` (any database there that the
 * user may connect to), for one run; `drop` removes it (after the app has closed its connections).
 */
export async function freshPostgresDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `om_bench_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.href, drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
