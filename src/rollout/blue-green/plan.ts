// Blue-Green plan: one cluster per wave, in the stored cluster order (environment order).
// Per cluster, the phases (cursor.ts) are: deploy (install the new color beside the live
// one — manifests.ts), validate (watch it for validationPeriod), await-switch
// (only when autoSwitch is false), switch (webhooks and replicas — switch-plan.ts),
// monitor (switchMonitoringPeriod; a failure switches back without redeploying). The old
// color is deleted retentionPeriod after the switch, on a schedule the engine persists.
//
// Why one cluster at a time: the strategy exists for operators where a bad switch is
// costly, and there is no parallelism setting; a broken version is then caught on one
// cluster, and the clusters already switched keep their old color for retentionPeriod,
// so switching them back is as quick as for the failed one.

import type { ResolvedBlueGreenConfig } from '../../domain/strategy-config.ts';
import { oneClusterPerWave, orderedTargets } from '../strategies/order.ts';
import type { BlueGreenWave, RolloutPlan, TargetCluster } from '../strategies/types.ts';

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

/**
 * When the old color of a cluster switched at `switchedAt` is due for deletion: after the
 * retention period, and never while the new color is still monitored (a failure then
 * switches back to the old color, which must still be there).
 */
export function retirementDueAt(switchedAt: Date, wave: Pick<BlueGreenWave, 'retentionPeriodMs' | 'monitoringPeriodMs'>): Date {
  return new Date(switchedAt.getTime() + Math.max(wave.retentionPeriodMs, wave.monitoringPeriodMs));
}
