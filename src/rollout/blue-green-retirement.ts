// Retiring the old color of a Blue-Green switch once its retention period is over, as
// rows of scheduled_tasks: written in the same transaction as the switch, so a restart
// (or another replica) finds them; claimed on the engine's poll with FOR UPDATE SKIP
// LOCKED and a claim expiry, so one replica runs each and a crashed run is retried.
//
// A retirement deletes the color's own objects (retirementRefs: never CRDs, shared
// objects, the live webhook configurations, nor namespaces) in reverse apply order through
// the kube layer's prune, which deletes only objects still carrying our owner labels.
// Before deleting it checks that the color is not serving again.
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import { pruneObjects } from '../kube/apply/prune-executor.ts';
import type { ChangeEntry } from '../kube/apply/types.ts';
import type { ObjectRef } from '../kube/types.ts';
import type { EngineDeps } from './ports.ts';
import { currentRelease } from '../persistence/releases.ts';
import { colorOfRelease } from './blue-green-state.ts';
import type { Color } from './strategies/blue-green-manifests.ts';

export const RETIRE_COLOR = 'retire-color';
/** How long a claimed task is its runner's before another may take it over (a runner killed mid-task). */
const CLAIM_MS = 2 * 60_000;
const MAX_ATTEMPTS = 10;

export interface RetirementPayload {
  operatorId: string;
  operatorName: string;
  clusterId: string;
  clusterName: string;
  color: Color;
  namespace: string;
  version: string;
  refs: ObjectRef[];
}

type Tx = Prisma.TransactionClient;

export async function scheduleRetirement(tx: Tx, task: { subject: string; deploymentId: string; dueAt: Date; payload: RetirementPayload }): Promise<void> {
  await tx.scheduledTask.create({ data: { kind: RETIRE_COLOR, ...task, payload: task.payload as unknown as Prisma.InputJsonValue } });
}

/**
 * Before a color is installed again: waits for a retirement of it that is running now,
 * then cancels the ones not running (not started, waiting for a retry, or abandoned by a
 * crashed runner) and returns their refs — what is left of the idle color, to prune.
 */
export async function takeOverRetirements(prisma: PrismaClient, subject: string, why: string, signal: AbortSignal, waitMs = 120_000): Promise<ObjectRef[]> {
  const deadline = Date.now() + waitMs;
  while (
    Date.now() < deadline &&
    (await prisma.scheduledTask.count({ where: { kind: RETIRE_COLOR, subject, doneAt: null, claimedUntil: { gt: new Date() } } })) > 0
  ) {
    await new Promise((r) => setTimeout(r, 250));
    signal.throwIfAborted();
  }
  const cancelled = await prisma.$queryRaw<Array<{ payload: unknown }>>`
    UPDATE scheduled_tasks SET done_at = now(), result = ${`cancelled: ${why}`}
    WHERE kind = ${RETIRE_COLOR} AND subject = ${subject} AND done_at IS NULL AND (claimed_until IS NULL OR claimed_until <= now())
    RETURNING payload`;
  return cancelled.flatMap((r) => (r.payload as RetirementPayload).refs ?? []);
}

/**
 * Keeps the old color of a deployment's switch from being retired, so it can serve again.
 * 'kept': its retirement was cancelled (or never scheduled); 'retired': a retirement has
 * started (the objects may be gone, in part or in full) — switching back is no longer safe.
 * A run in progress is waited for, up to `waitMs`.
 */
export async function keepOldColor(
  prisma: PrismaClient,
  subject: string,
  deploymentId: string,
  why: string,
  signal: AbortSignal,
  waitMs = 120_000,
): Promise<'kept' | 'retired'> {
  const { count } = await prisma.scheduledTask.updateMany({
    where: { kind: RETIRE_COLOR, subject, deploymentId, doneAt: null, attempts: 0 },
    data: { doneAt: new Date(), result: `cancelled: ${why}` },
  });
  if (count > 0) return 'kept';
  const deadline = Date.now() + waitMs;
  for (;;) {
    const started = await prisma.scheduledTask.findFirst({
      where: { kind: RETIRE_COLOR, subject, deploymentId, attempts: { gt: 0 } },
      orderBy: { id: 'desc' },
    });
    if (!started) return 'kept';
    const running = !started.doneAt && started.claimedUntil !== null && started.claimedUntil > new Date();
    if (!running || Date.now() > deadline) return 'retired';
    await new Promise((r) => setTimeout(r, 250));
    signal.throwIfAborted();
  }
}

interface ClaimedTask {
  id: bigint;
  kind: string;
  subject: string;
  deployment_id: string | null;
  payload: unknown;
  attempts: number;
}

/** Runs due scheduled tasks; ticked by the engine's poll timer. */
export class ScheduledTaskRunner {
  private running: Promise<void> | undefined;
  private readonly stop$ = new AbortController();

  constructor(private readonly deps: EngineDeps) {}

