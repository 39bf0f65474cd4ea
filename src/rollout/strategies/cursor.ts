// The state machine of a rollout over a plan. Plans are deterministic in (config,
// clusters), so the engine persists only a Cursor; after a restart it recomputes the plan,
// calls `decisionAt(plan, cursor)` and runs that phase again (cluster steps are idempotent).
//
// Cursor = { waveIndex, phase }. Phases of one wave, in this order, each only when it applies:
//   deploy        apply to the wave's clusters (wave.parallelism at a time) and wait until
//                 healthy (unless wave.skipHealthChecks); Blue-Green installs the new color
//   evaluate      Canary: sample every cluster deployed so far (wave.evaluation)
//   validate      watch the wave's clusters for wave.validationPeriodMs (when > 0)
//   await-switch  Blue-Green with autoSwitch false: wait until someone allows the switch
//   switch        Blue-Green: scale the new color up, point webhooks at it, scale the old down
//   monitor       Blue-Green: watch the new color for monitoringPeriodMs (when > 0)
//   pause         wait wave.pauseAfterMs before the next wave (when > 0)
// plus the recovery phase switch-back (Blue-Green) and the terminal phases done, failed.
//
// nextStep(plan, cursor, outcome) — the outcome is what the engine saw in that phase:
//   phase passed              → next phase of the wave, else first phase of the next wave, else done
//   deploy/evaluate/validate/
//   await-switch/pause failed → failed (Rolling: the first failed cluster stops the rollout;
//                               Canary: a stage below its threshold; Direct: the wave ran
//                               every cluster, the failure lists all that failed)
//   switch/monitor failed     → switch-back (the old color takes over again, no redeploy)
//   switch-back finished      → failed, with the failure that caused it (the cursor keeps it)
//   done/failed               → unchanged
// A phase failed when a cluster result is not ok, when `error` is set, or (evaluate) when
// the share of healthy samples is below the threshold — no samples at all fails.

import { canaryStagePasses, countSamples, type SampleCount } from './canary.ts';
import { PlanError, type RolloutPlan, type Wave } from './types.ts';

const WAVE_PHASES = ['deploy', 'evaluate', 'validate', 'await-switch', 'switch', 'monitor', 'pause'] as const;
type WavePhase = (typeof WAVE_PHASES)[number];
type Phase = WavePhase | 'switch-back' | 'done' | 'failed';

export interface RolloutFailure {
  /** Wave and phase that failed (never switch-back: that is the recovery). */
  waveIndex: number;
  phase: WavePhase;
  /** A sentence for the deployment's errorMessage and events. */
  reason: string;
  /** Clusters that failed; empty when the failure is not tied to clusters (a phase error). */
  failedClusters: string[];
  /** Every cluster this deployment changed so far: what automatic rollback must cover. */
  changedClusters: string[];
  /** Blue-Green: clusters whose switch was undone, once switch-back has run. */
  switchedBack?: string[];
}

/** What the engine persists. */
export interface Cursor {
  waveIndex: number;
  phase: Phase;
  /** Set from failed and switch-back on: why the rollout failed. */
  failure?: RolloutFailure;
  /** When the phase was entered (ISO-8601), if nextStep was given `now`: timed phases resume with what is left. */
  since?: string;
}

interface ClusterResult {
  cluster: string;
  ok: boolean;
  /** Why it failed, for the failure reason. */
  reason?: string;
}

/** What the engine saw during a phase. Everything optional: an empty outcome is a pass (except for evaluate). */
export interface PhaseOutcome {
  /** Per-cluster results. In deploy, clusters not listed were not started (a 'stop' wave stopped early). */
  clusters?: readonly ClusterResult[];
  /** evaluate: the health samples of the stage. */
  samples?: readonly boolean[] | SampleCount;
  /** A failure of the phase as a whole (e.g. the switch was refused). */
  error?: string;
}

/** The work of the phase under a cursor. */
export interface PhaseWork {
  phase: WavePhase | 'switch-back';
  wave: Wave;
  /** Clusters the phase acts on: the wave's clusters; evaluate samples every cluster deployed so far. */
  clusters: string[];
  /** Length of a timed phase (evaluate, validate, monitor, pause); 0 for the others. */
  durationMs: number;
}

