// Typed configuration from the environment. Every setting has a default that runs with
// zero setup; invalid values stop start-up with a message naming the variable.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDuration } from '../domain/duration.ts';
import { boolVar, ConfigError, intVar, pick, postgresUrl, type Env } from './env.ts';

export { ConfigError } from './env.ts';

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
    /** Lifetime of tokens minted by `npm run token` and the start-up dev token, minutes. */
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
  };
  kube: {
    maxConcurrentDeployments: number;
    /** Wait-healthy timeout of a cluster step, ms. */
    defaultTimeoutMs: number;
    /** Cluster health monitor period, ms (0 = no monitor). */
    healthCheckIntervalMs: number;
    /** How long one cluster's health check may take before it counts as UNHEALTHY, ms. */
    healthCheckTimeoutMs: number;
    /** Timeout of one Kubernetes API request, ms. */
    requestTimeoutMs: number;
    /** How often Helm repositories are read again for new chart versions, ms (0 = never). */
    versionsRefreshIntervalMs: number;
    /** Path of a helm binary used to render charts (HELM_BIN). */
    helmBin?: string;
  };
  api: {
    /** Largest accepted request body, bytes (MAX_REQUEST_BYTES, default 4 MiB). */
    maxRequestBytes: number;
    /** Deepest accepted GraphQL selection (GRAPHQL_MAX_DEPTH, default 12). */
    maxDepth: number;
    /** Largest accepted number of fields in one operation (GRAPHQL_MAX_FIELDS, default 1000). */
    maxFields: number;
  };
  /** Where operator manifests, Helm repository indexes and webhooks may be read from or sent to (src/sources/fence.ts). */
  sources: {
    /**
     * Directories that file:// URLs may read under (SOURCE_FILE_ROOTS, comma-separated
     * absolute paths; default: the product's own demo/operators directory and nothing else).
     */
    fileRoots: string[];
    /**
     * When not empty, every http(s) URL must start with one of these (SOURCE_ALLOWED_URL_PREFIXES,
     * comma-separated http(s) URL prefixes, normalised as URLs; default: none, any URL).
     */
    allowedUrlPrefixes: string[];
    /**
     * Loopback and private-network addresses may be reached (SOURCE_ALLOW_PRIVATE_NETWORKS;
     * default true unless NODE_ENV=production).
     */
    allowPrivateNetworks: boolean;
  };
  logLevel: string;
}

function durationVar(env: Env, names: readonly string[], fallback: string): number {
  const found = pick(env, names);
  const text = found?.value ?? fallback;
  const ms = parseDuration(text);
  if (ms === undefined) throw new ConfigError(found?.name ?? names[0]!, `must be an ISO-8601 duration such as PT5M (got "${text}")`);
  return ms;
}

/** demo/operators beside src/, found from this file's location (not from the working directory). */
const DEMO_OPERATORS_DIR = fileURLToPath(new URL('../../demo/operators', import.meta.url));

function listVar(env: Env, name: string): string[] {
  return (pick(env, [name])?.value ?? '').split(',').map((item) => item.trim()).filter((item) => item !== '');
}

function sourcesSection(env: Env, nodeEnv: string): Config['sources'] {
  const roots = listVar(env, 'SOURCE_FILE_ROOTS');
  for (const root of roots) {
    if (!path.isAbsolute(root)) throw new ConfigError('SOURCE_FILE_ROOTS', `must hold absolute directories (got "${root}")`);
  }
  const allowedUrlPrefixes = listVar(env, 'SOURCE_ALLOWED_URL_PREFIXES').map((prefix) => {
    let url: URL | undefined;
    try {
      url = new URL(prefix);
    } catch {
      // reported below
    }
    if (url && (url.username || url.password)) throw new ConfigError('SOURCE_ALLOWED_URL_PREFIXES', 'must not carry credentials (user:password@)');
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
      const shown = prefix.replace(/\/\/[^/]*@/, '//***@').slice(0, 100);
      throw new ConfigError('SOURCE_ALLOWED_URL_PREFIXES', `must hold http(s) URL prefixes such as https://charts.example.com/ (got "${shown}")`);
    }
    return url.href;
  });
  return {
    fileRoots: roots.length > 0 ? roots.map((root) => path.resolve(root)) : [DEMO_OPERATORS_DIR],
    allowedUrlPrefixes,
    allowPrivateNetworks: boolVar(env, ['SOURCE_ALLOW_PRIVATE_NETWORKS'], nodeEnv !== 'production'),
  };
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
    },
    kube: {
      maxConcurrentDeployments: intVar(env, ['MAX_CONCURRENT_DEPLOYMENTS', 'KubernetesManager__MaxConcurrentDeployments'], 10, { min: 1, max: 1000 }),
      defaultTimeoutMs: durationVar(env, ['DEFAULT_TIMEOUT', 'KubernetesManager__DefaultTimeout'], 'PT5M'),
      healthCheckIntervalMs: durationVar(env, ['HEALTH_CHECK_INTERVAL', 'KubernetesManager__HealthCheckInterval'], 'PT60S'),
      healthCheckTimeoutMs: durationVar(env, ['HEALTH_CHECK_TIMEOUT'], 'PT10S'),
      requestTimeoutMs: durationVar(env, ['KUBE_REQUEST_TIMEOUT', 'KubernetesManager__RequestTimeout'], 'PT30S'),
      versionsRefreshIntervalMs: durationVar(env, ['OPERATOR_VERSIONS_REFRESH_INTERVAL'], 'PT15M'),
      helmBin: pick(env, ['HELM_BIN'])?.value,
    },
    api: {
      maxRequestBytes: intVar(env, ['MAX_REQUEST_BYTES'], 4 * 1024 * 1024, { min: 1024 }),
      maxDepth: intVar(env, ['GRAPHQL_MAX_DEPTH'], 12, { min: 2, max: 100 }),
      maxFields: intVar(env, ['GRAPHQL_MAX_FIELDS'], 1000, { min: 10 }),
    },
    sources: sourcesSection(env, nodeEnv),
    logLevel,
  };
}
