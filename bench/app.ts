// The product as the benchmarks run it: in this process, on an in-memory embedded database,
// quiet logs, an ephemeral port on 127.0.0.1, no cluster health monitor (PT0S: the sandbox
// then counts a rollout's own requests only), and an ADMIN token for it.
import { createApp, type App } from '../src/app.ts';
import { mintToken } from '../src/auth/tokens.ts';
import { loadConfig } from '../src/config/index.ts';

const JWT_SECRET = 'bench-secret-0123456789abcdef0123456789';

export async function startBenchApp(env: Record<string, string> = {}): Promise<{ app: App; url: string; token: string }> {
  const config = loadConfig({
    NODE_ENV: 'development',
    DATA_DIR: 'memory://',
    LOG_LEVEL: 'silent',
    PORT: '0',
    HOST: '127.0.0.1',
    JWT_SECRET,
    HEALTH_CHECK_INTERVAL: 'PT0S',
    ...env,
  });
  const app = await createApp(config);
  const port = await app.start();
  const token = await mintToken(JWT_SECRET, { sub: 'bench', roles: ['ADMIN'], ttlSeconds: 3600 });
  return { app, url: `http://127.0.0.1:${port}/graphql`, token };
}
