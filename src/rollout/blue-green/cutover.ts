// Blue-Green switch and switch back on one cluster (the plan is switch-plan.ts):
//   1. scale the incoming color up (on a switch back: to the replica counts saved before
//      it was scaled down) and wait until its workloads are ready;
//   2. point the webhook configurations / APIServices at it (server-side apply of the one
//      live object per name) and CRD conversion webhooks (merge patches);
//   3. scale the outgoing color down (merge patches; DaemonSets parked).
// Nothing is re-applied from manifests: a switch back only scales and re-points, so the
// old color's pods come back from the same ReplicaSets with the same template.
//
// The forward switch records the new color's release and schedules the old color's
// retirement in one transaction; the switch back records the old color's release again
// and removes the failed color (a retirement due at once). Either records the health of
// the release as sampled once traffic has moved (sampleCluster, src/rollout/cluster-step.ts).
import type { Prisma, Release } from '../../generated/prisma/client.ts';
import { applyManifests } from '../../kube/apply/executor.ts';
import { inventoryOf, refOf } from '../../kube/apply/inventory.ts';
import { pruneObjects } from '../../kube/apply/prune-executor.ts';
import type { KubeClient } from '../../kube/client.ts';
import { isKubeError } from '../../kube/errors.ts';
import { mergePatch } from '../../kube/patch.ts';
import { subjectOf } from '../../kube/types.ts';
import { waitForHealthy } from '../../kube/health/wait-healthy.ts';
import { clusterEvent, clusterOf, clusterRow, describeError, type ClusterStepResult, type RolloutContext } from '../cluster-context.ts';
import { sampleOfWait, type HealthSample } from '../health.ts';
import { inventoryOfRelease, markRolledBack, nextRevision, recordRelease, refreshOperatorVersion, releaseAt } from '../../persistence/releases.ts';
import { sampleCluster } from '../cluster-step.ts';
import { retirementDueAt } from './plan.ts';
import { keepOldColor, scheduleRetirement } from './retirement.ts';
import { colorInventory, colorsOf, retirementSubject, saveColors, servingVariant, targetVariant, type ClusterColors } from './state.ts';
import type { ColorVariant } from './manifests.ts';
import { planSwitch, retirementRefs, workloadsOf, type MergePatch } from './switch-plan.ts';
import type { BlueGreenWave } from '../strategies/types.ts';

const SCALED_KINDS = new Set(['Deployment', 'StatefulSet', 'ReplicaSet']);

/** Live spec.replicas of a color's scalable workloads, by subject (what a switch back restores). */
async function readReplicas(client: KubeClient, variant: ColorVariant, signal: AbortSignal): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const w of workloadsOf(variant.install).filter((o) => SCALED_KINDS.has(o.kind))) {
    const live = await client.get(refOf(w), { signal });
    if (live) counts[subjectOf(w)] = typeof live.spec?.replicas === 'number' ? live.spec.replicas : 1;
  }
  return counts;
}

async function patchAll(client: KubeClient, patches: readonly MergePatch[], signal: AbortSignal, { missingOk = false } = {}): Promise<void> {
  for (const p of patches) {
    try {
      await mergePatch(client, p.ref, p.patch, { signal });
    } catch (err) {
      if (missingOk && isKubeError(err) && err.kind === 'NOT_FOUND') continue;
      throw new Error(`${p.subject}: ${describeError(err)}`);
    }
  }
}

