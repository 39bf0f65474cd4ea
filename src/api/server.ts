// HTTP server: GraphQL over HTTP/SSE (yoga) and WebSocket (graphql-ws) on one port, sharing
// one context factory; /health and /metrics beside them; request ids, body limits, and a
// graceful close that lets in-flight requests finish.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { assertValidSchema, execute as graphqlExecute, GraphQLError, type ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { createYoga, type Plugin } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import { bearerToken, type TokenVerifier } from '../auth/tokens.ts';
import { UnauthenticatedError } from '../domain/errors.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { startSpan } from '../observability/tracing.ts';
import { SpanStatusCode } from '@opentelemetry/api';
import type { Services } from '../services/index.ts';
import type { GraphQLContext } from './context.ts';
import { createMaskError, domainToGraphQLError } from './errors.ts';
import { operationLimitsRule, type OperationLimits } from './limits.ts';
import { buildSchema } from './schema/index.ts';
import * as graphiql from './graphiql/index.ts';

export interface ApiServerOptions {
  services: Services;
  verifyToken: TokenVerifier;
  log: Logger;
  metrics: Metrics;
  limits: OperationLimits & { maxRequestBytes: number };
  /** Liveness + database reachability for GET /health. */
  health: () => Promise<{ ok: boolean; details: Record<string, unknown> }>;
}

export interface ApiServer {
  server: Server;
  listen(port: number, host?: string): Promise<number>;
  /** Stops accepting, lets in-flight HTTP requests finish (up to graceMs), closes WebSockets. */
  close(graceMs?: number): Promise<void>;
}

