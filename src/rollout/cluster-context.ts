// What every cluster step of a rollout works with (src/rollout/cluster-step.ts, and the
// Blue-Green steps in src/rollout/blue-green/): the deployment and its target, and the few
// helpers they share to read a cluster's row and to record a step as an event.
import type { Cluster, ClusterDeployment, Deployment, Operator, Prisma } from '../generated/prisma/client.ts';
import type { RenderResult } from '../sources/index.ts';
import type { EngineDeps, Transition } from './ports.ts';
import type { Renderer } from './render.ts';

export interface RolloutContext {
  deps: EngineDeps;
  renderer: Renderer;
  deployment: Deployment;
  operator: Operator;
  /** Target clusters by name. */
  clusters: Map<string, Cluster>;
  /** The target version's manifests. */
  target: RenderResult;
  values: Record<string, unknown>;
  signal: AbortSignal;
  /** Share of the rollout done, for events. */
  progress(): number;
}

export interface ClusterStepResult {
  cluster: string;
  ok: boolean;
  reason?: string;
}

/** A target cluster of the deployment; throws for any other name. */
export function clusterOf(ctx: RolloutContext, name: string): Cluster {
  const c = ctx.clusters.get(name);
  if (!c) throw new Error(`cluster ${name} is not a target of deployment ${ctx.deployment.id}`);
  return c;
}

/** The deployment's row for one cluster (its status, whether it changed, the revision it replaced). */
export function clusterRow(ctx: RolloutContext, clusterName: string): Promise<ClusterDeployment> {
  return ctx.deps.prisma.clusterDeployment.findUniqueOrThrow({ where: { deploymentId_clusterName: { deploymentId: ctx.deployment.id, clusterName } } });
}

/**
 * A cluster event, with the cluster row's status (and any other fields) changed in the same
 * commit, and `extra` writes to other tables (the cluster's release; see Transition) in it too.
 */
export async function clusterEvent(
  ctx: RolloutContext,
  clusterName: string,
  status: string,
  message: string,
  row: Prisma.ClusterDeploymentUpdateInput = {},
  extra: Pick<Transition, 'also' | 'afterAlso'> = {},
): Promise<void> {
  await ctx.deps.store.commit(ctx.deployment.id, {
    clusters: { [clusterName]: { status, ...row } },
    events: [{ clusterName, status, message, progress: ctx.progress() }],
    ...extra,
  });
}

/** The message of an error as events and error messages show it. */
export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** What an apply did, counted by action: "3 created, 5 unchanged". */
export function countActions(changes: ReadonlyArray<{ action: string }>): string {
  const counts = new Map<string, number>();
  for (const c of changes) counts.set(c.action, (counts.get(c.action) ?? 0) + 1);
  return [...counts.entries()].map(([a, n]) => `${n} ${a}`).join(', ') || 'nothing to do';
}
