// Retry delays: exponential from a base, capped, with "equal jitter" (half fixed, half
// random) so that notifications that failed together do not retry in lockstep, while each
// still waits at least half its nominal delay.

export interface BackoffPolicy {
  /** Delay after the first failed attempt (nominal; doubles per attempt). */
  baseMs: number;
  /** Longest delay. */
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 2_000, capMs: 5 * 60_000 };

/** Delay before the next try after `attempts` failed attempts (1 = the first failure). */
export function retryDelayMs(attempts: number, policy: BackoffPolicy, random: () => number = Math.random, retryAfterMs?: number): number {
  const nominal = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  const jittered = nominal / 2 + random() * (nominal / 2);
  // A receiver that says when to come back (Retry-After) is listened to, within the cap.
  return Math.round(Math.min(policy.capMs, Math.max(jittered, retryAfterMs ?? 0)));
}
