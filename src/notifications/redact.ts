// Keeping credentials out of what is stored, returned and logged. Webhook URLs are secrets
// as a whole (a Slack incoming-webhook URL carries its token in the path), SMTP URLs carry
// a user and password: neither may reach lastError, the API or a log line.
import { createHash } from 'node:crypto';
import type { NotificationSettings } from '../config/notifications.ts';

/** Secrets shorter than this are not scrubbed from text: replacing "ab" everywhere would garble messages and hide nothing. */
const MIN_SECRET_LENGTH = 4;

/**
 * A webhook URL safe to show: scheme, host and the first path segment when there are more,
 * plus a short fingerprint so that two targets on the same host can be told apart.
 * `https://hooks.slack.com/services/T1/B2/XYZ` → `https://hooks.slack.com/services/… (#3f2a9c1e)`.
 */
export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `[invalid URL] (#${fingerprint(raw)})`;
  }
  const segments = url.pathname.split('/').filter((s) => s !== '');
  const path = segments.length === 0 ? '' : segments.length === 1 ? '/…' : `/${segments[0]}/…`;
  return `${url.protocol}//${url.host}${path}${url.search ? '?…' : ''} (#${fingerprint(raw)})`;
}

function fingerprint(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/** Every credential the configuration holds, as strings that must never appear in stored or logged text. */
export function secretsOf(config: NotificationSettings): string[] {
  const secrets: string[] = [];
  for (const raw of config.webhookUrls) {
    secrets.push(raw);
    try {
      const url = new URL(raw);
      secrets.push(url.pathname, url.search, url.username, url.password);
      // Token-like path segments on their own too: a server may echo just the token.
      secrets.push(...url.pathname.split('/').filter((segment) => segment.length >= 16));
    } catch {
      // config.ts only admits valid URLs; the raw text above is scrubbed either way.
    }
  }
  const smtp = config.email?.smtp;
  if (smtp) secrets.push(smtp.user ?? '', smtp.password ?? '', encodeURIComponent(smtp.user ?? ''), encodeURIComponent(smtp.password ?? ''));
  // Longest first, so that a URL is replaced whole before its parts are.
  return [...new Set(secrets.filter((s) => s.length >= MIN_SECRET_LENGTH && s !== '/'))].sort((a, b) => b.length - a.length);
}

/** `text` with every known secret and any `scheme://user:pass@` user info replaced by `***`. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, '$1***@');
  for (const secret of secrets) out = out.split(secret).join('***');
  return out;
}

/** A one-line description of an error (with its cause, as fetch reports network failures), scrubbed and bounded. */
export function describeError(err: unknown, secrets: readonly string[], maxLength = 500): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current !== undefined && current !== null && depth < 3; depth++) {
    if (current instanceof Error) {
      const code = (current as NodeJS.ErrnoException).code;
      parts.push(code && !current.message.includes(code) ? `${current.message} (${code})` : current.message);
      current = current.cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  const text = scrub(parts.filter((p) => p !== '').join(': ') || 'unknown error', secrets)
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}
