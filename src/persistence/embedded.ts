// The embedded database, run in a thread of its own (embedded-worker.ts) so that its
// statements — PostgreSQL compiled to WebAssembly, synchronous — never hold the API's event
// loop. This side is a Prisma driver adapter whose every call is one message to that thread:
// the same adapter (pglite-prisma-adapter) answers there, on the same single connection, so
// statements, transactions and errors behave exactly as before; only where they run moved.
//
// Why a dedicated thread and not a pool (piscina and the like): a database is one owner of
// its files and its open transactions, not interchangeable tasks.
import { MessageChannel, type MessagePort, type Transferable, Worker } from 'node:worker_threads';
import {
  DriverAdapterError,
  type IsolationLevel,
  type SqlDriverAdapter,
  type SqlDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
  type Transaction,
  type TransactionOptions,
} from '@prisma/driver-adapter-utils';
import {
  type EmbeddedMemory,
  type EmbeddedReply,
  PGLITE_ADAPTER_NAME,
  type EmbeddedRequest,
  type EmbeddedWorkerData,
  type SerialisedError,
  STATS,
} from './embedded-protocol.ts';

export interface StatementTotals {
  /** Statements started (Parse or simple Query messages; BEGIN and COMMIT included). */
  statements: number;
  /** Time the database spent on them, ms (its own thread's time). */
  ms: number;
}

export interface EmbeddedDatabase {
  /** A driver-adapter factory for PrismaClient and (through recordingScriptErrors) the migration engine. */
  adapter: SqlDriverAdapterFactory;
  /** A port for another thread of this process to reach the database on (embeddedAdapterOver there). */
  connectThread(): Promise<MessagePort>;
  close(): Promise<void>;
}

// Every embedded database of this process, for the statement totals (tests and benchmarks).
const open = new Set<{
  stats: Float64Array;
  texts(): Promise<Array<[string, { count: number; ms: number }]>>;
  memory(): Promise<EmbeddedMemory>;
}>();
const closed: StatementTotals = { statements: 0, ms: 0 };
let statementTexts = false;

/** Statements run by every embedded database of this process since it started (closed ones included). */
export function embeddedStatementTotals(): StatementTotals {
  const totals = { ...closed };
  for (const db of open) {
    totals.statements += db.stats[STATS.statements]!;
    totals.ms += db.stats[STATS.ms]!;
  }
  return totals;
}

/** Makes databases opened from now on sum statements per text (first 140 characters). */
export function collectStatementTexts(on: boolean): void {
  statementTexts = on;
}

/** Per statement text, since the last call: how many started and their time (open databases only). */
export async function takeStatementTexts(): Promise<Map<string, { count: number; ms: number }>> {
  const all = new Map<string, { count: number; ms: number }>();
  for (const db of open) {
    for (const [text, e] of await db.texts()) {
      const sum = all.get(text) ?? { count: 0, ms: 0 };
      all.set(text, { count: sum.count + e.count, ms: sum.ms + e.ms });
    }
  }
  return all;
}

/** What the threads of the open embedded databases hold (see EmbeddedMemory), summed. */
export async function embeddedMemory(): Promise<EmbeddedMemory> {
  const all = await Promise.all([...open].map((db) => db.memory()));
  return { wasmBytes: all.reduce((sum, m) => sum + m.wasmBytes, 0), heapUsedBytes: all.reduce((sum, m) => sum + m.heapUsedBytes, 0) };
}

/**
 * The worker next to this module: JavaScript once compiled; from the TypeScript sources, an
 * entry that registers tsx's loader inside the new thread first.
 */
function startWorker(workerData: EmbeddedWorkerData): Worker {
  const entry = import.meta.url.endsWith('.ts') ? './embedded-worker-tsx.mjs' : './embedded-worker.js';
  return new Worker(new URL(entry, import.meta.url), { workerData });
}

/**
 * Requests and their answers over one channel to the database's thread (the Worker itself
 * for the main thread, a connected MessagePort for another thread), matched by id. Once the
 * channel is lost every pending and later call fails with the reason.
 */
