// The GraphQL engine: yoga with the schema and the plugins every operation goes through,
// over HTTP, SSE and WebSocket alike — CSRF prevention, document limits, rate limits per
// operation, graphql-js's executor (for OpenTelemetry resolver spans), duration metrics
// and a span per operation.
import { randomUUID } from 'node:crypto';
import { SpanStatusCode } from '@opentelemetry/api';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { assertValidSchema, execute as graphqlExecute } from 'graphql';
import { createYoga, type Plugin } from 'graphql-yoga';
import type { Principal } from '../auth/principal.ts';
import type { ApiSettings } from '../config/api.ts';
import { DomainError, UnauthenticatedError } from '../domain/errors.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { startSpan } from '../observability/tracing.ts';
import type { Services } from '../services/index.ts';
import type { GraphQLContext } from './context.ts';
import { createMaskError, domainToGraphQLError } from './errors.ts';
import { operationLimitPlugins } from './operation-limits.ts';
import { listFieldsOf, operationCosts, type RateLimiter } from './rate-limit.ts';
import { buildSchema } from './schema/index.ts';
import type { RateLimitBucket } from '../config/rate-limit.ts';

/** What the HTTP and WebSocket entrances hand to yoga with each request. */
export interface ServerContext {
  requestId: string;
  /** Admitted by src/api/gate.ts. */
  principal?: Principal;
}

export interface YogaOptions {
  services: Services;
  log: Logger;
  metrics: Metrics;
  settings: ApiSettings;
  limiter: RateLimiter;
}

/** Counts the per-operation buckets (list queries, limited mutations) once the document is valid. */
function rateLimitPlugin(limiter: RateLimiter, metrics: Metrics, listFields: Set<string>): Plugin<GraphQLContext> {
  const check = async (args: { document: Parameters<typeof operationCosts>[0]; operationName?: string | null; contextValue: unknown }) => {
    const ctx = args.contextValue as GraphQLContext;
    const costs = operationCosts(args.document, args.operationName, listFields);
    try {
      for (const [bucket, points] of Object.entries(costs) as Array<[RateLimitBucket, number]>) await limiter.consume(bucket, ctx.principal.sub, points);
      return undefined;
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      metrics.apiRefusals.inc({ reason: 'rate_limited' });
      return { errors: [domainToGraphQLError(err)] };
    }
  };
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const refused = await check(args);
      if (refused) setResultAndStopExecution(refused);
    },
  };
}

/** A duration metric and a span per operation (subscriptions: the set-up only). */
function observePlugin(metrics: Metrics): Plugin<GraphQLContext> {
  return {
    onExecute: ({ args }) => {
      const started = performance.now();
      const op = args.document.definitions.find((d: { kind: string }) => d.kind === 'OperationDefinition') as
        | { operation?: string; name?: { value: string } }
        | undefined;
      const type = op?.operation ?? 'query';
      const ctx = args.contextValue as GraphQLContext;
      const span = startSpan(`graphql.${type}${op?.name ? ` ${op.name.value}` : ''}`, {
        'graphql.operation.type': type,
        'graphql.operation.name': op?.name?.value ?? '',
        'operator_manager.request_id': ctx.requestId,
        'enduser.id': ctx.principal.sub,
      });
      return {
        onExecuteDone: ({ result }) => {
          const errors = 'errors' in result ? result.errors : undefined;
          const outcome = errors?.length ? 'error' : 'ok';
          metrics.graphqlOperations.observe({ type, outcome }, (performance.now() - started) / 1000);
          if (errors?.length)
            span.setStatus({
              code: SpanStatusCode.ERROR,
              message: errors
                .map((e) => e.message)
                .join('; ')
                .slice(0, 500),
            });
          span.end();
        },
      };
    },
  };
}

export function createYogaApp(o: YogaOptions) {
  const { log, metrics, settings } = o;
  const maskError = createMaskError(log);
  const schema = buildSchema();
  assertValidSchema(schema); // fail at start-up, not on the first request
  const listFields = listFieldsOf(schema);
  return createYoga<ServerContext, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: false, // served by ./graphiql/ from local assets, never from a CDN
    cors: settings.corsAllowedOrigins.length
      ? {
          origin: settings.corsAllowedOrigins,
          credentials: false,
          methods: ['GET', 'POST'],
          allowedHeaders: ['authorization', 'content-type', 'x-request-id', 'x-graphql-yoga-csrf'],
        }
      : false,
    maskedErrors: { maskError: (error, message) => maskError(error, message) },
    logging: {
      debug: (...args) => log.debug({ args }, 'yoga'),
      info: (...args) => log.info({ args }, 'yoga'),
      warn: (...args) => log.warn({ args }, 'yoga'),
      // Errors of operations reach clients as GraphQL errors and unexpected ones are logged
      // by maskError (with the request id): yoga's own report of them is noise.
      error: (...args) => log.debug({ args }, 'yoga'),
    },
    context: async (initial): Promise<GraphQLContext> => {
      // The gate admits every request before it reaches yoga; this guards against a path that skipped it.
      if (!initial.principal) throw domainToGraphQLError(new UnauthenticatedError('missing Authorization: Bearer token'));
      const requestId = initial.requestId ?? randomUUID();
      return { requestId, principal: initial.principal, services: o.services, log: log.child({ requestId, sub: initial.principal.sub }) };
    },
    plugins: [
      useCSRFPrevention(),
      ...operationLimitPlugins(settings.graphql),
      rateLimitPlugin(o.limiter, metrics, listFields),
      // graphql's own executor (instead of yoga's) keeps OpenTelemetry resolver spans.
      { onExecute: ({ setExecuteFn }) => setExecuteFn(graphqlExecute as never) } satisfies Plugin<GraphQLContext>,
      observePlugin(metrics),
    ],
  });
}

export type YogaApp = ReturnType<typeof createYogaApp>;
