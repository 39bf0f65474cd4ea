// Per-cluster fault injection settings and their textual form (`latency=50ms,errorRate=0.05`).

export interface Faults {
  /** Added to every API request before it is answered, in milliseconds. */
  latencyMs: number;
  /** Fraction (0–1) of API requests answered with a 500 or 503 Status. */
  errorRate: number;
  /** When true the listening socket is closed: clients get ECONNREFUSED. */
  unreachable: boolean;
}

export const NO_FAULTS: Faults = { latencyMs: 0, errorRate: 0, unreachable: false };

/** `300ms`, `2s`, `1.5m`, `1h` or a bare number of milliseconds. */
export function parseDuration(text: string | number): number {
  if (typeof text === 'number') return text;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!m) throw new Error(`invalid duration "${text}" (use e.g. 300ms, 2s, 1m)`);
  const n = Number(m[1]);
  const unit = m[2] ?? 'ms';
  return Math.round(n * (unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000));
}

/** Accepts the names used on the command line and in the admin endpoint. */
export function parseFaults(text: string): Partial<Faults> & { downForMs?: number } {
  const out: Partial<Faults> & { downForMs?: number } = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [rawKey, value = 'true'] = part.split('=', 2) as [string, string?];
    const key = rawKey.trim().toLowerCase();
    if (key === 'latency' || key === 'latencyms') out.latencyMs = parseDuration(value);
    else if (key === 'errorrate' || key === 'errors') out.errorRate = checkRate(Number(value));
    else if (key === 'unreachable' || key === 'down') out.unreachable = value !== 'false';
    else if (key === 'downfor') out.downForMs = parseDuration(value);
    else throw new Error(`unknown fault "${rawKey}" (known: latency, errorRate, unreachable, downFor)`);
  }
  return out;
}

/** Validates a partial update received as JSON (admin endpoint). */
export function checkFaults(input: Record<string, unknown>): Partial<Faults> & { downForMs?: number } {
  const out: Partial<Faults> & { downForMs?: number } = {};
  for (const [k, v] of Object.entries(input)) {
    if (k === 'latencyMs' || k === 'latency') out.latencyMs = typeof v === 'number' ? v : parseDuration(String(v));
    else if (k === 'errorRate') out.errorRate = checkRate(Number(v));
    else if (k === 'unreachable') out.unreachable = Boolean(v);
    else if (k === 'downForMs' || k === 'downFor') out.downForMs = typeof v === 'number' ? v : parseDuration(String(v));
    else throw new Error(`unknown fault "${k}" (known: latencyMs, errorRate, unreachable, downForMs)`);
  }
  if (out.latencyMs !== undefined && !(out.latencyMs >= 0)) throw new Error('latencyMs must be ≥ 0');
  return out;
}

function checkRate(n: number): number {
  if (!(n >= 0 && n <= 1)) throw new Error(`errorRate must be between 0 and 1, got ${n}`);
  return n;
}
