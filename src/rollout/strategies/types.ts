// Shapes of a rollout plan. A plan is a pure function of (resolved strategy config, target
// clusters), so the engine persists only a cursor into it (cursor.ts) and recomputes the
// plan after a restart.

import type { DeploymentStrategy } from '../../domain/model.ts';

export type { ResolvedStrategyConfig, TargetCluster } from '../../domain/strategy-config.ts';

/** Health samples of a canary stage: every cluster deployed so far, every healthCheckInterval. */
interface CanaryEvaluation {
  /** How long the stage is sampled. */
  periodMs: number;
  /** Time between two rounds of samples. */
  intervalMs: number;
  /** Share of healthy samples the stage needs (0–1). */
  successThreshold: number;
  /** Clusters sampled: every cluster deployed up to and including this stage. */
  clusters: string[];
  /** Rounds of samples in the period: floor(period / interval), at least 1. */
  rounds: number;
  /** rounds × clusters: the samples a full evaluation takes (for canaryStageCannotPass). */
  expectedSamples: number;
  /** Cumulative share of the clusters this stage reaches, percent (as configured). */
  percentage: number;
}

/** Per-cluster phases of Blue-Green and the settings they need. */
export interface BlueGreenWave {
  /** Namespace of the blue color (the live installation at the first blue-green rollout). */
  blueNamespace: string;
  /** Namespace of the green color. */
  greenNamespace: string;
  /** Switch once validation passes; false waits in `await-switch` for someone to allow it. */
  autoSwitch: boolean;
  /** How long the new color is watched after the switch; a failure switches back. */
  monitoringPeriodMs: number;
  /** How long the old color is kept, scaled down, after the switch. */
  retentionPeriodMs: number;
}

export interface Wave {
  /** 0-based position in the plan. */
  index: number;
  /** Clusters this wave deploys (each cluster is in exactly one wave), in order. */
  clusters: string[];
  /** How many of the wave's clusters are stepped at the same time (a pool, not chunks). */
  parallelism: number;
  /**
   * 'continue': a failed cluster does not stop the others of the wave, which fails once
   * all have run (Direct). 'stop': no further cluster of the wave starts after a failure.
   */
  onClusterFailure: 'stop' | 'continue';
  /** Apply without waiting for the operator to become healthy (Direct.skipHealthChecks). */
  skipHealthChecks: boolean;
  /** Keep watching the wave's clusters this long after they became healthy (0 = no watch). */
  validationPeriodMs: number;
  /** Wait after the wave before the next one; always 0 for the last wave. */
  pauseAfterMs: number;
  /** Canary stages: the evaluation that decides whether the stage passes. */
  evaluation?: CanaryEvaluation;
  /** Blue-Green: the switch phases and their settings. */
  blueGreen?: BlueGreenWave;
  /** Clusters deployed once this wave is through (cumulative), for progress. */
  clustersDoneAfter: number;
  /** For events and logs: "stage 2 of 6 (30 %, 4 clusters)", "cluster 3 of 5: prod-1". */
  label: string;
}

export interface RolloutPlan {
  strategy: DeploymentStrategy;
  /** Every target cluster in rollout order. */
  clusters: string[];
  /** At least one wave; every cluster appears in exactly one. */
  waves: Wave[];
}

/** A plan that cannot be made from this config and these clusters. */
export class PlanError extends Error {
  override name = 'PlanError';
}
