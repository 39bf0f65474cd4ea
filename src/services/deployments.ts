// Use cases of deployments: create (validated, planned, waiting for approval when it
// touches PRODUCTION), cancel, roll back. The engine does the work; this only records intent.
import { ConflictError, NotFoundError, ValidationError, ValidationErrors } from '../domain/errors.ts';
import { isTerminal, TERMINAL_DEPLOYMENT_STATUSES, type DeploymentStatus, type DeploymentStrategy } from '../domain/model.ts';
import { resolveStrategyConfig, type StrategyConfigInput } from '../domain/strategy-config.ts';
import { versionProblem } from '../domain/version.ts';
import type { Deployment, Prisma, PrismaClient } from '../generated/prisma/client.ts';
import { planRollout } from '../rollout/strategies/plan.ts';
import { fromStoredStrategyConfig, toStoredStrategyConfig } from '../rollout/strategies/stored-config.ts';
import { recordAudit } from './audit.ts';
import type { Actor } from './context.ts';
import type { DeploymentStore } from './deployment-store.ts';
import type { EventBus } from './events.ts';
import { checkValues } from './input.ts';

export interface CreateDeploymentInput {
  operatorName: string;
  targetVersion: string;
  strategy: DeploymentStrategy;
  targetClusters: string[];
  strategyConfig?: StrategyConfigInput | null;
  helmValues?: unknown;
  autoRollbackEnabled?: boolean | null;
}

/** Checks that a version exists in an operator's source; throws ValidationError when it does not. */
export type VersionChecker = (
  operator: { name: string; versions: string[]; manifestUrlTemplate: string | null; chartRepository: string | null; chartName: string | null },
  version: string,
) => Promise<void>;

export interface DeploymentServiceDeps {
  prisma: PrismaClient;
  store: DeploymentStore;
  events: EventBus;
  /** Confirms a version the operator's recorded list does not contain (e.g. by fetching the bundle). */
  checkVersion?: VersionChecker;
  /** Announces a new pending approval: rows written in the caller's transaction, sent after commit. */
  approvalNotices?: ApprovalNotices;
}

export interface ApprovalNotices {
  enqueue(tx: Prisma.TransactionClient, approval: { id: string; status: string }): Promise<unknown>;
  /** Called after the commit, so delivery starts at once. */
  wake(): void;
}

const MAX_TARGETS = 500;
const ACTIVE = { notIn: [...TERMINAL_DEPLOYMENT_STATUSES] };

export class DeploymentService {
  constructor(private readonly deps: DeploymentServiceDeps) {}

  async get(id: string): Promise<Deployment> {
    const d = await this.deps.prisma.deployment.findUnique({ where: { id } });
    if (!d) throw new NotFoundError('deployment', id);
    return d;
  }

