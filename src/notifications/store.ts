// The dispatcher's reads and writes of notification rows. Claiming is safe with several
// replicas on one PostgreSQL: `FOR UPDATE SKIP LOCKED` hands each due row to exactly one
// claimer, and the same SQL runs on PGlite (PostgreSQL compiled to WebAssembly, one
// connection, so there is never a lock to skip). While a row is SENDING, next_attempt_at is
// the end of its claim: a row still SENDING after that belonged to a process that died
// mid-send, and becomes due again — no extra column needed.
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { ApprovalFacts } from './message.ts';

export interface ClaimedNotification {
  id: string;
  approvalId: string;
  channel: string;
  target: string;
  /** Attempts including the one this claim starts. */
  attempts: number;
}

export interface ClaimOptions {
  now: Date;
  limit: number;
  maxAttempts: number;
  claimTimeoutMs: number;
}

/** Claims up to `limit` due rows (PENDING, or SENDING with an expired claim) and counts the attempt. */
export async function claimDue(prisma: PrismaClient, options: ClaimOptions): Promise<ClaimedNotification[]> {
  const { now, limit, maxAttempts } = options;
  const claimUntil = new Date(now.getTime() + options.claimTimeoutMs);
  return prisma.$queryRaw<ClaimedNotification[]>`
    UPDATE notifications AS n
       SET status = 'SENDING', attempts = n.attempts + 1, next_attempt_at = ${claimUntil}::timestamptz
     WHERE n.notification_id IN (
             SELECT notification_id FROM notifications
              WHERE status IN ('PENDING', 'SENDING')
                AND next_attempt_at <= ${now}::timestamptz
                AND attempts < ${maxAttempts}
              ORDER BY next_attempt_at
              LIMIT ${limit}
                FOR UPDATE SKIP LOCKED)
    RETURNING n.notification_id AS "id", n.approval_id AS "approvalId", n.channel, n.target, n.attempts`;
}

/**
 * Rows that are due but have no attempt left become FAILED: a claim that expired on its
 * last attempt (the process died mid-send), or rows left over after NOTIFY_MAX_ATTEMPTS
 * was lowered. Returns them, for the log.
 */
export async function failExhausted(prisma: PrismaClient, now: Date, maxAttempts: number): Promise<{ id: string; channel: string }[]> {
  return prisma.$queryRaw<{ id: string; channel: string }[]>`
    UPDATE notifications
       SET status = 'FAILED',
           last_error = CASE WHEN status = 'SENDING'
                             THEN 'interrupted while sending (process stopped?) on the last attempt'
                             ELSE COALESCE(last_error, 'no attempts left') END
     WHERE status IN ('PENDING', 'SENDING')
       AND next_attempt_at <= ${now}::timestamptz
       AND attempts >= ${maxAttempts}
    RETURNING notification_id AS "id", channel`;
}

// The result writes below apply only while the row is still ours (same claim, same attempt):
// a process that lost its claim to a timeout must not overwrite the new owner's outcome.
const stillClaimed = (row: ClaimedNotification) => ({ id: row.id, status: 'SENDING', attempts: row.attempts });

export async function recordSent(prisma: PrismaClient, row: ClaimedNotification, sentAt: Date): Promise<boolean> {
  const { count } = await prisma.notification.updateMany({ where: stillClaimed(row), data: { status: 'SENT', sentAt } });
  return count === 1;
}

/** A failed attempt: back to PENDING at `retryAt`, or FAILED when `retryAt` is undefined. */
export async function recordFailure(prisma: PrismaClient, row: ClaimedNotification, lastError: string, retryAt: Date | undefined): Promise<boolean> {
  const data = retryAt ? { status: 'PENDING', lastError, nextAttemptAt: retryAt } : { status: 'FAILED', lastError };
  const { count } = await prisma.notification.updateMany({ where: stillClaimed(row), data });
  return count === 1;
}

/** The approval was decided (or withdrawn) before its notification went out: announcing it now would mislead. */
export async function recordCancelled(prisma: PrismaClient, row: ClaimedNotification, reason: string): Promise<boolean> {
  const { count } = await prisma.notification.updateMany({ where: stillClaimed(row), data: { status: 'CANCELLED', lastError: reason } });
  return count === 1;
}

/** What the messages of these approvals need: the approval and its deployment. */
export async function loadApprovalFacts(prisma: PrismaClient, approvalIds: readonly string[]): Promise<Map<string, ApprovalFacts>> {
  const approvals = await prisma.approval.findMany({
    where: { id: { in: [...new Set(approvalIds)] } },
    include: { deployment: { select: { operatorName: true, targetVersion: true, targetClusters: true } } },
  });
  return new Map(approvals.map((a) => [a.id, { ...a, deployment: a.deployment ?? null }]));
}
