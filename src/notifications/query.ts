// What was sent about an approval, for the API (Approval.notifications). Targets are shown
// without credentials: webhook URLs are redacted to host and a fingerprint.
import type { PrismaClient } from '../generated/prisma/client.ts';
import { redactUrl } from './redact.ts';

export interface NotificationRecord {
  id: string;
  channel: string;
  /** Email recipient, or the redacted webhook URL. */
  target: string;
  status: string;
  attempts: number;
  lastError: string | null;
  sentAt: Date | null;
  nextAttemptAt: Date | null;
  createdAt: Date;
}

type NotificationReader = Pick<PrismaClient, 'notification'>;

export async function notificationsOf(prisma: NotificationReader, approvalId: string): Promise<NotificationRecord[]> {
  const rows = await prisma.notification.findMany({ where: { approvalId }, orderBy: [{ createdAt: 'asc' }, { channel: 'asc' }, { target: 'asc' }] });
  return rows.map((row) => ({
    id: row.id,
    channel: row.channel,
    target: row.channel === 'WEBHOOK' ? redactUrl(row.target) : row.target,
    status: row.status,
    attempts: row.attempts,
    lastError: row.lastError,
    sentAt: row.sentAt,
    // Only meaningful while a retry is scheduled.
    nextAttemptAt: row.status === 'PENDING' ? row.nextAttemptAt : null,
    createdAt: row.createdAt,
  }));
}
