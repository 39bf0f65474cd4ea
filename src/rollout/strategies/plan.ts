// One entry point for the engine: the plan of any strategy.

import type { ResolvedStrategyConfig } from '../../domain/strategy-config.ts';
import { planBlueGreen } from '../blue-green/plan.ts';
import { planCanary } from './canary.ts';
import { planDirect } from './direct.ts';
import { planRolling } from './rolling.ts';
import type { RolloutPlan, TargetCluster } from './types.ts';

/** The waves of a rollout; deterministic in (config, clusters). Throws PlanError. */
export function planRollout(config: ResolvedStrategyConfig, clusters: readonly TargetCluster[]): RolloutPlan {
  switch (config.strategy) {
    case 'DIRECT':
      return planDirect(config, clusters);
    case 'ROLLING':
      return planRolling(config, clusters);
    case 'CANARY':
      return planCanary(config, clusters);
    case 'BLUE_GREEN':
      return planBlueGreen(config, clusters);
  }
}
