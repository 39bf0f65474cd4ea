// The two commands of a fresh clone, for real: `npm start` (here: what the script runs —
// scripts/build.mjs compiles src/ to dist/, then node dist/main.js) on an empty DATA_DIR prints GraphiQL and a working
// ADMIN token; data and the generated secret survive a restart; `npm run token` mints
// tokens the server accepts; bad configuration stops start-up naming the variable.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/eventually.ts';
import { freePort } from '../helpers/ports.ts';

const run = promisify(execFile);

describe('starting the product', () => {
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    await run(process.execPath, ['scripts/build.mjs']);
  }, 180_000);
  afterEach(() => {
    child?.kill('SIGTERM');
  });

  async function start(env: Record<string, string>): Promise<{ out: () => string; exited: Promise<number | null> }> {
    const { JWT_SECRET: _s, DATABASE_URL: _d, ...base } = process.env;
    child = spawn(process.execPath, ['dist/main.js'], {
      env: { ...base, NODE_ENV: 'development', HEALTH_CHECK_INTERVAL: 'PT0S', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
    return { out: () => out, exited };
  }

  const viewer = async (port: number, token: string) => {
    const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ viewer { sub roles } operators { totalCount } }' }),
    });
    return (await res.json()) as { data?: { viewer: { sub: string; roles: string[] }; operators: { totalCount: number } } };
  };

  it('prints GraphiQL and a working ADMIN token, keeps data and secret across restarts, and stops cleanly on SIGTERM', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'om-start-'));
    const port = await freePort();
    const first = await start({ DATA_DIR: dataDir, PORT: String(port) });
    const token = await eventually(async () => /"Authorization": "Bearer ([^"]+)"/.exec(first.out())?.[1], 60_000, 'the start-up banner');
    expect(first.out()).toContain(`GraphiQL:  http://localhost:${port}/graphql`);
    expect((await viewer(port, token)).data?.viewer).toEqual({ sub: 'admin', roles: ['ADMIN'] });
    const register = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      // The default SOURCE_FILE_ROOTS is the product's demo/operators directory.
      body: JSON.stringify({
        query: 'mutation($t: String!) { registerOperator(input: {name: "kept", namespace: "kept", manifestUrlTemplate: $t, versions: ["v1.0.0"]}) { name } }',
        variables: { t: `${pathToFileURL(path.resolve('demo/operators/demo-operator')).href}/{version}.yaml` },
      }),
    });
    expect(((await register.json()) as { data?: unknown }).data).toEqual({ registerOperator: { name: 'kept' } });

    // `npm run token` signs with the same development secret.
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/auth/token-cli.ts', '--sub', 'olga', '--role', 'OPERATOR', '--ttl', 'PT5M'], {
      env: { ...process.env, JWT_SECRET: '', DATA_DIR: dataDir },
    });
    expect((await viewer(port, stdout.trim())).data?.viewer).toEqual({ sub: 'olga', roles: ['OPERATOR'] });

    child!.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.out()).toMatch(/"msg":"stopped"/);

    const second = await start({ DATA_DIR: dataDir, PORT: String(port) });
    await eventually(async () => /listening/.test(second.out()), 60_000, 'restart');
    const after = await viewer(port, token);
    expect(after.data?.operators.totalCount).toBe(1);
  });

  it('stops with a message naming the variable when configuration is invalid', async () => {
    const p = await start({ DATA_DIR: 'memory://', PORT: '1', KubernetesManager__DefaultTimeout: 'five minutes' });
    expect(await p.exited).toBe(1);
    expect(p.out()).toContain('Invalid configuration: KubernetesManager__DefaultTimeout must be an ISO-8601 duration');
  });

  it('refuses to start in production without a JWT secret', async () => {
    const p = await start({ DATA_DIR: 'memory://', NODE_ENV: 'production', PORT: String(await freePort()) });
    expect(await p.exited).toBe(1);
    expect(p.out()).toContain('JWT_SECRET is required in production');
  });
});
