// Rolling: one cluster per wave in `clusterOrder` (given clusters first, the rest in
// environment order), each watched for `validationPeriod` after it became healthy, with
// `pauseBetweenClusters` before the next one (not after the last). The first failed
// cluster stops the rollout (cursor.ts).

import type { ResolvedRollingConfig } from '../../domain/strategy-config.ts';
import { oneClusterPerWave, orderedTargets } from './order.ts';
import type { RolloutPlan, TargetCluster } from './types.ts';

export function planRolling(config: ResolvedRollingConfig, clusters: readonly TargetCluster[]): RolloutPlan {
  const ordered = orderedTargets(config, clusters);
  return {
    strategy: 'ROLLING',
    clusters: ordered.map((c) => c.name),
    waves: oneClusterPerWave(ordered, (_index, last) => ({
      validationPeriodMs: config.validationPeriodMs,
      pauseAfterMs: last ? 0 : config.pauseBetweenClustersMs,
    })),
  };
}
