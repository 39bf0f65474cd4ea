// The transactional outbox: notification rows are written in the same transaction as the
// approval they announce, so an approval never exists without its notifications (and a
// rolled-back approval never notifies). The dispatcher delivers them afterwards.
import type { Prisma } from '../generated/prisma/client.ts';
import type { NotificationSettings } from '../config/notifications.ts';

export const NOTIFICATION_CHANNELS = ['WEBHOOK', 'EMAIL'] as const;
type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/** A Prisma client or the client of an interactive transaction (`prisma.$transaction(async (tx) => …)`). */
export type OutboxWriter = Pick<Prisma.TransactionClient, 'notification'>;

export interface ApprovalToAnnounce {
  id: string;
  /** Only PENDING approvals wait for someone; others are not announced. */
  status: string;
}

interface NotificationTarget {
  channel: NotificationChannel;
  target: string;
}

/** One target per webhook URL and per email recipient. */
function targetsOf(config: NotificationSettings): NotificationTarget[] {
  return [
    ...config.webhookUrls.map((target) => ({ channel: 'WEBHOOK' as const, target })),
    ...(config.email?.to ?? []).map((target) => ({ channel: 'EMAIL' as const, target })),
  ];
}

/**
 * Writes one PENDING notification per configured target for `approval`, through `tx`.
 * Idempotent (a re-run planning step does not notify twice) and a no-op when notifications
 * are off. Returns how many rows it created. Call `dispatcher.wake()` after the commit.
 */
export async function enqueueApprovalNotifications(tx: OutboxWriter, approval: ApprovalToAnnounce, config: NotificationSettings): Promise<number> {
  if (!config.enabled || approval.status !== 'PENDING') return 0;
  const existing = await tx.notification.findMany({ where: { approvalId: approval.id }, select: { channel: true, target: true } });
  const known = new Set(existing.map((n) => `${n.channel} ${n.target}`));
  const now = new Date();
  const rows = targetsOf(config)
    .filter((t) => !known.has(`${t.channel} ${t.target}`))
    .map((t) => ({ approvalId: approval.id, channel: t.channel, target: t.target, status: 'PENDING', nextAttemptAt: now }));
  if (rows.length === 0) return 0;
  const { count } = await tx.notification.createMany({ data: rows });
  return count;
}
