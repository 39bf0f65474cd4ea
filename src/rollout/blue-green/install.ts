// Blue-Green deploy phase for one cluster: install the color that is not serving beside
// the serving one — its own objects and the shared ones (CRDs…), never the routing (that
// moves at the switch) — and wait until it is healthy. Nothing of the serving color is
// pruned or changed. The release is recorded at the switch, when the new color serves.
//
// Also the undoing of it: before the switch, "rolling back" a cluster means removing the
// new color's own objects (never CRDs, shared objects or namespaces).
import { applyManifests } from '../../kube/apply/executor.ts';
import { pruneObjects } from '../../kube/apply/prune-executor.ts';
import type { ChangeEntry } from '../../kube/apply/types.ts';
import { currentRelease, nextRevision } from '../../persistence/releases.ts';
import { waitForHealthy } from '../../kube/health/wait-healthy.ts';
import { clusterEvent, clusterOf, clusterRow, countActions, describeError, type ClusterStepResult, type RolloutContext } from '../cluster-context.ts';
import { preflight } from '../cluster-step.ts';
import { sampleOfWait } from '../health.ts';
import { takeOverRetirements } from './retirement.ts';
import {
  colorInventory,
  colorOfRelease,
  colorsOf,
  colorToInstall,
  namespaceOfColor,
  retirementSubject,
  saveColors,
  targetVariant,
  type ClusterColors,
} from './state.ts';
import { retirementRefs } from './switch-plan.ts';
import type { BlueGreenWave } from '../strategies/types.ts';

/** Decides (once per deployment and cluster) which color to install, and remembers what serves now. */
async function chooseColors(ctx: RolloutContext, clusterName: string, wave: BlueGreenWave): Promise<ClusterColors> {
  const { prisma } = ctx.deps;
  const known = await colorsOf(prisma, ctx.deployment.id, clusterName);
  if (known) return known;
  const cluster = clusterOf(ctx, clusterName);
  const serving = await currentRelease(prisma, ctx.operator.id, cluster.id);
  const color = colorToInstall(serving);
  const colors: ClusterColors = {
    ...(serving
      ? {
          from: {
            color: colorOfRelease(serving),
            namespace: serving.namespace,
            revision: serving.revision,
            version: serving.version,
            manifestDigest: serving.manifestDigest,
          },
        }
      : {}),
    to: { color, namespace: namespaceOfColor(color, wave), revision: await nextRevision(prisma, ctx.operator.id, cluster.id) },
  };
  return saveColors(prisma, ctx.deployment.id, clusterName, colors);
}

/** Installs the next color on one cluster and waits until it is healthy. */
export async function installColor(ctx: RolloutContext, clusterName: string, wave: BlueGreenWave): Promise<ClusterStepResult> {
  const { deps, deployment, operator } = ctx;
  const row = await clusterRow(ctx, clusterName);
  if (row.status === 'COMPLETED') return { cluster: clusterName, ok: true };
  const fail = async (reason: string): Promise<ClusterStepResult> => {
    await clusterEvent(ctx, clusterName, 'FAILED', `${clusterName}: ${reason}`, { errorMessage: reason, completedAt: new Date() });
    return { cluster: clusterName, ok: false, reason };
  };
  try {
    const checked = await preflight(ctx, clusterName);
    if ('problem' in checked) return await fail(checked.problem);
    const { client } = checked;
    const colors = await chooseColors(ctx, clusterName, wave);
    const { to, from } = colors;
    if (from && from.namespace === to.namespace) {
      return await fail(
        `${to.color} would be installed into ${to.namespace}, where the serving ${from.color} color lives; give blueNamespace and greenNamespace distinct values`,
      );
    }
    await clusterEvent(
      ctx,
      clusterName,
      'DEPLOYING',
      `${clusterName}: installing ${operator.name} ${deployment.targetVersion} as ${to.color} in ${to.namespace}${from ? ` beside ${from.color} (${from.version}, serving)` : ''}`,
      {
        startedAt: row.startedAt ?? new Date(),
        errorMessage: null,
        changed: true,
        ...(from ? { previousRevision: from.revision } : {}),
      },
    );

    const variant = await targetVariant(ctx, client, wave, colors);
    // What an earlier, not yet retired installation of this color left there: replaced now, so pruned
    // (on a re-run after a crash it was taken over already, and is simply applied over).
    const subject = retirementSubject(operator.name, clusterName, to.color);
    const stale = await takeOverRetirements(deps.prisma, subject, `${to.color} installed again by deployment ${deployment.id}`, ctx.signal);
    const applied = await applyManifests(client, [...variant.install, ...variant.shared], {
      operatorName: operator.name,
      namespace: to.namespace,
      previousInventory: stale.filter((ref) => !from || ref.namespace !== from.namespace),
      signal: ctx.signal,
    });
    if (applied.error)
      return await fail(
        `apply of ${to.color} failed after ${applied.changes.length} object(s) (${countActions(applied.changes)}): ${describeError(applied.error)}`,
      );
    const warnings = variant.warnings.length ? `; warnings: ${variant.warnings.join('; ')}` : '';
    await clusterEvent(
      ctx,
      clusterName,
      'VALIDATING',
      `${clusterName}: applied ${to.color} (${countActions(applied.changes)}); waiting until healthy${warnings}`,
    );

    const health = sampleOfWait(
      await waitForHealthy(client, colorInventory(variant, { routed: false }), {
        namespace: to.namespace,
        timeoutMs: deps.settings.healthTimeoutMs,
        signal: ctx.signal,
        fresh: applied.answers,
      }),
    );
    if (!health.healthy) return await fail(`${to.color}: ${health.message}`);
    await clusterEvent(
      ctx,
      clusterName,
      'VALIDATING',
      `${clusterName}: ${to.color} (${deployment.targetVersion}) is healthy beside ${from ? `${from.color} (${from.version}), which still serves` : 'nothing (first installation)'}`,
      {
        healthCheckResult: { status: health.status, message: health.message },
      },
    );
    return { cluster: clusterName, ok: true };
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    return fail(describeError(err));
  }
}

/**
 * Removes the color this deployment installed and never switched to: its own objects,
 * in reverse apply order, only those still labelled as ours. CRDs and other shared
 * objects stay (custom resources must never be lost); the serving color is not touched.
 */
export async function removeUnswitchedColor(ctx: RolloutContext, clusterName: string, wave: BlueGreenWave, colors: ClusterColors): Promise<ChangeEntry[]> {
  const client = await ctx.deps.kube.get(clusterName);
  const variant = await targetVariant(ctx, client, wave, colors);
  const changes: ChangeEntry[] = [];
  const run = await pruneObjects(client, retirementRefs(variant), [], {
    operatorName: ctx.operator.name,
    concurrency: 4,
    signal: ctx.signal,
    record: (e) => changes.push(e),
  });
  if (run.error) throw run.error;
  return changes;
}
