// Rolling: one cluster per wave in `clusterOrder` (given clusters first, the rest in
// environment order), each watched for `validationPeriod` after it became healthy, with
// `pauseBetweenClusters` before the next one (not after the last). The first failed
// cluster stops the rollout (cursor.ts).

import type { ResolvedRollingConfig } from '../../domain/strategy-config.ts';
import { describeCluster, orderedTargets } from './order.ts';
import type { RolloutPlan, TargetCluster } from './types.ts';

export function planRolling(config: ResolvedRollingConfig, clusters: readonly TargetCluster[]): RolloutPlan {
  const ordered = orderedTargets(config, clusters);
  return {
    strategy: 'ROLLING',
    clusters: ordered.map((c) => c.name),
    waves: ordered.map((cluster, index) => ({
      index,
      clusters: [cluster.name],
      parallelism: 1,
      onClusterFailure: 'stop',
      skipHealthChecks: false,
      validationPeriodMs: config.validationPeriodMs,
      pauseAfterMs: index === ordered.length - 1 ? 0 : config.pauseBetweenClustersMs,
      clustersDoneAfter: index + 1,
      label: `cluster ${index + 1} of ${ordered.length}: ${describeCluster(cluster)}`,
    })),
  };
}
