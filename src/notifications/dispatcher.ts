// Delivers the outbox: on a timer (NOTIFY_POLL_INTERVAL) and whenever woken after an
// enqueue, it claims due notifications, sends each on its channel and records the outcome
// (SENT, a retry with backoff, or FAILED). Deliveries run concurrently and independently,
// so a slow or dead receiver delays nobody else. Nothing here throws into its caller: the
// engine that enqueues must never be blocked or failed by a notification.
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Logger } from '../observability/logger.ts';
import type { SourceFence } from '../sources/fence.ts';
import { DEFAULT_BACKOFF, retryDelayMs, type BackoffPolicy } from './backoff.ts';
import type { NotificationSettings } from '../config/notifications.ts';
import { DeliveryError } from './delivery-error.ts';
import { createEmailSender, type EmailContent, type EmailSender } from './email.ts';
import { approvalMessage, type ApprovalFacts, type WebhookPayload } from './message.ts';
import { describeError, redactUrl, secretsOf } from './redact.ts';
import { claimDue, failExhausted, loadApprovalFacts, recordCancelled, recordFailure, recordSent, type ClaimedNotification } from './store.ts';
import { postWebhook } from './webhook.ts';

/** How notifications leave the process; replaceable in tests. */
export interface Senders {
  webhook(url: string, payload: WebhookPayload, options: { signal: AbortSignal; notificationId: string }): Promise<void>;
  email(to: string, content: EmailContent): Promise<void>;
}

export interface DispatcherOptions {
  prisma: PrismaClient;
  config: NotificationSettings;
  logger: Logger;
  /** Where webhooks may be posted: every delivery goes through it (the same fence that checked the configuration). */
  fence: SourceFence;
  /** Deliveries in flight at once in this process (default 10). */
  concurrency?: number;
  /** Retry delays (default 2 s doubling per attempt, at most 5 min, with jitter). */
  backoff?: BackoffPolicy;
  /** How long a claimed row is this process's before another may retry it (default 2 min; longer than any send). */
  claimTimeoutMs?: number;
  /** How long stop() waits for deliveries in flight before aborting webhook requests (default 15 s). */
  stopGraceMs?: number;
  senders?: Partial<Senders>;
}

export class NotificationDispatcher {
  private readonly prisma: PrismaClient;
  private readonly config: NotificationSettings;
  private readonly log: Logger;
  private readonly concurrency: number;
  private readonly backoff: BackoffPolicy;
  private readonly claimTimeoutMs: number;
  private readonly stopGraceMs: number;
  private readonly secrets: string[];
  private readonly senders: Senders;
  private emailSender?: EmailSender;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly shutdown = new AbortController();
  private timer?: NodeJS.Timeout;
  private passRunning?: Promise<void>;
  private passRequested = false;
  private started = false;
  private stopping = false;

  constructor(options: DispatcherOptions) {
    this.prisma = options.prisma;
    this.config = options.config;
    this.log = options.logger.child({ component: 'notifications' });
    this.concurrency = options.concurrency ?? 10;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.claimTimeoutMs = options.claimTimeoutMs ?? 120_000;
    this.stopGraceMs = options.stopGraceMs ?? 15_000;
    this.secrets = secretsOf(options.config);
    this.senders = {
      webhook: options.senders?.webhook ?? ((url, payload, sendOptions) => postWebhook(url, payload, { ...sendOptions, fence: options.fence })),
      email: options.senders?.email ?? ((to, content) => this.smtp().send(to, content)),
    };
  }

  /** Starts polling (a no-op when notifications are off). */
  start(): void {
    if (!this.config.enabled || this.started || this.stopping) return;
    this.started = true;
    this.timer = setInterval(() => this.wake(), this.config.pollIntervalMs);
    this.timer.unref();
    this.wake();
  }

  /** Runs a pass now, e.g. right after a transaction that enqueued notifications has committed. */
  wake(): void {
    if (!this.started || this.stopping) return;
    if (this.passRunning) {
      this.passRequested = true;
      return;
    }
    this.passRunning = this.passes().finally(() => (this.passRunning = undefined));
  }