interface ServerContext {
  requestId?: string;
  connectionParams?: Record<string, unknown>;
  /** Headers a client sent with one subscribe message (GraphiQL sends its Headers pane there). */
  operationHeaders?: Record<string, unknown>;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** Authorization over WebSocket: connection_init payload { authorization } (or headers.Authorization). */
function wsAuthorization(params: Record<string, unknown> | undefined): unknown {
  if (!params) return undefined;
  const headers = (params.headers ?? {}) as Record<string, unknown>;
  return params.authorization ?? params.Authorization ?? headers.authorization ?? headers.Authorization;
}

/** Every operation needs a verified caller (DESIGN §3); introspection included. */
const requireAuthentication: Plugin<GraphQLContext> = {
  onExecute({ args, setResultAndStopExecution }) {
    const ctx = args.contextValue as GraphQLContext;
    if (!ctx.principal) setResultAndStopExecution({ errors: [domainToGraphQLError(new UnauthenticatedError(ctx.authError ?? 'missing token'))] });
  },
  onSubscribe({ args, setResultAndStopExecution }) {
    const ctx = args.contextValue as GraphQLContext;
    if (!ctx.principal) setResultAndStopExecution({ errors: [domainToGraphQLError(new UnauthenticatedError(ctx.authError ?? 'missing token'))] });
  },
};

export function createApiServer(o: ApiServerOptions): ApiServer {
  const { log, metrics } = o;
  const maskError = createMaskError(log);

  const schema = buildSchema();
  assertValidSchema(schema); // fail at start-up, not on the first request
  const yoga = createYoga<ServerContext, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: false, // served by ./graphiql/ from local assets, never from a CDN
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
      const requestId = initial.requestId ?? randomUUID();
      const header =
        initial.connectionParams !== undefined
          ? (wsAuthorization(initial.connectionParams) ?? wsAuthorization({ headers: initial.operationHeaders }))
          : initial.request?.headers.get('authorization');
      let principal: GraphQLContext['principal'];
      let authError: string | undefined;
      try {
        principal = await o.verifyToken(bearerToken(header));
      } catch (err) {
        authError = err instanceof Error ? err.message : 'token could not be verified';
      }
      return { requestId, principal, authError, services: o.services, log: log.child({ requestId, sub: principal?.sub }) };
    },
    plugins: [
      requireAuthentication,
      {
        onValidate: ({ addValidationRule }) => addValidationRule(operationLimitsRule(o.limits)),
        // graphql's own executor (instead of yoga's) keeps OpenTelemetry resolver spans.
        onExecute: ({ setExecuteFn }) => setExecuteFn(graphqlExecute as never),
      } satisfies Plugin<GraphQLContext>,
      {
        // Duration metric and a span per operation (subscriptions: the set-up only).
        onExecute: ({ args }) => {
          const started = performance.now();
          const op = args.document.definitions.find((d: { kind: string }) => d.kind === 'OperationDefinition') as { operation?: string; name?: { value: string } } | undefined;
          const type = op?.operation ?? 'query';
          const ctx = args.contextValue as GraphQLContext;
          const span = startSpan(`graphql.${type}${op?.name ? ` ${op.name.value}` : ''}`, {
            'graphql.operation.type': type,
            'graphql.operation.name': op?.name?.value ?? '',
            'operator_manager.request_id': ctx.requestId,
            'enduser.id': ctx.principal?.sub ?? '',
          });
          return {
            onExecuteDone: ({ result }) => {
              const errors = 'errors' in result ? result.errors : undefined;
              const outcome = errors?.length ? 'error' : 'ok';
              metrics.graphqlOperations.observe({ type, outcome }, (performance.now() - started) / 1000);
              if (errors?.length) span.setStatus({ code: SpanStatusCode.ERROR, message: errors.map((e) => e.message).join('; ').slice(0, 500) });
              span.end();
            },
          };
        },
      } satisfies Plugin<GraphQLContext>,
    ],
  });

  const inFlight = new Set<ServerResponse>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headerId = req.headers['x-request-id'];
    const requestId = typeof headerId === 'string' && REQUEST_ID.test(headerId) ? headerId : randomUUID();
    res.setHeader('x-request-id', requestId);
    const path = (req.url ?? '/').split('?')[0];
    const route = path === '/health' || path === '/metrics' || path === '/graphql' ? path : 'other';
    res.on('finish', () => metrics.httpRequests.inc({ route, status: String(res.statusCode) }));
    if (path === '/health' && req.method === 'GET') return sendHealth(res);
    if (path === '/metrics' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': metrics.registry.contentType });
      res.end(await metrics.registry.metrics());
      return;
    }
    if (path === '/') {
      res.writeHead(302, { location: '/graphql' }).end();
      return;
    }
    if (await graphiql.handle(req, res, yoga.graphqlEndpoint)) return;
    if (req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH') {
      const body = await readBody(req, o.limits.maxRequestBytes);
      if (body === 'too-large') {
        sendJson(res, 413, { errors: [{ message: `request body is larger than ${o.limits.maxRequestBytes} bytes`, extensions: { code: 'BAD_USER_INPUT' } }] });
        return;
      }
      (req as IncomingMessage & { body?: Buffer }).body = body;
    }
    await yoga.handle(req, res, { requestId });
  }

  async function sendHealth(res: ServerResponse) {
    const result = await o.health().catch((err: Error) => ({ ok: false, details: { error: err.message } }));
    sendJson(res, result.ok ? 200 : 503, { status: result.ok ? 'ok' : 'unavailable', ...result.details });
  }

  const server = createServer((req, res) => {
    inFlight.add(res);
    res.on('close', () => inFlight.delete(res));
    handle(req, res).catch((err) => {
      log.error({ err }, 'unhandled error in HTTP handler');
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL' } }] });
      else res.destroy();
    });
  });
  server.headersTimeout = 30_000;
  server.requestTimeout = 0; // SSE subscriptions stay open

  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint, maxPayload: o.limits.maxRequestBytes });
  useServer<Record<string, unknown>>(
    {
      execute: (args: ExecutionArgs) => (args.rootValue as { execute: typeof graphqlExecute }).execute(args),
      subscribe: (args: ExecutionArgs) => (args.rootValue as { subscribe: (a: ExecutionArgs) => unknown }).subscribe(args) as never,
      onConnect: () => {
        metrics.websocketConnections.inc();
        return true;
      },
      onClose: () => {
        metrics.websocketConnections.dec();
      },
      onSubscribe: async (ctx, _id, params) => {
        const requestId = randomUUID();
        const enveloped = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
          requestId,
          connectionParams: ctx.connectionParams ?? {},
          operationHeaders: (params.extensions?.headers ?? undefined) as Record<string, unknown> | undefined,
        });
        let document;
        try {
          document = enveloped.parse(params.query);
        } catch (err) {
          return [err instanceof GraphQLError ? err : new GraphQLError('could not parse the operation', { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })];
        }
        const errors = enveloped.validate(enveloped.schema, document);
        if (errors.length > 0) return errors.map((e: GraphQLError) => maskError(e, e.message) as GraphQLError);
        return {
          schema: enveloped.schema,
          operationName: params.operationName,
          document,
          variableValues: params.variables,
          contextValue: await enveloped.contextFactory(),
          rootValue: { execute: enveloped.execute, subscribe: enveloped.subscribe },
        };
      },
    },
    wss,
  );

  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  return {
    server,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      }),
    async close(graceMs = 10_000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const client of wss.clients) client.close(1001, 'server shutting down');
      const deadline = Date.now() + graceMs;
      while (inFlight.size > 0 && Date.now() < deadline) {
        // SSE streams never finish by themselves: end them; ordinary requests get the grace period.
        for (const res of inFlight) if (res.getHeader('content-type')?.toString().includes('text/event-stream')) res.end();
        await new Promise((r) => setTimeout(r, 25));
      }
      for (const socket of sockets) socket.destroy();
      wss.close();
      await closed;
    },
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.resolve('too-large');
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
