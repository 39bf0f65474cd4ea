// Rate limits per caller (token `sub`) and per client address (requests without a valid
// token), enforced with rate-limiter-flexible: in memory on the embedded database (one
// process), in PostgreSQL's `rate_limits` table when replicas share a database, so a
// limit holds for the whole service and not per replica. Should PostgreSQL not answer,
// each replica falls back to its own in-memory count rather than letting everything pass.
import { GraphQLList, GraphQLNonNull, Kind, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateLimitBucket, RateLimitSettings } from '../config/rate-limit.ts';
import { RateLimitedError } from '../domain/errors.ts';

export interface RateLimiter {
  /** Counts `points` against `key` in `bucket`; throws RateLimitedError once the bucket is empty. */
  consume(bucket: RateLimitBucket, key: string, points?: number): Promise<void>;
}

const WHAT: Record<RateLimitBucket, string> = {
  operations: 'GraphQL operations',
  lists: 'list queries',
  createDeployment: 'createDeployment calls',
  registerCluster: 'registerCluster calls',
  unauthenticated: 'requests without a valid token from this address',
};

function per(windowMs: number): string {
  if (windowMs === 60_000) return 'minute';
  if (windowMs === 3_600_000) return 'hour';
  if (windowMs === 1000) return 'second';
  return `${windowMs / 1000} s`;
}

export function createRateLimiter(settings: RateLimitSettings, store?: { pool: pg.Pool }): RateLimiter {
  const limiters = new Map<RateLimitBucket, { limiter: RateLimiterAbstract; points: number; windowMs: number }>();
  for (const [bucket, limit] of Object.entries(settings.limits) as Array<[RateLimitBucket, { points: number; windowMs: number }]>) {
    const options = { keyPrefix: bucket, points: limit.points, duration: Math.ceil(limit.windowMs / 1000) };
    const memory = new RateLimiterMemory(options);
    const limiter = store
      ? new RateLimiterPostgres({
          ...options,
          storeClient: store.pool,
          storeType: 'pool',
          tableName: 'rate_limits',
          tableCreated: true,
          insuranceLimiter: memory,
        })
      : memory;
    limiters.set(bucket, { limiter, ...limit });
  }
  return {
    async consume(bucket, key, points = 1) {
      const entry = limiters.get(bucket);
      if (!entry || points <= 0) return;
      try {
        await entry.limiter.consume(key, points);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        throw new RateLimitedError(
          `rate limit exceeded: at most ${entry.points} ${WHAT[bucket]} per ${per(entry.windowMs)} (RATE_LIMITS ${bucket}); retry in ${retryAfterSeconds} s`,
          retryAfterSeconds,
        );
      }
    },
  };
}

/** Query fields that return lists (a list type or a Relay connection): each use counts against `lists`. */
export function listFieldsOf(schema: GraphQLSchema): Set<string> {
  const out = new Set<string>();
  for (const [name, field] of Object.entries(schema.getQueryType()?.getFields() ?? {})) {
    const type = field.type instanceof GraphQLNonNull ? field.type.ofType : field.type;
    if (type instanceof GraphQLList || ('name' in type && String(type.name).endsWith('Connection'))) out.add(name);
  }
  return out;
}

/** Mutations with a bucket of their own. */
const MUTATION_BUCKETS: Partial<Record<string, RateLimitBucket>> = { createDeployment: 'createDeployment', registerCluster: 'registerCluster' };

/**
 * Points an operation takes from each bucket beyond `operations`: one per top-level list
 * field and per limited mutation, aliases and root fragments included (each fragment
 * counted once, so the walk stays linear in the document).
 */
export function operationCosts(
  document: DocumentNode,
  operationName: string | null | undefined,
  listFields: Set<string>,
): Partial<Record<RateLimitBucket, number>> {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation || operation.operation === 'subscription') return {};
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const seen = new Set<string>();
  const costs: Partial<Record<RateLimitBucket, number>> = {};
  const add = (bucket: RateLimitBucket) => (costs[bucket] = (costs[bucket] ?? 0) + 1);
  const walk = (set: SelectionSetNode) => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        const name = sel.name.value;
        if (operation.operation === 'query' && listFields.has(name)) add('lists');
        const bucket = operation.operation === 'mutation' ? MUTATION_BUCKETS[name] : undefined;
        if (bucket) add(bucket);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) walk(sel.selectionSet);
      else if (!seen.has(sel.name.value)) {
        seen.add(sel.name.value);
        const fragment = fragments.get(sel.name.value);
        if (fragment) walk(fragment.selectionSet);
      }
    }
  };
  walk(operation.selectionSet);
  return costs;
}

/**
 * The client's address: the socket's, or with `trustProxyHops` = n the n-th address from
 * the right of X-Forwarded-For (what the outermost trusted proxy saw).
 */
export function clientAddress(remoteAddress: string | undefined, forwardedFor: string | string[] | undefined, trustProxyHops: number): string {
  const socket = remoteAddress ?? 'unknown';
  if (trustProxyHops === 0 || !forwardedFor) return socket;
  const chain = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  return chain[chain.length - trustProxyHops] ?? chain[0] ?? socket;
}
