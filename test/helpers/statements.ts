// Counting the SQL statements the embedded database runs (tests and benchmarks). Every
// statement goes through PGlite's execProtocolRawSync one protocol message at a time, and a
// Parse ('P') or simple Query ('Q') message starts one; the time spent there is the database's
// own (WebAssembly, synchronous on the event loop). With `byText`, time is also summed per
// statement text (the text of the Parse or Query message that started it).
import { performance } from 'node:perf_hooks';
import { PGlite } from '@electric-sql/pglite';

export interface StatementCounter {
  statements: number;
  ms: number;
  /** Per statement text (first 140 characters): how many started, and the time spent on them. */
  byText: Map<string, { count: number; ms: number }>;
  /** Puts PGlite back as it was. */
  restore(): void;
}

type Proto = { execProtocolRawSync(message: Uint8Array, ...rest: unknown[]): Uint8Array };

/** Starts counting every statement of every PGlite instance in this process. */
export function countStatements(options: { byText?: boolean } = {}): StatementCounter {
  const proto = PGlite.prototype as unknown as Proto;
  const original = proto.execProtocolRawSync;
  const counter: StatementCounter = { statements: 0, ms: 0, byText: new Map(), restore: () => void (proto.execProtocolRawSync = original) };
  let current = '';
  proto.execProtocolRawSync = function (this: unknown, message: Uint8Array, ...rest: unknown[]) {
    const starts = message[0] === 0x50 || message[0] === 0x51;
    if (starts) {
      counter.statements++;
      if (options.byText) current = statementText(message);
    }
    const started = performance.now();
    try {
      return original.call(this, message, ...rest);
    } finally {
      const ms = performance.now() - started;
      counter.ms += ms;
      if (options.byText) {
        const entry = counter.byText.get(current) ?? { count: 0, ms: 0 };
        if (starts) entry.count++;
        entry.ms += ms;
        counter.byText.set(current, entry);
      }
    }
  };
  return counter;
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
