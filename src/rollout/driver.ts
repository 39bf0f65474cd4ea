// Drives one deployment from what the database says until it ends, waits for people, or
// the engine stops. Every transition is committed (with its events) before the next step,
// so a restarted engine continues from the last committed step.
import type { Cluster, Deployment, Operator, Prisma } from '../generated/prisma/client.ts';
import { isTerminal } from '../domain/model.ts';
import type { RolloutContext } from './cluster-context.ts';
import { rollbackCluster } from './cluster-step.ts';
import type { EngineDeps, NewEvent } from './ports.ts';
import { rollbackBlueGreenCluster, runBlueGreenPhase } from './blue-green/phases.ts';
import { runDeploy, runEvaluate, runPause, runWatch, type PhaseControl, type PhaseResult } from './phases.ts';
import { describePosition, isStuck, trackProgress, type ProgressTrack } from './no-progress.ts';
import { mergeValues, type Renderer } from './render.ts';
import { decisionAt, nextStep, progressAt, startCursor, type Cursor, type RolloutFailure } from './strategies/cursor.ts';
import { planRollout } from './strategies/plan.ts';
import { fromStoredStrategyConfig } from './strategies/stored-config.ts';
import type { RolloutPlan } from './strategies/types.ts';
import type { StepQueue } from './step-queue.ts';

interface EngineState {
  cursor?: Cursor;
  /** Canary samples of the wave under the cursor, kept across restarts. */
  samples?: { waveIndex: number; healthy: number; total: number };
  /** Blue-Green, per cluster: colors, saved replica counts, switch times (written by blue-green/state.ts while phases run). */
  blueGreen?: Record<string, unknown>;
}

const stateOf = (d: Deployment): EngineState => (d.engineState ?? {}) as EngineState;
const json = (v: unknown) => v as Prisma.InputJsonValue;
const TIMED_PHASES = new Set(['evaluate', 'validate', 'monitor']);

export interface DriverOptions {
  deps: EngineDeps;
  renderer: Renderer;
  signal: AbortSignal;
  /** Resolves when something for this deployment happened (a request, a step ended), or after `ms`. */
  waitForWake(deploymentId: string, ms: number, signal: AbortSignal): Promise<void>;
  /** Where cluster steps are queued for the replicas' step workers. */
  steps: StepQueue;
}

export async function driveDeployment(id: string, o: DriverOptions): Promise<void> {
  const { deps } = o;
  // Passes at the same position without a wait in between are a loop (see no-progress.ts).
  let track: ProgressTrack | undefined;
  let waited = false;
  const opts: DriverOptions = {
    ...o,
    waitForWake: (deploymentId, ms, signal) => {
      waited = true;
      return o.waitForWake(deploymentId, ms, signal);
    },
  };
  for (;;) {
    o.signal.throwIfAborted();
    const loaded = await loadRollout(id, deps);
    if (!loaded || isTerminal(loaded.deployment.status) || loaded.deployment.status === 'PENDING_APPROVAL') return;
    const { deployment: d, plan } = loaded;
    const at = stateOf(d).cursor ?? (plan.waves.length ? startCursor(plan) : undefined);
    track = trackProgress(
      track,
      { status: d.status, ...(at ? { cursor: { waveIndex: at.waveIndex, phase: at.phase } } : {}), requestedAction: d.requestedAction },
      waited,
    );
    waited = false;
    if (isStuck(track)) return failStuck(d, track, plan, o);

    if (d.status === 'PLANNING') {
      if (!(await plan_(loaded, o))) return;
      continue;
    }
    const ctx = await contextFor(loaded, o);
    if (!ctx) return;
    if (d.status === 'ROLLING_BACK') return rollBack(ctx, d);
    if (d.requestedAction === 'ROLLBACK') {
      await deps.store.commit(id, {
        deployment: { status: 'ROLLING_BACK' },
        events: [{ status: 'ROLLING_BACK', message: `rolling back: ${d.rollbackReason ?? 'requested'}`, progress: ctx.progress() }],
      });
      continue;
    }
    if (d.requestedAction === 'CANCEL') return finishCancel(ctx, d);
    const state = stateOf(d);
    const cursor = state.cursor ?? startCursor(plan);
    const decision = decisionAt(plan, cursor);
    if (decision.kind === 'done') return complete(ctx, d, plan);
    if (decision.kind === 'failed') {
      await fail(ctx, d, decision.failure);
      continue;
    }
    const result = await runPhase(ctx, decision.work, cursor, d, opts);
    if (result.stopped === 'CANCEL') return finishCancel(ctx, d);
    if (result.stopped === 'ROLLBACK') continue;
    const next = nextStep(plan, cursor, result.outcome, { now: new Date() });
    const events: NewEvent[] = [];
    const status = next.kind === 'run' && TIMED_PHASES.has(next.cursor.phase) ? 'VALIDATING' : 'DEPLOYING';
    if (next.kind === 'run') {
      const w = next.work;
      const what = {
        deploy: 'deploying',
        evaluate: 'evaluating health',
        validate: 'validating',
        monitor: 'monitoring',
        pause: 'pausing',
        'await-switch': 'waiting for the switch',
        switch: 'switching',
        'switch-back': 'switching back',
      }[w.phase];
      events.push({
        status,
        message: `${w.wave.label}: ${what}${w.durationMs ? ` for ${Math.round(w.durationMs / 100) / 10} s` : ''} (${w.clusters.join(', ')})`,
        progress: progressAt(plan, next.cursor),
      });
    }
    // Blue-Green phases persist their per-cluster state while they run: keep what they wrote.
    const { blueGreen } = (await deps.prisma.deployment.findUniqueOrThrow({ where: { id }, select: { engineState: true } })).engineState as EngineState;
    await deps.store.commit(id, { deployment: { status, engineState: json({ ...state, ...(blueGreen ? { blueGreen } : {}), cursor: next.cursor }) }, events });
  }
}

