import { describe, expect, it } from 'vitest';
import type { DeploymentStrategy } from '../../src/domain/model.ts';
import { resolveStrategyConfig, type StrategyConfigInput, type TargetCluster } from '../../src/domain/strategy-config.ts';
import {
  decisionAt,
  nextStep,
  progressAt,
  remainingMs,
  startCursor,
  workAt,
  type Cursor,
  type Decision,
  type PhaseOutcome,
} from '../../src/rollout/strategies/cursor.ts';
import { planRollout } from '../../src/rollout/strategies/plan.ts';
import { PlanError, type RolloutPlan } from '../../src/rollout/strategies/types.ts';

const clusters: TargetCluster[] = [
  { name: 'prod-1', environment: 'PRODUCTION' },
  { name: 'dev-1', environment: 'DEVELOPMENT' },
  { name: 'stage-1', environment: 'STAGING' },
  { name: 'dev-2', environment: 'DEVELOPMENT' },
  { name: 'prod-2', environment: 'PRODUCTION' },
];
const plan = (strategy: DeploymentStrategy, input?: StrategyConfigInput, targets = clusters): RolloutPlan =>
  planRollout(resolveStrategyConfig(strategy, input, { targetClusters: targets, operatorNamespace: 'ops' }), targets);

/**
 * Drives a plan like the engine would, round-tripping the cursor through JSON at every
 * step (it is what gets persisted). `outcomeOf` answers for each phase; the default passes.
 * Returns the visited "wave:phase" steps and the final decision.
 */
function drive(p: RolloutPlan, outcomeOf: (step: string, clusters: string[]) => PhaseOutcome = () => ({})) {
  const steps: string[] = [];
  let decision: Decision = decisionAt(p, startCursor(p));
  for (let guard = 0; decision.kind === 'run' && guard < 1000; guard++) {
    const step = `${decision.cursor.waveIndex}:${decision.work.phase}`;
    steps.push(step);
    const stored = JSON.parse(JSON.stringify(decision.cursor)) as Cursor;
    decision = nextStep(p, stored, outcomeOf(step, decision.work.clusters));
  }
  return { steps, decision };
}
const allHealthy = (step: string, sampled: string[]): PhaseOutcome =>
  step.endsWith(':evaluate') ? { samples: { healthy: sampled.length * 10, total: sampled.length * 10 } } : {};
const fail = (cluster: string, reason = 'CrashLoopBackOff'): PhaseOutcome => ({ clusters: [{ cluster, ok: false, reason }] });

describe('phases to completion', () => {
  it.each([
    ['DIRECT', undefined, ['0:deploy']],
    ['ROLLING', { rolling: { validationPeriod: 'PT0S' } }, ['0:deploy', '1:deploy', '2:deploy', '3:deploy', '4:deploy']],
    [
      'ROLLING',
      { rolling: { validationPeriod: 'PT1S', pauseBetweenClusters: 'PT2S' } },
      [
        '0:deploy',
        '0:validate',
        '0:pause',
        '1:deploy',
        '1:validate',
        '1:pause',
        '2:deploy',
        '2:validate',
        '2:pause',
        '3:deploy',
        '3:validate',
        '3:pause',
        '4:deploy',
        '4:validate',
      ],
    ],
    ['CANARY', { canary: { initialPercentage: 20, incrementPercentage: 40 } }, ['0:deploy', '0:evaluate', '1:deploy', '1:evaluate', '2:deploy', '2:evaluate']],
    [
      'BLUE_GREEN',
      undefined,
      [
        '0:deploy',
        '0:validate',
        '0:switch',
        '0:monitor',
        '1:deploy',
        '1:validate',
        '1:switch',
        '1:monitor',
        '2:deploy',
        '2:validate',
        '2:switch',
        '2:monitor',
        '3:deploy',
        '3:validate',
        '3:switch',
        '3:monitor',
        '4:deploy',
        '4:validate',
        '4:switch',
        '4:monitor',
      ],
    ],
  ] as const)('%s %j', (strategy, input, expected) => {
    const { steps, decision } = drive(plan(strategy, input), allHealthy);
    expect(steps).toEqual(expected);
    expect(decision.kind).toBe('done');
  });

  it('Blue-Green without autoSwitch waits before each switch, and skips a zero monitoring period', () => {
    const p = plan('BLUE_GREEN', { blueGreen: { autoSwitch: false, switchMonitoringPeriod: 'PT0S', validationPeriod: 'PT0S' } }, clusters.slice(0, 2));
    expect(drive(p).steps).toEqual(['0:deploy', '0:await-switch', '0:switch', '1:deploy', '1:await-switch', '1:switch']);
  });
});