  /** Looks for due tasks now, unless a run is still going. */
  tick(): void {
    if (this.running || this.stop$.signal.aborted) return;
    this.running = this.runDue()
      .catch((err) => {
        if (!this.stop$.signal.aborted) this.deps.log.error({ err }, 'scheduled tasks failed');
      })
      .finally(() => (this.running = undefined));
  }

  /** Interrupts a run (its claim expires and the task is retried later) and waits for it. */
  async stop(): Promise<void> {
    this.stop$.abort();
    await this.running;
  }

  private async runDue(): Promise<void> {
    const owner = this.deps.settings.replicaId;
    const claimed = await this.deps.prisma.$queryRaw<ClaimedTask[]>`
      UPDATE scheduled_tasks SET claimed_by = ${owner}, claimed_until = now() + ${CLAIM_MS} * interval '1 millisecond', attempts = attempts + 1
      WHERE id IN (
        SELECT id FROM scheduled_tasks
        WHERE done_at IS NULL AND due_at <= now() AND (claimed_until IS NULL OR claimed_until <= now())
        ORDER BY due_at
        LIMIT 10
        FOR UPDATE SKIP LOCKED)
      RETURNING id, kind, subject, deployment_id, payload, attempts`;
    for (const task of claimed) {
      if (this.stop$.signal.aborted) return;
      await this.runOne(task);
    }
  }

  private async runOne(task: ClaimedTask): Promise<void> {
    const { prisma } = this.deps;
    const log = this.deps.log.child({ taskId: String(task.id), subject: task.subject });
    try {
      if (task.kind !== RETIRE_COLOR) throw new Error(`unknown task kind ${task.kind}`);
      const { result, message } = await this.retire(task.payload as RetirementPayload);
      await prisma.scheduledTask.update({ where: { id: task.id }, data: { doneAt: new Date(), result, claimedUntil: null } });
      await this.event(task, message);
      log.info({ result }, 'scheduled task done');
    } catch (err) {
      if (this.stop$.signal.aborted) {
        // Interrupted by a stop: give the claim up so the next process retries at once.
        await prisma.scheduledTask.update({ where: { id: task.id }, data: { claimedUntil: null } }).catch(() => {});
        return;
      }
      const reason = (err as Error).message;
      const last = task.attempts >= MAX_ATTEMPTS;
      const retryInMs = Math.min(300_000, 1000 * 2 ** task.attempts);
      await prisma.scheduledTask.update({
        where: { id: task.id },
        data: last
          ? { doneAt: new Date(), result: `failed: ${reason}`, lastError: reason, claimedUntil: null }
          : { lastError: reason, claimedUntil: null, dueAt: new Date(Date.now() + retryInMs) },
      });
      log.warn({ err, attempts: task.attempts }, last ? 'scheduled task failed for good' : 'scheduled task failed; retrying later');
      if (last)
        await this.event(task, `${(task.payload as RetirementPayload).clusterName}: retiring failed after ${task.attempts} attempts: ${reason}`).catch(
          () => {},
        );
    }
  }

  private async retire(p: RetirementPayload): Promise<{ result: string; message: string }> {
    const { prisma, kube } = this.deps;
    const what = `the old color ${p.color} (${p.version}, namespace ${p.namespace}) of ${p.operatorName}`;
    const cluster = await prisma.cluster.findUnique({ where: { id: p.clusterId }, select: { id: true } });
    if (!cluster) return { result: 'skipped: cluster deleted', message: `${p.clusterName}: not retiring ${what}: the cluster was deleted` };
    const serving = await currentRelease(prisma, p.operatorId, p.clusterId);
    if (serving && colorOfRelease(serving) === p.color && serving.namespace === p.namespace) {
      return { result: 'skipped: serving again', message: `${p.clusterName}: not retiring ${what}: it serves again` };
    }
    const client = await kube.get(p.clusterName);
    const changes: ChangeEntry[] = [];
    const run = await pruneObjects(client, p.refs, [], {
      operatorName: p.operatorName,
      concurrency: 4,
      signal: this.stop$.signal,
      record: (e) => changes.push(e),
    });
    if (run.error) throw run.error;
    const deleted = changes.filter((c) => c.action === 'pruned').length;
    const kept = changes.length - deleted;
    return {
      result: `retired: ${deleted} deleted, ${kept} kept or already gone`,
      message: `${p.clusterName}: retired ${what} after its retention period: deleted ${deleted} object(s)${kept ? `, ${kept} kept or already gone` : ''} (CRDs, namespaces and objects no longer labelled as ours are never deleted)`,
    };
  }

  private async event(task: ClaimedTask, message: string): Promise<void> {
    if (!task.deployment_id) return;
    const p = task.payload as RetirementPayload;
    const exists = await this.deps.prisma.deployment.findUnique({ where: { id: task.deployment_id }, select: { id: true } });
    if (!exists) return;
    const row = await this.deps.prisma.clusterDeployment.findUnique({
      where: { deploymentId_clusterName: { deploymentId: task.deployment_id, clusterName: p.clusterName } },
      select: { status: true },
    });
    await this.deps.store.commit(task.deployment_id, { events: [{ clusterName: p.clusterName, status: row?.status ?? 'COMPLETED', message }] });
  }
}
