// One cluster's HTTP transport: TLS material and credentials from its kubeconfig (through
// client-node's KubeConfig), one keep-alive agent, one attempt per call with a timeout and
// an AbortSignal, and every failure mapped to a KubeError.
//
// Why not client-node's generated APIs or KubernetesObjectApi for the requests themselves:
// - its fetch plumbing builds a new https.Agent for every request (KubeConfig.createAgent),
//   so every call pays a TCP + TLS handshake; one keep-alive agent per cluster does not;
// - the product applies arbitrary kinds (CRDs, custom resources) with server-side apply,
//   pages lists with limit/continue and reads Status bodies: a small generic REST layer
//   over discovery does all of that with one code path, and retries/timeouts in one place.
// KubeConfig still does what it is good at: parsing the kubeconfig and turning its
// cluster/user into CA, client certificate and Authorization header.

import http from 'node:http';
import https from 'node:https';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { KubeConfig } from '@kubernetes/client-node';
import { fromSocketError, KubeError, kindOfHttpStatus, parseStatus } from './errors.ts';

export interface TransportOptions {
  /** Time allowed for one attempt, from sending to the last byte of the answer. Default 30 s. */
  requestTimeoutMs?: number;
  /** Connections kept open to the API server. Default 16. */
  maxSockets?: number;
  /**
   * Largest answer read, bytes; a larger one is cut off and fails as PROTOCOL. Default 64 MiB
   * (the largest answers are lists of big CRDs, read in pages).
   */
  maxResponseBytes?: number;
}

const DEFAULT_TRANSPORT_OPTIONS: Required<TransportOptions> = { requestTimeoutMs: 30_000, maxSockets: 16, maxResponseBytes: 64 * 1024 * 1024 };

export interface RawRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path with query string, e.g. "/api/v1/nodes?limit=500". */
  path: string;
  /** The body; as a list of parts, they are sent one after the other (and not copied). */
  body?: string | Buffer | readonly Buffer[];
  contentType?: string;
  accept?: string;
  signal?: AbortSignal;
  /** Overrides the transport's request timeout for this call. */
  timeoutMs?: number;
}

export interface RawResponse {
  status: number;
  /** The answer as text (decoded on first use). */
  readonly text: string;
  /** The answer's bytes. */
  bytes: Buffer;
  /** Bytes of the request body sent. */
  bytesSent: number;
}

/**
 * A KubeConfig that client-node accepts for this kubeconfig: a plain http:// server is
 * refused by client-node unless the cluster skips TLS verification, which is what plain
 * HTTP amounts to anyway — so it is set here (and reported as tlsInsecure by checkKubeconfig).
 *
 * client-node is loaded here, with the first cluster client, not with the process: importing
 * it costs about 130 MB of memory (its generated API models come with KubeConfig), which a
 * service without clusters yet does not need to hold.
 */
export async function loadKubeConfig(yamlText: string): Promise<KubeConfig> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  kc.loadFromString(yamlText);
  const current = kc.getCurrentCluster();
  if (current?.server.startsWith('http:') && !current.skipTLSVerify) {
    kc.loadFromOptions({
      clusters: kc.clusters.map((c) => (c.name === current.name ? { ...c, skipTLSVerify: true } : c)),
      contexts: kc.contexts,
      users: kc.users,
      currentContext: kc.currentContext,
    });
  }
  return kc;
}

export class ClusterTransport {
  readonly serverUrl: string;
  /** Requests sent, including retries (for stats and tests). */
  requests = 0;
  bytesSent = 0;
  private readonly basePath: string;

  private constructor(
    readonly clusterName: string,
    readonly kubeConfig: KubeConfig,
    private readonly agent: http.Agent,
    private readonly headers: Record<string, string>,
    private readonly options: Required<TransportOptions>,
    /** Why TLS cannot work with this kubeconfig (unreadable CA or client key), if so. */
    private readonly tlsProblem?: string,
  ) {
    const server = kubeConfig.getCurrentCluster()!.server.replace(/\/+$/, '');
    this.serverUrl = server;
    this.basePath = new URL(server).pathname.replace(/\/+$/, '');
  }