function caller(channel: Worker | MessagePort) {
  const pending = new Map<number, { resolve(value: unknown): void; reject(err: Error): void }>();
  let nextId = 1;
  let lost: Error | undefined;
  channel.on('message', (reply: EmbeddedReply) => {
    const waiter = pending.get(reply.id);
    if (!waiter) return;
    pending.delete(reply.id);
    if (reply.error) waiter.reject(revive(reply.error));
    else waiter.resolve(reply.value);
  });
  const fail = (err: Error) => {
    lost = err;
    for (const waiter of pending.values()) waiter.reject(err);
    pending.clear();
  };
  const call: Call = <T>(request: Omit<EmbeddedRequest, 'id'>, transfer: Transferable[] = []): Promise<T> => {
    if (lost) return Promise.reject(lost);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      channel.postMessage({ ...request, id }, transfer as never);
    });
  };
  /** The reply with id 0: the thread's first message (ready, or why it could not start). */
  const ready = new Promise<void>((resolve, reject) => pending.set(0, { resolve: () => resolve(), reject }));
  ready.catch(() => {}); // awaited by startEmbedded only; a port of another thread never sends it
  return { call, fail, ready };
}

/** Starts the embedded database in its own thread: in memory when `dataDir` is undefined. */
export async function startEmbedded(dataDir: string | undefined): Promise<EmbeddedDatabase> {
  const stats = new Float64Array(new SharedArrayBuffer(STATS.length * Float64Array.BYTES_PER_ELEMENT));
  const workerData: EmbeddedWorkerData = { dataDir, stats: stats.buffer as SharedArrayBuffer, statementTexts };
  const worker = startWorker(workerData);
  const { call, fail, ready } = caller(worker);
  worker.on('error', (err) => fail(new Error(`the embedded database's thread failed: ${err.message}`, { cause: err })));
  worker.on('exit', (code) => fail(new Error(`the embedded database's thread has stopped (exit code ${code})`)));

  await ready;
  const entry = {
    stats,
    texts: () => call<Array<[string, { count: number; ms: number }]>>({ op: 'texts' }),
    memory: () => call<EmbeddedMemory>({ op: 'memory' }),
  };
  open.add(entry);
  const adapter = adapterFactory(call);
  return {
    adapter,
    async connectThread() {
      const { port1, port2 } = new MessageChannel();
      await call({ op: 'connect', port: port2 }, [port2]);
      return port1;
    },
    async close() {
      if (!open.delete(entry)) return;
      closed.statements += stats[STATS.statements]!;
      closed.ms += stats[STATS.ms]!;
      const stopped = new Promise((resolve) => worker.once('exit', resolve));
      await call({ op: 'close' }).catch(() => {});
      await stopped;
    },
  };
}

/**
 * The embedded database from another thread of this process, over a port the main thread
 * connected (EmbeddedDatabase.connectThread): the same driver adapter, the same connection.
 */
export function embeddedAdapterOver(port: MessagePort): SqlDriverAdapterFactory {
  const { call, fail } = caller(port);
  port.on('close', () => fail(new Error("the embedded database's port was closed")));
  return adapterFactory(call);
}

/** A driver error comes back as the DriverAdapterError Prisma maps (unique violations and the like). */
function revive(e: SerialisedError): Error {
  const err = e.cause ? new DriverAdapterError(e.cause as ConstructorParameters<typeof DriverAdapterError>[0]) : new Error(e.message);
  if (!e.cause) err.name = e.name;
  if (e.stack) err.stack = e.stack;
  return err;
}

type Call = <T>(request: Omit<EmbeddedRequest, 'id'>, transfer?: Transferable[]) => Promise<T>;

function queryable(call: Call, tx?: number) {
  return {
    provider: 'postgres' as const,
    adapterName: PGLITE_ADAPTER_NAME,
    queryRaw: (query: SqlQuery) => call<SqlResultSet>({ op: 'query', tx, query }),
    executeRaw: (query: SqlQuery) => call<number>({ op: 'execute', tx, query }),
  };
}

function adapterFactory(call: Call): SqlDriverAdapterFactory {
  const connect = async (): Promise<SqlDriverAdapter> => ({
    ...queryable(call),
    executeScript: (script: string) => call<void>({ op: 'script', script }),
    async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
      const { tx, options } = await call<{ tx: number; options: TransactionOptions }>({ op: 'begin', isolationLevel });
      return {
        ...queryable(call, tx),
        options,
        commit: () => call<void>({ op: 'commit', tx }),
        rollback: () => call<void>({ op: 'rollback', tx }),
      };
    },
    getConnectionInfo: () => ({ supportsRelationJoins: true }),
    dispose: async () => {},
  });
  return { provider: 'postgres', adapterName: PGLITE_ADAPTER_NAME, connect };
}
