// Rollout order. The default — environment (DEVELOPMENT → STAGING → PRODUCTION), then
// name — is computed once when the config is resolved (domain/strategy-config.ts) and
// stored as `clusterOrder`; planners follow that stored order and only check that it still
// names exactly the deployment's clusters.

import { PlanError, type ResolvedStrategyConfig, type TargetCluster, type Wave } from './types.ts';

/**
 * The target clusters in the config's `clusterOrder`. Throws PlanError when the order and
 * the clusters differ (a cluster added to or removed from the deployment after it was
 * planned), naming the clusters on each side.
 */
export function orderedTargets(config: Pick<ResolvedStrategyConfig, 'clusterOrder'>, clusters: readonly TargetCluster[]): TargetCluster[] {
  const byName = new Map(clusters.map((c) => [c.name, c]));
  const missing = config.clusterOrder.filter((name) => !byName.has(name));
  const ordered = new Set(config.clusterOrder);
  const extra = clusters.filter((c) => !ordered.has(c.name)).map((c) => c.name);
  if (missing.length || extra.length || ordered.size !== config.clusterOrder.length || byName.size !== clusters.length) {
    const parts = [
      missing.length ? `not among the clusters: ${missing.join(', ')}` : '',
      extra.length ? `not in the order: ${extra.join(', ')}` : '',
      ordered.size !== config.clusterOrder.length || byName.size !== clusters.length ? 'duplicate names' : '',
    ].filter(Boolean);
    throw new PlanError(`the cluster order does not match the deployment's clusters (${parts.join('; ')})`);
  }
  if (clusters.length === 0) throw new PlanError('a rollout needs at least one cluster');
  return config.clusterOrder.map((name) => byName.get(name)!);
}

/** "prod-1 (PRODUCTION)" */
function describeCluster(cluster: TargetCluster): string {
  return `${cluster.name} (${cluster.environment})`;
}

/** Waves of one cluster each, in order (Rolling, Blue-Green); `fill` gives what a strategy sets per wave. */
export function oneClusterPerWave(
  ordered: readonly TargetCluster[],
  fill: (index: number, last: boolean) => Pick<Wave, 'validationPeriodMs' | 'pauseAfterMs'> & Partial<Pick<Wave, 'blueGreen'>>,
): Wave[] {
  return ordered.map((cluster, index) => ({
    index,
    clusters: [cluster.name],
    parallelism: 1,
    onClusterFailure: 'stop',
    skipHealthChecks: false,
    ...fill(index, index === ordered.length - 1),
    clustersDoneAfter: index + 1,
    label: `cluster ${index + 1} of ${ordered.length}: ${describeCluster(cluster)}`,
  }));
}
