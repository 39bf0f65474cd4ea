// Typed configuration from the environment. Every setting has a default that runs with
// zero setup; invalid values stop start-up with a message naming the variable.
import path from 'node:path';
import { boolVar, ConfigError, durationVar, intVar, pick, postgresUrl, type Env } from './env.ts';
import { apiSettings, type ApiSettings } from './api.ts';
import { rateLimitSettings, type RateLimitSettings } from './rate-limit.ts';
import { notificationSettings, type NotificationSettings } from './notifications.ts';
import { sourceSettings, type SourceSettings } from './sources.ts';
import { tracingSettings, type TracingSettings } from './tracing.ts';

export { ConfigError } from './env.ts';
export type { ApiSettings, GraphqlLimits, WebSocketLimits } from './api.ts';
export type { RateLimitSettings, RateLimitBucket } from './rate-limit.ts';
export type { SourceSettings } from './sources.ts';
export type { NotificationSettings } from './notifications.ts';
export type { TracingSettings } from './tracing.ts';

export interface Config {
  /** production | development | test (NODE_ENV). */
  nodeEnv: string;
  /** HTTP port of the API (PORT, default 4000). */
  port: number;
  /** Interface to listen on (HOST, default 0.0.0.0). */
  host: string;
  /** Where the embedded database and generated dev secrets live (DATA_DIR, default ./.data). */
  dataDir: string;
  /** PostgreSQL URL when set; otherwise the embedded PGlite database under dataDir. */
  databaseUrl?: string;
  /** Apply pending migrations at start-up (MIGRATE_ON_START, default true). */
  migrateOnStart: boolean;
  jwt: {
    /** HS256 secret (JWT_SECRET / JWT__Secret). */
    secret?: string;
    /** JWKS URL for asymmetric tokens (JWT_JWKS_URL). */
    jwksUrl?: string;
    issuer?: string;
    audience?: string;
    /** Lifetime of tokens minted by `npm run token` without --ttl, minutes (the start-up dev token lasts 24 h, src/main.ts). */
    expirationMinutes: number;
  };
  encryption: {
    /** AES-256 key (32 bytes, base64 or hex) for kubeconfigs at rest (ENCRYPTION_KEY). */
    key?: string;
    /** Id stored with each ciphertext (ENCRYPTION_KEY_ID, default derived from the key). */
    keyId?: string;
    /** Older keys still able to decrypt, "id:key,id:key" (ENCRYPTION_PREVIOUS_KEYS). */
    previousKeys: string;
  };
  engine: {
    /** Run the rollout engine in this process (ENGINE_ENABLED, default true); false = API-only replica. */
    enabled: boolean;
    /** This replica's name in deployment leases (ENGINE_REPLICA_ID, default host:pid:random). */
    replicaId?: string;
    /** How long a lease lasts without a heartbeat, ms (ENGINE_LEASE_TTL, default PT30S). */
    leaseTtlMs: number;
    /** How often the engine looks for work without being woken, ms (ENGINE_POLL_INTERVAL, default PT2S). */
    pollIntervalMs: number;
    /** Deployments running at once across all replicas (MAX_CONCURRENT_DEPLOYMENTS, default 10; src/rollout/lease.ts). */
    maxConcurrentDeployments: number;
    /** How long a cluster step waits for the operator to become healthy, ms (DEFAULT_TIMEOUT, default PT5M). */
    healthTimeoutMs: number;
    /** Cluster steps this replica runs at once, of any replica's deployments (ENGINE_STEP_CONCURRENCY, default 50; src/rollout/step-worker.ts). */
    stepConcurrency: number;
    /** Worker threads that run this replica's cluster steps; 0 = on the main thread (ENGINE_STEP_THREADS, default 0; src/step-threads.ts). */
    stepThreads: number;
  };
  kube: {
    /** Timeout of one Kubernetes API request, ms (KUBE_REQUEST_TIMEOUT, default PT30S). */
    requestTimeoutMs: number;
    /** Largest answer read from a cluster's API server, bytes (KUBE_MAX_RESPONSE_BYTES, default 64 MiB). */
    maxResponseBytes: number;
  };
  clusterHealth: {
    /** Period of the cluster health monitor, ms; 0 = no monitor (HEALTH_CHECK_INTERVAL, default PT60S). */
    intervalMs: number;
    /** How long one cluster's health check (and the registration probe) may take, ms (HEALTH_CHECK_TIMEOUT, default PT10S). */
    timeoutMs: number;
  };
  api: ApiSettings;
  rateLimit: RateLimitSettings;
  /** Where operator manifests, Helm repository indexes and webhooks may be read from or sent to (src/sources/fence.ts). */
  sources: SourceSettings;
  notifications: NotificationSettings;
  tracing: TracingSettings;
  logLevel: string;
}

