// A PostgreSQL server of a test's own, started like .ci/postgres.sh starts the CI one
// (same binaries, same options), for tests that restart or stop the server: doing that to
// the shared server would cut off every other suite running at the same time.
import { execFile } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './ports.ts';

const run = promisify(execFile);

export interface PostgresServer {
  /** postgresql:// URL of the database `operator_manager_test` on it. */
  url: string;
  port: number;
  /**
   * `pg_ctl restart -m fast`: every connection is cut, the server is back on the same port
   * at once. With `downForMs`, stopped (fast) and started again that much later: an outage
   * that lasts.
   */
  restart(o?: { downForMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a throwaway server with the binaries in `bin` (PG_BIN of .ci/postgres.sh). */
export async function startPostgresServer(bin: string): Promise<PostgresServer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'om-pg-own-'));
  const root = process.getuid?.() === 0;
  // As root the server runs as postgres, as in .ci/postgres.sh.
  const as = (cmd: string, args: string[]) => (root ? run('runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args]) : run(path.join(bin, cmd), args));
  if (root) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const port = await freePort();
  const data = path.join(dir, 'data');
  // The options of pg_start in .ci/postgres.sh: the port and socket directory survive a restart.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300`;
  await as('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync']);
  await as('pg_ctl', ['-D', data, '-l', path.join(dir, 'log'), '-w', '-o', options, 'start']);
  const admin = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:${port}/postgres` });
  await admin.connect();
  await admin.query('CREATE DATABASE operator_manager_test');
  await admin.end();
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/operator_manager_test`,
    port,
    async restart({ downForMs }: { downForMs?: number } = {}) {
      const log = path.join(dir, 'log');
      if (downForMs === undefined) {
        await as('pg_ctl', ['-D', data, '-l', log, '-m', 'fast', '-w', '-o', options, 'restart']);
        return;
      }
      await as('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      // The length of the outage is what the caller tests: only time makes it.
      await new Promise((resolve) => setTimeout(resolve, downForMs));
      await as('pg_ctl', ['-D', data, '-l', log, '-w', '-o', options, 'start']);
    },
    async stop() {
      await as('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