/** Ends a deployment the driver could not move on: FAILED, saying where, and an error in the log. */
async function failStuck(d: Deployment, track: ProgressTrack, plan: RolloutPlan, o: DriverOptions): Promise<void> {
  const { position, repeats } = track;
  const waveLabel = position.cursor ? plan.waves[position.cursor.waveIndex]?.label : undefined;
  const reason = `the engine made no progress: ${repeats} passes in a row, with no wait in between, found the deployment at the same position (${describePosition(position, waveLabel)}), so it was stopped`;
  // The engine's logger for a driver already names the deployment (engine.ts).
  o.deps.log.error({ position, repeats }, `deployment made no progress; failing it: ${reason}`);
  await o.deps.store.commit(d.id, {
    deployment: { status: 'FAILED', errorMessage: reason, completedAt: new Date(), requestedAction: null },
    events: [{ status: 'FAILED', message: reason }],
  });
}

/** A deployment as the engine works on it: its row, operator, target clusters and plan. */
interface LoadedRollout {
  deployment: Deployment;
  operator: Operator;
  /** Target clusters that still exist, by name. */
  clusters: Map<string, Cluster>;
  plan: RolloutPlan;
  /** Renders the target version (memoised by the renderer) into what cluster steps work with; throws when it cannot. */
  context(renderer: Renderer, signal: AbortSignal): Promise<RolloutContext>;
}

/** Reads a deployment and what its steps need (the driver on every pass, step workers once per deployment); undefined when it is gone. */
export async function loadRollout(id: string, deps: EngineDeps): Promise<LoadedRollout | undefined> {
  const d = await deps.prisma.deployment.findUnique({ where: { id } });
  if (!d) return undefined;
  const operator = await deps.prisma.operator.findUniqueOrThrow({ where: { id: d.operatorId } });
  const clusters = new Map((await deps.prisma.cluster.findMany({ where: { name: { in: d.targetClusters } } })).map((c) => [c.name, c]));
  const plan = planRollout(
    fromStoredStrategyConfig(d.strategyConfig),
    d.targetClusters.filter((n) => clusters.has(n)).map((n) => ({ name: n, environment: clusters.get(n)!.environment })),
  );
  return {
    deployment: d,
    operator,
    clusters,
    plan,
    async context(renderer, signal) {
      const values = mergeValues(operator.defaultValues, d.helmValues);
      const target = await renderer.render(operator, d.targetVersion, values);
      return {
        deps,
        renderer,
        deployment: d,
        operator,
        clusters,
        target,
        values,
        signal,
        progress: () => progressAt(plan, stateOf(d).cursor ?? startCursor(plan)),
      };
    },
  };
}

