import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../../src/domain/model.ts';
import { resolveStrategyConfig, type StrategyConfigInput, type TargetCluster } from '../../src/domain/strategy-config.ts';
import { retirementDueAt } from '../../src/rollout/blue-green/plan.ts';
import {
  canaryPercentages,
  canaryStageCannotPass,
  canaryStagePasses,
  canaryStages,
  clustersAtPercentage,
  planCanary,
} from '../../src/rollout/strategies/canary.ts';
import { orderedTargets } from '../../src/rollout/strategies/order.ts';
import { planRollout } from '../../src/rollout/strategies/plan.ts';
import { PlanError, type RolloutPlan } from '../../src/rollout/strategies/types.ts';
import type { DeploymentStrategy } from '../../src/domain/model.ts';

/** `n` clusters spread over the environments, listed in an order that is not the rollout order. */
function fleet(n: number): TargetCluster[] {
  return Array.from({ length: n }, (_, i) => {
    const environment = ENVIRONMENTS[(n - i) % 3]!;
    return { name: `${environment.slice(0, 4).toLowerCase()}-${String(i).padStart(3, '0')}`, environment };
  });
}
const ENV_RANK: Record<string, number> = { DEVELOPMENT: 0, STAGING: 1, PRODUCTION: 2 };

function plan(strategy: DeploymentStrategy, clusters: TargetCluster[], input?: StrategyConfigInput): RolloutPlan {
  return planRollout(resolveStrategyConfig(strategy, input, { targetClusters: clusters, operatorNamespace: 'ops' }), clusters);
}

const cumulative = (sizes: number[]) => sizes.map((_, i) => sizes.slice(0, i + 1).reduce((a, b) => a + b, 0));

describe('canary stages', () => {
  it.each([
    // total, initial %, increment %, cumulative clusters per stage
    [1, 10, 20, [1]],
    [2, 10, 20, [1, 2]],
    [5, 10, 20, [1, 2, 3, 4, 5]],
    [10, 10, 20, [1, 3, 5, 7, 9, 10]],
    [20, 10, 20, [2, 6, 10, 14, 18, 20]],
    [100, 10, 20, [10, 30, 50, 70, 90, 100]],
    [1, 25, 25, [1]],
    [2, 25, 25, [1, 2]],
    [5, 25, 25, [2, 3, 4, 5]],
    [10, 25, 25, [3, 5, 8, 10]],
    [20, 25, 25, [5, 10, 15, 20]],
    [100, 25, 25, [25, 50, 75, 100]],
    [5, 50, 50, [3, 5]],
    [20, 50, 50, [10, 20]],
    [10, 5, 30, [1, 4, 7, 10]],
    [20, 5, 30, [1, 7, 13, 19, 20]],
    [3, 33, 33, [1, 2, 3]],
    [100, 29, 29, [29, 58, 87, 100]],
    [5, 1, 1, [1, 2, 3, 4, 5]],
    [20, 100, 20, [20]],
    [10, 95, 1, [10]],
  ])('%i clusters at %i %% + %i %% → %j', (total, initial, increment, expected) => {
    const stages = canaryStages(total, initial, increment);
    expect(stages.map((s) => s.cumulative)).toEqual(expected);
    expect(stages.map((s) => s.added).every((a) => a > 0)).toBe(true);
    expect(stages.at(-1)!.percentage).toBe(100);
  });

  it.each([
    [10, 20, [10, 30, 50, 70, 90, 100]],
    [30, 50, [30, 80, 100]],
    [100, 5, [100]],
  ])('percentages from %i %% by %i %% → %j', (initial, increment, expected) => expect(canaryPercentages(initial, increment)).toEqual(expected));

  it('computes ceil(total × pct / 100) without floating-point drift', () => {
    expect(clustersAtPercentage(25, 28)).toBe(7);
    expect(clustersAtPercentage(50, 56)).toBe(28);
    expect(clustersAtPercentage(7, 15)).toBe(2);
    expect(canaryStages(25, 28, 28).map((s) => s.cumulative)).toEqual([7, 14, 21, 25]);
  });

  it('labels a merged stage with the highest percentage it stands for', () => {
    expect(canaryStages(2, 10, 20)).toEqual([
      { percentage: 50, cumulative: 1, added: 1 },
      { percentage: 100, cumulative: 2, added: 1 },
    ]);
  });

  it('20 clusters at 10 % + 20 % give waves of 2, 4, 4, 4, 4, 2 new clusters in environment order', () => {
    const clusters = fleet(20);
    const p = plan('CANARY', clusters);
    expect(p.waves.map((w) => w.clusters.length)).toEqual([2, 4, 4, 4, 4, 2]);
    expect(p.waves.flatMap((w) => w.clusters)).toEqual(p.clusters);
    expect(p.waves.map((w) => w.clustersDoneAfter)).toEqual(cumulative([2, 4, 4, 4, 4, 2]));
    // each stage samples every cluster deployed so far
    for (const w of p.waves) expect(w.evaluation!.clusters).toEqual(p.clusters.slice(0, w.clustersDoneAfter));
    expect(p.waves.map((w) => w.evaluation!.percentage)).toEqual([10, 30, 50, 70, 90, 100]);
    expect(p.waves[1]).toMatchObject({ parallelism: 4, onClusterFailure: 'stop', label: 'stage 2 of 6: 30 % (6 of 20 clusters)' });
    expect(p.waves[0]!.evaluation).toMatchObject({ periodMs: 300_000, intervalMs: 30_000, successThreshold: 0.95, rounds: 10, expectedSamples: 20 });
  });

  it('counts evaluation rounds as floor(period / interval)', () => {
    const clusters = fleet(3);
    const config = resolveStrategyConfig(
      'CANARY',
      { canary: { evaluationPeriod: 'PT1S', healthCheckInterval: 'PT0.3S' } },
      { targetClusters: clusters, operatorNamespace: 'ops' },
    );
    expect(planCanary(config as Parameters<typeof planCanary>[0], clusters).waves[0]!.evaluation!.rounds).toBe(3);
  });
});

