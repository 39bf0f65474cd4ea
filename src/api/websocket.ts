// GraphQL over WebSocket (graphql-ws) on the HTTP server's port, through the same yoga
// instance as HTTP (`getEnveloped`), so limits, plugins and tracing are one. A connection
// is admitted by its connection_init payload ({ authorization: "Bearer …" }) within the
// init timeout, or closed (4401 without a valid token, 4429 over the rate limit); each
// subscribe counts as one operation; a connection runs a bounded number of subscriptions.
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { type DocumentNode, GraphQLError, type ExecutionArgs, type execute as graphqlExecute } from 'graphql';
import type { Context } from 'graphql-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Principal } from '../auth/principal.ts';
import type { WebSocketLimits } from '../config/api.ts';
import { DomainError, UnauthenticatedError } from '../domain/errors.ts';
import type { Metrics } from '../observability/metrics.ts';
import { createMaskError, domainToGraphQLError } from './errors.ts';
import { wsAuthorization, type Gate } from './gate.ts';
import type { Logger } from '../observability/logger.ts';
import { runInRequest } from './request-scope.ts';
import type { YogaApp } from './yoga.ts';

type ConnectionExtra = Extra & { principal?: Principal; [key: PropertyKey]: unknown };
type ConnectionContext = Context<Record<string, unknown>, ConnectionExtra>;

const CLOSE_CODE: Record<string, number> = { UNAUTHENTICATED: 4401, RATE_LIMITED: 4429 };

/** A close reason fits in 123 bytes. */
const closeReason = (text: string) =>
  Buffer.from(text)
    .subarray(0, 123)
    .toString('utf8')
    .replace(/\uFFFD$/, '');

export interface WebSocketOptions {
  server: Server;
  yoga: YogaApp;
  gate: Gate;
  limits: WebSocketLimits;
  metrics: Metrics;
  log: Logger;
  /** The client address of an upgrade request (X-Forwarded-For aware). */
  addressOf(request: Extra['request']): string;
}

export function attachWebSocket(o: WebSocketOptions): WebSocketServer {
  const maskError = createMaskError(o.log);
  const wss = new WebSocketServer({ server: o.server, path: o.yoga.graphqlEndpoint, maxPayload: o.limits.maxMessageBytes });
  wss.on('connection', (socket, request) => {
    // graphql-ws reads `extra` from the socket's upgrade request; the address is resolved once here.
    (request as typeof request & { clientAddress?: string }).clientAddress = o.addressOf(request);
    socket.on('error', (err) => o.log.debug({ err }, 'WebSocket error'));
  });
  const refuse = (err: unknown): GraphQLError[] => [
    err instanceof DomainError ? domainToGraphQLError(err) : (maskError(err, 'Unexpected error.') as GraphQLError),
  ];

  useServer<Record<string, unknown>, ConnectionExtra>(
    {
      connectionInitWaitTimeout: o.limits.connectionInitTimeoutMs,
      execute: (args: ExecutionArgs) => (args.rootValue as { execute: typeof graphqlExecute }).execute(args),
      subscribe: (args: ExecutionArgs) => (args.rootValue as { subscribe: (a: ExecutionArgs) => unknown }).subscribe(args) as never,
      onConnect: async (ctx: ConnectionContext) => {
        const address = (ctx.extra.request as typeof ctx.extra.request & { clientAddress?: string }).clientAddress ?? 'unknown';
        try {
          ctx.extra.principal = await o.gate.admit(wsAuthorization(ctx.connectionParams), address);
        } catch (err) {
          const domain = err instanceof DomainError ? err : new UnauthenticatedError('token could not be verified');
          ctx.extra.socket.close(CLOSE_CODE[domain.code] ?? 4403, closeReason(`${domain.code}: ${domain.message}`));
          return false;
        }
        o.metrics.websocketConnections.inc();
        return true;
      },
      onClose: (ctx: ConnectionContext) => {
        if (ctx.extra.principal) o.metrics.websocketConnections.dec();
      },
      onSubscribe: async (ctx: ConnectionContext, _id, params) => {
        const principal = ctx.extra.principal!;
        if (principal.expiresAt && principal.expiresAt.getTime() <= Date.now()) {
          return refuse(new UnauthenticatedError('token expired; connect again with a fresh token'));
        }
        // ctx.subscriptions already holds this one.
        if (Object.keys(ctx.subscriptions).length > o.limits.maxSubscriptionsPerConnection) {
          o.metrics.apiRefusals.inc({ reason: 'too_many_subscriptions' });
          return [
            new GraphQLError(`this connection already runs ${o.limits.maxSubscriptionsPerConnection} subscriptions, the limit (WS_MAX_SUBSCRIPTIONS)`, {
              extensions: { code: 'BAD_USER_INPUT' },
            }),
          ];
        }
        try {
          await o.gate.count(principal);
        } catch (err) {
          return refuse(err);
        }
        const requestId = randomUUID();
        return runInRequest(requestId, async () => {
          const enveloped = o.yoga.getEnveloped({ ...ctx, req: ctx.extra.request, socket: ctx.extra.socket, params, requestId, principal });
          let document: DocumentNode;
          try {
            document = enveloped.parse(params.query);
          } catch (err) {
            return [
              err instanceof GraphQLError
                ? (maskError(err, err.message) as GraphQLError)
                : new GraphQLError('could not parse the operation', { extensions: { code: 'GRAPHQL_PARSE_FAILED' } }),
            ];
          }
          const errors = enveloped.validate(enveloped.schema, document);
          if (errors.length > 0) return errors.map((e: GraphQLError) => maskError(e, e.message) as GraphQLError);
          return {
            schema: enveloped.schema,
            operationName: params.operationName,
            document,
            variableValues: params.variables,
            contextValue: await enveloped.contextFactory(),
            rootValue: {
              execute: (args: ExecutionArgs) => runInRequest(requestId, () => enveloped.execute(args)),
              subscribe: (args: ExecutionArgs) => runInRequest(requestId, () => enveloped.subscribe(args)),
            },
          };
        });
      },
    },
    wss,
  );
  return wss;
}
