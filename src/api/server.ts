// HTTP server: GraphQL over HTTP/SSE (yoga, src/api/yoga.ts) and WebSocket (graphql-ws,
// src/api/websocket.ts) on one port; /health and /metrics beside them. Every GraphQL
// request passes the gate (src/api/gate.ts) before its body is read; bodies, headers and
// request time are bounded; close() lets in-flight requests finish.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { TokenVerifier } from '../auth/tokens.ts';
import type { ApiSettings } from '../config/api.ts';
import type { RateLimitSettings } from '../config/rate-limit.ts';
import type { DomainError } from '../domain/errors.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Services } from '../services/index.ts';
import { httpOf } from './errors.ts';
import * as graphiql from './graphiql/index.ts';
import { createGate } from './gate.ts';
import { clientAddress, type RateLimiter } from './rate-limit.ts';
import { runInRequest } from './request-scope.ts';
import { attachWebSocket } from './websocket.ts';
import { createYogaApp } from './yoga.ts';

export interface ApiServerOptions {
  services: Services;
  verifyToken: TokenVerifier;
  log: Logger;
  metrics: Metrics;
  settings: ApiSettings;
  rateLimit: { settings: RateLimitSettings; limiter: RateLimiter };
  /** Liveness + database reachability for GET /health. */
  health: () => Promise<{ ok: boolean; details: Record<string, unknown> }>;
}

export interface ApiServer {
  server: Server;
  listen(port: number, host?: string): Promise<number>;
  /** Stops accepting, lets in-flight HTTP requests finish (up to graceMs), closes WebSockets. */
  close(graceMs?: number): Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

export function createApiServer(o: ApiServerOptions): ApiServer {
  const { log, metrics, settings } = o;
  const yoga = createYogaApp({ services: o.services, log, metrics, settings, limiter: o.rateLimit.limiter });
  const gate = createGate({ verifyToken: o.verifyToken, limiter: o.rateLimit.limiter, metrics });
  const addressOf = (req: IncomingMessage) => clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], o.rateLimit.settings.trustProxyHops);

  const inFlight = new Set<ServerResponse>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headerId = req.headers['x-request-id'];
    const requestId = typeof headerId === 'string' && REQUEST_ID.test(headerId) ? headerId : randomUUID();
    res.setHeader('x-request-id', requestId);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
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
    // GraphiQL's page and assets hold no token (it is pasted into the page).
    if (await graphiql.handle(req, res, yoga.graphqlEndpoint)) return;
    if (path !== '/graphql') {
      sendJson(res, 404, { errors: [{ message: `nothing at ${path.slice(0, 200)}; GraphQL is served at /graphql`, extensions: { code: 'NOT_FOUND' } }] });
      return;
    }
    // CORS preflights carry no credentials.
    if (req.method === 'OPTIONS') {
      await yoga.handle(req, res, { requestId });
      return;
    }
    let principal: Awaited<ReturnType<typeof gate.admit>>;
    try {
      principal = await gate.admit(req.headers.authorization, addressOf(req));
    } catch (err) {
      return refuse(req, res, err as DomainError);
    }
    if (req.method === 'POST') {
      if (!/^application\/(graphql-response\+)?json\b/i.test(req.headers['content-type'] ?? '')) {
        res.setHeader('connection', 'close');
        sendJson(res, 415, { errors: [{ message: 'send GraphQL requests as Content-Type: application/json', extensions: { code: 'BAD_REQUEST' } }] });
        return;
      }
      const body = await readBody(req, settings.maxRequestBytes);
      if (body === 'aborted') return;
      if (body === 'too-large') {
        metrics.apiRefusals.inc({ reason: 'too_large' });
        res.setHeader('connection', 'close');
        sendJson(res, 413, {
          errors: [{ message: `request body is larger than ${settings.maxRequestBytes} bytes (MAX_REQUEST_BYTES)`, extensions: { code: 'BAD_USER_INPUT' } }],
        });
        return;
      }
      const parsed = parseRequestBody(body);
      if (typeof parsed === 'string') {
        sendJson(res, 400, { errors: [{ message: parsed, extensions: { code: 'BAD_REQUEST' } }] });
        return;
      }
      // Handed to yoga already parsed: given raw bytes, its request adapter would walk every one of them.
      (req as IncomingMessage & { body?: unknown }).body = parsed;
    }
    await runInRequest(requestId, () => yoga.handle(req, res, { requestId, principal }));
  }

  /** Answers a request refused at the gate, without reading its body. */
  function refuse(req: IncomingMessage, res: ServerResponse, err: DomainError) {
    const http = httpOf(err) ?? { status: 400, headers: {} };
    if (req.headers['content-length'] || req.headers['transfer-encoding']) res.setHeader('connection', 'close');
    for (const [name, value] of Object.entries(http.headers)) res.setHeader(name, value);
    sendJson(res, http.status, {
      errors: [{ message: err.message, extensions: { code: err.code, ...('retryAfterSeconds' in err ? { retryAfterSeconds: err.retryAfterSeconds } : {}) } }],
    });
  }

  async function sendHealth(res: ServerResponse) {
    const result = await o.health().catch((err: Error) => ({ ok: false, details: { error: err.message } }));
    sendJson(res, result.ok ? 200 : 503, { status: result.ok ? 'ok' : 'unavailable', ...result.details });
  }

  const server = createServer(
    {
      maxHeaderSize: settings.maxHeaderBytes,
      requestTimeout: settings.requestTimeoutMs,
      headersTimeout: Math.min(settings.requestTimeoutMs, 60_000),
      // How often Node looks for requests past their timeout (its default, 30 s, would let a short REQUEST_TIMEOUT slip).
      connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.floor(settings.requestTimeoutMs / 4))),
    },
    (req, res) => {
      inFlight.add(res);
      res.on('close', () => inFlight.delete(res));
      handle(req, res).catch((err) => {
        log.error({ err }, 'unhandled error in HTTP handler');
        if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL' } }] });
        else res.destroy();
      });
    },
  );
  // requestTimeout bounds receiving a request (slow clients get 408); answers such as SSE
  // streams may last as long as they need.

  const wss = attachWebSocket({ server, yoga, gate, limits: settings.ws, metrics, log, addressOf });

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

/** The JSON object of a GraphQL request body, or what is wrong with it. */
function parseRequestBody(body: Buffer): Record<string, unknown> | string {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (err) {
    return `request body is not valid JSON: ${(err as Error).message.slice(0, 200)}`;
  }
  if (Array.isArray(value)) return 'request body is a list: batched operations are not accepted, send one { "query": … } at a time';
  if (value === null || typeof value !== 'object') return 'request body must be a JSON object such as { "query": "{ viewer { sub } }" }';
  if (Object.keys(value).length === 0) return 'request body has no "query"';
  return value as Record<string, unknown>;
}

/** The body, 'too-large' past the limit (the rest is not kept), or 'aborted' when the client went away or was too slow. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large' | 'aborted'> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.resolve('too-large');
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    req.on('close', () => {
      if (!req.complete) resolve('aborted');
    });
    req.on('error', () => resolve('aborted'));
  });
}