describe('canary threshold', () => {
  const samples = (healthy: number, total: number) => Array.from({ length: total }, (_, i) => i < healthy);
  it.each([
    [19, 20, 0.95, true],
    [18, 20, 0.95, false],
    [20, 20, 1, true],
    [19, 20, 1, false],
    [7, 10, 0.7, true],
    [2, 3, 2 / 3, true],
    [1, 3, 0.34, false],
    [0, 1, 0, true],
    [0, 0, 0, false],
    [0, 0, 0.95, false],
  ])('%i of %i healthy at threshold %d → %s', (healthy, total, threshold, passes) => {
    expect(canaryStagePasses({ healthy, total }, threshold)).toBe(passes);
    expect(canaryStagePasses(samples(healthy, total), threshold)).toBe(passes);
  });

  it.each([
    // healthy so far, taken so far, expected in the period, threshold, cannot pass any more
    [0, 1, 20, 0.95, false],
    [18, 19, 20, 0.95, false],
    [17, 19, 20, 0.95, true],
    [0, 2, 20, 0.95, true],
    [0, 0, 20, 0.95, false],
    [5, 10, 10, 0.5, false],
    [4, 10, 10, 0.5, true],
    [20, 25, 20, 0.8, false],
  ])('%i of %i healthy with %i expected at %d: cannot pass = %s', (healthy, total, expected, threshold, hopeless) => {
    expect(canaryStageCannotPass({ healthy, total }, expected, threshold)).toBe(hopeless);
  });

  it.each([[{ healthy: 3, total: 2 }], [{ healthy: -1, total: 2 }], [{ healthy: 1.5, total: 2 }]])('refuses the impossible count %j', (count) =>
    expect(() => canaryStagePasses(count, 0.5)).toThrow(RangeError),
  );
});

