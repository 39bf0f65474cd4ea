// Rate limits: a profile of per-bucket limits (production, development or off), with
// single buckets overridable through RATE_LIMITS. src/api/rate-limit.ts enforces them.
import { parseDuration } from '../domain/duration.ts';
import { ConfigError, intVar, pick, type Env } from './env.ts';

/**
 * What a bucket counts. Per caller (token `sub`): `operations` (every GraphQL operation),
 * `lists` (every top-level list field, aliases included), `createDeployment`,
 * `registerCluster`. Per client address: `unauthenticated` (requests and WebSocket
 * connections refused for a missing or invalid token).
 */
const RATE_LIMIT_BUCKETS = ['operations', 'lists', 'createDeployment', 'registerCluster', 'unauthenticated'] as const;
export type RateLimitBucket = (typeof RATE_LIMIT_BUCKETS)[number];

export interface RateLimit {
  points: number;
  windowMs: number;
}

export interface RateLimitSettings {
  /** production | development | off (RATE_LIMIT_PROFILE, default production when NODE_ENV=production, else development). */
  profile: 'production' | 'development' | 'off';
  /** Limit of each bucket; a missing bucket is not limited (profile off). Override with RATE_LIMITS="createDeployment=20/min,lists=120/min". */
  limits: Partial<Record<RateLimitBucket, RateLimit>>;
  /** Proxies in front of the service whose X-Forwarded-For entries are trusted (TRUST_PROXY_HOPS, default 0: the socket address). */
  trustProxyHops: number;
}

const MINUTE = 60_000;

/** The production limits (per user: createDeployment 10/min, registerCluster 5/min, list queries 60/min; docs/security.md). */
const PRODUCTION: Record<RateLimitBucket, RateLimit> = {
  operations: { points: 600, windowMs: MINUTE },
  lists: { points: 60, windowMs: MINUTE },
  createDeployment: { points: 10, windowMs: MINUTE },
  registerCluster: { points: 5, windowMs: MINUTE },
  unauthenticated: { points: 30, windowMs: MINUTE },
};

/** Generous limits for development, tests and demos: a runaway script is still stopped. */
const DEVELOPMENT = Object.fromEntries(Object.entries(PRODUCTION).map(([k, v]) => [k, { ...v, points: v.points * 100 }])) as Record<RateLimitBucket, RateLimit>;

const UNITS: Record<string, number> = { s: 1000, sec: 1000, second: 1000, min: MINUTE, minute: MINUTE, h: 60 * MINUTE, hour: 60 * MINUTE };

/** "10/min", "5/s", "100/h" or "10/PT5M" → a limit; undefined when the text is not one. */
export function parseRateLimit(text: string): RateLimit | undefined {
  const m = /^(\d{1,9})\s*\/\s*(\S+)$/.exec(text.trim());
  if (!m) return undefined;
  const windowMs = UNITS[m[2]!.toLowerCase()] ?? parseDuration(m[2]!);
  const points = Number(m[1]);
  if (!windowMs || windowMs < 1000 || points < 1) return undefined;
  return { points, windowMs };
}

function overrides(env: Env): Partial<Record<RateLimitBucket, RateLimit>> {
  const found = pick(env, ['RATE_LIMITS']);
  if (!found) return {};
  const out: Partial<Record<RateLimitBucket, RateLimit>> = {};
  for (const part of found.value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name, value] = part.split('=').map((p) => p.trim());
    if (!(RATE_LIMIT_BUCKETS as readonly string[]).includes(name ?? '')) {
      throw new ConfigError(found.name, `names an unknown bucket "${(name ?? '').slice(0, 40)}" (known: ${RATE_LIMIT_BUCKETS.join(', ')})`);
    }
    const limit = value ? parseRateLimit(value) : undefined;
    if (!limit)
      throw new ConfigError(
        found.name,
        `has "${part.slice(0, 60)}"; write bucket=N/unit such as createDeployment=10/min (units s, min, h or an ISO-8601 duration of at least PT1S)`,
      );
    out[name as RateLimitBucket] = limit;
  }
  return out;
}

export function rateLimitSettings(env: Env, nodeEnv: string): RateLimitSettings {
  const found = pick(env, ['RATE_LIMIT_PROFILE']);
  const profile = (found?.value ?? (nodeEnv === 'production' ? 'production' : 'development')) as RateLimitSettings['profile'];
  if (!['production', 'development', 'off'].includes(profile)) {
    throw new ConfigError('RATE_LIMIT_PROFILE', `must be production, development or off (got "${profile.slice(0, 40)}")`);
  }
  const base = profile === 'production' ? PRODUCTION : profile === 'development' ? DEVELOPMENT : {};
  return {
    profile,
    limits: { ...base, ...overrides(env) },
    trustProxyHops: intVar(env, ['TRUST_PROXY_HOPS'], 0, { min: 0, max: 10 }),
  };
}
