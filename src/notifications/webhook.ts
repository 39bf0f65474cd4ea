// Webhook delivery: one JSON POST per notification, sent through the source fence
// (src/sources/fence.ts), which checks the URL and every address the host resolves to
// before connecting. Any 2xx is delivered; anything else (3xx included: a webhook that
// redirects is misconfigured, and the redirect is never followed) is a failure that names
// the status and a little of the body, so lastError tells an operator what the receiver said.
import { FenceError } from '../sources/errors.ts';
import type { SourceFence } from '../sources/fence.ts';
import type { FencedResponse } from '../sources/http.ts';
import type { WebhookPayload } from './message.ts';
import { DeliveryError } from './delivery-error.ts';

export interface WebhookOptions {
  /** Where webhooks may be sent (the fence app.ts builds from Config.sources). Required. */
  fence: SourceFence;
  /** Whole request, body included (default 10 s). */
  timeoutMs?: number;
  /** Aborts the request (dispatcher shutdown). */
  signal?: AbortSignal;
  /** Sent as X-Operator-Manager-Notification: the same on every retry, so a receiver can drop duplicates. */
  notificationId?: string;
}

const WEBHOOK_TIMEOUT_MS = 10_000;
const BODY_EXCERPT_CHARS = 200;

export async function postWebhook(url: string, payload: WebhookPayload, options: WebhookOptions): Promise<void> {
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  let response: FencedResponse;
  try {
    response = await options.fence.request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'operator-manager-notifications',
        ...(options.notificationId ? { 'x-operator-manager-notification': options.notificationId } : {}),
      },
      body: JSON.stringify(payload),
      maxRedirects: 0,
      signal,
    });
  } catch (err) {
    if (err instanceof FenceError) throw new DeliveryError(`not sent: ${err.message}`);
    if (timeout.aborted) throw new DeliveryError(`no response within ${timeoutMs / 1000} s`);
    throw new DeliveryError('request failed', undefined, { cause: err });
  }
  const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  if (response.status >= 300 && response.status < 400) {
    response.discard();
    throw new DeliveryError(`${status}: ${redirectNotFollowed(options.fence, url, response.headers.location)}`, retryAfterMs(response));
  }
  const excerpt = await bodyExcerpt(response);
  if (response.status >= 200 && response.status < 300) return;
  throw new DeliveryError(`${status}${excerpt ? `: ${excerpt}` : ''}`, retryAfterMs(response));
}

/** Why a redirect was not followed, naming its target by origin only (a path may hold a token) and what the fence thinks of it. */
function redirectNotFollowed(fence: SourceFence, url: string, location: string | undefined): string {
  let target: URL | undefined;
  try {
    target = location ? new URL(location, url) : undefined;
  } catch {
    // an unusable Location says no more than a missing one
  }
  if (!target) return 'redirect not followed (webhooks do not follow redirects)';
  const refused = fence.checkUrl(target, { redirect: true });
  const shown = target.protocol === 'http:' || target.protocol === 'https:' ? target.origin : `a ${target.protocol} URL`;
  return `redirect to ${shown} not followed (webhooks do not follow redirects${refused ? `; the fence refuses it as well: ${refused}` : ''})`;
}

/** The first characters of the body on one line; the rest is not read (a receiver may send a lot). */
async function bodyExcerpt(response: FencedResponse): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      text += decoder.decode(chunk, { stream: true });
      if (text.length > BODY_EXCERPT_CHARS) break;
    }
  } catch {
    // A body cut short still leaves the status to report.
  } finally {
    response.discard();
  }
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > BODY_EXCERPT_CHARS ? `${line.slice(0, BODY_EXCERPT_CHARS)}…` : line;
}

/** Retry-After as seconds or an HTTP date (429 and 503 carry it), in ms. */
function retryAfterMs(response: FencedResponse): number | undefined {
  const raw = response.headers['retry-after'];
  const header = Array.isArray(raw) ? raw[0] : raw;
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
