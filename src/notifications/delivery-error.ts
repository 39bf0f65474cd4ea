/** A delivery that did not succeed; the dispatcher records `message` and retries. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    /** The receiver asked to wait this long before retrying (HTTP Retry-After). */
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DeliveryError';
  }
}
