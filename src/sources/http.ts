// HTTP through the source fence (fence.ts), on node:http / node:https rather than fetch so
// that the fence decides where sockets connect: every hop is checked before it is
// requested (redirects are followed here, never by the client), literal IP hosts are
// checked directly, and host names go through the fence's `lookup`, which refuses before
// connecting when any resolved address is forbidden. One connection per request (no
// agent), so every request resolves and is checked afresh.
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { bareAddress } from './addresses.ts';
import { displayUrl, FenceError } from './errors.ts';
import type { CheckUrlOptions } from './fence.ts';

/** What the client needs of the fence. */
export interface RequestFence {
  checkUrl(url: string | URL, options?: CheckUrlOptions): string | undefined;
  readonly lookup: LookupFunction;
}

export interface FencedRequestOptions {
  /** Default GET. Redirects are followed for GET only. */
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Aborts the exchange (connection and body). */
  signal?: AbortSignal;
  /** Redirects followed, each hop checked by the fence; past this many the request fails. 0 returns a 3xx as it is. Default 5. */
  maxRedirects?: number;
}

export interface FencedResponse {
  /** The URL that answered (the last hop). */
  url: URL;
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  /** The body, unread. Call discard() when it is not wanted. */
  body: IncomingMessage;
  /** Drops the body and closes the connection. */
  discard(): void;
}

const DEFAULT_MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Thrown when a server redirects more often than allowed; not worth retrying. */
export class TooManyRedirectsError extends Error {}

function once(fence: RequestFence, url: URL, options: FencedRequestOptions): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(
      {
        protocol: url.protocol,
        hostname: bareAddress(url.hostname),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: options.method ?? 'GET',
        headers: { accept: '*/*', 'user-agent': 'operator-manager', ...options.headers },
        signal: options.signal,
        agent: false,
        lookup: fence.lookup,
      },
      resolve,
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * One HTTP exchange through the fence. Rejects with FenceError when the URL, a redirect
 * target or a resolved address is refused (the message names the hop), with
 * TooManyRedirectsError past `maxRedirects`, and with the network error otherwise.
 */
export async function fencedRequest(fence: RequestFence, input: string | URL, options: FencedRequestOptions = {}): Promise<FencedResponse> {
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const follow = (options.method ?? 'GET') === 'GET';
  let url = new URL(String(input));
  for (let hop = 0; ; hop++) {
    let response: IncomingMessage;
    try {
      const problem = fence.checkUrl(url, { redirect: hop > 0 });
      if (problem) throw new FenceError(problem);
      response = await once(fence, url, options);
    } catch (err) {
      if (err instanceof FenceError && hop > 0) throw new FenceError(`redirect to ${displayUrl(url)} refused: ${err.message}`);
      throw err;
    }
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (!follow || maxRedirects === 0 || !REDIRECT_STATUSES.has(status) || !location) {
      // Whoever reads the body sees its errors; one nobody reads must not crash the process.
      response.on('error', () => {});
      return { url, status, statusText: response.statusMessage ?? '', headers: response.headers, body: response, discard: () => response.destroy() };
    }
    response.destroy();
    if (hop >= maxRedirects) throw new TooManyRedirectsError(`more than ${maxRedirects} redirects`);
    try {
      url = new URL(location, url);
    } catch {
      throw new FenceError(`redirect to an invalid URL refused`);
    }
  }
}
