// Durable state of deployments: every change and its events are written in one
// transaction (events numbered per deployment without gaps), then published. Services
// and the engine both change deployments through here.
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { DeploymentTransitions, NewEvent, Transition, Tx } from '../rollout/ports.ts';
import type { Logger } from '../observability/logger.ts';
import type { DeploymentEventPayload, EventBus } from './events.ts';

/** Something that must happen after commit (e.g. a NOTIFY to other replicas). */
export type AfterCommit = (published: { deploymentId: string; operatorName: string; status: string; events: DeploymentEventPayload[] }) => void | Promise<void>;

interface Queued {
  transition: Transition;
  resolve(events: DeploymentEventPayload[]): void;
  reject(err: unknown): void;
}

export class DeploymentStore implements DeploymentTransitions {
  private readonly afterCommit: AfterCommit[] = [];
  /** Cluster transitions waiting for the transaction in flight of their deployment (group commit). */
  private readonly queued = new Map<string, Queued[]>();
  /** Deployments with a group transaction in flight. */
  private readonly flushing = new Set<string>();

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
    return (await this.appendEventsOf(tx, deploymentId, events)).events;
  }

  /** appendEvents, also returning what publishing needs of the deployment (read by the same statement). */
  private async appendEventsOf(
    tx: Tx,
    deploymentId: string,
    events: readonly NewEvent[],
  ): Promise<{ events: DeploymentEventPayload[]; deployment?: { operatorName: string; status: string } }> {
    if (events.length === 0) return { events: [] };
    const timestamp = new Date();
    const n = events.length;
    const messages = events.map((e) => e.message.slice(0, 4000));
    // One statement: the UPDATE numbers the events and locks the deployment row until commit,
    // so concurrent writers of the same deployment take turns and sequences never collide or
    // leave gaps; the INSERT in the same statement writes them with those numbers.
    const [numbered] = await tx.$queryRaw<Array<{ lastSequence: number; operatorName: string; status: string }>>`
      WITH d AS (
        UPDATE deployments SET last_sequence = last_sequence + ${n}, updated_at = ${timestamp}
        WHERE deployment_id = ${deploymentId}
        RETURNING last_sequence, operator_name, status
      ), inserted AS (
        INSERT INTO deployment_events (deployment_id, sequence, cluster_name, status, message, progress, timestamp)
        SELECT ${deploymentId}, d.last_sequence - ${n} + e.ord::int, e.cluster_name, e.status, e.message, e.progress, ${timestamp}
        FROM d, unnest(${events.map((e) => e.clusterName ?? null)}::text[], ${events.map((e) => e.status)}::text[], ${messages}::text[],
                       ${events.map((e) => e.progress ?? null)}::float8[]) WITH ORDINALITY AS e(cluster_name, status, message, progress, ord)
      )
      SELECT last_sequence AS "lastSequence", operator_name AS "operatorName", status FROM d`;
    if (!numbered) throw new Error(`deployment ${deploymentId} does not exist`);
    const first = numbered.lastSequence - n + 1;
    const rows = events.map((e, i) => ({
      deploymentId,
      sequence: first + i,
      clusterName: e.clusterName ?? null,
      status: e.status,
      message: messages[i]!,
      progress: e.progress ?? null,
      timestamp,
    }));
    return { events: rows, deployment: { operatorName: numbered.operatorName, status: numbered.status } };
  }

  /**
   * Applies a transition atomically and publishes it after commit. Returns the events
   * written. `guard` (optional) runs first inside the transaction: it may throw to abort,
   * or return a transition decided from what it read (used instead of `t`'s empty parts).
   * A transition of cluster rows alone joins the next transaction of its deployment (group
   * commit): it resolves once that transaction has committed, as if it had been alone.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: a guard that decides nothing just returns
  async commit(deploymentId: string, given: Transition, guard?: (tx: Tx) => Promise<Transition | void>): Promise<DeploymentEventPayload[]> {
    if (guard || given.deployment) return this.commitAlone(deploymentId, given, guard);
    return new Promise((resolve, reject) => {
      const queue = this.queued.get(deploymentId) ?? [];
      queue.push({ transition: given, resolve, reject });
      this.queued.set(deploymentId, queue);
      if (!this.flushing.has(deploymentId)) void this.flush(deploymentId);
    });
  }

  /** Guards and changes of the deployment row are committed on their own. */
  private async commitAlone(
    deploymentId: string,
    given: Transition,
    // biome-ignore lint/suspicious/noConfusingVoidType: as commit's guard
    guard?: (tx: Tx) => Promise<Transition | void>,
  ): Promise<DeploymentEventPayload[]> {
    const result = await this.prisma.$transaction(async (tx) => {
      const decided = guard ? await guard(tx) : undefined;
      const t: Transition = {
        deployment: given.deployment ?? decided?.deployment,
        clusters: { ...decided?.clusters, ...given.clusters },
        events: [...(given.events ?? []), ...(decided?.events ?? [])],
      };
      await given.also?.(tx);
      await decided?.also?.(tx);
      await runAfterAlso(tx, [given, ...(decided ? [decided] : [])]);
      return this.write(tx, deploymentId, [t]);
    });
    await this.publish(deploymentId, result.deployment.operatorName, result.deployment.status, result.events);
    return result.events;
  }

  /**
   * Commits the queued cluster transitions of a deployment in one transaction, again and
   * again while more arrive meanwhile. Should that transaction fail, each is committed on
   * its own, so one bad transition fails alone.
   */
  private async flush(deploymentId: string): Promise<void> {
    this.flushing.add(deploymentId);
    try {
      for (let batch = this.take(deploymentId); batch.length > 0; batch = this.take(deploymentId)) {
        let result: Awaited<ReturnType<DeploymentStore['write']>>;
        try {
          result = await this.prisma.$transaction(async (tx) => {
            for (const q of batch) await q.transition.also?.(tx);
            await runAfterAlso(
              tx,
              batch.map((q) => q.transition),
            );
            return this.write(
              tx,
              deploymentId,
              batch.map((q) => q.transition),
            );
          });
        } catch (err) {
          if (batch.length === 1) batch[0]!.reject(err);
          else {
            // One by one, in order: the others still commit, numbered as they were queued.
            for (const q of batch) await this.commitAlone(deploymentId, q.transition).then(q.resolve, q.reject);
          }
          continue;
        }
        await this.publish(deploymentId, result.deployment.operatorName, result.deployment.status, result.events);
        let next = 0;
        for (const q of batch) {
          const n = q.transition.events?.length ?? 0;
          q.resolve(result.events.slice(next, next + n));
          next += n;
        }
      }
    } finally {
      this.flushing.delete(deploymentId);
    }
  }

  private take(deploymentId: string): Queued[] {
    const batch = this.queued.get(deploymentId) ?? [];
    this.queued.delete(deploymentId);
    return batch;
  }

  /** Writes transitions in order: cluster rows, the deployment row, then every event (numbered in order). */
  private async write(tx: Tx, deploymentId: string, transitions: readonly Transition[]) {
    let deployment: { operatorName: string; status: string } | undefined;
    for (const t of transitions) {
      for (const [clusterName, data] of Object.entries(t.clusters ?? {})) {
        await tx.clusterDeployment.update({ where: { deploymentId_clusterName: { deploymentId, clusterName } }, data });
      }
      if (t.deployment)
        deployment = await tx.deployment.update({ where: { id: deploymentId }, data: t.deployment, select: { operatorName: true, status: true } });
    }
    const appended = await this.appendEventsOf(
      tx,
      deploymentId,
      transitions.flatMap((t) => t.events ?? []),
    );
    deployment ??=
      appended.deployment ?? (await tx.deployment.findUniqueOrThrow({ where: { id: deploymentId }, select: { operatorName: true, status: true } }));
    return { deployment, events: appended.events };
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

/** The `afterAlso` writes of some transitions, each key once, in order of first appearance. */
async function runAfterAlso(tx: Tx, transitions: readonly Transition[]): Promise<void> {
  const writes = new Map<string, (tx: Tx) => Promise<void>>();
  for (const t of transitions) if (t.afterAlso && !writes.has(t.afterAlso.key)) writes.set(t.afterAlso.key, t.afterAlso.write);
  for (const write of writes.values()) await write(tx);
}