async function contextFor(loaded: LoadedRollout, o: DriverOptions): Promise<RolloutContext | undefined> {
  const { deployment: d, operator } = loaded;
  try {
    return await loaded.context(o.renderer, o.signal);
  } catch (err) {
    if (o.signal.aborted) throw err;
    const reason = `could not render ${operator.name} ${d.targetVersion}: ${(err as Error).message}`;
    await o.deps.store.commit(d.id, {
      deployment: { status: 'FAILED', errorMessage: reason, completedAt: new Date(), requestedAction: null },
      events: [{ status: 'FAILED', message: reason, progress: 0 }],
    });
    return undefined;
  }
}

/** Planning: render the target once (a bad version fails here, before any cluster is touched), then start. */
async function plan_(loaded: LoadedRollout, o: DriverOptions): Promise<boolean> {
  const { deployment: d, clusters, plan } = loaded;
  if (d.requestedAction === 'CANCEL') {
    await o.deps.store.commit(d.id, {
      deployment: { status: 'CANCELLED', completedAt: new Date(), requestedAction: null },
      events: [{ status: 'CANCELLED', message: 'cancelled before any cluster was touched', progress: 0 }],
    });
    return false;
  }
  const ctx = await contextFor(loaded, o);
  if (!ctx) return false;
  // CRD safety (docs/crd-safety.md): records the target's CRDs, checks every target cluster; a breaking change waits for approval.
  if (o.deps.crdGate && !(await o.deps.crdGate.beforeRollout(d, ctx.target, o.signal))) return false;
  const missing = d.targetClusters.filter((n) => !clusters.has(n));
  const waves = plan.waves.map((w) => `${w.label}: ${w.clusters.join(', ')}`).join('; ');
  const cursor = { ...startCursor(plan), since: new Date().toISOString() };
  await o.deps.store.commit(d.id, {
    deployment: { status: 'DEPLOYING', startedAt: d.startedAt ?? new Date(), manifestDigest: ctx.target.digest, engineState: json({ cursor }) },
    clusters: Object.fromEntries(missing.map((n) => [n, { status: 'SKIPPED', errorMessage: 'cluster was deleted' }])),
    events: [
      ...(ctx.target.warnings ?? []).map((w) => ({ status: 'DEPLOYING', message: `warning: ${w}` })),
      { status: 'DEPLOYING', message: `rollout started (${plan.strategy}, ${ctx.target.objects.length} objects): ${waves}`, progress: 0 },
    ],
  });
  return true;
}

async function runPhase(
  ctx: RolloutContext,
  work: NonNullable<ReturnType<typeof decisionAt> & { kind: 'run' }>['work'],
  cursor: Cursor,
  d: Deployment,
  o: DriverOptions,
): Promise<PhaseResult> {
  const state = stateOf(d);
  const control: PhaseControl = {
    requested: async () => {
      const now = await o.deps.prisma.deployment.findUnique({ where: { id: d.id }, select: { requestedAction: true } });
      // PROMOTE (allow a Blue-Green switch) is not a stop request: await-switch consumes it.
      return now?.requestedAction === 'CANCEL' || now?.requestedAction === 'ROLLBACK' ? now.requestedAction : undefined;
    },
    sleep: (ms) => o.waitForWake(d.id, ms, o.signal),
    saveSamples: async (samples) => {
      await o.deps.prisma.deployment.update({
        where: { id: d.id },
        data: { engineState: json({ ...state, samples: { waveIndex: cursor.waveIndex, ...samples } }) },
      });
    },
    savedSamples: () => (state.samples?.waveIndex === cursor.waveIndex ? { healthy: state.samples.healthy, total: state.samples.total } : undefined),
    steps: {
      enqueue: async (clusters) => {
        if ((await o.steps.enqueue(d.id, clusters)).length) o.deps.events.publish('stepsQueued', { deploymentId: d.id });
      },
      unqueue: (clusters) => o.steps.unqueue(d.id, clusters),
      finished: (clusters) => o.steps.finished(d.id, clusters),
    },
  };
  if (work.wave.blueGreen) return runBlueGreenPhase(ctx, work, cursor, control);
  switch (work.phase) {
    case 'deploy':
      return runDeploy(ctx, work, control);
    case 'evaluate':
      return runEvaluate(ctx, work, cursor, control);
    case 'validate':
    case 'monitor':
      return runWatch(ctx, work, cursor, control);
    case 'pause':
      return runPause(ctx, work, cursor, control);
    default:
      return { outcome: { error: `phase ${work.phase} is not supported by this engine version` } };
  }
}