  /** Stops polling and waits for deliveries in flight (aborting webhook requests after the grace period). */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearInterval(this.timer);
    await this.passRunning;
    const settled = Promise.allSettled([...this.inFlight]);
    let grace: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([settled.then(() => false), new Promise<boolean>((r) => (grace = setTimeout(() => r(true), this.stopGraceMs)))]);
    clearTimeout(grace);
    if (timedOut) {
      this.shutdown.abort();
      await settled;
    }
    this.emailSender?.close();
  }

  /** Notifications being delivered right now (for /health or metrics). */
  get deliveriesInFlight(): number {
    return this.inFlight.size;
  }

  private async passes(): Promise<void> {
    do {
      this.passRequested = false;
      try {
        await this.pass();
      } catch (err) {
        // A database hiccup: log it and let the next tick try again.
        this.log.error({ err: describeError(err, this.secrets) }, 'notification pass failed');
      }
    } while (this.passRequested && !this.stopping);
  }

  private async pass(): Promise<void> {
    const now = new Date();
    for (const row of await failExhausted(this.prisma, now, this.config.maxAttempts)) {
      this.log.warn({ notificationId: row.id, channel: row.channel }, 'notification failed: interrupted on its last attempt');
    }
    const free = this.concurrency - this.inFlight.size;
    if (free <= 0) return;
    const claimed = await claimDue(this.prisma, { now, limit: free, maxAttempts: this.config.maxAttempts, claimTimeoutMs: this.claimTimeoutMs });
    if (claimed.length === 0) return;
    const facts = await loadApprovalFacts(
      this.prisma,
      claimed.map((row) => row.approvalId),
    );
    for (const row of claimed) {
      const delivery = this.deliver(row, facts.get(row.approvalId)).finally(() => {
        this.inFlight.delete(delivery);
        // A full batch suggests more rows are due: use the slot now rather than at the next tick.
        if (claimed.length === free) this.wake();
      });
      this.inFlight.add(delivery);
    }
  }

  /** Sends one notification and records the outcome; never rejects. */
  private async deliver(row: ClaimedNotification, facts: ApprovalFacts | undefined): Promise<void> {
    const context = { notificationId: row.id, channel: row.channel, target: this.displayTarget(row), attempt: row.attempts };
    const startedAt = Date.now();
    try {
      if (facts === undefined || facts.status !== 'PENDING') {
        await recordCancelled(this.prisma, row, facts ? `approval already ${facts.status}` : 'approval no longer exists');
        this.log.info(context, 'notification cancelled: the approval no longer waits');
        return;
      }
      await this.send(row, approvalMessage(facts, this.config.publicUrl));
      if (!(await recordSent(this.prisma, row, new Date()))) this.log.warn(context, 'notification sent after its claim expired');
      this.log.info({ ...context, ms: Date.now() - startedAt }, 'notification sent');
    } catch (err) {
      await this.recordFailedAttempt(row, err, context);
    }
  }

  private async recordFailedAttempt(row: ClaimedNotification, err: unknown, context: Record<string, unknown>): Promise<void> {
    const error = this.shutdown.signal.aborted ? 'interrupted by shutdown' : describeError(err, this.secrets);
    const lastAttempt = row.attempts >= this.config.maxAttempts;
    const retryAfterMs = err instanceof DeliveryError ? err.retryAfterMs : undefined;
    const retryAt = lastAttempt ? undefined : new Date(Date.now() + retryDelayMs(row.attempts, this.backoff, Math.random, retryAfterMs));
    try {
      await recordFailure(this.prisma, row, error, retryAt);
    } catch (dbErr) {
      // The row stays SENDING and is retried once its claim expires.
      this.log.error({ ...context, err: describeError(dbErr, this.secrets) }, 'could not record a failed notification');
    }
    if (lastAttempt) this.log.error({ ...context, error }, 'notification failed: no attempts left');
    else this.log.warn({ ...context, error, retryAt }, 'notification delivery failed; will retry');
  }

  private async send(row: ClaimedNotification, message: ReturnType<typeof approvalMessage>): Promise<void> {
    switch (row.channel) {
      case 'WEBHOOK':
        return this.senders.webhook(row.target, message.payload, { signal: this.shutdown.signal, notificationId: row.id });
      case 'EMAIL':
        return this.senders.email(row.target, {
          subject: message.subject,
          text: message.emailText,
          approvalId: message.payload.approval.id,
          notificationId: row.id,
        });
      default:
        throw new DeliveryError(`unknown channel ${row.channel}`);
    }
  }

  private smtp(): EmailSender {
    if (!this.config.email) throw new DeliveryError('email is not configured (SMTP_URL) in this process');
    this.emailSender ??= createEmailSender(this.config.email);
    return this.emailSender;
  }

  private displayTarget(row: ClaimedNotification): string {
    return row.channel === 'WEBHOOK' ? redactUrl(row.target) : row.target;
  }
}
