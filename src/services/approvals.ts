// Approvals: a deployment that targets PRODUCTION waits until an ADMIN, or an
// ENVIRONMENT_OWNER of PRODUCTION, approves; a breaking CRD change (kind CRD_CHANGE) needs
// an ADMIN. Nobody approves their own deployment; a rejection ends the deployment.
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../domain/errors.ts';
import type { Approval, PrismaClient } from '../generated/prisma/client.ts';
import { recordAudit } from './audit.ts';
import type { Actor } from './context.ts';
import { isTerminal } from '../domain/model.ts';
import { closePendingApprovals } from './deployments.ts';
import type { DeploymentStore } from './deployment-store.ts';
import type { EventBus } from './events.ts';

export interface ApprovalServiceDeps {
  prisma: PrismaClient;
  store: DeploymentStore;
  events: EventBus;
}

/** Who may decide an approval; throws FORBIDDEN saying why not. */
function assertMayDecide(actor: Actor, approval: Pick<Approval, 'kind' | 'environment' | 'requestedBy'>): void {
  if (approval.requestedBy === actor.sub) throw new ForbiddenError('nobody may approve or reject their own deployment');
  if (actor.roles.includes('ADMIN')) return;
  if (approval.kind === 'CRD_CHANGE') throw new ForbiddenError('a breaking CRD change needs an ADMIN');
  if (actor.roles.includes('ENVIRONMENT_OWNER') && approval.environment && actor.environments.includes(approval.environment as never)) return;
  throw new ForbiddenError(`deciding this approval needs ADMIN or ENVIRONMENT_OWNER of ${approval.environment ?? 'its environment'}`);
}

export class ApprovalService {
  constructor(private readonly deps: ApprovalServiceDeps) {}

  list(status?: string | null) {
    return this.deps.prisma.approval.findMany({ where: status ? { status } : undefined, orderBy: { createdAt: 'desc' }, take: 500 });
  }

  async approve(actor: Actor, id: string, comment?: string | null): Promise<Approval> {
    return this.decide(actor, id, 'APPROVED', comment ?? null);
  }

  async reject(actor: Actor, id: string, reason: string): Promise<Approval> {
    if (!reason.trim()) throw new ValidationError('a rejection needs a reason', ['reason']);
    return this.decide(actor, id, 'REJECTED', reason);
  }

  private async decide(actor: Actor, id: string, decision: 'APPROVED' | 'REJECTED', comment: string | null): Promise<Approval> {
    if (comment && comment.length > 2000) throw new ValidationError('must be at most 2000 characters', [decision === 'APPROVED' ? 'comment' : 'reason']);
    const approval = await this.deps.prisma.approval.findUnique({ where: { id } });
    if (!approval) throw new NotFoundError('approval', id);
    assertMayDecide(actor, approval);
    if (approval.status !== 'PENDING') throw new ConflictError(`approval ${id} was already decided (${approval.status})`);
    const deploymentId = approval.deploymentId;
    const guard = async (tx: Parameters<Parameters<PrismaClient['$transaction']>[0]>[0]) => {
      // Conditional update: of two concurrent decisions only one finds the row still PENDING.
      const changed = await tx.approval.updateMany({
        where: { id, status: 'PENDING' },
        data: { status: decision, decidedBy: actor.sub, decidedAt: new Date(), comment },
      });
      if (changed.count === 0) throw new ConflictError(`approval ${id} was decided meanwhile`);
      await recordAudit(tx, actor, {
        action: decision === 'APPROVED' ? 'approve' : 'reject',
        targetType: 'Approval',
        targetName: id,
        details: { deploymentId, comment },
      });
    };
    if (!deploymentId) {
      await this.deps.prisma.$transaction(guard);
      return this.deps.prisma.approval.findUniqueOrThrow({ where: { id } });
    }
    const deployment = await this.deps.prisma.deployment.findUniqueOrThrow({ where: { id: deploymentId } });
    if (isTerminal(deployment.status)) throw new ConflictError(`deployment ${deploymentId} has already ended (${deployment.status})`);
    const label = approval.kind === 'CRD_CHANGE' ? 'CRD change' : `${approval.environment} deployment`;
    if (decision === 'REJECTED') {
      await this.deps.store.commit(
        deploymentId,
        {
          deployment: { status: 'CANCELLED', approvalStatus: 'REJECTED', completedAt: new Date(), errorMessage: `rejected by ${actor.sub}: ${comment}` },
          events: [{ status: 'CANCELLED', message: `${label} rejected by ${actor.sub}: ${comment}; the deployment will not run`, progress: 1 }],
        },
        async (tx) => {
          await guard(tx);
          await closePendingApprovals(tx, deploymentId, `deployment rejected by ${actor.sub}`);
        },
      );
    } else {
      await this.deps.store.commit(deploymentId, {}, async (tx) => {
        await guard(tx);
        const pending = await tx.approval.count({ where: { deploymentId, status: 'PENDING' } });
        const released = pending === 0 && deployment.status === 'PENDING_APPROVAL';
        return {
          deployment:
            pending === 0
              ? { status: released ? 'PLANNING' : deployment.status, approvalStatus: 'APPROVED', approvedBy: actor.sub, approvedAt: new Date() }
              : undefined,
          events: [
            {
              status: released ? 'PLANNING' : deployment.status,
              message: `${label} approved by ${actor.sub}${comment ? `: ${comment}` : ''}${pending ? `; ${pending} approval(s) still pending` : ''}`,
            },
          ],
        };
      });
      this.deps.events.publish('engineWake', { deploymentId });
    }
    return this.deps.prisma.approval.findUniqueOrThrow({ where: { id } });
  }
}
