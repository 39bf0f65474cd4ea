// The phases of a Blue-Green wave as the driver runs them (state machine: strategies/cursor.ts):
//   deploy        install the next color beside the serving one (install.ts)
//   validate      watch the color under test, not the current release
//   await-switch  (autoSwitch false) wait until promoteDeployment allows the switch
//   switch        move service to the new color (cutover.ts)
//   monitor       watch the new color; a failure leads to switch-back
//   switch-back   give service back to the old color, without redeploying
// and the rollback of one cluster of a Blue-Green deployment (rollbackBlueGreenCluster).
import { clusterEvent, clusterRow, describeError, type ClusterStepResult, type RolloutContext } from '../cluster-context.ts';
import { rollbackCluster, sampleCluster } from '../cluster-step.ts';
import type { HealthSample } from '../health.ts';
import { runPause, runWatch, type PhaseControl, type PhaseResult } from '../phases.ts';
import { installColor, removeUnswitchedColor } from './install.ts';
import { switchBackCluster, switchCluster } from './cutover.ts';
import { colorInventory, colorsOf, targetVariant } from './state.ts';
import type { Cursor, PhaseWork } from '../strategies/cursor.ts';
import { fromStoredStrategyConfig } from '../strategies/stored-config.ts';
import type { BlueGreenWave } from '../strategies/types.ts';

/** How often await-switch looks for a promotion without a wake-up (promoteDeployment wakes it at once). */
const AWAIT_SWITCH_POLL_MS = 5_000;
/** Requested action that allows a waiting switch (set by promoteDeployment). */
const PROMOTE = 'PROMOTE';

export async function runBlueGreenPhase(ctx: RolloutContext, work: PhaseWork, cursor: Cursor, control: PhaseControl): Promise<PhaseResult> {
  const wave = work.wave.blueGreen!;
  const stepEach = async (step: (cluster: string) => Promise<ClusterStepResult>): Promise<PhaseResult> => {
    const results: ClusterStepResult[] = [];
    for (const cluster of work.clusters) results.push(await step(cluster));
    return { outcome: { clusters: results } };
  };
  let result: PhaseResult;
  switch (work.phase) {
    case 'deploy': {
      const request = await control.requested();
      result = request ? { outcome: {}, stopped: request } : await stepEach((c) => installColor(ctx, c, wave));
      break;
    }
    case 'validate':
    case 'monitor':
      result = await runWatch(ctx, work, cursor, control, colorSampler(ctx, wave));
      break;
    case 'await-switch':
      result = await awaitSwitch(ctx, work, control);
      break;
    case 'switch':
      // Not interruptible: a half-done switch is worse than a finished one (a failure switches back).
      return stepEach((c) => switchCluster(ctx, c, wave));
    case 'switch-back':
      return stepEach((c) => switchBackCluster(ctx, c, wave, cursor.failure?.reason ?? 'switch or monitoring failed'));
    default:
      return runPause(ctx, work, cursor, control);
  }
  if (result.stopped === 'CANCEL' && work.phase !== 'monitor') await abandonUnswitched(ctx, work.clusters, wave);
  return result;
}

/** Samples of the color this deployment installed: its own and shared objects, plus the routing once switched. */
function colorSampler(ctx: RolloutContext, wave: BlueGreenWave): (cluster: string) => Promise<HealthSample> {
  const subjects = new Map<string, Promise<Parameters<typeof sampleCluster>[2]>>();
  const subjectOf = async (cluster: string) => {
    const colors = await colorsOf(ctx.deps.prisma, ctx.deployment.id, cluster);
    if (!colors) return undefined;
    const variant = await targetVariant(ctx, await ctx.deps.kube.get(cluster), wave, colors);
    return { inventory: colorInventory(variant, { routed: !!colors.switchedAt }), namespace: colors.to.namespace };
  };
  return async (cluster) => {
    let subject = subjects.get(cluster);
    if (!subject) subjects.set(cluster, (subject = subjectOf(cluster)));
    try {
      return await sampleCluster(ctx, cluster, await subject);
    } catch (err) {
      subjects.delete(cluster);
      if (ctx.signal.aborted) throw err;
      return { healthy: false, status: 'UNKNOWN', message: `${cluster}: health not readable: ${describeError(err)}`, failed: false };
    }
  };
}