  static async create(clusterName: string, kubeConfig: KubeConfig, options: TransportOptions = {}): Promise<ClusterTransport> {
    const opts = { ...DEFAULT_TRANSPORT_OPTIONS, ...options };
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error(`kubeconfig of cluster ${clusterName} has no current cluster`);
    const tlsOptions: https.RequestOptions = {};
    await kubeConfig.applyToHTTPSOptions(tlsOptions); // CA, client cert/key, rejectUnauthorized, Authorization
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(tlsOptions.headers ?? {})) if (v !== undefined) headers[k.toLowerCase()] = String(v);
    if (tlsOptions.auth) headers.authorization = `Basic ${Buffer.from(tlsOptions.auth).toString('base64')}`;
    const agentOptions = { keepAlive: true, maxSockets: opts.maxSockets };
    const tls = cluster.server.startsWith('http:') ? {} : secureContextOf(tlsOptions);
    const agent = cluster.server.startsWith('http:')
      ? new http.Agent(agentOptions)
      : new https.Agent({
          ...agentOptions,
          // One parsed CA/certificate/key for every connection, instead of one per connection.
          ...(tls.context ? { secureContext: tls.context } : {}),
          ...(tlsOptions.servername ? { servername: tlsOptions.servername } : {}),
          rejectUnauthorized: cluster.skipTLSVerify ? false : (tlsOptions.rejectUnauthorized ?? true),
        });
    return new ClusterTransport(clusterName, kubeConfig, agent, headers, opts, tls.problem);
  }

  /** One attempt. Resolves with any HTTP answer below 300; rejects with a KubeError otherwise. */
  request(req: RawRequest): Promise<RawResponse> {
    const operation = `${req.method} ${req.path.split('?')[0]}`;
    if (req.signal?.aborted) return Promise.reject(abortedError(this.clusterName, operation, req.signal));
    if (this.tlsProblem) return Promise.reject(new KubeError({ kind: 'TLS', clusterName: this.clusterName, operation, detail: this.tlsProblem }));
    const url = new URL(this.basePath + req.path, this.serverUrl);
    const parts =
      req.body === undefined ? undefined : typeof req.body === 'string' ? [Buffer.from(req.body)] : Buffer.isBuffer(req.body) ? [req.body] : req.body;
    const bodyLength = parts?.reduce((sum, p) => sum + p.length, 0);
    const headers: Record<string, string> = { ...this.headers, accept: req.accept ?? 'application/json', 'user-agent': 'operator-manager' };
    if (parts) {
      headers['content-type'] = req.contentType ?? 'application/json';
      headers['content-length'] = String(bodyLength);
    }
    const timeoutMs = req.timeoutMs ?? this.options.requestTimeoutMs;
    const mod = url.protocol === 'http:' ? http : https;
    this.requests++;
    this.bytesSent += bodyLength ?? 0;

    return new Promise<RawResponse>((resolve, reject) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      let request: http.ClientRequest | undefined;
      const onAbort = () => {
        finish(abortedError(this.clusterName, operation, req.signal!));
        request?.destroy();
      };
      const finish = (err: KubeError | undefined, res?: RawResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve(res!);
      };
      const onResponse = (res: http.IncomingMessage) => {
        const chunks: Buffer[] = [];
        const limit = this.options.maxResponseBytes;
        const tooLarge = () => {
          finish(
            new KubeError({
              kind: 'PROTOCOL',
              clusterName: this.clusterName,
              operation,
              httpStatus: res.statusCode,
              detail: `the answer is larger than ${limit} bytes`,
            }),
          );
          request?.destroy();
        };
        if (Number(res.headers['content-length']) > limit) return tooLarge();
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > limit) tooLarge();
          else chunks.push(c);
        });
        res.on('error', (err) => finish(fromSocketError(err, this.clusterName, operation)));
        res.on('end', () => {
          if (settled) return;
          const bytes = Buffer.concat(chunks);
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) return finish(undefined, answer(status, bytes, bodyLength ?? 0));
          finish(httpError(this.clusterName, operation, status, bytes.toString('utf8'), res.headers['retry-after']));
        });
      };
      try {
        request = mod.request(url, { method: req.method, headers, agent: this.agent }, onResponse);
      } catch (err) {
        // TLS material that cannot be parsed (a bad client key) throws while connecting.
        return finish(fromSocketError(err, this.clusterName, operation));
      }
      timer = setTimeout(() => {
        finish(new KubeError({ kind: 'TIMEOUT', clusterName: this.clusterName, operation, detail: `no answer within ${timeoutMs} ms` }));
        request?.destroy();
      }, timeoutMs);
      req.signal?.addEventListener('abort', onAbort, { once: true });
      request.on('error', (err) => finish(fromSocketError(err, this.clusterName, operation)));
      for (const part of parts ?? []) request.write(part);
      request.end();
    });
  }

  /** Closes every connection, in use or idle. The transport must not be used afterwards. */
  close(): void {
    this.agent.destroy();
  }

  /**
   * Closes idle connections now and each busy one when its request finishes: for a client
   * dropped from the cache while calls made with it are still running.
   */
  retire(): void {
    this.agent.on('free', (socket) => socket.destroy());
    for (const sockets of Object.values(this.agent.freeSockets)) for (const socket of sockets ?? []) socket.destroy();
  }
}