export type Decision =
  | { kind: 'run'; cursor: Cursor; work: PhaseWork }
  | { kind: 'done'; cursor: Cursor }
  | { kind: 'failed'; cursor: Cursor; failure: RolloutFailure };

/** The phases a wave goes through, in order. */
function phasesOf(wave: Wave): WavePhase[] {
  const phases: WavePhase[] = ['deploy'];
  if (wave.evaluation) phases.push('evaluate');
  if (wave.validationPeriodMs > 0) phases.push('validate');
  if (wave.blueGreen) {
    if (!wave.blueGreen.autoSwitch) phases.push('await-switch');
    phases.push('switch');
    if (wave.blueGreen.monitoringPeriodMs > 0) phases.push('monitor');
  }
  if (wave.pauseAfterMs > 0) phases.push('pause');
  return phases;
}

export function startCursor(plan: RolloutPlan): Cursor {
  return { waveIndex: 0, phase: phasesOf(waveAt(plan, 0))[0]! };
}

function waveAt(plan: RolloutPlan, index: number): Wave {
  const wave = plan.waves[index];
  if (!wave) throw new PlanError(`the plan has no wave ${index} (it has ${plan.waves.length})`);
  return wave;
}

/** The wave under a cursor, after checking that the cursor fits the plan. */
function checkedWave(plan: RolloutPlan, cursor: Cursor): Wave {
  const wave = Number.isInteger(cursor.waveIndex) ? plan.waves[cursor.waveIndex] : undefined;
  const fits =
    wave &&
    (cursor.phase === 'done' || cursor.phase === 'failed' || (cursor.phase === 'switch-back' ? !!wave.blueGreen : phasesOf(wave).includes(cursor.phase)));
  if (!fits) throw new PlanError(`cursor ${JSON.stringify({ waveIndex: cursor.waveIndex, phase: cursor.phase })} does not fit the ${plan.strategy} plan`);
  return wave!;
}

export function workAt(plan: RolloutPlan, cursor: Cursor): PhaseWork | undefined {
  const wave = checkedWave(plan, cursor);
  const phase = cursor.phase;
  if (phase === 'done' || phase === 'failed') return undefined;
  const durations: Partial<Record<Phase, number>> = {
    evaluate: wave.evaluation?.periodMs,
    validate: wave.validationPeriodMs,
    monitor: wave.blueGreen?.monitoringPeriodMs,
    pause: wave.pauseAfterMs,
  };
  const clusters = phase === 'evaluate' ? wave.evaluation!.clusters : wave.clusters;
  return { phase, wave, clusters: [...clusters], durationMs: durations[phase] ?? 0 };
}