/** `memory://` keeps the embedded database in memory (tests); anything else is a directory. */
const dataDirOf = (value: string) => (value.startsWith('memory://') ? 'memory://' : path.resolve(value));

export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = pick(env, ['NODE_ENV'])?.value ?? 'development';
  const db = pick(env, ['DATABASE_URL', 'ConnectionStrings__PostgreSQL']);
  const logLevel = pick(env, ['LOG_LEVEL'])?.value ?? (nodeEnv === 'test' ? 'silent' : 'info');
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of fatal, error, warn, info, debug, trace, silent (got "${logLevel}")`);
  }
  const jwksUrl = pick(env, ['JWT_JWKS_URL', 'JWT__JwksUrl'])?.value;
  if (jwksUrl && !/^https?:\/\//.test(jwksUrl)) throw new ConfigError('JWT_JWKS_URL', 'must be an http(s) URL');
  return {
    nodeEnv,
    port: intVar(env, ['PORT'], 4000, { min: 0, max: 65535 }),
    host: pick(env, ['HOST'])?.value ?? '0.0.0.0',
    dataDir: dataDirOf(pick(env, ['DATA_DIR'])?.value ?? '.data'),
    databaseUrl: db ? postgresUrl(db.name, db.value) : undefined,
    migrateOnStart: boolVar(env, ['MIGRATE_ON_START'], true),
    jwt: {
      secret: pick(env, ['JWT_SECRET', 'JWT__Secret'])?.value,
      jwksUrl,
      issuer: pick(env, ['JWT_ISSUER', 'JWT__Issuer'])?.value,
      audience: pick(env, ['JWT_AUDIENCE', 'JWT__Audience'])?.value,
      expirationMinutes: intVar(env, ['JWT_EXPIRATION_MINUTES', 'JWT__ExpirationMinutes'], 60, { min: 1, max: 525600 }),
    },
    encryption: {
      key: pick(env, ['ENCRYPTION_KEY'])?.value,
      keyId: pick(env, ['ENCRYPTION_KEY_ID'])?.value,
      previousKeys: pick(env, ['ENCRYPTION_PREVIOUS_KEYS'])?.value ?? '',
    },
    engine: {
      enabled: boolVar(env, ['ENGINE_ENABLED'], true),
      replicaId: pick(env, ['ENGINE_REPLICA_ID'])?.value,
      leaseTtlMs: durationVar(env, ['ENGINE_LEASE_TTL'], 'PT30S'),
      pollIntervalMs: durationVar(env, ['ENGINE_POLL_INTERVAL'], 'PT2S'),
      maxConcurrentDeployments: intVar(env, ['MAX_CONCURRENT_DEPLOYMENTS', 'KubernetesManager__MaxConcurrentDeployments'], 10, { min: 1, max: 1000 }),
      healthTimeoutMs: durationVar(env, ['DEFAULT_TIMEOUT', 'KubernetesManager__DefaultTimeout'], 'PT5M'),
      stepConcurrency: intVar(env, ['ENGINE_STEP_CONCURRENCY'], 50, { min: 1, max: 1000 }),
      stepThreads: intVar(env, ['ENGINE_STEP_THREADS'], 0, { min: 0, max: 16 }),
    },
    kube: {
      requestTimeoutMs: durationVar(env, ['KUBE_REQUEST_TIMEOUT', 'KubernetesManager__RequestTimeout'], 'PT30S'),
      maxResponseBytes: intVar(env, ['KUBE_MAX_RESPONSE_BYTES'], 64 * 1024 * 1024, { min: 1024 * 1024 }),
    },
    clusterHealth: {
      intervalMs: durationVar(env, ['HEALTH_CHECK_INTERVAL', 'KubernetesManager__HealthCheckInterval'], 'PT60S'),
      timeoutMs: durationVar(env, ['HEALTH_CHECK_TIMEOUT'], 'PT10S'),
    },
    api: apiSettings(env, nodeEnv),
    rateLimit: rateLimitSettings(env, nodeEnv),
    sources: sourceSettings(env, nodeEnv),
    notifications: notificationSettings(env),
    tracing: tracingSettings(env),
    logLevel,
  };
}
