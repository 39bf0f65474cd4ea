// Retries of transient failures (5xx, 429, connection refused/reset, timeouts) with
// exponential backoff and full jitter, a bounded number of attempts, Retry-After honoured
// (capped), and cancellation through an AbortSignal — also during the wait.
//
// Every request the product sends is safe to repeat: GET/LIST, server-side apply (a
// declaration of intent: applying it twice is applying it once), DELETE (a second one
// answers 404, which prune treats as done). POST is only used where a repeat answers 409
// AlreadyExists, which callers treat as done.

import { KubeError } from './errors.ts';

export interface RetryPolicy {
  /** Attempts in total, the first included. Default 5. */
  attempts?: number;
  /** Backoff before the 2nd attempt; doubles each time. Default 100 ms. */
  baseDelayMs?: number;
  /** Upper bound of one backoff (and of a Retry-After the server asks for). Default 5 s. */
  maxDelayMs?: number;
}

export const DEFAULT_RETRY_POLICY: Required<RetryPolicy> = { attempts: 5, baseDelayMs: 100, maxDelayMs: 5_000 };

/** Called before waiting for attempt `attempt + 1`. */
export type RetryObserver = (info: { attempt: number; delayMs: number; error: KubeError }) => void;

/** The backoff before attempt `attempt + 1`: full jitter over an exponential ceiling. */
export function backoffDelay(attempt: number, policy: Required<RetryPolicy>, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  // Full jitter ("Exponential Backoff And Jitter", AWS architecture blog): spreads the
  // retries of many clients hitting one recovering API server. Never below a quarter of
  // the ceiling, so a retry does not land on the same overloaded instant.
  return Math.round(ceiling / 4 + random() * ((ceiling * 3) / 4));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable error, or the attempts are
 * used up; the error thrown carries the number of attempts made.
 */
export async function withRetry<T>(attempt: () => Promise<T>, policy: RetryPolicy = {}, signal?: AbortSignal, onRetry?: RetryObserver): Promise<T> {
  const p = { ...DEFAULT_RETRY_POLICY, ...policy };
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof KubeError)) throw err;
      err.attempts = n;
      if (!err.retryable || n >= p.attempts || signal?.aborted) throw err;
      const asked = err.retryAfterSeconds !== undefined ? Math.min(p.maxDelayMs, err.retryAfterSeconds * 1000) : 0;
      const delayMs = Math.max(asked, backoffDelay(n, p));
      onRetry?.({ attempt: n, delayMs, error: err });
      try {
        await sleep(delayMs, signal);
      } catch {
        throw new KubeError({
          kind: 'ABORTED',
          clusterName: err.clusterName,
          ...(err.operation ? { operation: err.operation } : {}),
          detail: 'cancelled while waiting to retry',
          attempts: n,
          cause: err,
        });
      }
    }
  }
}