  async create(actor: Actor, input: CreateDeploymentInput): Promise<Deployment> {
    const { prisma } = this.deps;
    const errors = new ValidationErrors();
    errors.check('input.targetVersion', versionProblem(input.targetVersion));
    const values = checkValues(errors, 'input.helmValues', input.helmValues);
    const names = input.targetClusters;
    if (names.length === 0) errors.add('input.targetClusters', 'must name at least one cluster');
    if (names.length > MAX_TARGETS) errors.add('input.targetClusters', `must name at most ${MAX_TARGETS} clusters`);
    const duplicates = names.filter((n, i) => names.indexOf(n) !== i);
    if (duplicates.length) errors.add('input.targetClusters', `names ${[...new Set(duplicates)].join(', ')} more than once`);
    const operator = await prisma.operator.findUnique({ where: { name: input.operatorName } });
    if (!operator) errors.add('input.operatorName', `operator "${input.operatorName}" is not registered`);
    const clusters = names.length <= MAX_TARGETS ? await prisma.cluster.findMany({ where: { name: { in: names } } }) : [];
    const missing = names.filter((n) => !clusters.some((c) => c.name === n));
    if (missing.length && names.length <= MAX_TARGETS) errors.add('input.targetClusters', `unknown cluster(s): ${missing.join(', ')}`);
    const disabled = clusters.filter((c) => !c.isEnabled).map((c) => c.name);
    if (disabled.length) errors.add('input.targetClusters', `disabled cluster(s): ${disabled.join(', ')}`);
    errors.throwIfAny();

    if (!operator!.versions.includes(input.targetVersion)) {
      if (!this.deps.checkVersion) {
        throw new ValidationError(
          `version ${input.targetVersion} is not one of operator "${operator!.name}"'s versions (${operator!.versions.slice(0, 10).join(', ') || 'none recorded'})`,
          ['input.targetVersion'],
        );
      }
      await this.deps.checkVersion(operator!, input.targetVersion);
    }
    const targets = names.map((n) => ({ name: n, environment: clusters.find((c) => c.name === n)!.environment }));
    const config = resolveStrategyConfig(input.strategy, input.strategyConfig, { targetClusters: targets, operatorNamespace: operator!.namespace });
    const plan = planRollout(config, targets);
    const needsApproval = targets.some((t) => t.environment === 'PRODUCTION');
    const status: DeploymentStatus = needsApproval ? 'PENDING_APPROVAL' : 'PLANNING';

    const { deployment, events } = await prisma.$transaction(async (tx) => {
      // Locking the operator row serialises concurrent creates for one operator, so the
      // "one active deployment per operator" check below cannot race.
      await tx.operator.update({ where: { id: operator!.id }, data: { updatedAt: new Date() } });
      const active = await tx.deployment.findFirst({ where: { operatorId: operator!.id, status: ACTIVE }, select: { id: true, status: true } });
      if (active)
        throw new ConflictError(
          `operator "${operator!.name}" already has an active deployment ${active.id} (${active.status}); cancel it or wait for it to finish`,
        );
      const deployment = await tx.deployment.create({
        data: {
          operatorId: operator!.id,
          operatorName: operator!.name,
          targetVersion: input.targetVersion,
          previousVersion: operator!.currentVersion,
          strategy: input.strategy,
          targetClusters: plan.clusters,
          status,
          approvalStatus: needsApproval ? 'PENDING' : 'NOT_REQUIRED',
          strategyConfig: toStoredStrategyConfig(config) as unknown as Prisma.InputJsonValue,
          helmValues: (values ?? {}) as Prisma.InputJsonValue,
          initiatedBy: actor.sub,
          autoRollbackEnabled: input.autoRollbackEnabled ?? true,
          clusters: {
            create: plan.waves.flatMap((w) => w.clusters.map((clusterName, position) => ({ clusterName, wave: w.index, position }))),
          },
        },
      });
      if (needsApproval) {
        const approval = await tx.approval.create({
          data: { kind: 'DEPLOYMENT', status: 'PENDING', deploymentId: deployment.id, environment: 'PRODUCTION', requestedBy: actor.sub },
        });
        await this.deps.approvalNotices?.enqueue(tx, approval);
      }
      await recordAudit(tx, actor, {
        action: 'createDeployment',
        targetType: 'Deployment',
        targetName: deployment.id,
        details: { operatorName: operator!.name, targetVersion: input.targetVersion, strategy: input.strategy, targetClusters: plan.clusters },
      });
      const events = await this.deps.store.appendEvents(tx, deployment.id, [
        {
          status,
          message: `${input.strategy} deployment of ${operator!.name} ${input.targetVersion} to ${plan.clusters.join(', ')} created by ${actor.sub}${needsApproval ? '; waiting for approval (PRODUCTION cluster targeted)' : ''}`,
          progress: 0,
        },
      ]);
      return { deployment, events };
    });
    await this.deps.store.publish(deployment.id, deployment.operatorName, deployment.status, events);
    if (needsApproval) this.deps.approvalNotices?.wake();
    this.deps.events.publish('engineWake', { deploymentId: deployment.id });
    return deployment;
  }

  /** Stops a deployment: at once when nothing ran yet, otherwise before the next cluster. */
  async cancel(actor: Actor, id: string): Promise<Deployment> {
    const d = await this.get(id);
    if (isTerminal(d.status)) throw new ConflictError(`deployment ${id} has already ended (${d.status})`);
    if (d.status === 'ROLLING_BACK') throw new ConflictError(`deployment ${id} is rolling back; it cannot be cancelled`);
    const notStarted = d.status === 'PENDING_APPROVAL' || (d.status === 'PLANNING' && !d.startedAt);
    await this.deps.store.commit(
      id,
      notStarted
        ? {
            deployment: { status: 'CANCELLED', completedAt: new Date(), errorMessage: `cancelled by ${actor.sub} before it started`, requestedAction: null },
            events: [{ status: 'CANCELLED', message: `cancelled by ${actor.sub} before any cluster was touched`, progress: 1 }],
          }
        : {
            deployment: { requestedAction: 'CANCEL' },
            events: [{ status: d.status, message: `cancellation requested by ${actor.sub}: no further cluster will start` }],
          },
      async (tx) => {
        const now = await tx.deployment.findUniqueOrThrow({ where: { id }, select: { status: true } });
        if (now.status !== d.status) throw new ConflictError(`deployment ${id} changed to ${now.status} meanwhile; try again`);
        if (notStarted) await closePendingApprovals(tx, id, `deployment cancelled by ${actor.sub}`);
        await recordAudit(tx, actor, { action: 'cancelDeployment', targetType: 'Deployment', targetName: id });
      },
    );
    this.deps.events.publish('engineWake', { deploymentId: id });
    return this.get(id);
  }