function abortedError(clusterName: string, operation: string, signal: AbortSignal): KubeError {
  const why = signal.reason instanceof Error ? signal.reason.message : typeof signal.reason === 'string' ? signal.reason : 'the operation was cancelled';
  return new KubeError({ kind: 'ABORTED', clusterName, operation, detail: why, cause: signal.reason });
}

/** A response whose text is decoded only when asked for: a caller may read just some of its bytes. */
function answer(status: number, bytes: Buffer, bytesSent: number): RawResponse {
  let text: string | undefined;
  return {
    status,
    bytes,
    bytesSent,
    get text() {
      text ??= bytes.toString('utf8');
      return text;
    },
  };
}

function httpError(clusterName: string, operation: string, code: number, text: string, retryAfter: string | string[] | undefined): KubeError {
  const status = parseStatus(text);
  const seconds = Number(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
  const retryAfterSeconds = Number.isFinite(seconds) && seconds >= 0 ? seconds : status?.details?.retryAfterSeconds;
  return new KubeError({
    kind: kindOfHttpStatus(code),
    clusterName,
    operation,
    httpStatus: code,
    ...(status?.reason ? { reason: status.reason } : {}),
    // A body that is not a Status (an HTML page from a proxy) is summarised, not echoed whole.
    detail: status?.message ?? (text.length > 200 ? `${text.slice(0, 200)}…` : text || undefined),
    ...(status ? { status } : {}),
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  });
}

/**
 * The TLS context of a cluster's connections, or the reason it cannot be built (a CA or
 * client key that is not PEM) — reported by every request as a TLS failure, never quoting
 * the material.
 */
function secureContextOf(tlsOptions: https.RequestOptions): { context?: SecureContext; problem?: string } {
  try {
    return {
      context: createSecureContext({
        ...(tlsOptions.ca ? { ca: tlsOptions.ca } : {}),
        ...(tlsOptions.cert ? { cert: tlsOptions.cert } : {}),
        ...(tlsOptions.key ? { key: tlsOptions.key } : {}),
      }),
    };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { problem: `the kubeconfig's certificate-authority or client certificate/key cannot be read${code ? ` (${code})` : ''}` };
  }
}