describe('environment order and clusterOrder', () => {
  it.each(['DIRECT', 'ROLLING', 'CANARY', 'BLUE_GREEN'] as const)('%s follows DEVELOPMENT → STAGING → PRODUCTION, then name', (strategy) => {
    const p = plan(strategy, fleet(12));
    const byEnv = fleet(12).sort((a, b) => ENV_RANK[a.environment]! - ENV_RANK[b.environment]! || a.name.localeCompare(b.name));
    expect(p.clusters).toEqual(byEnv.map((c) => c.name));
    expect(p.waves.flatMap((w) => w.clusters)).toEqual(p.clusters);
  });

  it('Rolling deploys the given clusterOrder first, then the rest in environment order', () => {
    const clusters = fleet(6);
    const prod = clusters.filter((c) => c.environment === 'PRODUCTION').map((c) => c.name);
    const p = plan('ROLLING', clusters, { rolling: { clusterOrder: [...prod].reverse() } });
    expect(p.waves.map((w) => w.clusters)).toEqual([...[...prod].reverse(), ...p.clusters.slice(prod.length)].map((c) => [c]));
    expect(p.clusters.slice(prod.length).map((n) => clusters.find((c) => c.name === n)!.environment)).toEqual([
      'DEVELOPMENT',
      'DEVELOPMENT',
      'STAGING',
      'STAGING',
    ]);
  });

  it('refuses clusters that no longer match the stored order', () => {
    const clusters = fleet(3);
    const config = resolveStrategyConfig('DIRECT', undefined, { targetClusters: clusters, operatorNamespace: 'ops' });
    expect(() => orderedTargets(config, clusters.slice(1))).toThrow(PlanError);
    expect(() => orderedTargets(config, [...clusters, { name: 'new', environment: 'STAGING' }])).toThrow(/not in the order: new/);
  });

  it('keeps the stored order when an environment changes later', () => {
    const clusters = fleet(3);
    const config = resolveStrategyConfig('ROLLING', undefined, { targetClusters: clusters, operatorNamespace: 'ops' });
    const edited = clusters.map((c) => ({ ...c, environment: 'DEVELOPMENT' }));
    expect(planRollout(config, edited).clusters).toEqual(config.clusterOrder);
  });
});

describe('direct, rolling and blue-green waves', () => {
  it.each([
    [25, undefined, 10],
    [3, undefined, 3],
    [25, 50, 25],
    [25, 1, 1],
  ])('Direct over %i clusters with parallelClusters %s: one wave, %i at a time', (n, parallelClusters, parallelism) => {
    const p = plan('DIRECT', fleet(n), { direct: { parallelClusters } });
    expect(p.waves).toHaveLength(1);
    expect(p.waves[0]).toMatchObject({ clusters: p.clusters, parallelism, onClusterFailure: 'continue', skipHealthChecks: false, validationPeriodMs: 0 });
  });

  it('Direct passes skipHealthChecks on', () => {
    expect(plan('DIRECT', fleet(2), { direct: { skipHealthChecks: true } }).waves[0]!.skipHealthChecks).toBe(true);
  });

  it('Rolling: one cluster per wave, validation after each, pause only between clusters', () => {
    const p = plan('ROLLING', fleet(3), { rolling: { validationPeriod: 'PT1M', pauseBetweenClusters: 'PT10S' } });
    expect(p.waves.map((w) => [w.clusters.length, w.parallelism, w.validationPeriodMs, w.pauseAfterMs, w.onClusterFailure])).toEqual([
      [1, 1, 60_000, 10_000, 'stop'],
      [1, 1, 60_000, 10_000, 'stop'],
      [1, 1, 60_000, 0, 'stop'],
    ]);
    expect(p.waves[2]!.label).toMatch(/^cluster 3 of 3: \S+ \(PRODUCTION\)$/);
  });

  it('Blue-Green: one cluster per wave with its switch settings', () => {
    const p = plan('BLUE_GREEN', fleet(2), { blueGreen: { autoSwitch: false, switchMonitoringPeriod: 'PT1M' } });
    expect(p.waves).toHaveLength(2);
    expect(p.waves[0]).toMatchObject({
      parallelism: 1,
      validationPeriodMs: 600_000,
      onClusterFailure: 'stop',
      blueGreen: { blueNamespace: 'ops', greenNamespace: 'ops-green', autoSwitch: false, monitoringPeriodMs: 60_000, retentionPeriodMs: 86_400_000 },
    });
  });

  it.each([
    ['PT36H', 'PT5M', '2025-03-03T00:00:00.000Z'],
    ['PT0S', 'PT5M', '2025-03-01T12:05:00.000Z'],
    ['PT10M', 'PT30M', '2025-03-01T12:30:00.000Z'],
  ])('schedules the retirement of the old color after retentionPeriod %s, never within monitoring (%s)', (retentionPeriod, switchMonitoringPeriod, due) => {
    const p = plan('BLUE_GREEN', fleet(1), { blueGreen: { retentionPeriod, switchMonitoringPeriod } });
    expect(retirementDueAt(new Date('2025-03-01T12:00:00Z'), p.waves[0]!.blueGreen!).toISOString()).toBe(due);
  });

  it('is deterministic', () => {
    const clusters = fleet(17);
    for (const strategy of ['DIRECT', 'ROLLING', 'CANARY', 'BLUE_GREEN'] as const) {
      expect(plan(strategy, [...clusters].reverse())).toEqual(plan(strategy, clusters));
    }
  });
});
