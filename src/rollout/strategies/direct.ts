// Direct: every cluster in one wave, `parallelClusters` of them in flight at a time.
// A pool rather than chunks: a slow cluster holds one slot, not a whole chunk. A failed
// cluster does not stop the others; the deployment fails if any failed, and
// the per-cluster results say which.

import type { ResolvedDirectConfig } from '../../domain/strategy-config.ts';
import { orderedTargets } from './order.ts';
import type { RolloutPlan, TargetCluster } from './types.ts';

export function planDirect(config: ResolvedDirectConfig, clusters: readonly TargetCluster[]): RolloutPlan {
  const ordered = orderedTargets(config, clusters).map((c) => c.name);
  const parallelism = Math.min(config.parallelClusters, ordered.length);
  return {
    strategy: 'DIRECT',
    clusters: ordered,
    waves: [
      {
        index: 0,
        clusters: ordered,
        parallelism,
        onClusterFailure: 'continue',
        skipHealthChecks: config.skipHealthChecks,
        validationPeriodMs: 0,
        pauseAfterMs: 0,
        clustersDoneAfter: ordered.length,
        label: `all ${ordered.length} cluster${ordered.length === 1 ? '' : 's'}, ${parallelism} at a time`,
      },
    ],
  };
}
