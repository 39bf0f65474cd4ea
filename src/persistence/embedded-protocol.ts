// What the main thread and the embedded database's thread (embedded-worker.ts) say to each
// other, and the settings the embedded database starts with.
import type { MessagePort } from 'node:worker_threads';
import type { IsolationLevel } from '@prisma/driver-adapter-utils';

/**
 * PostgreSQL settings of the embedded database. shared_buffers: PostgreSQL's default of
 * 128 MB sits in PGlite's WebAssembly memory for the life of the process; the embedded
 * database holds one small installation's rows (a 100-cluster rollout writes a few
 * megabytes), so 32 MB of buffers is plenty and idle memory drops by about 120 MB.
 */
export const EMBEDDED_SETTINGS = { shared_buffers: '32MB' } as const;

/**
 * The name the PGlite adapter gives itself (its package's name), for the adapters that stand
 * in for it without loading it: it and PGlite are loaded in the database's thread only.
 */
export const PGLITE_ADAPTER_NAME = 'pglite-prisma-adapter';

export interface EmbeddedWorkerData {
  /** Directory of the database files; undefined keeps it in memory. */
  dataDir?: string;
  /** Float64 counters the worker adds to (see STATS). */
  stats: SharedArrayBuffer;
  /** Also sum statements per text (benchmarks' --sql-top), read with the `texts` request. */
  statementTexts: boolean;
}

/** Slots of the shared counters. */
export const STATS = { statements: 0, ms: 1, length: 2 } as const;

export type EmbeddedRequest = {
  id: number;
  op: 'query' | 'execute' | 'script' | 'begin' | 'commit' | 'rollback' | 'texts' | 'memory' | 'close' | 'connect';
  /** The transaction a statement, commit or rollback belongs to. */
  tx?: number;
  query?: unknown;
  script?: string;
  isolationLevel?: IsolationLevel;
  /** connect: a port another thread of the process sends its requests on (answered on it). */
  port?: MessagePort;
};

export type EmbeddedReply = { id: number; value?: unknown; error?: SerialisedError };

export interface SerialisedError {
  name: string;
  message: string;
  stack?: string;
  /** A DriverAdapterError's mapped cause. */
  cause?: unknown;
}

/** What the database's thread holds: PGlite's WebAssembly memory (it only grows) and its JavaScript heap. */
export interface EmbeddedMemory {
  wasmBytes: number;
  heapUsedBytes: number;
}
