// Limits of the API's entrances: HTTP requests, GraphQL documents, WebSocket connections.
// Every limit is a setting with a default; docs/security.md lists them all.
import { boolVar, ConfigError, durationVar, intVar, pick, type Env } from './env.ts';

/** Limits on one GraphQL document, checked before it runs (src/api/operation-limits.ts). */
export interface GraphqlLimits {
  /** Longest accepted document, in characters, checked before parsing (GRAPHQL_MAX_CHARACTERS, default 65536). */
  maxCharacters: number;
  /** Most lexical tokens, counted while parsing (GRAPHQL_MAX_TOKENS, default 2000). */
  maxTokens: number;
  /** Deepest selection, fragments flattened, introspection not counted (GRAPHQL_MAX_DEPTH, default 12). */
  maxDepth: number;
  /** Most aliases in one operation (GRAPHQL_MAX_ALIASES, default 30). */
  maxAliases: number;
  /** Most directives in one operation (GRAPHQL_MAX_DIRECTIVES, default 50). */
  maxDirectives: number;
  /**
   * Highest cost, introspection not counted (GRAPHQL_MAX_COST, default 20000): objects 2, scalars 1, each
   * level ×1.5, a list field × its `first`/`last` (`clusters(first: 100) { edges { node { … operators { … } } } }` costs about 6000).
   */
  maxCost: number;
  /** Hide "Did you mean …?" in validation errors (GRAPHQL_BLOCK_FIELD_SUGGESTIONS, default true in production). */
  blockFieldSuggestions: boolean;
}

export interface WebSocketLimits {
  /** Largest accepted WebSocket message, bytes (WS_MAX_MESSAGE_BYTES, default 1 MiB); larger closes the socket (1009). */
  maxMessageBytes: number;
  /** Time a client has to send connection_init with its token (WS_CONNECTION_INIT_TIMEOUT, default PT5S); then 4408. */
  connectionInitTimeoutMs: number;
  /** Most subscriptions running at once on one connection (WS_MAX_SUBSCRIPTIONS, default 50). */
  maxSubscriptionsPerConnection: number;
}

export interface ApiSettings {
  /** Largest accepted HTTP request body, bytes (MAX_REQUEST_BYTES, default 1 MiB); larger is answered 413. */
  maxRequestBytes: number;
  /** Largest accepted request head, bytes (MAX_HEADER_BYTES, default 16 KiB); larger is answered 431. */
  maxHeaderBytes: number;
  /** Time a client has to send a whole request, head and body (REQUEST_TIMEOUT, default PT30S); slower is answered 408. */
  requestTimeoutMs: number;
  /** Origins allowed to call the API from a browser (CORS_ALLOWED_ORIGINS, comma-separated; default none: same origin only). */
  corsAllowedOrigins: string[];
  graphql: GraphqlLimits;
  ws: WebSocketLimits;
}

function origins(env: Env): string[] {
  const found = pick(env, ['CORS_ALLOWED_ORIGINS']);
  if (!found) return [];
  return found.value
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean)
    .map((o) => {
      let url: URL;
      try {
        url = new URL(o);
      } catch {
        throw new ConfigError(found.name, `must hold origins such as https://dashboard.example.com (got "${o.slice(0, 100)}")`);
      }
      if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== o.replace(/\/$/, '')) {
        throw new ConfigError(found.name, `must hold origins (scheme://host[:port], no path) such as https://dashboard.example.com (got "${o.slice(0, 100)}")`);
      }
      return url.origin;
    });
}

export function apiSettings(env: Env, nodeEnv: string): ApiSettings {
  return {
    maxRequestBytes: intVar(env, ['MAX_REQUEST_BYTES'], 1024 * 1024, { min: 1024, max: 64 * 1024 * 1024 }),
    maxHeaderBytes: intVar(env, ['MAX_HEADER_BYTES'], 16 * 1024, { min: 1024, max: 1024 * 1024 }),
    requestTimeoutMs: durationVar(env, ['REQUEST_TIMEOUT'], 'PT30S', { min: 1000, max: 3_600_000 }),
    corsAllowedOrigins: origins(env),
    graphql: {
      maxCharacters: intVar(env, ['GRAPHQL_MAX_CHARACTERS'], 65_536, { min: 100 }),
      maxTokens: intVar(env, ['GRAPHQL_MAX_TOKENS'], 2000, { min: 50 }),
      maxDepth: intVar(env, ['GRAPHQL_MAX_DEPTH'], 12, { min: 2, max: 100 }),
      maxAliases: intVar(env, ['GRAPHQL_MAX_ALIASES'], 30, { min: 0 }),
      maxDirectives: intVar(env, ['GRAPHQL_MAX_DIRECTIVES'], 50, { min: 0 }),
      maxCost: intVar(env, ['GRAPHQL_MAX_COST'], 20_000, { min: 10 }),
      blockFieldSuggestions: boolVar(env, ['GRAPHQL_BLOCK_FIELD_SUGGESTIONS'], nodeEnv === 'production'),
    },
    ws: {
      maxMessageBytes: intVar(env, ['WS_MAX_MESSAGE_BYTES'], 1024 * 1024, { min: 1024, max: 64 * 1024 * 1024 }),
      connectionInitTimeoutMs: durationVar(env, ['WS_CONNECTION_INIT_TIMEOUT'], 'PT5S', { min: 100, max: 600_000 }),
      maxSubscriptionsPerConnection: intVar(env, ['WS_MAX_SUBSCRIPTIONS'], 50, { min: 1, max: 10_000 }),
    },
  };
}