/** Waits until promoteDeployment allows the switch (consuming the request), or a cancel/rollback arrives. */
async function awaitSwitch(ctx: RolloutContext, work: PhaseWork, control: PhaseControl): Promise<PhaseResult> {
  const { prisma } = ctx.deps;
  await ctx.deps.store.commit(ctx.deployment.id, {
    events: [
      { status: 'DEPLOYING', message: `${work.wave.label}: validated; the switch waits for promoteDeployment (autoSwitch is false)`, progress: ctx.progress() },
    ],
  });
  for (;;) {
    const request = await control.requested();
    if (request) return { outcome: {}, stopped: request };
    const { count } = await prisma.deployment.updateMany({ where: { id: ctx.deployment.id, requestedAction: PROMOTE }, data: { requestedAction: null } });
    if (count > 0) {
      await ctx.deps.store.commit(ctx.deployment.id, {
        events: [{ status: 'DEPLOYING', message: `${work.wave.label}: switch allowed; switching ${work.clusters.join(', ')}`, progress: ctx.progress() }],
      });
      return { outcome: {} };
    }
    await control.sleep(AWAIT_SWITCH_POLL_MS);
    ctx.signal.throwIfAborted();
  }
}

/** A cancel before the switch: the new color never served, so it is removed rather than left running beside the old one. */
async function abandonUnswitched(ctx: RolloutContext, clusters: readonly string[], wave: BlueGreenWave): Promise<void> {
  for (const cluster of clusters) {
    const colors = await colorsOf(ctx.deps.prisma, ctx.deployment.id, cluster);
    if (!colors || colors.switchedAt) continue;
    try {
      const changes = await removeUnswitchedColor(ctx, cluster, wave, colors);
      const deleted = changes.filter((c) => c.action === 'pruned').length;
      await clusterEvent(
        ctx,
        cluster,
        'ROLLED_BACK',
        `${cluster}: cancelled before the switch: removed ${colors.to.color} (${deleted} object(s); CRDs kept); ${colors.from ? `${colors.from.color} kept serving` : 'nothing was installed before'}`,
        { completedAt: new Date() },
      );
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      await clusterEvent(ctx, cluster, 'FAILED', `${cluster}: cancelled before the switch, but removing ${colors.to.color} failed: ${describeError(err)}`, {
        errorMessage: describeError(err),
      });
    }
  }
}

/** The Blue-Green settings of a deployment (rollback has no cursor to read them from). */
function blueGreenSettings(ctx: RolloutContext): BlueGreenWave {
  const config = fromStoredStrategyConfig(ctx.deployment.strategyConfig);
  if (config.strategy !== 'BLUE_GREEN') throw new Error(`deployment ${ctx.deployment.id} is not Blue-Green`);
  return {
    blueNamespace: config.blueNamespace,
    greenNamespace: config.greenNamespace,
    autoSwitch: config.autoSwitch,
    monitoringPeriodMs: config.switchMonitoringPeriodMs,
    retentionPeriodMs: config.retentionPeriodMs,
  };
}

/**
 * Rolls one cluster of a Blue-Green deployment back:
 * - new color installed, never switched to → removed (its own objects; never CRDs);
 * - switched, old color not retired yet → switched back (scale + re-point, no redeploy);
 * - old color already retired (or the switch back failed) → the normal rollback, which
 *   re-applies the previous release's manifests.
 */
export async function rollbackBlueGreenCluster(ctx: RolloutContext, clusterName: string): Promise<ClusterStepResult> {
  const row = await clusterRow(ctx, clusterName);
  if (row.status === 'ROLLED_BACK' || !row.changed) return { cluster: clusterName, ok: true };
  const colors = await colorsOf(ctx.deps.prisma, ctx.deployment.id, clusterName);
  if (!colors) return rollbackCluster(ctx, clusterName);
  const wave = blueGreenSettings(ctx);
  if (!colors.switchedAt) {
    try {
      const changes = await removeUnswitchedColor(ctx, clusterName, wave, colors);
      const deleted = changes.filter((c) => c.action === 'pruned').length;
      const serving = colors.from ? `${colors.from.color} (${colors.from.version}) kept serving throughout` : 'nothing was installed before';
      await clusterEvent(
        ctx,
        clusterName,
        'ROLLED_BACK',
        `${clusterName}: removed ${colors.to.color} (never switched to): ${deleted} object(s) deleted, CRDs kept; ${serving}`,
        { completedAt: new Date() },
      );
      return { cluster: clusterName, ok: true };
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      const reason = `removing ${colors.to.color} failed: ${describeError(err)}`;
      await clusterEvent(ctx, clusterName, 'FAILED', `${clusterName}: ${reason}`, { errorMessage: reason });
      return { cluster: clusterName, ok: false, reason };
    }
  }
  const back = await switchBackCluster(ctx, clusterName, wave, ctx.deployment.rollbackReason ?? 'rollback requested');
  if (back.ok) return back;
  await clusterEvent(ctx, clusterName, 'ROLLING_BACK', `${clusterName}: cannot switch back (${back.reason}); re-applying the previous release instead`);
  return rollbackCluster(ctx, clusterName);
}
