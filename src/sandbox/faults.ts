// Per-cluster fault injection: the settings, their textual form
// (`latency=50ms,errorRate=0.1,timeoutRate=0.05,spikeRate=0.05,spike=2s`) and JSON form
// (admin endpoints), both read through one table of names so they cannot drift apart,
// and the draw that decides what happens to one request — from a seedable random source,
// so a failing run can be replayed.

export interface Faults {
  /** Added to every API request before it is answered, in milliseconds. */
  latencyMs: number;
  /** Fraction (0–1) of API requests answered with a 500 or 503 Status. */
  errorRate: number;
  /**
   * Fraction (0–1) of API requests never answered: the connection is held until the
   * client gives up (its request timeout) or `holdMs` passes, then dropped. Half of them
   * are acted on first (the answer is lost on the way back), half are not.
   */
  timeoutRate: number;
  /** How long the server holds an unanswered request before dropping its connection, ms. */
  holdMs: number;
  /** Fraction (0–1) of API requests delayed by `spikeMs` on top of `latencyMs`. */
  spikeRate: number;
  /** The extra latency of a spike, ms. */
  spikeMs: number;
  /** When true the listening socket is closed: clients get ECONNREFUSED. */
  unreachable: boolean;
}

export const NO_FAULTS: Faults = { latencyMs: 0, errorRate: 0, timeoutRate: 0, holdMs: 30_000, spikeRate: 0, spikeMs: 0, unreachable: false };

/** A change of faults, plus the one-off actions the same forms accept. */
export interface FaultUpdate extends Partial<Faults> {
  /** Unreachable now, reachable again after this many milliseconds. */
  downForMs?: number;
  /** Restart the cluster's random source from this seed. */
  seed?: number;
}

/** `300ms`, `2s`, `1.5m`, `1h` or a bare number of milliseconds. */
export function parseDuration(text: string | number): number {
  if (typeof text === 'number') return text;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!m) throw new Error(`invalid duration "${text}" (use e.g. 300ms, 2s, 1m)`);
  const n = Number(m[1]);
  const unit = m[2] ?? 'ms';
  return Math.round(n * (unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000));
}

type Kind = 'duration' | 'rate' | 'flag' | 'seed';
interface Field {
  key: keyof FaultUpdate;
  kind: Kind;
  /** Name in the textual form (first) and every other name accepted by both forms. */
  names: readonly string[];
}

// Both forms accept every name, case-insensitively; the first name is the textual one.
const FIELDS: readonly Field[] = [
  { key: 'latencyMs', kind: 'duration', names: ['latency', 'latencyMs'] },
  { key: 'errorRate', kind: 'rate', names: ['errorRate', 'errors'] },
  { key: 'timeoutRate', kind: 'rate', names: ['timeoutRate', 'timeouts'] },
  { key: 'holdMs', kind: 'duration', names: ['hold', 'holdMs'] },
  { key: 'spikeRate', kind: 'rate', names: ['spikeRate', 'spikes'] },
  { key: 'spikeMs', kind: 'duration', names: ['spike', 'spikeMs'] },
  { key: 'unreachable', kind: 'flag', names: ['unreachable', 'down'] },
  { key: 'downForMs', kind: 'duration', names: ['downFor', 'downForMs'] },
  { key: 'seed', kind: 'seed', names: ['seed'] },
];
const BY_NAME = new Map(FIELDS.flatMap((f) => f.names.map((n) => [n.toLowerCase(), f] as const)));
const KNOWN = FIELDS.map((f) => f.names[0]).join(', ');

function faultValue(f: Field, name: string, v: unknown): number | boolean {
  switch (f.kind) {
    case 'duration': {
      const ms = typeof v === 'number' ? v : parseDuration(String(v));
      if (!(Number.isFinite(ms) && ms >= 0)) throw new Error(`${name} must be a duration ≥ 0, got ${String(v)}`);
      return ms;
    }
    case 'rate': {
      const n = typeof v === 'string' && v.trim() === '' ? Number.NaN : Number(v);
      if (!(n >= 0 && n <= 1)) throw new Error(`${name} must be between 0 and 1, got ${String(v)}`);
      return n;
    }
    case 'flag':
      if (v === true || v === 'true') return true;
      if (v === false || v === 'false') return false;
      throw new Error(`${name} must be true or false, got ${String(v)}`);
    case 'seed': {
      const n = Number(v);
      if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${String(v)}`);
      return n;
    }
  }
}

function read(entries: Iterable<[string, unknown]>): FaultUpdate {
  const out: Record<string, number | boolean> = {};
  for (const [name, v] of entries) {
    const f = BY_NAME.get(name.trim().toLowerCase());
    if (!f) throw new Error(`unknown fault "${name}" (known: ${KNOWN})`);
    out[f.key] = faultValue(f, name.trim(), v);
  }
  return out as FaultUpdate;
}

/** The textual form, as the CLI takes it: `latency=50ms,errorRate=0.1,unreachable` (a bare name is true). */
export function parseFaults(text: string): FaultUpdate {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  return read(
    parts.map((part): [string, unknown] => {
      const eq = part.indexOf('=');
      return eq < 0 ? [part, 'true'] : [part.slice(0, eq), part.slice(eq + 1).trim()];
    }),
  );
}

/** Validates a partial update received as JSON (admin endpoints); takes the same names as parseFaults. */
export function checkFaults(input: Record<string, unknown>): FaultUpdate {
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw new Error('faults must be a JSON object');
  return read(Object.entries(input));
}

const durationText = (ms: number) => (ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);

/** The textual form of faults (what differs from NO_FAULTS); parseFaults reads it back. `none` when nothing is set. */
export function formatFaults(f: Partial<Faults>): string {
  const parts: string[] = [];
  for (const field of FIELDS) {
    const key = field.key as keyof Faults;
    const v = f[key];
    if (v === undefined || v === NO_FAULTS[key]) continue;
    const name = field.names[0]!;
    if (field.kind === 'flag') parts.push(v ? name : `${name}=false`);
    else parts.push(`${name}=${field.kind === 'duration' ? durationText(v as number) : v}`);
  }
  return parts.length ? parts.join(',') : 'none';
}

/** What the server does with one request. */
export interface FaultDraw {
  /** Wait this long before acting (latency, plus a spike when `spike`). */
  delayMs: number;
  spike: boolean;
  /** answer: serve it; error: a 500 or 503 Status; timeout: never answer. */
  outcome: 'answer' | 'error' | 'timeout';
  /** error: 503 rather than 500. timeout: act on the request before losing the answer. */
  variant: boolean;
}

/**
 * Draws the fate of one request. Always takes three numbers from `random`, whatever the
 * faults, so one seed gives one sequence of draws even when the rates change.
 */
export function drawFault(f: Faults, random: () => number): FaultDraw {
  const spikeDraw = random();
  const outcomeDraw = random();
  const variant = random() < 0.5;
  const spike = f.spikeRate > 0 && f.spikeMs > 0 && spikeDraw < f.spikeRate;
  const outcome = outcomeDraw < f.timeoutRate ? 'timeout' : outcomeDraw < f.timeoutRate + f.errorRate ? 'error' : 'answer';
  return { delayMs: f.latencyMs + (spike ? f.spikeMs : 0), spike, outcome, variant };
}

/** A small seeded generator (mulberry32): numbers in [0, 1), the same sequence for the same seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The seed of one cluster of a seeded fleet: different per cluster name, stable across runs. */
export function clusterSeed(fleetSeed: number, clusterName: string): number {
  let h = 0x811c9dc5;
  for (const ch of `${fleetSeed}:${clusterName}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}