describe('failures', () => {
  it('Rolling stops at the first failed cluster', () => {
    const p = plan('ROLLING', { rolling: { validationPeriod: 'PT1S' } });
    const { steps, decision } = drive(p, (step) => (step === '2:deploy' ? fail('stage-1') : {}));
    expect(steps).toEqual(['0:deploy', '0:validate', '1:deploy', '1:validate', '2:deploy']);
    expect(decision).toMatchObject({
      kind: 'failed',
      cursor: { waveIndex: 2, phase: 'failed' },
      failure: { waveIndex: 2, phase: 'deploy', failedClusters: ['stage-1'], changedClusters: ['dev-1', 'dev-2', 'stage-1'] },
    });
    if (decision.kind === 'failed') expect(decision.failure.reason).toBe('cluster 3 of 5: stage-1 (STAGING): deploy failed on stage-1 (CrashLoopBackOff)');
  });

  it('Rolling fails when a cluster turns unhealthy during its validation period', () => {
    const { steps, decision } = drive(plan('ROLLING'), (step) => (step === '0:validate' ? fail('dev-1', 'restarted 4 times') : {}));
    expect(steps).toEqual(['0:deploy', '0:validate']);
    expect(decision).toMatchObject({ kind: 'failed', failure: { phase: 'validate', failedClusters: ['dev-1'], changedClusters: ['dev-1'] } });
  });

  it.each([
    [19, 20, 'done'],
    [18, 20, 'failed'],
    [0, 0, 'failed'],
  ])('Canary stage 2 with %i of %i healthy samples at 0.95 → %s', (healthy, total, kind) => {
    const p = plan('CANARY', { canary: { initialPercentage: 20, incrementPercentage: 40 } });
    const { steps, decision } = drive(p, (step, sampled) => (step === '1:evaluate' ? { samples: { healthy, total } } : allHealthy(step, sampled)));
    expect(decision.kind).toBe(kind);
    if (decision.kind === 'failed') {
      expect(steps.at(-1)).toBe('1:evaluate');
      expect(decision.failure).toMatchObject({ phase: 'evaluate', changedClusters: ['dev-1', 'dev-2', 'stage-1'] });
      expect(decision.failure.reason).toMatch(total ? /18 of 20 health samples healthy \(90 %\), below the success threshold of 95 %/ : /no health samples/);
    }
  });

  it('Canary evaluates every cluster deployed so far, and an evaluation without samples fails', () => {
    const p = plan('CANARY', { canary: { initialPercentage: 20, incrementPercentage: 40 } });
    const second = nextStep(p, { waveIndex: 1, phase: 'deploy' });
    expect(second.kind === 'run' && second.work).toMatchObject({ phase: 'evaluate', clusters: ['dev-1', 'dev-2', 'stage-1'], durationMs: 300_000 });
    expect(nextStep(p, { waveIndex: 0, phase: 'evaluate' }, {}).kind).toBe('failed');
  });

  it('Canary stage stopped part-way counts only the clusters it started as changed', () => {
    const p = plan('CANARY', { canary: { initialPercentage: 20, incrementPercentage: 80 } });
    expect(p.waves[1]!.clusters).toEqual(['dev-2', 'stage-1', 'prod-1', 'prod-2']);
    const d = nextStep(
      p,
      { waveIndex: 1, phase: 'deploy' },
      {
        clusters: [
          { cluster: 'dev-2', ok: true },
          { cluster: 'stage-1', ok: false },
        ],
      },
    );
    expect(d).toMatchObject({ kind: 'failed', failure: { failedClusters: ['stage-1'], changedClusters: ['dev-1', 'dev-2', 'stage-1'] } });
  });

  it('Direct collects every failed cluster; the deployment fails if any failed', () => {
    const p = plan('DIRECT');
    const results = p.clusters.map((cluster) => ({ cluster, ok: !cluster.startsWith('prod'), reason: 'unreachable' }));
    const d = nextStep(p, startCursor(p), { clusters: results });
    expect(d).toMatchObject({ kind: 'failed', failure: { failedClusters: ['prod-1', 'prod-2'], changedClusters: p.clusters } });
    expect(nextStep(p, startCursor(p), { clusters: results.map((r) => ({ ...r, ok: true })) }).kind).toBe('done');
  });

  it('an error of the phase as a whole fails it', () => {
    const p = plan('BLUE_GREEN', { blueGreen: { autoSwitch: false } });
    expect(nextStep(p, { waveIndex: 0, phase: 'await-switch' }, { error: 'switch rejected by admin' })).toMatchObject({
      kind: 'failed',
      failure: { phase: 'await-switch', failedClusters: [], reason: expect.stringContaining('switch rejected by admin') },
    });
  });
});