/** Moves service from `outgoing` to `incoming` (steps 1–3 above); throws with a sentence on failure. */
async function moveTraffic(
  ctx: RolloutContext,
  client: KubeClient,
  incoming: ColorVariant,
  outgoing: ColorVariant | undefined,
  replicas?: Record<string, number>,
): Promise<string> {
  const plan = planSwitch({ to: incoming, from: outgoing ?? { namespace: incoming.namespace, install: [] }, ...(replicas ? { replicas } : {}) });
  await patchAll(client, plan.scaleUp, ctx.signal);
  const workloads = inventoryOf(workloadsOf(incoming.install));
  const ready = sampleOfWait(
    await waitForHealthy(client, workloads, { namespace: incoming.namespace, timeoutMs: ctx.deps.settings.healthTimeoutMs, signal: ctx.signal }),
  );
  if (!ready.healthy) throw new Error(`${incoming.color} did not become ready: ${ready.message}`);
  if (plan.route.length) {
    const routed = await applyManifests(client, plan.route, { operatorName: ctx.operator.name, namespace: incoming.namespace, signal: ctx.signal });
    if (routed.error) throw new Error(`re-pointing webhooks at ${incoming.color}: ${describeError(routed.error)}`);
  }
  await patchAll(client, plan.conversion, ctx.signal);
  await patchAll(client, plan.scaleDown, ctx.signal, { missingOk: true });
  const scaled = plan.scaleUp.map(
    (p) => `${p.subject}${typeof (p.patch.spec as { replicas?: number })?.replicas === 'number' ? `=${(p.patch.spec as { replicas: number }).replicas}` : ''}`,
  );
  return [
    `${scaled.length} ${incoming.color} workload(s) up (${scaled.join(', ') || 'none'})`,
    plan.route.length ? `${plan.route.length} webhook configuration(s)/APIService(s) point at ${incoming.namespace}` : 'no webhook configurations to re-point',
    plan.conversion.length ? `${plan.conversion.length} CRD conversion webhook(s) re-pointed` : '',
    outgoing ? `${plan.scaleDown.length} ${outgoing.color} workload(s) scaled down` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

/** Switches one cluster to the color this deployment installed, records its release and schedules the old color's retirement. */
export async function switchCluster(ctx: RolloutContext, clusterName: string, wave: BlueGreenWave): Promise<ClusterStepResult> {
  const { deps, deployment, operator } = ctx;
  const row = await clusterRow(ctx, clusterName);
  if (row.status === 'COMPLETED') return { cluster: clusterName, ok: true };
  try {
    let colors = await colorsOf(deps.prisma, deployment.id, clusterName);
    if (!colors) throw new Error('no color was installed on this cluster');
    const { from, to } = colors;
    const client = await deps.kube.get(clusterName);
    const incoming = await targetVariant(ctx, client, wave, colors);
    const outgoing = from ? await servingVariant(ctx, client, wave, from) : undefined;
    // Saved once, before anything is scaled down: a re-run after a crash must not read the zeros.
    if (outgoing && !colors.savedReplicas)
      colors = await saveColors(deps.prisma, deployment.id, clusterName, { savedReplicas: await readReplicas(client, outgoing, ctx.signal) });
    await clusterEvent(
      ctx,
      clusterName,
      'DEPLOYING',
      `${clusterName}: switching from ${from ? `${from.color} (${from.version})` : 'nothing'} to ${to.color} (${deployment.targetVersion})`,
    );
    const summary = await moveTraffic(ctx, client, incoming, outgoing);
    const inventory = colorInventory(incoming, { routed: true });
    const health = await sampleCluster(ctx, clusterName, { inventory, namespace: to.namespace });

    const now = new Date();
    const dueAt = retirementDueAt(now, wave);
    const saved = Object.entries(colors.savedReplicas ?? {})
      .map(([s, n]) => `${s}=${n}`)
      .join(', ');
    await deps.store.commit(
      deployment.id,
      {
        clusters: { [clusterName]: { status: 'COMPLETED', completedAt: now, releaseRevision: to.revision, errorMessage: null } },
        events: [
          {
            clusterName,
            status: 'COMPLETED',
            message: `${clusterName}: switched to ${to.color} (${deployment.targetVersion}, revision ${to.revision}): ${summary}${saved ? `; saved ${from!.color} replicas ${saved}` : ''}${from ? `; ${from.color} is kept scaled down until ${dueAt.toISOString()}, then retired` : ''}${healthNote(health)}`,
            progress: ctx.progress(),
          },
        ],
      },
      async (tx) => {
        await recordRelease(tx, {
          operatorId: operator.id,
          operatorName: operator.name,
          clusterId: clusterOf(ctx, clusterName).id,
          clusterName,
          version: deployment.targetVersion,
          revision: to.revision,
          namespace: to.namespace,
          inventory,
          manifestDigest: ctx.target.digest,
          values: ctx.values,
          deploymentId: deployment.id,
          health: health.status,
          healthMessage: health.message,
          color: to.color,
        });
        await refreshOperatorVersion(tx, operator.id);
        await saveColors(tx, deployment.id, clusterName, { switchedAt: now.toISOString() });
        if (from && outgoing) {
          const payload = {
            operatorId: operator.id,
            operatorName: operator.name,
            clusterId: clusterOf(ctx, clusterName).id,
            clusterName,
            color: from.color,
            namespace: from.namespace,
            version: from.version,
            refs: retirementRefs(outgoing),
          };
          await scheduleRetirement(tx, { subject: retirementSubject(operator.name, clusterName, from.color), deploymentId: deployment.id, dueAt, payload });
        }
      },
    );
    return { cluster: clusterName, ok: true };
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    const reason = `switch failed: ${describeError(err)}`;
    await clusterEvent(ctx, clusterName, 'FAILED', `${clusterName}: ${reason}`, { errorMessage: reason });
    return { cluster: clusterName, ok: false, reason };
  }
}

/**
 * Gives service back to the color that served before this deployment, without
 * redeploying it. Fails (ok: false) when that color was already retired — then only the
 * normal rollback (re-applying the previous release) can restore it.
 */
export async function switchBackCluster(ctx: RolloutContext, clusterName: string, wave: BlueGreenWave, why: string): Promise<ClusterStepResult> {
  const { deps, deployment, operator } = ctx;
  const row = await clusterRow(ctx, clusterName);
  if (row.status === 'ROLLED_BACK') return { cluster: clusterName, ok: true };
  const colors = await colorsOf(deps.prisma, deployment.id, clusterName);
  if (!colors) return { cluster: clusterName, ok: true };
  const { from, to } = colors;
  const clusterId = clusterOf(ctx, clusterName).id;
  try {
    const client = await deps.kube.get(clusterName);
    const failed = await targetVariant(ctx, client, wave, colors);
    if (!from) return await removeFirstInstallation(ctx, client, clusterName, failed, colors, why);
    if (
      (await keepOldColor(deps.prisma, retirementSubject(operator.name, clusterName, from.color), deployment.id, `switching back (${why})`, ctx.signal)) ===
      'retired'
    ) {
      return { cluster: clusterName, ok: false, reason: `${from.color} (${from.version}) was already retired, so it cannot serve again without redeploying` };
    }
    const restored = await servingVariant(ctx, client, wave, from);
    await clusterEvent(ctx, clusterName, 'ROLLING_BACK', `${clusterName}: switching back to ${from.color} (${from.version}): ${why}`);
    const summary = await moveTraffic(ctx, client, restored, failed, colors.savedReplicas);
    // Sampled over what the release recorded below tracks: the old color's inventory, serving again.
    const previous = colors.switchedAt ? await releaseAt(deps.prisma, operator.id, clusterId, from.revision) : null;
    const health = colors.switchedAt
      ? await sampleCluster(ctx, clusterName, { inventory: inventoryOfRelease(previous), namespace: from.namespace })
      : undefined;
    const now = new Date();
    await deps.store.commit(
      deployment.id,
      {
        clusters: { [clusterName]: { status: 'ROLLED_BACK', completedAt: now } },
        events: [
          {
            clusterName,
            status: 'ROLLED_BACK',
            message: `${clusterName}: switched back to ${from.color} (${from.version}) without redeploying — service restored: ${summary}; ${to.color} is removed${health ? healthNote(health) : ''}`,
            progress: ctx.progress(),
          },
        ],
      },
      async (tx) => {
        if (health) await recordSwitchBack(tx, ctx, clusterName, clusterId, from, previous, health);
        await saveColors(tx, deployment.id, clusterName, { switchedBackAt: now.toISOString() });
        const payload = {
          operatorId: operator.id,
          operatorName: operator.name,
          clusterId,
          clusterName,
          color: to.color,
          namespace: to.namespace,
          version: deployment.targetVersion,
          refs: retirementRefs(failed),
        };
        await scheduleRetirement(tx, { subject: retirementSubject(operator.name, clusterName, to.color), deploymentId: deployment.id, dueAt: now, payload });
      },
    );
    return { cluster: clusterName, ok: true };
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    const reason = `switch back failed: ${describeError(err)}`;
    await clusterEvent(ctx, clusterName, 'FAILED', `${clusterName}: ${reason}`, { errorMessage: reason });
    return { cluster: clusterName, ok: false, reason };
  }
}

/** What an event adds when the sample taken after moving traffic was not healthy (monitoring decides what follows). */
const healthNote = (health: HealthSample) => (health.healthy ? '' : `; not healthy after the switch: ${health.message}`);

/** The old color's release (`previous`), current again under a new revision with the health sampled after the switch back (the failed one becomes ROLLED_BACK). */
async function recordSwitchBack(
  tx: Prisma.TransactionClient,
  ctx: RolloutContext,
  clusterName: string,
  clusterId: string,
  from: NonNullable<ClusterColors['from']>,
  previous: Release | null,
  health: HealthSample,
): Promise<void> {
  const { operator, deployment } = ctx;
  await recordRelease(
    tx,
    {
      operatorId: operator.id,
      operatorName: operator.name,
      clusterId,
      clusterName,
      version: from.version,
      revision: await nextRevision(tx, operator.id, clusterId),
      namespace: from.namespace,
      inventory: inventoryOfRelease(previous),
      manifestDigest: from.manifestDigest,
      values: (previous?.values ?? {}) as Record<string, unknown>,
      deploymentId: deployment.id,
      health: health.status,
      healthMessage: health.message,
      color: previous?.color ?? null,
    },
    'ROLLED_BACK',
  );
  await refreshOperatorVersion(tx, operator.id);
}

/** Nothing served before this deployment: "switching back" removes what it installed and routed (never CRDs). */
async function removeFirstInstallation(
  ctx: RolloutContext,
  client: KubeClient,
  clusterName: string,
  failed: ColorVariant,
  colors: ClusterColors,
  why: string,
): Promise<ClusterStepResult> {
  const { deps, deployment, operator } = ctx;
  const refs = inventoryOf([...retirementRefs(failed), ...failed.routing]);
  const run = await pruneObjects(client, refs, [], { operatorName: operator.name, concurrency: 4, signal: ctx.signal, record: () => {} });
  if (run.error) throw run.error;
  await deps.store.commit(
    deployment.id,
    {
      clusters: { [clusterName]: { status: 'ROLLED_BACK', completedAt: new Date() } },
      events: [
        {
          clusterName,
          status: 'ROLLED_BACK',
          message: `${clusterName}: removed ${colors.to.color} (nothing served before it; CRDs kept): ${why}`,
          progress: ctx.progress(),
        },
      ],
    },
    async (tx) => {
      await markRolledBack(tx, { deploymentId: deployment.id, clusterName });
      await refreshOperatorVersion(tx, operator.id);
      await saveColors(tx, deployment.id, clusterName, { switchedBackAt: new Date().toISOString() });
    },
  );
  return { cluster: clusterName, ok: true };
}
