// Waiting for a condition rather than for a while: every test that waits for something
// to happen polls for it here, and fails naming what it waited for and what it last saw.

type Truthy<T> = Exclude<T, false | undefined | null | 0 | ''>;

/**
 * Polls `check` until it returns a truthy value, and returns that value. A check that
 * throws counts as not yet. Fails after `timeoutMs` with `what`, the last value and the
 * last error.
 */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 30_000, what = 'condition', everyMs = 50): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as Truthy<T>;
      last = value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const error = lastError === undefined ? '' : `; last error: ${lastError instanceof Error ? lastError.message : String(lastError)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value: ${shown(last)}${error}`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

function shown(value: unknown): string {
  try {
    return (JSON.stringify(value) ?? String(value)).slice(0, 300);
  } catch {
    return String(value);
  }
}