  /**
   * Allows the switch of a Blue-Green deployment configured with autoSwitch false: the
   * engine switches the cluster waiting for it (or the next one to pass validation).
   */
  async promote(actor: Actor, id: string): Promise<Deployment> {
    const d = await this.get(id);
    if (d.strategy !== 'BLUE_GREEN') throw new ConflictError(`deployment ${id} is ${d.strategy}; only Blue-Green deployments wait for a switch`);
    const config = fromStoredStrategyConfig(d.strategyConfig);
    if (config.strategy === 'BLUE_GREEN' && config.autoSwitch) throw new ConflictError(`deployment ${id} switches automatically (autoSwitch is true)`);
    const check = (status: string, requested: string | null) => {
      if (isTerminal(status) || status === 'ROLLING_BACK') throw new ConflictError(`deployment ${id} is ${status}; there is nothing to switch`);
      if (status === 'PENDING_APPROVAL') throw new ConflictError(`deployment ${id} waits for approval; approve it first`);
      if (requested && requested !== 'PROMOTE') throw new ConflictError(`deployment ${id} has a pending ${requested} request`);
    };
    check(d.status, d.requestedAction);
    await this.deps.store.commit(
      id,
      { deployment: { requestedAction: 'PROMOTE' }, events: [{ status: d.status, message: `switch allowed by ${actor.sub}` }] },
      async (tx) => {
        const now = await tx.deployment.findUniqueOrThrow({ where: { id }, select: { status: true, requestedAction: true } });
        check(now.status, now.requestedAction);
        await recordAudit(tx, actor, { action: 'promoteDeployment', targetType: 'Deployment', targetName: id });
      },
    );
    this.deps.events.publish('engineWake', { deploymentId: id });
    return this.get(id);
  }

  /** Rolls every cluster this deployment changed back to its previous release (ADMIN). */
  async rollback(actor: Actor, id: string, reason: string | null | undefined): Promise<Deployment> {
    const d = await this.get(id);
    if (reason && reason.length > 2000) throw new ValidationError('reason must be at most 2000 characters', ['reason']);
    if (d.status === 'ROLLING_BACK' || d.status === 'ROLLED_BACK') throw new ConflictError(`deployment ${id} is already ${d.status}`);
    if (!d.startedAt) {
      throw new ConflictError(`deployment ${id} has not changed any cluster${isTerminal(d.status) ? '' : '; cancel it instead'}`);
    }
    const why = reason?.trim() || `requested by ${actor.sub}`;
    const running = !isTerminal(d.status);
    await this.deps.store.commit(
      id,
      running
        ? {
            deployment: { requestedAction: 'ROLLBACK', rollbackReason: why },
            events: [{ status: d.status, message: `rollback requested by ${actor.sub}: ${why}` }],
          }
        : {
            deployment: { status: 'ROLLING_BACK', requestedAction: 'ROLLBACK', rollbackReason: why, completedAt: null },
            events: [{ status: 'ROLLING_BACK', message: `rollback of a ${d.status} deployment requested by ${actor.sub}: ${why}` }],
          },
      async (tx) => {
        const newer = await tx.deployment.findFirst({
          where: { operatorId: d.operatorId, createdAt: { gt: d.createdAt }, OR: [{ startedAt: { not: null } }, { status: ACTIVE }] },
          select: { id: true, status: true },
        });
        if (newer) throw new ConflictError(`a newer deployment ${newer.id} (${newer.status}) of ${d.operatorName} exists; roll that one back instead`);
        await recordAudit(tx, actor, { action: 'rollbackDeployment', targetType: 'Deployment', targetName: id, details: { reason: why } });
      },
    );
    this.deps.events.publish('engineWake', { deploymentId: id });
    return this.get(id);
  }
}

/** Pending approvals of a deployment that ended before anyone decided. */
export async function closePendingApprovals(tx: Prisma.TransactionClient, deploymentId: string, comment: string): Promise<void> {
  await tx.approval.updateMany({
    where: { deploymentId, status: 'PENDING' },
    data: { status: 'REJECTED', decidedBy: 'system:operator-manager', decidedAt: new Date(), comment },
  });
}
