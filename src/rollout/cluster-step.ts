// One cluster of a rollout (docs/rollouts.md): render → preflight → apply → wait healthy → record
// the release; and its rollback. Every step is idempotent, so a step interrupted by a
// crash simply runs again: apply is declarative, and a release this deployment already
// recorded is reused rather than numbered again.
import { setMaxListeners } from 'node:events';
import { checkCluster } from '../crd/objects/cluster.ts';
import { decideCrdRollback, describeCrdRollback, type CrdRollbackDecision } from '../crd/rollback.ts';
import { crdName } from '../crd/structural/crd-schema.ts';
import { crdClusterSource } from '../kube/crds.ts';
import { applyManifests } from '../kube/apply/executor.ts';
import { inventoryOf } from '../kube/apply/inventory.ts';
import { planApply } from '../kube/apply/plan.ts';
import type { KubeClient } from '../kube/client.ts';
import { readOperatorHealth } from '../kube/health/live.ts';
import { isCrd, type KubeObject, type ObjectRef } from '../kube/types.ts';
import { clusterEvent, clusterOf, clusterRow, countActions, describeError, type ClusterStepResult, type RolloutContext } from './cluster-context.ts';
import {
  currentRelease,
  deploymentRelease,
  inventoryOfRelease,
  markRolledBack,
  nextRevision,
  recordRelease,
  refreshOperatorVersion,
  releaseAt,
  stepReleases,
} from '../persistence/releases.ts';
import { waitForHealthy } from '../kube/health/wait-healthy.ts';
import { sampleOfWait, type HealthSample } from './health.ts';

/** The inventory the target version has (or would have) on a cluster: its planned objects. */
function targetInventory(ctx: RolloutContext): ObjectRef[] {
  return planApply(ctx.target.objects, { operatorName: ctx.operator.name, namespace: ctx.operator.namespace }).inventory;
}

/**
 * Preflight of a cluster step: the cluster is still enabled and answers, and (when it could
 * not be read during planning) the target's CRD change is checked against it now.
 */
export async function preflight(ctx: RolloutContext, clusterName: string): Promise<{ client: KubeClient } | { problem: string }> {
  const { deps, deployment } = ctx;
  const fresh = await deps.prisma.cluster.findUnique({ where: { name: clusterName }, select: { isEnabled: true } });
  if (!fresh?.isEnabled) return { problem: 'cluster is disabled or was deleted' };
  let client: KubeClient;
  try {
    client = await deps.kube.get(clusterName);
    await client.version({ signal: ctx.signal });
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    return { problem: `preflight: cluster not reachable: ${describeError(err)}` };
  }
  const crdProblem = await deps.crdGate?.beforeCluster(deployment, clusterName, ctx.target, ctx.signal);
  return crdProblem ? { problem: crdProblem } : { client };
}

