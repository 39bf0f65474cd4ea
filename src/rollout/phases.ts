// The work of each rollout phase (see strategies/cursor.ts for the state machine). Phases
// return what they saw as a PhaseOutcome; the cursor decides what follows. A phase stops
// early when the user asks to cancel or roll back (checked before each cluster starts and
// between health samples) or when the engine stops (the signal).
import type { Cursor, PhaseOutcome, PhaseWork } from './strategies/cursor.ts';
import { canaryStageCannotPass } from './strategies/canary.ts';
import { remainingMs } from './strategies/cursor.ts';
import type { ClusterStepResult, RolloutContext } from './cluster-context.ts';
import { sampleCluster } from './cluster-step.ts';
import type { FinishedStep } from './step-queue.ts';
import type { HealthSample } from './health.ts';

type StopRequest = 'CANCEL' | 'ROLLBACK';

export interface PhaseControl {
  /** The action the user asked for since the deployment started, if any. */
  requested(): Promise<StopRequest | undefined>;
  /** Waits `ms`, returning early when woken (a request arrived) or the signal aborts. */
  sleep(ms: number): Promise<void>;
  /** Persists canary samples so far (a restart keeps them). */
  saveSamples(samples: { healthy: number; total: number }): Promise<void>;
  /** Canary samples saved before a restart. */
  savedSamples(): { healthy: number; total: number } | undefined;
  /** This deployment's cluster steps as work items (src/rollout/step-queue.ts). */
  steps: {
    /** Queues steps for any replica and wakes the step workers. */
    enqueue(clusters: readonly string[]): Promise<void>;
    unqueue(clusters: readonly string[]): Promise<string[]>;
    finished(clusters: readonly string[]): Promise<FinishedStep[]>;
  };
}

export interface PhaseResult {
  outcome: PhaseOutcome;
  stopped?: StopRequest;
}

/** How long a driver waits between looks at its queued steps when nothing wakes it earlier. */
const STEP_CHECK_MS = 1000;

/**
 * Deploys the wave's clusters, `parallelism` at a time: queues their steps for whichever
 * replica takes them (src/rollout/step-queue.ts), refills as steps finish, and collects how
 * each ended from its row. A stop request or (for 'stop' waves) a failure takes the steps
 * nobody has started back out of the queue; the ones running finish.
 */
export async function runDeploy(ctx: RolloutContext, work: PhaseWork, control: PhaseControl): Promise<PhaseResult> {
  const wave = work.wave;
  const results: ClusterStepResult[] = [];
  const waiting = [...work.clusters];
  const queued = new Set<string>();
  const limit = Math.max(1, wave.parallelism);
  let stopped: StopRequest | undefined;
  let failed = false;
  for (;;) {
    ctx.signal.throwIfAborted();
    if (!stopped) stopped = await control.requested();
    const starting = !stopped && !(failed && wave.onClusterFailure === 'stop');
    if (!starting) {
      waiting.length = 0;
      for (const c of await control.steps.unqueue([...queued])) queued.delete(c);
    } else if (waiting.length && queued.size < limit) {
      const batch = waiting.splice(0, limit - queued.size);
      for (const c of batch) queued.add(c);
      // Rows already done (a driver resumed after a restart) are not queued again: their outcome is read below.
      await control.steps.enqueue(batch);
    }
    for (const f of await control.steps.finished([...queued])) {
      queued.delete(f.clusterName);
      if (f.status === 'COMPLETED') results.push({ cluster: f.clusterName, ok: true });
      else {
        failed = true;
        results.push({ cluster: f.clusterName, ok: false, reason: f.errorMessage ?? f.status.toLowerCase() });
      }
    }
    if (queued.size === 0 && waiting.length === 0) break;
    // Room freed and a cluster waiting: queue it now; otherwise wait for a step to end (its replica wakes this driver).
    if (!(starting && waiting.length && queued.size < limit)) await control.sleep(STEP_CHECK_MS);
  }
  ctx.signal.throwIfAborted();
  return { outcome: { clusters: results }, ...(stopped ? { stopped } : {}) };
}

/** Sample spacing of validation and monitoring periods: ten samples, between 100 ms and 10 s apart. */
const watchInterval = (durationMs: number) => Math.min(10_000, Math.max(100, Math.floor(durationMs / 10)));

/**
 * Canary evaluation: every `intervalMs`, one health sample of each cluster deployed so far,
 * until the period ends. Stops early once the threshold can no longer be reached.
 */
export async function runEvaluate(ctx: RolloutContext, work: PhaseWork, cursor: Cursor, control: PhaseControl): Promise<PhaseResult> {
  const evaluation = work.wave.evaluation!;
  const deadline = Date.now() + remainingMs(work, cursor, new Date());
  const counts = { ...(control.savedSamples() ?? { healthy: 0, total: 0 }) };
  const expected = evaluation.rounds * work.clusters.length;
  for (let _round = 0; ; _round++) {
    const request = await control.requested();
    if (request) return { outcome: { samples: counts }, stopped: request };
    const samples = await Promise.all(work.clusters.map((c) => sampleCluster(ctx, c)));
    counts.total += samples.length;
    counts.healthy += samples.filter((s) => s.healthy).length;
    await control.saveSamples(counts);
    if (canaryStageCannotPass(counts, expected, evaluation.successThreshold)) break;
    if (Date.now() + evaluation.intervalMs > deadline) break;
    await control.sleep(Math.min(evaluation.intervalMs, Math.max(0, deadline - Date.now())));
    ctx.signal.throwIfAborted();
  }
  return { outcome: { samples: counts } };
}

/**
 * Validation (and Blue-Green monitoring): watch the wave's clusters for the period; a
 * clear failure, or three unhealthy samples in a row, fails the cluster.
 */
export async function runWatch(
  ctx: RolloutContext,
  work: PhaseWork,
  cursor: Cursor,
  control: PhaseControl,
  /** One health sample of a cluster; default: its current release (Blue-Green passes the color under test). */
  sample: (cluster: string) => Promise<HealthSample> = (cluster) => sampleCluster(ctx, cluster),
): Promise<PhaseResult> {
  const deadline = Date.now() + remainingMs(work, cursor, new Date());
  const interval = watchInterval(work.durationMs);
  const streak = new Map<string, number>();
  const failed = new Map<string, string>();
  for (;;) {
    const request = await control.requested();
    if (request) return { outcome: {}, stopped: request };
    const watched = work.clusters.filter((c) => !failed.has(c));
    const samples = await Promise.all(watched.map(async (c) => [c, await sample(c)] as const));
    for (const [cluster, s] of samples) {
      const bad = s.healthy ? 0 : (streak.get(cluster) ?? 0) + 1;
      streak.set(cluster, bad);
      if (s.failed || bad >= 3) failed.set(cluster, s.message);
    }
    if (Date.now() >= deadline || failed.size === work.clusters.length) break;
    await control.sleep(Math.min(interval, deadline - Date.now()));
    ctx.signal.throwIfAborted();
  }
  return { outcome: { clusters: work.clusters.map((c) => (failed.has(c) ? { cluster: c, ok: false, reason: failed.get(c) } : { cluster: c, ok: true })) } };
}

export async function runPause(ctx: RolloutContext, work: PhaseWork, cursor: Cursor, control: PhaseControl): Promise<PhaseResult> {
  const deadline = Date.now() + remainingMs(work, cursor, new Date());
  while (Date.now() < deadline) {
    const request = await control.requested();
    if (request) return { outcome: {}, stopped: request };
    await control.sleep(deadline - Date.now());
    ctx.signal.throwIfAborted();
  }
  return { outcome: {} };
}
