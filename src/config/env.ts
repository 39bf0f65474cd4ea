// Reading variables and their Section__Key aliases, listed in docs/configuration.md
// (ConnectionStrings__PostgreSQL, JWT__Secret, KubernetesManager__…).
import { parseDuration } from '../domain/duration.ts';

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
  }
}

export type Env = Record<string, string | undefined>;

/** The first of `names` that is set (non-empty), with the name it was found under. */
export function pick(env: Env, names: readonly string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') return { name, value: value.trim() };
  }
  return undefined;
}

export function intVar(env: Env, names: readonly string[], fallback: number, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number {
  const found = pick(env, names);
  if (!found) return fallback;
  if (!/^-?\d+$/.test(found.value)) throw new ConfigError(found.name, `must be an integer (got "${found.value}")`);
  const n = Number(found.value);
  if (n < min || n > max) throw new ConfigError(found.name, `must be between ${min} and ${max} (got ${n})`);
  return n;
}

export function boolVar(env: Env, names: readonly string[], fallback: boolean): boolean {
  const found = pick(env, names);
  if (!found) return fallback;
  const v = found.value.toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(found.name, `must be true or false (got "${found.value}")`);
}

/**
 * A PostgreSQL connection string from a URL or the ADO.NET/Npgsql form
 * (`Host=postgres;Database=operator_manager;Username=u;Password=p;Port=5432`).
 */
export function postgresUrl(variable: string, value: string): string {
  if (/^postgres(ql)?:\/\//i.test(value)) {
    try {
      new URL(value);
    } catch {
      throw new ConfigError(variable, 'is not a valid postgresql:// URL');
    }
    return value;
  }
  const parts = new Map<string, string>();
  for (const item of value.split(';')) {
    if (!item.trim()) continue;
    const eq = item.indexOf('=');
    if (eq < 0) throw new ConfigError(variable, `must be a postgresql:// URL or "Key=Value;…" pairs (bad part "${item.split('=')[0]}")`);
    parts.set(item.slice(0, eq).trim().toLowerCase().replace(/\s+/g, ''), item.slice(eq + 1).trim());
  }
  const get = (...keys: string[]) => keys.map((k) => parts.get(k)).find((v) => v !== undefined && v !== '');
  const host = get('host', 'server', 'datasource');
  const database = get('database', 'initialcatalog');
  if (!host) throw new ConfigError(variable, 'has no Host');
  if (!database) throw new ConfigError(variable, 'has no Database');
  const port = get('port') ?? '5432';
  if (!/^\d+$/.test(port)) throw new ConfigError(variable, `has an invalid Port "${port}"`);
  const user = get('username', 'userid', 'user', 'uid');
  const password = get('password', 'pwd');
  const auth = user ? `${encodeURIComponent(user)}${password ? `:${encodeURIComponent(password)}` : ''}@` : '';
  const url = new URL(`postgresql://${auth}${host}:${port}/${encodeURIComponent(database)}`);
  const sslMode = get('sslmode');
  if (sslMode) url.searchParams.set('sslmode', sslMode.toLowerCase());
  return url.toString();
}

/** An ISO-8601 duration in milliseconds (PT5M, PT0.5S), optionally bounded. */
export function durationVar(env: Env, names: readonly string[], fallback: string, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number {
  const found = pick(env, names);
  const text = found?.value ?? fallback;
  const ms = parseDuration(text);
  if (ms === undefined) throw new ConfigError(found?.name ?? names[0]!, `must be an ISO-8601 duration such as PT5M (got "${text}")`);
  if (ms < min || ms > max) throw new ConfigError(found?.name ?? names[0]!, `must be between ${min / 1000} s and ${max / 1000} s (got "${text}")`);
  return ms;
}
