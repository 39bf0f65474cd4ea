// Audit trail: who did what to which object, when, with the request id.
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import type { Actor } from './context.ts';

export interface AuditEntry {
  action: string;
  targetType: string;
  targetName?: string;
  details?: Prisma.InputJsonValue;
}

type Tx = Pick<PrismaClient, 'auditEvent'>;

export function recordAudit(tx: Tx, actor: Actor, entry: AuditEntry) {
  return tx.auditEvent.create({
    data: {
      actor: actor.sub,
      action: entry.action,
      targetType: entry.targetType,
      targetName: entry.targetName,
      requestId: actor.requestId,
      details: entry.details,
    },
  });
}

export interface AuditQuery {
  actor?: string;
  targetType?: string;
  targetName?: string;
  action?: string;
}

export const auditWhere = (q: AuditQuery): Prisma.AuditEventWhereInput => ({
  actor: q.actor,
  targetType: q.targetType,
  targetName: q.targetName,
  action: q.action,
});
