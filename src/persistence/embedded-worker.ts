// The embedded database's own thread: PGlite (PostgreSQL compiled to WebAssembly) runs every
// statement synchronously, so on the API's thread each one held the event loop for its whole
// run (a third of a rollout's CPU). Here it owns the database and answers the driver-adapter
// calls that `embedded.ts` forwards from the main thread, one message per call; results
// travel back by structured clone. It also counts statements (Parse or simple Query
// messages) and their time into shared memory the main thread reads without asking.
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { PGlite } from '@electric-sql/pglite';
import type { SqlDriverAdapter, SqlQuery, Transaction } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { EMBEDDED_SETTINGS, type EmbeddedMemory, type EmbeddedRequest, type EmbeddedWorkerData, type SerialisedError, STATS } from './embedded-protocol.ts';

const data = workerData as EmbeddedWorkerData;
const port = parentPort!;
const stats = new Float64Array(data.stats);
/** Per statement text (with `statementTexts`): how many started and the time spent on them. */
const byText = new Map<string, { count: number; ms: number }>();

countStatements();

const startParams = [...PGlite.defaultStartParams, ...Object.entries(EMBEDDED_SETTINGS).flatMap(([k, v]) => ['-c', `${k}=${v}`])];

let client: PGlite;
let adapter: SqlDriverAdapter;
const transactions = new Map<number, Transaction>();
let nextTransaction = 1;

try {
  client = data.dataDir ? new PGlite(data.dataDir, { startParams }) : new PGlite({ startParams });
  await client.waitReady;
  adapter = await new PrismaPGlite(client).connect();
  port.postMessage({ id: 0, value: 'ready' });
} catch (err) {
  port.postMessage({ id: 0, error: serialise(err) });
  process.exit(1);
}

serve(port);

/** Answers the requests of one thread: the main thread's on parentPort, another thread's on a port it connected. */
function serve(on: MessagePort): void {
  on.on('message', (request: EmbeddedRequest) => {
    handle(request).then(
      (value) => on.postMessage({ id: request.id, value }),
      (err: unknown) => on.postMessage({ id: request.id, error: serialise(err) }),
    );
  });
}

async function handle(r: EmbeddedRequest): Promise<unknown> {
  switch (r.op) {
    case 'query':
      return queryable(r.tx).queryRaw(r.query as SqlQuery);
    case 'execute':
      return queryable(r.tx).executeRaw(r.query as SqlQuery);
    case 'script':
      // Awaited: the stock adapter does not wait for the script, so its failure would go unseen.
      await client.exec(r.script!);
      return undefined;
    case 'begin': {
      const tx = await adapter.startTransaction(r.isolationLevel);
      const id = nextTransaction++;
      transactions.set(id, tx);
      return { tx: id, options: tx.options };
    }
    case 'commit':
    case 'rollback': {
      const tx = transaction(r.tx);
      transactions.delete(r.tx!);
      await (r.op === 'commit' ? tx.commit() : tx.rollback());
      return undefined;
    }
    case 'texts': {
      const texts = [...byText];
      byText.clear();
      return texts;
    }
    case 'memory': {
      const heap = (client as unknown as { mod?: { HEAPU8?: Uint8Array } }).mod?.HEAPU8;
      const memory: EmbeddedMemory = { wasmBytes: heap?.byteLength ?? 0, heapUsedBytes: process.memoryUsage().heapUsed };
      return memory;
    }
    case 'connect':
      // Statements of every thread run on the one connection, a transaction at a time, as the main thread's do.
      serve(r.port!);
      return undefined;
    case 'close':
      if (!client.closed) await client.close();
      setImmediate(() => port.close());
      return undefined;
  }
}

function queryable(tx: number | undefined) {
  return tx === undefined ? adapter : transaction(tx);
}

function transaction(id: number | undefined): Transaction {
  const tx = id === undefined ? undefined : transactions.get(id);
  if (!tx) throw new Error(`no open transaction ${id}`);
  return tx;
}

/** A driver error keeps its mapped cause (Prisma turns it into P2002 and the like); anything else its message. */
function serialise(err: unknown): SerialisedError {
  if (err instanceof Error) {
    const cause = err.name === 'DriverAdapterError' ? (err as Error & { cause: unknown }).cause : undefined;
    return { name: err.name, message: err.message, stack: err.stack, ...(cause ? { cause } : {}) };
  }
  return { name: 'Error', message: String(err) };
}

/**
 * Every statement passes through PGlite's execProtocolRawSync one protocol message at a
 * time; a Parse ('P') or simple Query ('Q') message starts one.
 */
function countStatements(): void {
  type Proto = { execProtocolRawSync(message: Uint8Array, ...rest: unknown[]): Uint8Array };
  const proto = PGlite.prototype as unknown as Proto;
  const original = proto.execProtocolRawSync;
  let current = '';
  proto.execProtocolRawSync = function (this: unknown, message: Uint8Array, ...rest: unknown[]) {
    const starts = message[0] === 0x50 || message[0] === 0x51;
    if (starts) {
      stats[STATS.statements] = stats[STATS.statements]! + 1;
      if (data.statementTexts) current = statementText(message);
    }
    const started = performance.now();
    try {
      return original.call(this, message, ...rest);
    } finally {
      const ms = performance.now() - started;
      stats[STATS.ms] = stats[STATS.ms]! + ms;
      if (data.statementTexts) {
        const entry = byText.get(current) ?? { count: 0, ms: 0 };
        if (starts) entry.count++;
        entry.ms += ms;
        byText.set(current, entry);
      }
    }
  };
}

/** 'P': length, statement name, then the text; 'Q': length, then the text (NUL-terminated). */
function statementText(message: Uint8Array): string {
  let start = 5;
  if (message[0] === 0x50) start = message.indexOf(0, 5) + 1;
  return Buffer.from(message.subarray(start, message.indexOf(0, start)))
    .toString('utf8')
    .replace(/\s+/g, ' ')
    .slice(0, 140);
}
