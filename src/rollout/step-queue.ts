// Cluster steps as work items. The replica driving a deployment (it holds the deployment's
// lease, src/rollout/lease.ts) decides which clusters are stepped and when; it queues them
// by stamping `queued_at` on their cluster_deployments rows. Every replica's step worker
// (src/rollout/step-worker.ts) claims queued rows with FOR UPDATE SKIP LOCKED, runs the
// step, and keeps its claim alive by heartbeat; a claim that is not renewed (the replica
// died) expires and another replica takes the step again — a step is idempotent
// (src/rollout/cluster-step.ts). A row whose status is terminal is done, whoever finished it.
import type { PrismaClient } from '../generated/prisma/client.ts';

/** Statuses of a cluster row that end its step: never claimed again. */
const STEP_DONE_STATUSES = ['COMPLETED', 'FAILED', 'SKIPPED', 'ROLLED_BACK'] as const;

/** Deployment statuses under which queued steps may run. */
export const STEPPING_STATUSES: readonly string[] = ['DEPLOYING', 'VALIDATING'];

export interface ClaimedStep {
  /** cluster_deployments.id */
  id: number;
  deploymentId: string;
  clusterName: string;
}

export interface FinishedStep {
  clusterName: string;
  status: string;
  errorMessage: string | null;
}

export class StepQueue {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly options: { owner: string; ttlMs: number },
  ) {}

  /**
   * Queues the steps of `clusters` (rows not done yet and not queued already). Returns the
   * clusters whose step is queued now, including ones queued before (a driver resumed).
   */
  async enqueue(deploymentId: string, clusters: readonly string[]): Promise<string[]> {
    if (clusters.length === 0) return [];
    const done = [...STEP_DONE_STATUSES];
    const rows = await this.prisma.$queryRaw<Array<{ cluster_name: string }>>`
      UPDATE cluster_deployments SET queued_at = COALESCE(queued_at, now())
      WHERE deployment_id = ${deploymentId} AND cluster_name = ANY(${[...clusters]}::text[])
        AND NOT status = ANY(${done}::text[])
      RETURNING cluster_name`;
    return rows.map((r) => r.cluster_name);
  }

  /**
   * Takes steps back out of the queue that nobody has claimed (the driver stops starting
   * clusters: a cancel, a rollback, a failure that stops the wave). Returns the clusters
   * taken out; the others are running somewhere and finish.
   */
  async unqueue(deploymentId: string, clusters: readonly string[]): Promise<string[]> {
    if (clusters.length === 0) return [];
    const rows = await this.prisma.$queryRaw<Array<{ cluster_name: string }>>`
      UPDATE cluster_deployments SET queued_at = NULL, claimed_by = NULL, claimed_until = NULL
      WHERE id IN (
        SELECT id FROM cluster_deployments
        WHERE deployment_id = ${deploymentId} AND cluster_name = ANY(${[...clusters]}::text[])
          AND queued_at IS NOT NULL AND (claimed_by IS NULL OR claimed_until <= now())
        FOR UPDATE SKIP LOCKED)
      RETURNING cluster_name`;
    return rows.map((r) => r.cluster_name);
  }

  /** The clusters among `clusters` whose step is done, with how it ended. */
  async finished(deploymentId: string, clusters: readonly string[]): Promise<FinishedStep[]> {
    if (clusters.length === 0) return [];
    const done = [...STEP_DONE_STATUSES];
    const rows = await this.prisma.$queryRaw<Array<{ cluster_name: string; status: string; error_message: string | null }>>`
      SELECT cluster_name, status, error_message FROM cluster_deployments
      WHERE deployment_id = ${deploymentId} AND cluster_name = ANY(${[...clusters]}::text[]) AND status = ANY(${done}::text[])`;
    return rows.map((r) => ({ clusterName: r.cluster_name, status: r.status, errorMessage: r.error_message }));
  }

  /**
   * Claims up to `limit` queued steps, oldest first, of deployments that are deploying.
   * A claim in this replica's name for a step it is not running (`running` lists what it
   * runs) is taken back at once: this replica was restarted under the same name.
   */
  async claim(limit: number, running: ReadonlySet<number>): Promise<ClaimedStep[]> {
    if (limit <= 0) return [];
    const { owner, ttlMs } = this.options;
    const done = [...STEP_DONE_STATUSES];
    const stepping = [...STEPPING_STATUSES];
    const held = [...running];
    const rows = await this.prisma.$queryRaw<Array<{ id: number; deployment_id: string; cluster_name: string }>>`
      UPDATE cluster_deployments SET claimed_by = ${owner}, claimed_until = now() + ${ttlMs} * interval '1 millisecond'
      WHERE id IN (
        SELECT cd.id FROM cluster_deployments cd JOIN deployments d ON d.deployment_id = cd.deployment_id
        WHERE cd.queued_at <= now() AND NOT cd.status = ANY(${done}::text[]) AND d.status = ANY(${stepping}::text[])
          AND (cd.claimed_by IS NULL OR cd.claimed_until <= now() OR (cd.claimed_by = ${owner} AND NOT cd.id = ANY(${held}::int[])))
        ORDER BY cd.queued_at, cd.id
        LIMIT ${limit}
        FOR UPDATE OF cd SKIP LOCKED)
      RETURNING id, deployment_id, cluster_name`;
    return rows.map((r) => ({ id: r.id, deploymentId: r.deployment_id, clusterName: r.cluster_name }));
  }

  /** Extends this replica's claims on `ids`; returns the ids it no longer holds. */
  async renew(ids: readonly number[]): Promise<number[]> {
    if (ids.length === 0) return [];
    const { owner, ttlMs } = this.options;
    const rows = await this.prisma.$queryRaw<Array<{ id: number }>>`
      UPDATE cluster_deployments SET claimed_until = now() + ${ttlMs} * interval '1 millisecond'
      WHERE id = ANY(${[...ids]}::int[]) AND claimed_by = ${owner}
      RETURNING id`;
    const kept = new Set(rows.map((r) => r.id));
    return ids.filter((id) => !kept.has(id));
  }

  /**
   * Ends this replica's claim. A finished step leaves the queue (its row keeps the name of
   * the replica that ran it). An interrupted one (this replica stops) stays queued,
   * unclaimed, so another replica takes it at once; one that failed unexpectedly (a
   * database error) is taken again after `retryAfterMs`.
   */
  async release(id: number, how: { finished: true } | { finished: false; retryAfterMs?: number }): Promise<void> {
    const { owner } = this.options;
    // claimed_by stays: who ran the step.
    if (how.finished)
      await this.prisma.$executeRaw`
        UPDATE cluster_deployments SET claimed_until = NULL, queued_at = NULL WHERE id = ${id} AND claimed_by = ${owner}`;
    else
      await this.prisma.$executeRaw`
        UPDATE cluster_deployments SET claimed_by = NULL, claimed_until = NULL, queued_at = now() + ${how.retryAfterMs ?? 0} * interval '1 millisecond'
        WHERE id = ${id} AND claimed_by = ${owner}`;
  }
}