describe('Blue-Green switch back', () => {
  const p = plan('BLUE_GREEN', undefined, clusters.slice(0, 3));

  it.each(['switch', 'monitor'] as const)('a failure during %s switches back, then fails with the original reason', (phase) => {
    const { steps, decision } = drive(p, (step) => (step === `1:${phase}` ? fail('stage-1', 'webhook not ready') : {}));
    expect(steps.slice(-2)).toEqual([`1:${phase}`, '1:switch-back']);
    expect(decision).toMatchObject({
      kind: 'failed',
      failure: { waveIndex: 1, phase, failedClusters: ['stage-1'], changedClusters: ['dev-1', 'stage-1'], switchedBack: ['stage-1'] },
    });
    if (decision.kind === 'failed') expect(decision.failure.reason).toMatch(/webhook not ready.*; switched back$/);
  });

  it('a failure before the switch does not switch back', () => {
    const { steps, decision } = drive(p, (step) => (step === '0:validate' ? fail('dev-1') : {}));
    expect(steps).toEqual(['0:deploy', '0:validate']);
    expect(decision.kind === 'failed' && decision.failure.switchedBack).toBeUndefined();
  });

  it('reports a switch-back that failed too', () => {
    const { decision } = drive(p, (step) =>
      step === '0:monitor' ? fail('dev-1', 'pods crash') : step === '0:switch-back' ? fail('dev-1', 'API timeout') : {},
    );
    expect(decision).toMatchObject({ kind: 'failed', failure: { switchedBack: [] } });
    if (decision.kind === 'failed') expect(decision.failure.reason).toMatch(/pods crash.*then switch-back failed on dev-1 \(API timeout\)/);
  });

  it('resumes a switch-back after a restart with the failure it keeps', () => {
    const first = nextStep(p, { waveIndex: 0, phase: 'monitor' }, fail('dev-1'));
    const stored = JSON.parse(JSON.stringify(first.cursor)) as Cursor;
    expect(decisionAt(p, stored)).toMatchObject({ kind: 'run', work: { phase: 'switch-back', clusters: ['dev-1'] } });
    expect(nextStep(p, stored)).toMatchObject({ kind: 'failed', failure: { phase: 'monitor', failedClusters: ['dev-1'] } });
  });
});

describe('resume', () => {
  it('recomputes the work of a stored cursor', () => {
    const p = plan('ROLLING', { rolling: { pauseBetweenClusters: 'PT30S' } });
    expect(decisionAt(p, { waveIndex: 3, phase: 'pause' })).toMatchObject({ kind: 'run', work: { phase: 'pause', clusters: ['prod-1'], durationMs: 30_000 } });
    expect(workAt(p, { waveIndex: 1, phase: 'validate' })).toMatchObject({ clusters: ['dev-2'], durationMs: 300_000 });
  });

  it.each([
    [{ waveIndex: 5, phase: 'deploy' }],
    [{ waveIndex: -1, phase: 'deploy' }],
    [{ waveIndex: 0, phase: 'evaluate' }],
    [{ waveIndex: 4, phase: 'pause' }],
    [{ waveIndex: 0, phase: 'switch-back' }],
  ] as const)('refuses a cursor that does not fit the plan: %j', (cursor) => {
    const p = plan('ROLLING', { rolling: { pauseBetweenClusters: 'PT1S' } });
    expect(() => decisionAt(p, cursor)).toThrow(PlanError);
  });

  it('refuses an outcome about clusters the phase does not act on', () => {
    const p = plan('ROLLING');
    expect(() => nextStep(p, startCursor(p), fail('prod-2'))).toThrow(/prod-2/);
  });

  it('leaves terminal cursors alone', () => {
    const p = plan('DIRECT');
    const done: Cursor = { waveIndex: 0, phase: 'done' };
    expect(nextStep(p, done, fail('dev-1'))).toEqual({ kind: 'done', cursor: done });
    const failed = nextStep(p, startCursor(p), fail('dev-1'));
    expect(nextStep(p, failed.cursor, {})).toEqual(failed);
  });

  it('stamps when a phase was entered, and a resumed timed phase waits only what is left', () => {
    const p = plan('ROLLING', { rolling: { validationPeriod: 'PT1M' } });
    const now = new Date('2025-01-01T00:00:00Z');
    const d = nextStep(p, startCursor(p), {}, { now });
    expect(d.cursor).toEqual({ waveIndex: 0, phase: 'validate', since: '2025-01-01T00:00:00.000Z' });
    if (d.kind !== 'run') throw new Error('expected a run');
    expect(remainingMs(d.work, d.cursor, new Date(now.getTime() + 45_000))).toBe(15_000);
    expect(remainingMs(d.work, d.cursor, new Date(now.getTime() + 90_000))).toBe(0);
    expect(remainingMs(d.work, { waveIndex: 0, phase: 'validate' }, now)).toBe(60_000);
  });

  it.each([
    [{ waveIndex: 0, phase: 'deploy' }, 0],
    [{ waveIndex: 1, phase: 'evaluate' }, 0.2],
    [{ waveIndex: 2, phase: 'deploy' }, 0.6],
    [{ waveIndex: 2, phase: 'done' }, 1],
  ] as const)('progress at %j is %d', (cursor, progress) => {
    const p = plan('CANARY', { canary: { initialPercentage: 20, incrementPercentage: 40 } });
    expect(progressAt(p, cursor)).toBe(progress);
  });
});
