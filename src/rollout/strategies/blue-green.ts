// Blue-Green plan: one cluster per wave, in the stored cluster order (environment order).
// Per cluster, the phases (cursor.ts) are: deploy (install the new color beside the live
// one — blue-green-manifests.ts), validate (watch it for validationPeriod), await-switch
// (only when autoSwitch is false), switch (webhooks and replicas — blue-green-switch.ts),
// monitor (switchMonitoringPeriod; a failure switches back without redeploying). The old
// color is deleted retentionPeriod after the switch, on a schedule the engine persists.
//
// Why one cluster at a time: the strategy exists for operators where a bad switch is
// costly, and there is no parallelism setting; a broken version is then caught on one
// cluster, and the clusters already switched keep their old color for retentionPeriod,
// so switching them back is as quick as for the failed one.

import type { ResolvedBlueGreenConfig } from '../../domain/strategy-config.ts';
import { oneClusterPerWave, orderedTargets } from './order.ts';
import type { RolloutPlan, TargetCluster } from './types.ts';

export function planBlueGreen(config: ResolvedBlueGreenConfig, clusters: readonly TargetCluster[]): RolloutPlan {
  const ordered = orderedTargets(config, clusters);
  return {
    strategy: 'BLUE_GREEN',
    clusters: ordered.map((c) => c.name),
    waves: oneClusterPerWave(ordered, () => ({
      validationPeriodMs: config.validationPeriodMs,
      pauseAfterMs: 0,
      blueGreen: {
        blueNamespace: config.blueNamespace,
        greenNamespace: config.greenNamespace,
        autoSwitch: config.autoSwitch,
        monitoringPeriodMs: config.switchMonitoringPeriodMs,
        retentionPeriodMs: config.retentionPeriodMs,
      },
    })),
  };
}

/** When the old color of a cluster switched at `switchedAt` is due for deletion. */
export function retirementDueAt(switchedAt: Date, config: Pick<ResolvedBlueGreenConfig, 'retentionPeriodMs'>): Date {
  return new Date(switchedAt.getTime() + config.retentionPeriodMs);
}
