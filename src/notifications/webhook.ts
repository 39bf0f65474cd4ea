// Webhook delivery: one JSON POST per notification. Any 2xx is delivered; anything else
// (3xx included: a webhook that redirects is misconfigured) is a failure that names the
// status and a little of the body, so lastError tells an operator what the receiver said.
import type { WebhookPayload } from './message.ts';
import { DeliveryError } from './delivery-error.ts';

export interface WebhookOptions {
  /** Whole request, body included (default 10 s). */
  timeoutMs?: number;
  /** Aborts the request (dispatcher shutdown). */
  signal?: AbortSignal;
  /** Sent as X-Operator-Manager-Notification: the same on every retry, so a receiver can drop duplicates. */
  notificationId?: string;
}

export const WEBHOOK_TIMEOUT_MS = 10_000;
const BODY_EXCERPT_CHARS = 200;

export async function postWebhook(url: string, payload: WebhookPayload, options: WebhookOptions = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'operator-manager-notifications',
        ...(options.notificationId ? { 'x-operator-manager-notification': options.notificationId } : {}),
      },
      body: JSON.stringify(payload),
      redirect: 'manual',
      signal,
    });
  } catch (err) {
    if (timeout.aborted) throw new DeliveryError(`no response within ${timeoutMs / 1000} s`);
    throw new DeliveryError('request failed', undefined, { cause: err });
  }
  const excerpt = await bodyExcerpt(response);
  if (response.status >= 200 && response.status < 300) return;
  const said = excerpt ? `: ${excerpt}` : '';
  throw new DeliveryError(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${said}`, retryAfterMs(response));
}

/** The first characters of the body on one line; the rest is not read (a receiver may send a lot). */
async function bodyExcerpt(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length <= BODY_EXCERPT_CHARS) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // A body cut short still leaves the status to report.
  } finally {
    await reader.cancel().catch(() => {});
  }
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > BODY_EXCERPT_CHARS ? `${line.slice(0, BODY_EXCERPT_CHARS)}…` : line;
}

/** Retry-After as seconds or an HTTP date (429 and 503 carry it), in ms. */
function retryAfterMs(response: Response): number | undefined {
  const header = response.headers.get('retry-after');
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
