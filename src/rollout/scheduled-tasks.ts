// Deferred work of the engine that must survive a restart, as rows of scheduled_tasks:
// written in the transaction that decides them, so a restart (or another replica) finds
// them; claimed on the engine's poll with FOR UPDATE SKIP LOCKED and a claim expiry, so one
// replica runs each and a crashed run is retried with backoff. What a task does is its
// kind's handler (the one kind today: retiring a Blue-Green color, src/rollout/blue-green/retirement.ts).
import type { EngineDeps } from './ports.ts';

/** How long a claimed task is its runner's before another may take it over (a runner killed mid-task). */
const CLAIM_MS = 2 * 60_000;
const MAX_ATTEMPTS = 10;

export interface TaskOutcome {
  /** Stored on the task row. */
  result: string;
  /** The deployment event that reports it. */
  message: string;
}

export interface TaskHandler {
  run(payload: unknown, signal: AbortSignal): Promise<TaskOutcome>;
  /** The deployment event when the task failed for good. */
  gaveUp(payload: unknown, attempts: number, reason: string): string;
  /** The cluster whose row and events a task of this kind reports on. */
  clusterOf(payload: unknown): string;
}

interface ClaimedTask {
  id: bigint;
  kind: string;
  subject: string;
  deployment_id: string | null;
  payload: unknown;
  attempts: number;
}

type RunnerDeps = Pick<EngineDeps, 'prisma' | 'store' | 'log' | 'settings'>;

/** Runs due scheduled tasks; ticked by the engine's poll timer. */
export class ScheduledTaskRunner {
  private running: Promise<void> | undefined;
  private readonly stop$ = new AbortController();

  constructor(
    private readonly deps: RunnerDeps,
    private readonly handlers: Readonly<Record<string, TaskHandler>>,
  ) {}

  /** Looks for due tasks now, unless a run is still going. */
  tick(): void {
    if (this.running || this.stop$.signal.aborted) return;
    this.running = this.runDue()
      .catch((err) => {
        if (!this.stop$.signal.aborted) this.deps.log.error({ err }, 'scheduled tasks failed');
      })
      .finally(() => {
        this.running = undefined;
      });
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
    const handler = this.handlers[task.kind];
    try {
      if (!handler) throw new Error(`unknown task kind ${task.kind}`);
      const { result, message } = await handler.run(task.payload, this.stop$.signal);
      await prisma.scheduledTask.update({ where: { id: task.id }, data: { doneAt: new Date(), result, claimedUntil: null } });
      await this.event(task, handler, message);
      log.info({ result }, 'scheduled task done');
    } catch (err) {
      if (this.stop$.signal.aborted) {
        // Interrupted by a stop: give the claim up so the next process retries at once.
        await prisma.scheduledTask.update({ where: { id: task.id }, data: { claimedUntil: null } }).catch(() => {});
        return;
      }
      const reason = (err as Error).message;
      // An unknown kind is retried too: a newer replica may have written it.
      const last = task.attempts >= MAX_ATTEMPTS;
      const retryInMs = Math.min(300_000, 1000 * 2 ** task.attempts);
      await prisma.scheduledTask.update({
        where: { id: task.id },
        data: last
          ? { doneAt: new Date(), result: `failed: ${reason}`, lastError: reason, claimedUntil: null }
          : { lastError: reason, claimedUntil: null, dueAt: new Date(Date.now() + retryInMs) },
      });
      log.warn({ err, attempts: task.attempts }, last ? 'scheduled task failed for good' : 'scheduled task failed; retrying later');
      if (last && handler) await this.event(task, handler, handler.gaveUp(task.payload, task.attempts, reason)).catch(() => {});
    }
  }

  /** Reports on the task's deployment, under the cluster's current status, when both still exist. */
  private async event(task: ClaimedTask, handler: TaskHandler, message: string): Promise<void> {
    if (!task.deployment_id) return;
    const clusterName = handler.clusterOf(task.payload);
    const exists = await this.deps.prisma.deployment.findUnique({ where: { id: task.deployment_id }, select: { id: true } });
    if (!exists) return;
    const row = await this.deps.prisma.clusterDeployment.findUnique({
      where: { deploymentId_clusterName: { deploymentId: task.deployment_id, clusterName } },
      select: { status: true },
    });
    await this.deps.store.commit(task.deployment_id, { events: [{ clusterName, status: row?.status ?? 'COMPLETED', message }] });
  }
}