/** The decision for a stored cursor: what to (re)do after a restart. */
export function decisionAt(plan: RolloutPlan, cursor: Cursor): Decision {
  if (cursor.phase === 'done') return { kind: 'done', cursor };
  if (cursor.phase === 'failed') {
    if (!cursor.failure) throw new PlanError('a failed cursor must carry its failure');
    return { kind: 'failed', cursor, failure: cursor.failure };
  }
  return { kind: 'run', cursor, work: workAt(plan, cursor)! };
}

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10} %`;
}

/** Why a phase failed, or undefined when it passed. */
function phaseProblem(wave: Wave, phase: Phase, outcome: PhaseOutcome): { reason: string; failedClusters: string[] } | undefined {
  const failed = (outcome.clusters ?? []).filter((r) => !r.ok);
  const problems: string[] = [];
  if (outcome.error) problems.push(outcome.error);
  if (failed.length) problems.push(`failed on ${failed.map((r) => (r.reason ? `${r.cluster} (${r.reason})` : r.cluster)).join(', ')}`);
  if (phase === 'evaluate') {
    const evaluation = wave.evaluation!;
    const { healthy, total } = countSamples(outcome.samples ?? []);
    if (!canaryStagePasses({ healthy, total }, evaluation.successThreshold)) {
      problems.push(
        total === 0
          ? 'no health samples were taken'
          : `${healthy} of ${total} health samples healthy (${percent(healthy / total)}), below the success threshold of ${percent(evaluation.successThreshold)}`,
      );
    }
  }
  if (problems.length === 0) return undefined;
  return { reason: `${wave.label}: ${phase} ${problems.join('; ')}`, failedClusters: failed.map((r) => r.cluster) };
}

/** Clusters changed by the time `phase` of wave `index` ran. */
function changedClusters(plan: RolloutPlan, index: number, phase: Phase, outcome: PhaseOutcome): string[] {
  const before = plan.waves.slice(0, index).flatMap((w) => w.clusters);
  const wave = plan.waves[index]!;
  const started = phase === 'deploy' && outcome.clusters ? new Set(outcome.clusters.map((r) => r.cluster)) : undefined;
  return [...before, ...wave.clusters.filter((c) => !started || started.has(c))];
}

export interface NextStepOptions {
  /** Stamped into the new cursor's `since`. */
  now?: Date;
}

/** The next decision after the engine ran the phase under `cursor` and saw `outcome`. */
export function nextStep(plan: RolloutPlan, cursor: Cursor, outcome: PhaseOutcome = {}, options: NextStepOptions = {}): Decision {
  const wave = checkedWave(plan, cursor);
  const stamp = options.now ? { since: options.now.toISOString() } : {};
  if (cursor.phase === 'done' || cursor.phase === 'failed') return decisionAt(plan, cursor);
  const acting = new Set(workAt(plan, cursor)!.clusters);
  const strangers = (outcome.clusters ?? []).filter((r) => !acting.has(r.cluster)).map((r) => r.cluster);
  if (strangers.length) throw new PlanError(`the outcome of ${cursor.phase} in wave ${wave.index} names clusters outside it: ${strangers.join(', ')}`);

  if (cursor.phase === 'switch-back') {
    const original = cursor.failure ?? {
      waveIndex: wave.index,
      phase: 'monitor',
      reason: `${wave.label}: switched back`,
      failedClusters: [],
      changedClusters: [],
    };
    const backProblem = phaseProblem(wave, 'switch-back', outcome);
    const failure: RolloutFailure = {
      ...original,
      reason: backProblem ? `${original.reason}; then ${backProblem.reason.replace(`${wave.label}: `, '')}` : `${original.reason}; switched back`,
      switchedBack: wave.clusters.filter((c) => !backProblem?.failedClusters.includes(c)),
    };
    return { kind: 'failed', cursor: { waveIndex: wave.index, phase: 'failed', failure, ...stamp }, failure };
  }

  const problem = phaseProblem(wave, cursor.phase, outcome);
  if (problem) {
    const failure: RolloutFailure = {
      waveIndex: wave.index,
      phase: cursor.phase,
      ...problem,
      changedClusters: changedClusters(plan, wave.index, cursor.phase, outcome),
    };
    if (wave.blueGreen && (cursor.phase === 'switch' || cursor.phase === 'monitor')) {
      const next: Cursor = { waveIndex: wave.index, phase: 'switch-back', failure, ...stamp };
      return { kind: 'run', cursor: next, work: workAt(plan, next)! };
    }
    return { kind: 'failed', cursor: { waveIndex: wave.index, phase: 'failed', failure, ...stamp }, failure };
  }

  const phases = phasesOf(wave);
  const following = phases[phases.indexOf(cursor.phase) + 1];
  const next: Cursor = following
    ? { waveIndex: wave.index, phase: following, ...stamp }
    : wave.index + 1 < plan.waves.length
      ? { waveIndex: wave.index + 1, phase: phasesOf(plan.waves[wave.index + 1]!)[0]!, ...stamp }
      : { waveIndex: wave.index, phase: 'done', ...stamp };
  return decisionAt(plan, next);
}

/** Share of the clusters through their wave (0–1), for the `progress` of events. */
export function progressAt(plan: RolloutPlan, cursor: Cursor): number {
  const total = plan.clusters.length;
  if (cursor.phase === 'done') return 1;
  const done = cursor.waveIndex > 0 ? (plan.waves[cursor.waveIndex - 1]?.clustersDoneAfter ?? 0) : 0;
  return total === 0 ? 0 : done / total;
}

/** How much of a timed phase is left after a restart (never negative). */
export function remainingMs(work: PhaseWork, cursor: Cursor, now: Date): number {
  if (!cursor.since) return work.durationMs;
  return Math.max(0, work.durationMs - (now.getTime() - Date.parse(cursor.since)));
}
