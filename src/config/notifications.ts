// Settings of approval notifications (webhooks and email). Nothing configured means
// notifications are off; a value that is set but wrong stops start-up with a ConfigError
// naming the variable, and never echoes a credential back. Webhook URLs must also pass the
// source fence, which the composition root checks at start-up (src/notifications/webhook-fence.ts)
// and again at every delivery.
import { parseDuration } from '../domain/duration.ts';
import { ConfigError, intVar, pick, type Env } from './env.ts';

interface SmtpSettings {
  host: string;
  port: number;
  /** Implicit TLS (smtps://); smtp:// upgrades with STARTTLS when the server offers it. */
  secure: boolean;
  user?: string;
  password?: string;
  /** `?requireTLS=true`: refuse to send unless STARTTLS succeeds. */
  requireTLS: boolean;
  /** `?ignoreTLS=true`: never upgrade with STARTTLS. */
  ignoreTLS: boolean;
  /** `?rejectUnauthorized=false`: accept a server certificate that does not verify (private CA). */
  rejectUnauthorized: boolean;
}

export interface EmailSettings {
  smtp: SmtpSettings;
  /** NOTIFY_EMAIL_FROM: `ops@example.com` or `Operator Manager <ops@example.com>`. */
  from: string;
  /** NOTIFY_EMAIL_TO: one notification row per recipient. */
  to: string[];
}

export interface NotificationSettings {
  /** False when no webhook and no email is configured. */
  enabled: boolean;
  /** NOTIFY_WEBHOOK_URLS: http(s) URLs that receive a JSON POST (Slack incoming webhooks work as is), each let through by the source fence. */
  webhookUrls: string[];
  email?: EmailSettings;
  /** NOTIFY_PUBLIC_URL: base URL of the API, for links in messages. */
  publicUrl?: string;
  /** NOTIFY_MAX_ATTEMPTS (default 8): deliveries tried before a notification is FAILED. */
  maxAttempts: number;
  /** NOTIFY_POLL_INTERVAL (default PT2S): how often the dispatcher looks for due notifications. */
  pollIntervalMs: number;
}

const DEFAULT_MAX_ATTEMPTS = 8;
const DEFAULT_POLL_INTERVAL = 'PT2S';
/** Longest poll interval that still leaves margin for "notified within 30 s" (a send may take 10 s). */
const MAX_POLL_INTERVAL_MS = 15_000;
const MIN_POLL_INTERVAL_MS = 50;

// Deliberately simple: catches typos and lists pasted with the wrong separator, not RFC 5322.
const ADDRESS = /^[^\s@<>()[\],;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
const NAMED_ADDRESS = /^([^<>]*)<([^<>]+)>$/;

export function notificationSettings(env: Env): NotificationSettings {
  const webhookUrls = listOf(env, 'NOTIFY_WEBHOOK_URLS').map((url) => webhookUrl(url));
  const email = emailSettings(env);
  const publicUrl = pick(env, ['NOTIFY_PUBLIC_URL'])?.value;
  if (publicUrl !== undefined) httpUrl('NOTIFY_PUBLIC_URL', publicUrl);
  return {
    enabled: webhookUrls.length > 0 || email !== undefined,
    webhookUrls,
    email,
    publicUrl: publicUrl?.replace(/\/+$/, ''),
    maxAttempts: intVar(env, ['NOTIFY_MAX_ATTEMPTS'], DEFAULT_MAX_ATTEMPTS, { min: 1, max: 100 }),
    pollIntervalMs: pollInterval(env),
  };
}

function listOf(env: Env, variable: string): string[] {
  const value = pick(env, [variable])?.value;
  return value
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '')
    : [];
}

function webhookUrl(value: string): string {
  httpUrl('NOTIFY_WEBHOOK_URLS', value);
  return value;
}

