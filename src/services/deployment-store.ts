// Durable state of deployments: every change and its events are written in one
// transaction (events numbered per deployment without gaps), then published. Services
// and the engine both change deployments through here.
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { DeploymentTransitions, NewEvent, Transition, Tx } from '../rollout/ports.ts';
import type { Logger } from '../observability/logger.ts';
import type { DeploymentEventPayload, EventBus } from './events.ts';

/** Something that must happen after commit (e.g. a NOTIFY to other replicas). */
export type AfterCommit = (published: { deploymentId: string; operatorName: string; status: string; events: DeploymentEventPayload[] }) => void | Promise<void>;

export class DeploymentStore implements DeploymentTransitions {
  private readonly afterCommit: AfterCommit[] = [];

  constructor(
    private readonly prisma: PrismaClient,
    private readonly events: EventBus,
    /** Where failing after-commit hooks are reported. */
    private readonly log: Logger,
  ) {}

  /** Called after every committed transition (used by the PostgreSQL NOTIFY bridge). */
  onCommit(hook: AfterCommit): void {
    this.afterCommit.push(hook);
  }

  /** Appends events inside a transaction; returns them with their sequence numbers. */
  async appendEvents(tx: Tx, deploymentId: string, events: readonly NewEvent[]): Promise<DeploymentEventPayload[]> {
    if (events.length === 0) return [];
    // The UPDATE locks the deployment row until commit, so concurrent writers of the same
    // deployment take turns and sequences never collide or leave gaps.
    const { lastSequence } = await tx.deployment.update({
      where: { id: deploymentId },
      data: { lastSequence: { increment: events.length } },
      select: { lastSequence: true },
    });
    const first = lastSequence - events.length + 1;
    const timestamp = new Date();
    const rows = events.map((e, i) => ({
      deploymentId,
      sequence: first + i,
      clusterName: e.clusterName ?? null,
      status: e.status,
      message: e.message.slice(0, 4000),
      progress: e.progress ?? null,
      timestamp,
    }));
    await tx.deploymentEvent.createMany({ data: rows });
    return rows;
  }

  /**
   * Applies a transition atomically and publishes it after commit. Returns the events
   * written. `guard` (optional) runs first inside the transaction: it may throw to abort,
   * or return a transition decided from what it read (used instead of `t`'s empty parts).
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: a guard that decides nothing just returns
  async commit(deploymentId: string, given: Transition, guard?: (tx: Tx) => Promise<Transition | void>): Promise<DeploymentEventPayload[]> {
    const result = await this.prisma.$transaction(async (tx) => {
      const decided = guard ? await guard(tx) : undefined;
      const t: Transition = {
        deployment: given.deployment ?? decided?.deployment,
        clusters: { ...decided?.clusters, ...given.clusters },
        events: [...(given.events ?? []), ...(decided?.events ?? [])],
      };
      for (const [clusterName, data] of Object.entries(t.clusters ?? {})) {
        await tx.clusterDeployment.update({ where: { deploymentId_clusterName: { deploymentId, clusterName } }, data });
      }
      const deployment = t.deployment
        ? await tx.deployment.update({ where: { id: deploymentId }, data: t.deployment, select: { operatorName: true, status: true } })
        : await tx.deployment.findUniqueOrThrow({ where: { id: deploymentId }, select: { operatorName: true, status: true } });
      const events = await this.appendEvents(tx, deploymentId, t.events ?? []);
      return { deployment, events };
    });
    await this.publish(deploymentId, result.deployment.operatorName, result.deployment.status, result.events);
    return result.events;
  }

  /** Publishes what a transaction committed (for writers that ran their own transaction). */
  async publish(deploymentId: string, operatorName: string, status: string, events: DeploymentEventPayload[], statusMayHaveChanged = true): Promise<void> {
    for (const e of events) this.events.publish('deploymentEvent', e);
    if (statusMayHaveChanged || events.length > 0) this.events.publish('deploymentUpdated', { id: deploymentId, operatorName, status });
    for (const hook of this.afterCommit) {
      try {
        await hook({ deploymentId, operatorName, status, events });
      } catch (err) {
        // Best effort (other replicas' subscribers also poll the table), but never unnoticed; the other hooks still run.
        this.log.warn({ deploymentId, err }, 'after-commit hook failed; the change is committed, the hooks after it still run');
      }
    }
  }

  /** Events after `afterSequence`, oldest first, at most `limit`. */
  eventsAfter(deploymentId: string, afterSequence: number, limit = 500) {
    return this.prisma.deploymentEvent.findMany({
      where: { deploymentId, sequence: { gt: afterSequence } },
      orderBy: { sequence: 'asc' },
      take: limit,
      select: { deploymentId: true, sequence: true, clusterName: true, status: true, message: true, progress: true, timestamp: true },
    });
  }
}