/** Deploys the target version to one cluster and waits until the operator is healthy. */
export async function deployCluster(ctx: RolloutContext, clusterName: string, { skipHealthChecks = false } = {}): Promise<ClusterStepResult> {
  const { deps, deployment, operator } = ctx;
  const row = await clusterRow(ctx, clusterName);
  if (row.status === 'COMPLETED') return { cluster: clusterName, ok: true };
  const cluster = clusterOf(ctx, clusterName);
  const fail = async (reason: string): Promise<ClusterStepResult> => {
    await clusterEvent(ctx, clusterName, 'FAILED', `${clusterName}: ${reason}`, { errorMessage: reason, completedAt: new Date() });
    return { cluster: clusterName, ok: false, reason };
  };
  try {
    await clusterEvent(ctx, clusterName, 'DEPLOYING', `${clusterName}: deploying ${operator.name} ${deployment.targetVersion}`, {
      startedAt: row.startedAt ?? new Date(),
      errorMessage: null,
    });

    const checked = await preflight(ctx, clusterName);
    if ('problem' in checked) return await fail(checked.problem);
    const { client } = checked;

    // The release this deployment may already have recorded (a re-run after a crash), the one it replaces, the next revision.
    const {
      own,
      previous,
      nextRevision: next,
    } = await stepReleases(deps.prisma, {
      operatorId: operator.id,
      clusterId: cluster.id,
      deploymentId: deployment.id,
      version: deployment.targetVersion,
      previousRevision: row.previousRevision,
    });
    const revision = own?.revision ?? next;
    // Mark the cluster changed before touching it: automatic rollback covers a half-applied cluster too.
    await deps.prisma.clusterDeployment.update({
      where: { id: row.id },
      data: { changed: true, ...(row.previousRevision == null && previous ? { previousRevision: previous.revision } : {}) },
    });

    const applied = await applyManifests(client, ctx.target.objects, {
      operatorName: operator.name,
      namespace: operator.namespace,
      previousInventory: inventoryOfRelease(previous),
      signal: ctx.signal,
    });
    const counts = countActions(applied.changes);
    if (applied.error) return await fail(`apply failed after ${applied.changes.length} object(s) (${counts}): ${describeError(applied.error)}`);
    await clusterEvent(
      ctx,
      clusterName,
      skipHealthChecks ? 'DEPLOYING' : 'VALIDATING',
      `${clusterName}: applied ${applied.inventory.length} object(s) (${counts})${skipHealthChecks ? '' : '; waiting until healthy'}`,
    );

    let health: HealthSample | undefined;
    if (!skipHealthChecks) {
      health = sampleOfWait(
        await waitForHealthy(client, applied.inventory, {
          namespace: operator.namespace,
          timeoutMs: deps.settings.healthTimeoutMs,
          signal: ctx.signal,
          fresh: applied.answers,
          ...(previous?.health === 'HEALTHY' ? { settled: applied.untouched } : {}),
        }),
      );
      if (!health.healthy) return await fail(health.message);
    }

    // The release is recorded in the commit that says the cluster is done: both or neither.
    await clusterEvent(
      ctx,
      clusterName,
      'COMPLETED',
      `${clusterName}: ${operator.name} ${deployment.targetVersion} is ${health ? 'healthy' : 'applied (health checks skipped)'} (revision ${revision})`,
      {
        completedAt: new Date(),
        releaseRevision: revision,
        healthCheckResult: health ? { status: health.status, message: health.message } : { status: 'UNKNOWN', message: 'health checks skipped' },
      },
      {
        also: (tx) =>
          recordRelease(tx, {
            operatorId: operator.id,
            operatorName: operator.name,
            clusterId: cluster.id,
            clusterName,
            version: deployment.targetVersion,
            revision,
            namespace: operator.namespace,
            inventory: applied.inventory,
            manifestDigest: ctx.target.digest,
            values: ctx.values,
            deploymentId: deployment.id,
            health: health?.status ?? 'UNKNOWN',
            healthMessage: health?.message ?? 'health checks skipped',
          }),
        // Counted once per group commit, however many of its steps completed.
        afterAlso: { key: `operator-version/${operator.id}`, write: (tx) => refreshOperatorVersion(tx, operator.id) },
      },
    );
    return { cluster: clusterName, ok: true };
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    return fail(describeError(err));
  }
}

/**
 * Returns a cluster to the release it had before this deployment: re-applies that
 * release's manifests and prunes what this deployment added (never CRDs); an older CRD is
 * re-applied only when no existing custom resource would be invalidated or pruned by it,
 * otherwise the newer CRD stays and the event says why; with no earlier release, removes what this
 * deployment installed except CRDs and namespaces.
 */
