// Reading a manifest or repository index from an http(s):// or file:// URL, with a
// timeout per attempt, a size limit, and retries with backoff on 5xx, 429 and network
// errors (never on other 4xx: a missing file stays missing).

import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { displayUrl, FetchError } from './errors.ts';

export interface FetchOptions {
  /** Timeout of one attempt, headers and body included. Default 30 s. */
  timeoutMs?: number;
  /** Largest accepted body in bytes. Default 32 MiB. */
  maxBytes?: number;
  /** Further attempts after a 5xx, 429, timeout or network error. Default 3. */
  retries?: number;
  /** Delay before the first retry; it doubles each time. Default 250 ms. */
  retryDelayMs?: number;
  /** Cancels the whole read, retries included. */
  signal?: AbortSignal;
  /** The fetch implementation. Default: Node's global fetch. */
  fetch?: typeof fetch;
}

export const DEFAULT_FETCH_OPTIONS = {
  timeoutMs: 30_000,
  maxBytes: 32 * 1024 * 1024,
  retries: 3,
  retryDelayMs: 250,
};

/** Thrown for answers that retrying cannot fix. */
class PermanentError extends FetchError {}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });
}

async function readFileUrl(url: URL, maxBytes: number): Promise<Buffer> {
  const shown = displayUrl(url);
  let path: string;
  try {
    path = fileURLToPath(url);
  } catch (err) {
    throw new FetchError(`${shown}: not a usable file URL (${(err as Error).message})`, shown);
  }
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new FetchError(`${shown}: not a regular file`, shown);
    if (info.size > maxBytes) throw new FetchError(`${shown}: ${info.size} bytes exceed the limit of ${maxBytes}`, shown);
    return await readFile(path);
  } catch (err) {
    if (err instanceof FetchError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new FetchError(`${shown}: ${code === 'ENOENT' ? 'file not found' : (err as Error).message}`, shown);
  }
}

async function readBody(response: Response, maxBytes: number, shown: string): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new PermanentError(`${shown}: ${declared} bytes exceed the limit of ${maxBytes}`, shown, response.status);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body?.getReader();
  if (!reader) return Buffer.alloc(0);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new PermanentError(`${shown}: body exceeds the limit of ${maxBytes} bytes`, shown, response.status);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function networkReason(err: unknown, timeoutMs: number): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return `no complete answer within ${timeoutMs} ms`;
  return e.cause?.code ?? e.cause?.message ?? e.message;
}

async function readHttpUrl(url: URL, opts: typeof DEFAULT_FETCH_OPTIONS & FetchOptions): Promise<Buffer> {
  const shown = displayUrl(url);
  const doFetch = opts.fetch ?? fetch;
  let lastError: FetchError | undefined;
  for (let attempt = 0; attempt <= opts.retries; attempt++) {
    if (attempt > 0) await sleep(opts.retryDelayMs * 2 ** (attempt - 1), opts.signal);
    const timeout = AbortSignal.timeout(opts.timeoutMs);
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
    try {
      const response = await doFetch(url, { signal, redirect: 'follow' });
      if (response.ok) return await readBody(response, opts.maxBytes, shown);
      await response.body?.cancel();
      const message = `${shown}: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
      if (response.status < 500 && response.status !== 429) throw new PermanentError(message, shown, response.status);
      lastError = new FetchError(message, shown, response.status);
    } catch (err) {
      if (err instanceof PermanentError) throw new FetchError(err.message, err.url, err.status);
      if (opts.signal?.aborted) throw new FetchError(`${shown}: cancelled`, shown);
      if (err instanceof FetchError) lastError = err;
      else lastError = new FetchError(`${shown}: ${networkReason(err, opts.timeoutMs)}`, shown);
    }
  }
  const attempts = opts.retries + 1;
  throw new FetchError(`${lastError!.message} (after ${attempts} attempt${attempts === 1 ? '' : 's'})`, shown, lastError!.status);
}

/** The bytes at an http://, https:// or file:// URL. Throws FetchError with the URL (without credentials). */
export async function readUrl(url: string | URL, options: FetchOptions = {}): Promise<Buffer> {
  const opts = { ...DEFAULT_FETCH_OPTIONS, ...options };
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    throw new FetchError(`not an absolute URL: "${String(url).slice(0, 200)}"`, '<invalid URL>');
  }
  if (parsed.protocol === 'file:') return readFileUrl(parsed, opts.maxBytes);
  if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return readHttpUrl(parsed, opts);
  throw new FetchError(`${displayUrl(parsed)}: unsupported scheme ${parsed.protocol}// (use http://, https:// or file://)`, displayUrl(parsed));
}
