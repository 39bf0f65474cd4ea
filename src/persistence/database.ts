// Opens the database: PostgreSQL when a URL is configured, otherwise the embedded PGlite
// under DATA_DIR. Applies migrations (one process at a time) and exposes a Prisma client.
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.ts';
import type { MessagePort } from 'node:worker_threads';
import { type EmbeddedDatabase, embeddedAdapterOver, startEmbedded } from './embedded.ts';
import { pgMigrationFactory, recordingScriptErrors } from './migration-adapters.ts';
import { applyMigrations } from './migrations.ts';

export interface DatabaseOptions {
  /** postgresql:// URL; when absent the embedded database is used. */
  url?: string;
  /** Directory of the embedded database; `memory://` keeps it in memory (tests). */
  dataDir?: string;
  /** Apply pending migrations before returning (default true). */
  migrate?: boolean;
  /** Pool size for PostgreSQL (default 10). */
  poolSize?: number;
}

export interface Database {
  kind: 'postgres' | 'pglite';
  prisma: PrismaClient;
  /** Migrations applied while opening. */
  appliedMigrations: string[];
  /** True when a trivial query succeeds within the timeout. */
  ping(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
  /** PostgreSQL connection string (for LISTEN/NOTIFY); undefined on PGlite. */
  url?: string;
  /** PGlite: a port for another thread of this process to reach the database on (openThreadDatabase there). */
  connectThread?(): Promise<MessagePort>;
}

/** How a thread other than the main one reaches the process's database. */
export type ThreadDatabase = { url: string; poolSize: number } | { port: MessagePort };

/** The database from a worker thread: its own pool on PostgreSQL (migrated by the main thread), the main thread's embedded database through a port. */
export async function openThreadDatabase(where: ThreadDatabase): Promise<Database> {
  if ('url' in where) return openPostgres(where.url, { migrate: false, poolSize: where.poolSize });
  const prisma = new PrismaClient({ adapter: embeddedAdapterOver(where.port) });
  return {
    kind: 'pglite',
    prisma,
    appliedMigrations: [],
    ping: (timeoutMs = 2000) => ping(prisma, timeoutMs),
    async close() {
      await prisma.$disconnect();
      where.port.close();
    },
  };
}

// Arbitrary constant: the advisory lock that serialises migrations across replicas.
const MIGRATION_LOCK_KEY = 720_119_001;

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.url ? openPostgres(options.url, options) : openPglite(options.dataDir ?? '.data', options);
}

async function openPostgres(url: string, options: DatabaseOptions): Promise<Database> {
  let appliedMigrations: string[] = [];
  if (options.migrate !== false) appliedMigrations = await migratePostgres(url);
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: options.poolSize ?? 10 }) });
  return {
    kind: 'postgres',
    prisma,
    appliedMigrations,
    url,
    ping: (timeoutMs = 2000) => ping(prisma, timeoutMs),
    close: () => prisma.$disconnect(),
  };
}

/** Applies migrations while holding an advisory lock, so concurrent start-ups apply them once. */
export async function migratePostgres(url: string): Promise<string[]> {
  const lock = new pg.Client({ connectionString: url });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    return await applyMigrations(pgMigrationFactory(url));
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
    await lock.end();
  }
}

export { EMBEDDED_SETTINGS } from './embedded-protocol.ts';

async function openPglite(dataDir: string, options: DatabaseOptions): Promise<Database> {
  const inMemory = dataDir.startsWith('memory://');
  let releaseLock = async () => {};
  if (!inMemory) {
    await mkdir(dataDir, { recursive: true });
    releaseLock = await lockDataDir(dataDir);
  }
  const pgdata = inMemory ? undefined : path.join(dataDir, 'pgdata');
  // A new data directory is made by PostgreSQL's initdb inside PGlite, which leaves its
  // WebAssembly memory (never returned while the thread lives) about 500 MB larger than a
  // start on existing files needs: the first start therefore starts the database again.
  const created = pgdata !== undefined && !existsSync(path.join(pgdata, 'PG_VERSION'));
  let embedded: EmbeddedDatabase | undefined;
  let appliedMigrations: string[] = [];
  try {
    embedded = await startEmbedded(pgdata);
    if (options.migrate !== false) appliedMigrations = await applyMigrations(recordingScriptErrors(embedded.adapter));
    if (created) {
      await embedded.close();
      embedded = undefined;
      embedded = await startEmbedded(pgdata);
    }
  } catch (err) {
    await embedded?.close();
    await releaseLock();
    throw err;
  }
  const running = embedded;
  const prisma = new PrismaClient({ adapter: running.adapter });
  return {
    kind: 'pglite',
    prisma,
    appliedMigrations,
    ping: (timeoutMs = 2000) => ping(prisma, timeoutMs),
    connectThread: () => running.connectThread(),
    async close() {
      await prisma.$disconnect();
      await running.close();
      await releaseLock();
    },
  };
}

async function ping(prisma: PrismaClient, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    return await Promise.race([prisma.$queryRawUnsafe('SELECT 1').then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * PGlite is a single-process database: a second process opening the same directory would
 * corrupt it. A lock file with our pid refuses that; a stale lock (dead pid) is taken over.
 */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const file = path.join(dataDir, 'operator-manager.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new Error(`DATA_DIR ${dataDir} is in use by process ${pid}; the embedded database serves one process (use DATABASE_URL for several replicas)`);
      }
      await rm(file, { force: true });
    }
  }
  throw new Error(`could not lock DATA_DIR ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
