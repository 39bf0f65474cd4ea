// Reading a manifest or repository index from an http(s):// or file:// URL through the
// source fence (fence.ts), with a timeout per attempt, a size limit, and retries with
// backoff on 5xx, 429 and network errors (never on other 4xx: a missing file stays
// missing, and never on a refusal of the fence).

import { readFile, stat } from 'node:fs/promises';
import { displayUrl, FenceError, FetchError } from './errors.ts';
import type { SourceFence } from './fence.ts';
import { TooManyRedirectsError, type FencedResponse } from './http.ts';

export interface FetchOptions {
  /** What may be read: every URL, redirect hop and connected address is checked. Required. */
  fence: SourceFence;
  /** Timeout of one attempt, redirects, headers and body included. Default: the fence's fetchTimeoutMs, else 30 s. */
  timeoutMs?: number;
  /** Largest accepted body in bytes. Default: the fence's maxBytes, else 32 MiB. */
  maxBytes?: number;
  /** Further attempts after a 5xx, 429, timeout or network error. Default 3. */
  retries?: number;
  /** Delay before the first retry; it doubles each time. Default 250 ms. */
  retryDelayMs?: number;
  /** Cancels the whole read, retries included. */
  signal?: AbortSignal;
}

/** Reading options without the fence, for callers that add their own. */
export type FetchTuning = Omit<FetchOptions, 'fence'>;

const DEFAULT_FETCH_OPTIONS = {
  timeoutMs: 30_000,
  maxBytes: 32 * 1024 * 1024,
  retries: 3,
  retryDelayMs: 250,
};

type Options = typeof DEFAULT_FETCH_OPTIONS & FetchOptions;

/** Thrown for answers that retrying cannot fix. */
class PermanentError extends FetchError {}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

async function readFileUrl(url: URL, opts: Options): Promise<Buffer> {
  const shown = displayUrl(url);
  try {
    const path = await opts.fence.resolveFile(url);
    const info = await stat(path);
    if (!info.isFile()) throw new FetchError(`${shown}: not a regular file`, shown);
    if (info.size > opts.maxBytes) throw new FetchError(`${shown}: ${info.size} bytes exceed the limit of ${opts.maxBytes}`, shown);
    return await readFile(path);
  } catch (err) {
    if (err instanceof FetchError) throw err;
    if (err instanceof FenceError) throw new FetchError(`${shown}: ${err.message}`, shown);
    const code = (err as NodeJS.ErrnoException).code;
    throw new FetchError(`${shown}: ${code === 'ENOENT' ? 'file not found' : (err as Error).message}`, shown);
  }
}

async function readBody(response: FencedResponse, maxBytes: number, shown: string): Promise<Buffer> {
  const declared = Number(response.headers['content-length']);
  if (declared > maxBytes) {
    response.discard();
    throw new PermanentError(`${shown}: ${declared} bytes exceed the limit of ${maxBytes}`, shown, response.status);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      response.discard();
      throw new PermanentError(`${shown}: body exceeds the limit of ${maxBytes} bytes`, shown, response.status);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function networkReason(err: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `no complete answer within ${timeoutMs} ms`;
  const e = err as Error & { code?: string; errors?: Array<{ code?: string }> };
  return e.code ?? e.errors?.find((inner) => inner.code)?.code ?? e.message;
}

async function readHttpUrl(url: URL, opts: Options): Promise<Buffer> {
  const shown = displayUrl(url);
  let lastError: FetchError | undefined;
  for (let attempt = 0; attempt <= opts.retries; attempt++) {
    if (attempt > 0) await sleep(opts.retryDelayMs * 2 ** (attempt - 1), opts.signal);
    const timeout = AbortSignal.timeout(opts.timeoutMs);
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
    try {
      const response = await opts.fence.request(url, { signal });
      if (response.status >= 200 && response.status < 300) return await readBody(response, opts.maxBytes, shown);
      response.discard();
      const message = `${shown}: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
      if (response.status < 500 && response.status !== 429) throw new PermanentError(message, shown, response.status);
      lastError = new FetchError(message, shown, response.status);
    } catch (err) {
      if (err instanceof PermanentError) throw new FetchError(err.message, err.url, err.status);
      if (err instanceof FenceError || err instanceof TooManyRedirectsError) throw new FetchError(`${shown}: ${err.message}`, shown);
      if (opts.signal?.aborted) throw new FetchError(`${shown}: cancelled`, shown);
      if (err instanceof FetchError) lastError = err;
      else lastError = new FetchError(`${shown}: ${networkReason(err, timeout.aborted, opts.timeoutMs)}`, shown);
    }
  }
  const attempts = opts.retries + 1;
  throw new FetchError(`${lastError!.message} (after ${attempts} attempt${attempts === 1 ? '' : 's'})`, shown, lastError!.status);
}

/**
 * The bytes at an http://, https:// or file:// URL, read through `options.fence`. Throws
 * FetchError with the URL (without credentials or query) and, for a refusal, the rule.
 */
export async function readUrl(url: string | URL, options: FetchOptions): Promise<Buffer> {
  const { fetchTimeoutMs, maxBytes } = options.fence.settings;
  const opts: Options = { ...DEFAULT_FETCH_OPTIONS, ...(fetchTimeoutMs ? { timeoutMs: fetchTimeoutMs } : {}), ...(maxBytes ? { maxBytes } : {}), ...options };
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    throw new FetchError(`not an absolute URL: "${String(url).slice(0, 200)}"`, '<invalid URL>');
  }
  if (parsed.protocol === 'file:') return readFileUrl(parsed, opts);
  if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return readHttpUrl(parsed, opts);
  throw new FetchError(`${displayUrl(parsed)}: unsupported scheme ${parsed.protocol}// (use http://, https:// or file://)`, displayUrl(parsed));
}
