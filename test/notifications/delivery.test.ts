// Delivery against a real HTTP receiver and a real SMTP server: what is written with an
// approval, how fast it arrives, what arrives, and the dispatcher's life cycle.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NotificationSettings } from '../../src/config/notifications.ts';
import { NotificationDispatcher, type DispatcherOptions } from '../../src/notifications/dispatcher.ts';
import { enqueueApprovalNotifications } from '../../src/notifications/outbox.ts';
import { notificationsOf } from '../../src/notifications/query.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { DATABASE_KINDS } from '../helpers/databases.ts';
import {
  capturingLogger,
  createWaitingApproval,
  enqueueWaitingApproval,
  openNotificationDatabase,
  startMailReceiver,
  startWebhookReceiver,
  type MailReceiver,
  type NotificationTestDatabase,
  type WebhookReceiver,
  notificationsFrom,
} from './helpers.ts';
import { testFence } from '../sources/test-fence.ts';
import { eventually } from '../helpers/eventually.ts';

const fence = testFence();

describe.each(DATABASE_KINDS)('notification delivery (%s)', (kind) => {
  let db: NotificationTestDatabase;
  let webhook: WebhookReceiver;
  let mail: MailReceiver;
  const running: NotificationDispatcher[] = [];

  beforeAll(async () => {
    db = await openNotificationDatabase(kind);
  });
  afterAll(() => db?.close());
  beforeEach(async () => {
    await db.prisma.notification.deleteMany();
    webhook = await startWebhookReceiver();
    mail = await startMailReceiver();
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((d) => d.stop()));
    await Promise.all([webhook.close(), mail.close()]);
  });

  const configWith = (env: Record<string, string> = {}): NotificationSettings =>
    notificationsFrom(
      {
        NOTIFY_WEBHOOK_URLS: `${webhook.url}/hooks/approvals`,
        SMTP_URL: `smtp://127.0.0.1:${mail.port}`,
        NOTIFY_EMAIL_FROM: 'Operator Manager <om@example.com>',
        NOTIFY_EMAIL_TO: 'ops@example.com',
        ...env,
      },
      fence,
    );

  function startDispatcher(config: NotificationSettings, options: Partial<DispatcherOptions> = {}) {
    const dispatcher = new NotificationDispatcher({ prisma: db.prisma, config, fence, logger: createLogger('silent'), ...options });
    running.push(dispatcher);
    dispatcher.start();
    return dispatcher;
  }

  const webhookFor = (approvalId: string) => webhook.received.find((r) => r.body.approval.id === approvalId);
  const mailFor = (approvalId: string) => mail.messages.find((m) => m.headers.get('x-operator-manager-approval') === approvalId);
  /** The webhook call and the email of an approval, once both have arrived. */
  const deliveries = (approvalId: string) =>
    eventually(
      () => {
        const hook = webhookFor(approvalId);
        const email = mailFor(approvalId);
        return hook && email && { hook, email };
      },
      30_000,
      `both deliveries of approval ${approvalId}`,
      10,
    );

  /**
   * Starts a dispatcher and resolves once its first pass is over: that pass delivered an
   * approval enqueued before the start. What is enqueued from then on, only a later pass finds.
   */
  async function startAfterFirstPass(config: NotificationSettings) {
    const { approval } = await enqueueWaitingApproval(db.prisma, config);
    const dispatcher = startDispatcher(config);
    await deliveries(approval.id);
    return dispatcher;
  }

  it('writes one notification per webhook URL and recipient in the approval transaction, once', async () => {
    const config = configWith({ NOTIFY_WEBHOOK_URLS: `${webhook.url}/a,${webhook.url}/b`, NOTIFY_EMAIL_TO: 'ops@example.com,dev@example.com' });
    const { approval, created } = await enqueueWaitingApproval(db.prisma, config);
    expect(created).toBe(4);
    const rows = await db.prisma.notification.findMany({ where: { approvalId: approval.id } });
    expect(rows.map((r) => `${r.channel} ${r.target} ${r.status} ${r.attempts}`).sort()).toEqual([
      'EMAIL dev@example.com PENDING 0',
      'EMAIL ops@example.com PENDING 0',
      `WEBHOOK ${webhook.url}/a PENDING 0`,
      `WEBHOOK ${webhook.url}/b PENDING 0`,
    ]);
    // A planning step that runs again does not notify twice.
    expect(await enqueueApprovalNotifications(db.prisma, approval, config)).toBe(0);
    // Off, or an approval that does not wait: nothing.
    expect(await enqueueApprovalNotifications(db.prisma, approval, notificationsFrom({}, fence))).toBe(0);
    expect(await enqueueApprovalNotifications(db.prisma, { ...approval, status: 'NOT_REQUIRED' }, configWith({ NOTIFY_EMAIL_TO: 'x@example.com' }))).toBe(0);
  });

  it('writes nothing when the approval transaction rolls back', async () => {
    const before = await db.prisma.approval.count();
    await expect(
      db.prisma.$transaction(async (tx) => {
        const approval = await createWaitingApproval(tx);
        await enqueueApprovalNotifications(tx, approval, configWith());
        throw new Error('planning failed after the approval was written');
      }),
    ).rejects.toThrow('planning failed');
    expect(await db.prisma.approval.count()).toBe(before);
    expect(await db.prisma.notification.count()).toBe(0);
  });

  it('delivers by webhook and email within 30 s with the default poll interval, without being woken', async ({ annotate }) => {
    const config = configWith();
    expect(config.pollIntervalMs).toBe(2000);
    // Enqueued after the dispatcher's first pass, as by another replica: only polling finds it.
    await startAfterFirstPass(config);
    const { approval } = await enqueueWaitingApproval(db.prisma, config);
    const committedAt = Date.now();
    const { hook, email } = await deliveries(approval.id);
    const webhookMs = hook.at - committedAt;
    const emailMs = email.at - committedAt;
    await annotate(`default poll interval PT2S: webhook after ${webhookMs} ms, email after ${emailMs} ms`);
    expect(Math.max(webhookMs, emailMs)).toBeLessThan(30_000);

    expect(hook.path).toBe('/hooks/approvals');
    expect(hook.contentType).toBe('application/json');
    expect(hook.body.text).toContain('Approval needed: prometheus-operator v0.80.0 → prod-1, prod-2 (PRODUCTION deployment requested by alice)');
    expect(hook.body.approval).toMatchObject({
      id: approval.id,
      kind: 'DEPLOYMENT',
      status: 'PENDING',
      environment: 'PRODUCTION',
      requestedBy: 'alice',
      deploymentId: approval.deploymentId,
      operatorName: 'prometheus-operator',
      targetVersion: 'v0.80.0',
      targetClusters: ['prod-1', 'prod-2'],
    });
    expect(email.from).toBe('om@example.com');
    expect(email.to).toEqual(['ops@example.com']);
    expect(email.subject).toBe('[Operator Manager] Approval needed: prometheus-operator v0.80.0 → prod-1, prod-2 (PRODUCTION deployment requested by alice)');
    expect(email.headers.get('x-operator-manager-approval')).toBe(approval.id);
    expect(email.text).toContain('Requested by:      alice');
    expect(email.text).toContain(`approve(id: "${approval.id}")`);

    const sent = await eventually(async () => {
      const records = await notificationsOf(db.prisma, approval.id);
      return records.every((r) => r.status === 'SENT') && records;
    });
    // Stable identities across retries, so receivers can drop a duplicate.
    expect(hook.notificationId).toBe(sent.find((r) => r.channel === 'WEBHOOK')?.id);
    expect(email.headers.get('message-id')).toBe(`<${sent.find((r) => r.channel === 'EMAIL')?.id}@operator-manager>`);
    expect(sent.map((r) => [r.channel, r.attempts, r.lastError, r.sentAt instanceof Date])).toEqual([
      ['EMAIL', 1, null, true],
      ['WEBHOOK', 1, null, true],
    ]);
  });

  it('delivers faster with a short poll interval', async ({ annotate }) => {
    const config = configWith({ NOTIFY_POLL_INTERVAL: 'PT0.1S' });
    await startAfterFirstPass(config);
    const { approval } = await enqueueWaitingApproval(db.prisma, config);
    const committedAt = Date.now();
    const { hook, email } = await deliveries(approval.id);
    const slowest = Math.max(hook.at, email.at) - committedAt;
    await annotate(`poll interval PT0.1S: both delivered after ${slowest} ms`);
    expect(slowest).toBeLessThan(2000);
  });

  it('delivers at once when woken after the commit, long before the next poll', async ({ annotate }) => {
    const config = configWith({ NOTIFY_POLL_INTERVAL: 'PT15S' });
    const dispatcher = await startAfterFirstPass(config);
    const { approval } = await enqueueWaitingApproval(db.prisma, config);
    const committedAt = Date.now();
    dispatcher.wake();
    const { hook, email } = await deliveries(approval.id);
    const slowest = Math.max(hook.at, email.at) - committedAt;
    await annotate(`woken, poll interval PT15S: both delivered after ${slowest} ms`);
    expect(slowest).toBeLessThan(5000);
  });

  it('does not announce an approval that was decided before its notification went out', async () => {
    const config = configWith();
    const { approval } = await enqueueWaitingApproval(db.prisma, config);
    await db.prisma.approval.update({ where: { id: approval.id }, data: { status: 'APPROVED', decidedBy: 'bob' } });
    startDispatcher(config);
    const records = await eventually(async () => {
      const r = await notificationsOf(db.prisma, approval.id);
      return r.every((n) => n.status === 'CANCELLED') && r;
    });
    expect(records.map((r) => r.lastError)).toEqual(['approval already APPROVED', 'approval already APPROVED']);
    expect(webhook.requests + mail.messages.length).toBe(0);
  });

  it('stop() waits for a delivery in flight and records it', async () => {
    await webhook.close();
    webhook = await startWebhookReceiver(() => ({ status: 200 }));
    const slow = await startSlowReceiver(400);
    const config = configWith({ NOTIFY_WEBHOOK_URLS: slow.url, NOTIFY_EMAIL_TO: 'ops@example.com' });
    const dispatcher = startDispatcher(config);
    const { approval } = await enqueueWaitingApproval(db.prisma, config);
    dispatcher.wake();
    await eventually(() => slow.started > 0);
    await dispatcher.stop();
    const records = await notificationsOf(db.prisma, approval.id);
    expect(records.find((r) => r.channel === 'WEBHOOK')?.status).toBe('SENT');
    expect(dispatcher.deliveriesInFlight).toBe(0);
    await slow.close();
  });

  it('stop() aborts a webhook request that outlasts the grace period and leaves it to be retried', async () => {
    const hanging = await startSlowReceiver(20_000);
    const config = configWith({ NOTIFY_WEBHOOK_URLS: hanging.url });
    const dispatcher = startDispatcher(config, { stopGraceMs: 200 });
    const { approval } = await enqueueWaitingApproval(db.prisma, config);
    dispatcher.wake();
    await eventually(() => hanging.started > 0);
    const stopping = Date.now();
    await dispatcher.stop();
    expect(Date.now() - stopping).toBeLessThan(5000);
    const webhookRecord = (await notificationsOf(db.prisma, approval.id)).find((r) => r.channel === 'WEBHOOK');
    expect(webhookRecord).toMatchObject({ status: 'PENDING', attempts: 1, lastError: 'interrupted by shutdown' });
    await hanging.close();
  });

  it('delivers each notification exactly once with two dispatchers (replicas) polling the same database', async () => {
    const replica = await db.openReplicaClient();
    const config = configWith({ NOTIFY_POLL_INTERVAL: 'PT0.05S', NOTIFY_EMAIL_TO: 'ops@example.com' });
    const first = capturingLogger();
    const second = capturingLogger();
    const one = startDispatcher(config, { concurrency: 3, logger: first.logger });
    const other = new NotificationDispatcher({ prisma: replica.prisma, config, fence, logger: second.logger, concurrency: 3 });
    running.push(other);
    other.start();
    const approvals = [];
    for (let i = 0; i < 12; i++) approvals.push((await enqueueWaitingApproval(db.prisma, config)).approval.id);
    // Every row SENT and neither dispatcher delivering anything: no delivery can follow.
    await eventually(
      async () => (await db.prisma.notification.count({ where: { status: 'SENT' } })) === 24 && one.deliveriesInFlight + other.deliveriesInFlight === 0,
      30_000,
      'every notification sent and recorded',
    );
    expect(await db.prisma.notification.count()).toBe(24);
    expect(webhook.received.map((r) => r.body.approval.id).sort()).toEqual([...approvals].sort());
    expect(mail.messages).toHaveLength(12);
    // Both took part (each may hold only 3 deliveries at a time), and together sent each row once.
    const sentBy = [first, second].map(({ lines }) => lines.filter((l) => l.msg === 'notification sent').length);
    expect(sentBy[0]! + sentBy[1]!).toBe(24);
    expect(Math.min(...sentBy)).toBeGreaterThan(0);
    await Promise.all(running.splice(0).map((d) => d.stop()));
    await replica.close();
  });
});

/** A receiver that answers 200 after `delayMs`, counting requests it started answering. */
async function startSlowReceiver(delayMs: number) {
  const { createServer } = await import('node:http');
  const state = { started: 0, url: '', close: async () => {} };
  const server = createServer((req, res) => {
    state.started += 1;
    req.resume();
    setTimeout(() => res.writeHead(200).end('ok'), delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address() as import('node:net').AddressInfo;
  state.url = `http://127.0.0.1:${address.port}/slow`;
  state.close = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return state;
}