async function pendingToSkipped(ctx: RolloutContext): Promise<Record<string, Prisma.ClusterDeploymentUpdateInput>> {
  const rows = await ctx.deps.prisma.clusterDeployment.findMany({
    where: { deploymentId: ctx.deployment.id, status: 'PENDING' },
    select: { clusterName: true },
  });
  return Object.fromEntries(rows.map((r) => [r.clusterName, { status: 'SKIPPED' }]));
}

async function complete(ctx: RolloutContext, d: Deployment, plan: RolloutPlan): Promise<void> {
  await ctx.deps.store.commit(d.id, {
    deployment: { status: 'COMPLETED', completedAt: new Date(), requestedAction: null },
    events: [{ status: 'COMPLETED', message: `${ctx.operator.name} ${d.targetVersion} is running on ${plan.clusters.length} cluster(s)`, progress: 1 }],
  });
}

async function finishCancel(ctx: RolloutContext, d: Deployment): Promise<void> {
  const skipped = await pendingToSkipped(ctx);
  const done = await ctx.deps.prisma.clusterDeployment.count({ where: { deploymentId: d.id, status: 'COMPLETED' } });
  await ctx.deps.store.commit(d.id, {
    deployment: { status: 'CANCELLED', completedAt: new Date(), requestedAction: null, errorMessage: 'cancelled on request' },
    clusters: skipped,
    events: [
      {
        status: 'CANCELLED',
        message: `cancelled: ${done} cluster(s) completed before the stop, ${Object.keys(skipped).length} not started`,
        progress: ctx.progress(),
      },
    ],
  });
}

async function fail(ctx: RolloutContext, d: Deployment, failure: RolloutFailure): Promise<void> {
  const skipped = await pendingToSkipped(ctx);
  const changed = await ctx.deps.prisma.clusterDeployment.count({ where: { deploymentId: d.id, changed: true } });
  if (d.autoRollbackEnabled && changed > 0) {
    await ctx.deps.store.commit(d.id, {
      deployment: { status: 'ROLLING_BACK', errorMessage: failure.reason, rollbackReason: `automatic: ${failure.reason}` },
      clusters: skipped,
      events: [
        { status: 'ROLLING_BACK', message: `${failure.reason}; rolling back the ${changed} cluster(s) this deployment changed`, progress: ctx.progress() },
      ],
    });
    return;
  }
  await ctx.deps.store.commit(d.id, {
    deployment: { status: 'FAILED', errorMessage: failure.reason, completedAt: new Date(), requestedAction: null },
    clusters: skipped,
    events: [
      {
        status: 'FAILED',
        message: `${failure.reason}${d.autoRollbackEnabled ? '' : ' (automatic rollback is off: clusters stay as they are)'}`,
        progress: ctx.progress(),
      },
    ],
  });
}

/** Rolls back every cluster this deployment changed; ends ROLLED_BACK, or FAILED when a cluster could not be rolled back. */
async function rollBack(ctx: RolloutContext, d: Deployment): Promise<void> {
  const rows = await ctx.deps.prisma.clusterDeployment.findMany({
    where: { deploymentId: d.id, changed: true },
    orderBy: [{ wave: 'desc' }, { position: 'desc' }],
  });
  const results = [];
  const rollbackOne = d.strategy === 'BLUE_GREEN' ? rollbackBlueGreenCluster : rollbackCluster;
  for (const row of rows) results.push(await rollbackOne(ctx, row.clusterName));
  const skipped = await pendingToSkipped(ctx);
  const failed = results.filter((r) => !r.ok);
  const summary = `${results.length - failed.length} of ${results.length} changed cluster(s) rolled back`;
  await ctx.deps.store.commit(d.id, {
    deployment: failed.length
      ? {
          status: 'FAILED',
          completedAt: new Date(),
          requestedAction: null,
          errorMessage: `${d.errorMessage ? `${d.errorMessage}; ` : ''}rollback incomplete: ${failed.map((f) => `${f.cluster} (${f.reason})`).join(', ')}`,
        }
      : { status: 'ROLLED_BACK', completedAt: new Date(), rolledBackAt: new Date(), requestedAction: null },
    clusters: skipped,
    events: [{ status: failed.length ? 'FAILED' : 'ROLLED_BACK', message: `${summary}${d.rollbackReason ? ` (${d.rollbackReason})` : ''}`, progress: 1 }],
  });
}
