import { describe, expect, it } from 'vitest';
import { resolveStrategyConfig, type TargetCluster } from '../../src/domain/strategy-config.ts';
import { describePosition, isStuck, NO_PROGRESS_LIMIT, trackProgress, type DriverPosition, type ProgressTrack } from '../../src/rollout/no-progress.ts';
import { decisionAt, nextStep, startCursor, type Decision } from '../../src/rollout/strategies/cursor.ts';
import { planRollout } from '../../src/rollout/strategies/plan.ts';

const at = (phase: string, waveIndex = 0, extra: Partial<DriverPosition> = {}): DriverPosition => ({
  status: 'DEPLOYING',
  cursor: { waveIndex, phase },
  requestedAction: null,
  ...extra,
});

/** The track after passes at `positions`, none of them waiting. */
const passes = (positions: DriverPosition[], waited: (i: number) => boolean = () => false) =>
  positions.reduce<ProgressTrack | undefined>((track, p, i) => trackProgress(track, p, waited(i)), undefined)!;

describe('no-progress detection', () => {
  it('counts passes in a row at the same position and is stuck at the limit', () => {
    expect(passes([at('deploy')]).repeats).toBe(1);
    expect(passes([at('deploy'), at('deploy'), at('deploy')]).repeats).toBe(3);
    expect(isStuck(passes(Array.from({ length: NO_PROGRESS_LIMIT - 1 }, () => at('deploy'))))).toBe(false);
    expect(isStuck(passes(Array.from({ length: NO_PROGRESS_LIMIT }, () => at('deploy'))))).toBe(true);
  });

  it.each([
    ['the phase', at('validate')],
    ['the wave', at('deploy', 1)],
    ['the status', at('deploy', 0, { status: 'VALIDATING' })],
    ['the requested action', at('deploy', 0, { requestedAction: 'ROLLBACK' })],
    ['whether a cursor is stored', { status: 'DEPLOYING', requestedAction: null }],
  ])('starts over when %s changes', (_what, moved) => {
    expect(passes([at('deploy'), at('deploy'), moved as DriverPosition]).repeats).toBe(1);
  });

  it('starts over after a pass that waited (a timer or a wake-up is a new look, not a loop)', () => {
    const positions = Array.from({ length: NO_PROGRESS_LIMIT * 3 }, () => at('await-switch'));
    expect(isStuck(passes(positions, (i) => i % 10 === 0))).toBe(false);
  });

  it('never stops a large legitimate rollout: 6000 clusters, rolling, 12 000 passes', () => {
    const targets: TargetCluster[] = Array.from({ length: 6000 }, (_, i) => ({ name: `c-${String(i).padStart(4, '0')}`, environment: 'DEVELOPMENT' }));
    const plan = planRollout(resolveStrategyConfig('ROLLING', undefined, { targetClusters: targets, operatorNamespace: 'ops' }), targets);
    let decision: Decision = decisionAt(plan, startCursor(plan));
    let track: ProgressTrack | undefined;
    let count = 0;
    while (decision.kind === 'run') {
      track = trackProgress(
        track,
        { status: 'DEPLOYING', cursor: { waveIndex: decision.cursor.waveIndex, phase: decision.cursor.phase }, requestedAction: null },
        false,
      );
      expect(isStuck(track)).toBe(false);
      decision = nextStep(plan, decision.cursor, {});
      count++;
    }
    expect(decision.kind).toBe('done');
    expect(count).toBe(12_000); // deploy and validate per cluster: past the old cap of 10 000 passes
  });

  it('says where the deployment stands', () => {
    expect(describePosition(at('deploy', 2), 'stage 3')).toBe('status DEPLOYING, wave 2 (stage 3) phase deploy, no requested action');
    expect(describePosition({ status: 'PLANNING', requestedAction: 'CANCEL' })).toBe('status PLANNING, no cursor stored yet, requested action CANCEL');
  });
});