export async function rollbackCluster(ctx: RolloutContext, clusterName: string): Promise<ClusterStepResult> {
  const { deps, deployment, operator } = ctx;
  const row = await clusterRow(ctx, clusterName);
  if (row.status === 'ROLLED_BACK' || !row.changed) return { cluster: clusterName, ok: true };
  const cluster = clusterOf(ctx, clusterName);
  try {
    await clusterEvent(
      ctx,
      clusterName,
      'ROLLING_BACK',
      `${clusterName}: rolling back${row.previousRevision != null ? ` to revision ${row.previousRevision}` : ' (nothing was installed before: removing what this deployment added)'}`,
    );
    const client = await deps.kube.get(clusterName);
    const previous = row.previousRevision != null ? await releaseAt(deps.prisma, operator.id, cluster.id, row.previousRevision) : null;
    const own = await deploymentRelease(deps.prisma, deployment.id, cluster.id);
    // What this deployment may have put there: its recorded inventory, or (if it never got
    // that far) the planned inventory of the target version.
    const added = own ? inventoryOfRelease(own) : targetInventory(ctx);
    const previousObjects: KubeObject[] = previous ? await ctx.renderer.objectsOf(previous.manifestDigest) : [];
    // Older CRDs go back only where the check in reverse finds no existing object they would invalidate or prune.
    const crds = await crdsToRestore(client, previousObjects, ctx.signal);
    const objects = [...previousObjects.filter((o) => o.kind !== 'CustomResourceDefinition'), ...crds.restore];
    const revision = await nextRevision(deps.prisma, operator.id, cluster.id);
    const applied = await applyManifests(client, objects, {
      operatorName: operator.name,
      namespace: operator.namespace,
      previousInventory: inventoryOf([...added, ...inventoryOfRelease(previous)]),
      signal: ctx.signal,
    });
    if (applied.error) throw applied.error;
    // CRDs not re-applied were kept (never pruned): they stay in the inventory.
    const restored = new Set(crds.restore.map((c) => c.metadata.name));
    const keptCrds = added.filter((r) => r.kind === 'CustomResourceDefinition' && !restored.has(r.name));
    const inventory = inventoryOf([...applied.inventory, ...keptCrds]);
    let health: HealthSample | undefined;
    if (previous) {
      health = sampleOfWait(
        await waitForHealthy(client, inventory, {
          namespace: operator.namespace,
          timeoutMs: deps.settings.healthTimeoutMs,
          signal: ctx.signal,
          patient: true,
          fresh: applied.answers,
        }),
      );
    }
    await deps.prisma.$transaction(async (tx) => {
      // Only this deployment's own release was rolled back; whatever else was current (the
      // previous release, when this one never got recorded) is merely superseded.
      if (own) await markRolledBack(tx, { id: own.id });
      if (previous) {
        await recordRelease(tx, {
          operatorId: operator.id,
          operatorName: operator.name,
          clusterId: cluster.id,
          clusterName,
          version: previous.version,
          revision,
          namespace: operator.namespace,
          inventory,
          manifestDigest: previous.manifestDigest,
          values: previous.values as Record<string, unknown>,
          deploymentId: deployment.id,
          health: health?.status,
          healthMessage: health?.message,
        });
      }
      await refreshOperatorVersion(tx, operator.id);
    });
    const note = describeCrdRollback(crds, keptCrds.length);
    const healthNote = health && !health.healthy ? `; after rollback: ${health.message}` : '';
    await clusterEvent(
      ctx,
      clusterName,
      'ROLLED_BACK',
      `${clusterName}: rolled back to ${previous ? `${previous.version} (revision ${revision})` : 'no installation'}${note}${healthNote}`,
      { completedAt: new Date() },
    );
    return { cluster: clusterName, ok: true };
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    const reason = `rollback failed: ${describeError(err)}`;
    await clusterEvent(ctx, clusterName, 'FAILED', `${clusterName}: ${reason}`, { errorMessage: reason });
    return { cluster: clusterName, ok: false, reason };
  }
}

/** Reads the live CRDs and their custom resources, then decides which older CRDs may go back (src/crd/rollback.ts). */
async function crdsToRestore(client: KubeClient, previousObjects: readonly KubeObject[], signal: AbortSignal): Promise<CrdRollbackDecision> {
  const older = previousObjects.filter(isCrd);
  if (older.length === 0) return { restore: [], keep: [] };
  // Every older CRD is read at once under this signal: many listeners by design.
  const reads = AbortSignal.any([signal]);
  setMaxListeners(0, reads);
  const source = await crdClusterSource(
    client,
    older.map((c) => crdName(c)),
    { pageSize: 500, signal: reads },
  );
  return decideCrdRollback(older, await checkCluster(older, source));
}

/**
 * One health sample of the operator on a cluster (canary evaluation, validation periods):
 * of its current release, or of `subject` when given (Blue-Green samples the color under
 * test, which is not the current release before the switch).
 */
export async function sampleCluster(
  ctx: RolloutContext,
  clusterName: string,
  subject?: { inventory: readonly ObjectRef[]; namespace: string },
): Promise<HealthSample> {
  const { deps, operator } = ctx;
  const cluster = clusterOf(ctx, clusterName);
  try {
    const client = await deps.kube.get(clusterName);
    const inventory = subject?.inventory ?? inventoryOfRelease(await currentRelease(deps.prisma, operator.id, cluster.id));
    const health = await readOperatorHealth(client, inventory, { namespace: subject?.namespace ?? operator.namespace, signal: ctx.signal });
    return { healthy: health.status === 'HEALTHY', status: health.status, message: health.message, failed: health.failed === true };
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    return { healthy: false, status: 'UNKNOWN', message: `${clusterName}: health not readable: ${describeError(err)}`, failed: false };
  }
}
