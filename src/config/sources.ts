// Where sources may be read from: file roots, URL prefixes, private networks. The fence
// that enforces them is src/sources/fence.ts; docs/sources.md describes them.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { boolVar, ConfigError, durationVar, intVar, pick, type Env } from './env.ts';

export interface SourceSettings {
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
  /** Time one read of a manifest, index or webhook may take (SOURCE_FETCH_TIMEOUT, default PT30S). */
  fetchTimeoutMs: number;
  /** Largest manifest bundle or repository index read, bytes (SOURCE_MAX_BYTES, default 32 MiB). */
  maxBytes: number;
  /** Path of a helm binary that renders Helm-chart operators (HELM_BIN; none: charts need a manifestUrlTemplate). */
  helmBin?: string;
  /** How often Helm repositories are read again for new chart versions, ms; 0 = never (OPERATOR_VERSIONS_REFRESH_INTERVAL, default PT15M). */
  versionsRefreshIntervalMs: number;
}

/** demo/operators beside src/, found from this file's location (not from the working directory). */
const DEMO_OPERATORS_DIR = fileURLToPath(new URL('../../demo/operators', import.meta.url));

function listVar(env: Env, name: string): string[] {
  return (pick(env, [name])?.value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

export function sourceSettings(env: Env, nodeEnv: string): SourceSettings {
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
    fetchTimeoutMs: durationVar(env, ['SOURCE_FETCH_TIMEOUT'], 'PT30S', { min: 100, max: 600_000 }),
    maxBytes: intVar(env, ['SOURCE_MAX_BYTES'], 32 * 1024 * 1024, { min: 64 * 1024, max: 512 * 1024 * 1024 }),
    helmBin: pick(env, ['HELM_BIN'])?.value,
    versionsRefreshIntervalMs: durationVar(env, ['OPERATOR_VERSIONS_REFRESH_INTERVAL'], 'PT15M'),
  };
}
