// Retiring the old color of a Blue-Green switch once its retention period is over: a
// scheduled task (src/rollout/scheduled-tasks.ts) written in the same transaction as the
// switch. A retirement deletes the color's own objects (retirementRefs: never CRDs, shared
// objects, the live webhook configurations, nor namespaces) in reverse apply order through
// the kube layer's prune, which deletes only objects still carrying our owner labels.
// Before deleting it checks that the color is not serving again.
import type { Prisma, PrismaClient } from '../../generated/prisma/client.ts';
import { pruneObjects } from '../../kube/apply/prune-executor.ts';
import type { ChangeEntry } from '../../kube/apply/types.ts';
import type { ObjectRef } from '../../kube/types.ts';
import type { EngineDeps } from '../ports.ts';
import type { TaskHandler, TaskOutcome } from '../scheduled-tasks.ts';
import { currentRelease } from '../../persistence/releases.ts';
import { colorOfRelease } from './state.ts';
import type { Color } from './manifests.ts';

export const RETIRE_COLOR = 'retire-color';

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

/** The handler of RETIRE_COLOR tasks. */
export function retirementHandler(deps: Pick<EngineDeps, 'prisma' | 'kube'>): TaskHandler {
  return {
    run: (payload, signal) => retire(deps, payload as RetirementPayload, signal),
    gaveUp: (payload, attempts, reason) => `${(payload as RetirementPayload).clusterName}: retiring failed after ${attempts} attempts: ${reason}`,
    clusterOf: (payload) => (payload as RetirementPayload).clusterName,
  };
}

async function retire(deps: Pick<EngineDeps, 'prisma' | 'kube'>, p: RetirementPayload, signal: AbortSignal): Promise<TaskOutcome> {
  const { prisma, kube } = deps;
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
    signal,
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