/** Throws a ConfigError that shows the scheme and host at most: webhook URLs carry their secret in the path. */
function httpUrl(variable: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(variable, 'must hold absolute http(s) URLs (one of them is not a URL)');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(variable, `must hold http(s) URLs (got a ${url.protocol.replace(':', '')}: URL)`);
  }
  return url;
}

function emailSettings(env: Env): EmailSettings | undefined {
  const smtpUrl = pick(env, ['SMTP_URL'])?.value;
  const to = listOf(env, 'NOTIFY_EMAIL_TO');
  const from = pick(env, ['NOTIFY_EMAIL_FROM'])?.value;
  if (smtpUrl === undefined) {
    if (to.length > 0 || from !== undefined) throw new ConfigError('SMTP_URL', 'is required when NOTIFY_EMAIL_TO or NOTIFY_EMAIL_FROM is set');
    return undefined;
  }
  const smtp = parseSmtpUrl(smtpUrl);
  if (to.length === 0) throw new ConfigError('NOTIFY_EMAIL_TO', 'is required when SMTP_URL is set (comma-separated addresses)');
  if (from === undefined) throw new ConfigError('NOTIFY_EMAIL_FROM', 'is required when SMTP_URL is set');
  for (const address of to) {
    if (!ADDRESS.test(address)) throw new ConfigError('NOTIFY_EMAIL_TO', `holds "${address}", which is not an email address`);
  }
  const named = NAMED_ADDRESS.exec(from);
  if (!ADDRESS.test(named ? named[2]!.trim() : from)) {
    throw new ConfigError('NOTIFY_EMAIL_FROM', `must be an address such as ops@example.com or "Operator Manager <ops@example.com>" (got "${from}")`);
  }
  return { smtp, from, to };
}

/** smtp://[user[:password]@]host[:port][?requireTLS=true&ignoreTLS=true&rejectUnauthorized=false] */
function parseSmtpUrl(value: string): SmtpSettings {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('SMTP_URL', 'must be an smtp:// or smtps:// URL');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new ConfigError('SMTP_URL', `must be an smtp:// or smtps:// URL (got a ${url.protocol.replace(':', '')}: URL)`);
  }
  if (!url.hostname) throw new ConfigError('SMTP_URL', 'has no host');
  const secure = url.protocol === 'smtps:';
  const flag = (name: string, fallback: boolean) => {
    const raw = url.searchParams.get(name);
    if (raw === null) return fallback;
    if (raw === 'true' || raw === 'false') return raw === 'true';
    throw new ConfigError('SMTP_URL', `option ${name} must be true or false`);
  };
  for (const name of url.searchParams.keys()) {
    if (!['requireTLS', 'ignoreTLS', 'rejectUnauthorized'].includes(name)) {
      throw new ConfigError('SMTP_URL', `has an unknown option "${name}" (known: requireTLS, ignoreTLS, rejectUnauthorized)`);
    }
  }
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    user: url.username ? decodeUserInfo(url.username) : undefined,
    password: url.password ? decodeUserInfo(url.password) : undefined,
    requireTLS: flag('requireTLS', false),
    ignoreTLS: flag('ignoreTLS', false),
    rejectUnauthorized: flag('rejectUnauthorized', true),
  };
}

/** Percent-decoded user or password; a stray `%` is kept as typed rather than failing. */
function decodeUserInfo(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function pollInterval(env: Env): number {
  const found = pick(env, ['NOTIFY_POLL_INTERVAL']);
  const text = found?.value ?? DEFAULT_POLL_INTERVAL;
  const ms = parseDuration(text);
  if (ms === undefined) throw new ConfigError('NOTIFY_POLL_INTERVAL', `must be an ISO-8601 duration such as PT2S (got "${text}")`);
  if (ms < MIN_POLL_INTERVAL_MS || ms > MAX_POLL_INTERVAL_MS) {
    throw new ConfigError('NOTIFY_POLL_INTERVAL', `must be between PT0.05S and PT15S so that approvals are notified within 30 s (got "${text}")`);
  }
  return ms;
}
