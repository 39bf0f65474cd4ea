// Pure planning of rollout strategies (docs/rollouts.md): what the engine imports. Nothing here
// does I/O; the engine persists a Cursor and recomputes the plan from the stored config.

export type { ResolvedStrategyConfig, StrategyConfigInput, TargetCluster } from '../../domain/strategy-config.ts';
export { environmentOrder, resolveStrategyConfig } from '../../domain/strategy-config.ts';
export { fromStoredStrategyConfig, StoredStrategyConfigError, toStoredStrategyConfig, type StoredStrategyConfig } from './stored-config.ts';
export { PlanError, type BlueGreenWave, type CanaryEvaluation, type RolloutPlan, type Wave } from './types.ts';
export { planRollout } from './plan.ts';
export { planDirect } from './direct.ts';
export { planRolling } from './rolling.ts';
export {
  canaryPercentages,
  canaryStageCannotPass,
  canaryStagePasses,
  canaryStages,
  clustersAtPercentage,
  countSamples,
  planCanary,
  type CanaryStage,
  type SampleCount,
} from './canary.ts';
export { planBlueGreen, retirementDueAt } from './blue-green.ts';
export { describeCluster, orderedTargets } from './order.ts';
export {
  decisionAt,
  nextStep,
  phasesOf,
  progressAt,
  remainingMs,
  startCursor,
  workAt,
  WAVE_PHASES,
  type ClusterResult,
  type Cursor,
  type Decision,
  type NextStepOptions,
  type Phase,
  type PhaseOutcome,
  type PhaseWork,
  type RolloutFailure,
  type WavePhase,
} from './cursor.ts';
export {
  COLOR_LABEL,
  colorSuffix,
  colorVariant,
  GREEN_SUFFIX,
  nextColor,
  otherColor,
  type Color,
  type ColorVariant,
  type ColorVariantOptions,
} from './blue-green-manifests.ts';
export { PARKED_NODE_SELECTOR, planSwitch, retirementRefs, workloadsOf, type MergePatch, type SwitchOptions, type SwitchPlan } from './blue-green-switch.ts';
