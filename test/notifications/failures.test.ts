// Failure handling against real receivers: retries with backoff, giving up after the last
// attempt, a stuck claim taken over, and credentials kept out of everything recorded or logged.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NotificationSettings } from '../../src/config/notifications.ts';
import { NotificationDispatcher, type DispatcherOptions } from '../../src/notifications/dispatcher.ts';
import { notificationsOf, type NotificationRecord } from '../../src/notifications/query.ts';
import { createLogger, type Logger } from '../../src/observability/logger.ts';
import { DATABASE_KINDS } from '../helpers/databases.ts';
import {
  capturingLogger,
  enqueueWaitingApproval,
  openNotificationDatabase,
  startMailReceiver,
  startWebhookReceiver,
  unreachableUrl,
  type NotificationTestDatabase,
  notificationsFrom,
} from './helpers.ts';
import { testFence } from '../sources/test-fence.ts';
import { eventually } from '../helpers/eventually.ts';

const fence = testFence();

const FAST_RETRIES = { baseMs: 20, capMs: 100 };
const SMTP_USER = 'notify-user';
const SMTP_PASSWORD = 'Sm7p-pa55word';

describe.each(DATABASE_KINDS)('notification failures (%s)', (kind) => {
  let db: NotificationTestDatabase;
  const cleanups: (() => Promise<void>)[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    db = await openNotificationDatabase(kind);
    process.on('unhandledRejection', onUnhandled);
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await db?.close();
  });
  beforeEach(() => db.prisma.notification.deleteMany());
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    expect(unhandled).toEqual([]);
  });

  function startDispatcher(config: NotificationSettings, logger: Logger = createLogger('silent'), options: Partial<DispatcherOptions> = {}) {
    const dispatcher = new NotificationDispatcher({ prisma: db.prisma, config, fence, logger, backoff: FAST_RETRIES, ...options });
    cleanups.push(() => dispatcher.stop());
    dispatcher.start();
    return dispatcher;
  }

  async function settled(approvalId: string): Promise<NotificationRecord[]> {
    return eventually(async () => {
      const records = await notificationsOf(db.prisma, approvalId);
      return records.every((r) => ['SENT', 'FAILED'].includes(r.status)) && records;
    }, 30_000);
  }

  it('retries a webhook that answers 500 twice, then records it SENT after 3 attempts', async () => {
    const webhook = await startWebhookReceiver((n) => (n <= 2 ? { status: 500, body: `temporary failure ${n}` } : { status: 200, body: 'ok' }));
    cleanups.push(webhook.close);
    const config = notificationsFrom({ NOTIFY_WEBHOOK_URLS: `${webhook.url}/hook`, NOTIFY_POLL_INTERVAL: 'PT0.05S' }, fence);
    const { approval } = await enqueueWaitingApproval(db.prisma, config);
    startDispatcher(config).wake();
    const [record] = await settled(approval.id);
    expect(record).toMatchObject({ channel: 'WEBHOOK', status: 'SENT', attempts: 3, lastError: 'HTTP 500 Internal Server Error: temporary failure 2' });
    expect(record!.sentAt).toBeInstanceOf(Date);
    expect(webhook.requests).toBe(3);
    expect(webhook.received).toHaveLength(1);
  });

  it('gives up on an unreachable webhook after the last attempt, logs it, and still delivers the others', async () => {
    const webhook = await startWebhookReceiver();
    const mail = await startMailReceiver();
    cleanups.push(webhook.close, mail.close);
    const deadUrl = await unreachableUrl('/dead');
    const config = notificationsFrom(
      {
        NOTIFY_WEBHOOK_URLS: `${deadUrl},${webhook.url}/alive`,
        SMTP_URL: `smtp://127.0.0.1:${mail.port}`,
        NOTIFY_EMAIL_FROM: 'om@example.com',
        NOTIFY_EMAIL_TO: 'ops@example.com',
        NOTIFY_MAX_ATTEMPTS: '4',
        NOTIFY_POLL_INTERVAL: 'PT0.05S',
      },
      fence,
    );
    const { logger, lines } = capturingLogger();
    const { approval } = await enqueueWaitingApproval(db.prisma, config);
    const dispatcher = startDispatcher(config, logger);
    expect(() => dispatcher.wake()).not.toThrow();
    const records = await settled(approval.id);
    const dead = records.find((r) => r.target.startsWith(new URL(deadUrl).origin))!;
    expect(dead).toMatchObject({ status: 'FAILED', attempts: 4, sentAt: null, nextAttemptAt: null });
    expect(dead.lastError).toMatch(/^request failed: .*ECONNREFUSED/);
    expect(records.filter((r) => r !== dead).map((r) => [r.channel, r.status, r.attempts])).toEqual([
      ['EMAIL', 'SENT', 1],
      ['WEBHOOK', 'SENT', 1],
    ]);
    expect(webhook.received).toHaveLength(1);
    expect(mail.messages).toHaveLength(1);

    const failures = lines.filter((l) => l.notificationId === dead.id);
    expect(failures.filter((l) => l.msg === 'notification delivery failed; will retry')).toHaveLength(3);
    expect(failures.filter((l) => l.msg === 'notification failed: no attempts left')).toEqual([
      expect.objectContaining({ level: 'error', channel: 'WEBHOOK', attempt: 4, error: dead.lastError }),
    ]);
    await expect(dispatcher.stop()).resolves.toBeUndefined();
  });

  it('keeps SMTP credentials out of lastError, logs and the query output, even when the server echoes them', async () => {
    const mail = await startMailReceiver({ credentials: { user: SMTP_USER, password: 'the-real-password' } });
    cleanups.push(mail.close);
    const config = notificationsFrom(
      {
        SMTP_URL: `smtp://${SMTP_USER}:${SMTP_PASSWORD}@127.0.0.1:${mail.port}`,
        NOTIFY_EMAIL_FROM: 'om@example.com',
        NOTIFY_EMAIL_TO: 'ops@example.com',
        NOTIFY_MAX_ATTEMPTS: '2',
      },
      fence,
    );
    const { logger, lines } = capturingLogger();
    const { approval } = await enqueueWaitingApproval(db.prisma, config);
    startDispatcher(config, logger).wake();
    const records = await settled(approval.id);
    expect(records).toMatchObject([{ channel: 'EMAIL', target: 'ops@example.com', status: 'FAILED', attempts: 2 }]);
    // The server's reply is kept (it says what went wrong), the credentials in it are not.
    expect(records[0]!.lastError).toMatch(/Invalid login: 535 Authentication failed for \*\*\* with password \*\*\*/);
    const everything = JSON.stringify([records, lines, await db.prisma.notification.findMany()]);
    expect(everything).not.toContain(SMTP_PASSWORD);
    expect(everything).not.toContain(SMTP_USER);
    expect(mail.messages).toHaveLength(0);
  });

  it('logs in with the SMTP credentials when they are right', async () => {
    const mail = await startMailReceiver({ credentials: { user: SMTP_USER, password: SMTP_PASSWORD } });
    cleanups.push(mail.close);
    const config = notificationsFrom(
      {
        SMTP_URL: `smtp://${SMTP_USER}:${encodeURIComponent(SMTP_PASSWORD)}@127.0.0.1:${mail.port}`,
        NOTIFY_EMAIL_FROM: 'om@example.com',
        NOTIFY_EMAIL_TO: 'ops@example.com',
      },
      fence,
    );
    const { approval } = await enqueueWaitingApproval(db.prisma, config);
    startDispatcher(config).wake();
    expect(await settled(approval.id)).toMatchObject([{ status: 'SENT', attempts: 1 }]);
    expect(mail.messages.map((m) => m.user)).toEqual([SMTP_USER]);
  });

  it('keeps a webhook token out of lastError and shows the target redacted', async () => {
    const token = 'XoXb0123456789abcdefSECRET';
    const webhook = await startWebhookReceiver(() => ({ status: 404, body: `no_service: unknown hook path` }));
    cleanups.push(webhook.close);
    // This receiver echoes the path it was called on.
    const echo = await startWebhookReceiver(() => ({ status: 404, body: `no hook at /services/T0001/B0001/${token}` }));
    cleanups.push(echo.close);
    const config = notificationsFrom(
      {
        NOTIFY_WEBHOOK_URLS: `${webhook.url}/services/T0001/B0001/${token},${echo.url}/services/T0001/B0001/${token}`,
        NOTIFY_MAX_ATTEMPTS: '1',
      },
      fence,
    );
    const { logger, lines } = capturingLogger();
    const { approval } = await enqueueWaitingApproval(db.prisma, config);
    startDispatcher(config, logger).wake();
    const records = await settled(approval.id);
    expect(records.map((r) => r.lastError).sort()).toEqual(['HTTP 404 Not Found: no hook at ***', 'HTTP 404 Not Found: no_service: unknown hook path']);
    for (const r of records) expect(r.target).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/services\/… \(#[0-9a-f]{8}\)$/);
    expect(JSON.stringify([records, lines])).not.toContain(token);
  });

  it('retries a notification whose claim expired while SENDING (a replica died mid-send)', async () => {
    const webhook = await startWebhookReceiver();
    cleanups.push(webhook.close);
    const config = notificationsFrom({ NOTIFY_WEBHOOK_URLS: `${webhook.url}/hook`, NOTIFY_MAX_ATTEMPTS: '3', NOTIFY_POLL_INTERVAL: 'PT0.05S' }, fence);
    const expired = await enqueueWaitingApproval(db.prisma, config);
    const claimed = await enqueueWaitingApproval(db.prisma, config);
    const exhausted = await enqueueWaitingApproval(db.prisma, config);
    const past = new Date(Date.now() - 1000);
    const future = new Date(Date.now() + 60_000);
    await db.prisma.notification.updateMany({ where: { approvalId: expired.approval.id }, data: { status: 'SENDING', attempts: 1, nextAttemptAt: past } });
    await db.prisma.notification.updateMany({ where: { approvalId: claimed.approval.id }, data: { status: 'SENDING', attempts: 1, nextAttemptAt: future } });
    await db.prisma.notification.updateMany({ where: { approvalId: exhausted.approval.id }, data: { status: 'SENDING', attempts: 3, nextAttemptAt: past } });
    startDispatcher(config).wake();
    expect(await settled(expired.approval.id)).toMatchObject([{ status: 'SENT', attempts: 2 }]);
    expect(await settled(exhausted.approval.id)).toMatchObject([
      { status: 'FAILED', attempts: 3, lastError: expect.stringContaining('interrupted while sending') },
    ]);
    // Enqueued now, found by a later pass: that pass saw the claimed row too.
    const later = await enqueueWaitingApproval(db.prisma, config);
    expect(await settled(later.approval.id)).toMatchObject([{ status: 'SENT', attempts: 1 }]);
    // Still another replica's: untouched until its claim runs out.
    expect(await notificationsOf(db.prisma, claimed.approval.id)).toMatchObject([{ attempts: 1 }]);
    expect((await db.prisma.notification.findFirstOrThrow({ where: { approvalId: claimed.approval.id } })).status).toBe('SENDING');
    expect(webhook.received.map((r) => r.body.approval.id)).toEqual([expired.approval.id, later.approval.id]);
  });

  it('keeps polling after the database fails a pass, without throwing', async () => {
    const webhook = await startWebhookReceiver();
    cleanups.push(webhook.close);
    const config = notificationsFrom({ NOTIFY_WEBHOOK_URLS: `${webhook.url}/hook`, NOTIFY_POLL_INTERVAL: 'PT0.05S' }, fence);
    let failures = 3;
    // A client whose raw queries fail a few times, as during a database restart.
    const flaky = new Proxy(db.prisma, {
      get(target, key, receiver) {
        if (key === '$queryRaw' && failures > 0) {
          return () => {
            failures -= 1;
            return Promise.reject(new Error('Connection terminated unexpectedly'));
          };
        }
        return Reflect.get(target, key, receiver);
      },
    });
    const { logger, lines } = capturingLogger();
    const dispatcher = new NotificationDispatcher({ prisma: flaky, config, fence, logger });
    cleanups.push(() => dispatcher.stop());
    dispatcher.start();
    const { approval } = await enqueueWaitingApproval(db.prisma, config);
    expect(await settled(approval.id)).toMatchObject([{ status: 'SENT' }]);
    expect(lines.filter((l) => l.msg === 'notification pass failed')).toHaveLength(3);
  });
});
