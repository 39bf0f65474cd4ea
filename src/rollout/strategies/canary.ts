// Canary: stage k covers ceil(total × pct_k / 100) clusters, cumulatively, in
// the stored cluster order (environment order), where pct_1 = initialPercentage and
// pct_{k+1} = min(100, pct_k + incrementPercentage); the last stage reaches 100 %.
// Each stage is a wave holding only its NEW clusters, deployed together, then evaluated:
// every cluster deployed so far is sampled every healthCheckInterval for evaluationPeriod,
// and the stage passes when the share of healthy samples reaches successThreshold.
//
// Percentages that add no cluster (10 % and 30 % of 2 clusters are both 1 cluster) are
// merged into the next stage that does; a merged stage is labelled with the highest
// percentage it stands for, so the last one always says 100 %.

import type { ResolvedCanaryConfig } from '../../domain/strategy-config.ts';
import { orderedTargets } from './order.ts';
import type { RolloutPlan, TargetCluster, Wave } from './types.ts';

export interface CanaryStage {
  /** Cumulative share of the clusters, percent. */
  percentage: number;
  /** Clusters deployed once the stage is through. */
  cumulative: number;
  /** Clusters this stage adds. */
  added: number;
}

/** The configured percentages: initial, initial + increment, …, 100. */
export function canaryPercentages(initialPercentage: number, incrementPercentage: number): number[] {
  if (!(initialPercentage >= 1 && incrementPercentage >= 1)) throw new RangeError('percentages must be at least 1');
  const out = [Math.min(100, initialPercentage)];
  while (out[out.length - 1]! < 100) out.push(Math.min(100, out[out.length - 1]! + incrementPercentage));
  return out;
}

/** ceil(total × pct / 100) in integer arithmetic: 25 × 0.28 is 7.000000000000001 in floating point, whose ceil is 8. */
export function clustersAtPercentage(total: number, percentage: number): number {
  return Math.floor((total * percentage + 99) / 100);
}

/** The stages for `total` clusters, each adding at least one cluster. */
export function canaryStages(total: number, initialPercentage: number, incrementPercentage: number): CanaryStage[] {
  const stages: CanaryStage[] = [];
  for (const percentage of canaryPercentages(initialPercentage, incrementPercentage)) {
    const cumulative = clustersAtPercentage(total, percentage);
    const last = stages[stages.length - 1];
    if (last && last.cumulative === cumulative) last.percentage = percentage;
    else if (cumulative > 0) stages.push({ percentage, cumulative, added: cumulative - (last?.cumulative ?? 0) });
  }
  return stages;
}

/** Healthy and total samples of a stage. */
export interface SampleCount {
  healthy: number;
  total: number;
}

/**
 * Whether a stage passes: healthy ÷ total ≥ threshold. No samples at all fails — an
 * evaluation that saw nothing is no evidence of health (even with threshold 0).
 */
export function canaryStagePasses(samples: readonly boolean[] | SampleCount, threshold: number): boolean {
  const { healthy, total } = countSamples(samples);
  if (total === 0) return false;
  return healthy / total >= threshold;
}

/**
 * Whether a stage can no longer pass: even if every sample still to come were healthy,
 * the share would stay below the threshold. The engine may then fail the stage at once
 * instead of waiting out the evaluation period on a known failure. A stage never passes
 * early: it must be watched for its whole period.
 */
export function canaryStageCannotPass(soFar: readonly boolean[] | SampleCount, expectedSamples: number, threshold: number): boolean {
  const { healthy, total } = countSamples(soFar);
  const best = healthy + Math.max(0, expectedSamples - total);
  const outOf = Math.max(expectedSamples, total);
  return outOf > 0 && best / outOf < threshold;
}

export function countSamples(samples: readonly boolean[] | SampleCount): SampleCount {
  const count = Array.isArray(samples) ? { healthy: samples.filter(Boolean).length, total: samples.length } : (samples as SampleCount);
  const { healthy, total } = count;
  if (!Number.isInteger(healthy) || !Number.isInteger(total) || healthy < 0 || healthy > total) {
    throw new RangeError(`invalid sample count: ${healthy} healthy of ${total}`);
  }
  return { healthy, total };
}

export function planCanary(config: ResolvedCanaryConfig, clusters: readonly TargetCluster[]): RolloutPlan {
  const ordered = orderedTargets(config, clusters).map((c) => c.name);
  const stages = canaryStages(ordered.length, config.initialPercentage, config.incrementPercentage);
  const rounds = Math.max(1, Math.floor(config.evaluationPeriodMs / config.healthCheckIntervalMs));
  const waves = stages.map((stage, index): Wave => {
    const before = stage.cumulative - stage.added;
    return {
      index,
      clusters: ordered.slice(before, stage.cumulative),
      parallelism: stage.added,
      onClusterFailure: 'stop',
      skipHealthChecks: false,
      validationPeriodMs: 0,
      pauseAfterMs: 0,
      evaluation: {
        periodMs: config.evaluationPeriodMs,
        intervalMs: config.healthCheckIntervalMs,
        successThreshold: config.successThreshold,
        clusters: ordered.slice(0, stage.cumulative),
        rounds,
        expectedSamples: rounds * stage.cumulative,
        percentage: stage.percentage,
      },
      clustersDoneAfter: stage.cumulative,
      label: `stage ${index + 1} of ${stages.length}: ${stage.percentage} % (${stage.cumulative} of ${ordered.length} clusters)`,
    };
  });
  return { strategy: 'CANARY', clusters: ordered, waves };
}
