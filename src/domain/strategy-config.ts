// Strategy configuration (docs/rollouts.md): the StrategyConfigInput the API receives, its
// validation, the fully-resolved form the planners use (defaults filled in, durations in
// milliseconds, the rollout order of the clusters frozen) and the JSON stored in
// `deployments.strategy_config` (rollout/strategies/stored-config.ts). Pure.
//
// Decisions:
// - Only the section of the chosen strategy may be given; another section is an error
//   naming that section, so a typo in the strategy does not silently drop the settings.
// - Unknown fields in a section are errors (the stored JSON is checked with the same rules).
// - `rolling.clusterOrder` may list a subset of the target clusters: they go first, in the
//   given order, and the others follow in environment order (DEVELOPMENT → STAGING →
//   PRODUCTION, then name). Unknown or duplicate names are errors.
// - Every resolved config carries `clusterOrder`, the complete rollout order computed once
//   from the environments at creation. It is stored, so a cluster whose environment is
//   edited during a rollout cannot reshuffle the waves under the persisted cursor.
// - blueGreen namespaces default to `<operator namespace>` (blue: the live installation)
//   and `<operator namespace>-green`; when that default is longer than a DNS-1123 label
//   allows, the error asks for an explicit greenNamespace.
// - Bounds: percentages are integers 1–100, successThreshold 0–1, parallelClusters an
//   integer 1–1000; periods 0–24 h, except evaluationPeriod and healthCheckInterval
//   which must be > 0 (a stage needs at least one sample) and retentionPeriod ≤ 30 days.

import { formatDuration, parseDuration } from './duration.ts';
import { environmentRank, type DeploymentStrategy } from './model.ts';
import { dns1123LabelProblem } from './names.ts';
import { ValidationErrors } from './errors.ts';

interface DirectConfigInput {
  /** How many clusters are deployed at the same time [10]. */
  parallelClusters?: number | null;
  /** Do not wait for the operator to become healthy after applying [false]. */
  skipHealthChecks?: boolean | null;
}
interface RollingConfigInput {
  /** Clusters to deploy first, in this order; the rest follow in environment order. */
  clusterOrder?: readonly string[] | null;
  /** How long each cluster is watched after it became healthy [PT5M]. */
  validationPeriod?: string | null;
  /** Wait between two clusters [PT0S]. */
  pauseBetweenClusters?: string | null;
}
interface CanaryConfigInput {
  /** Share of the clusters in the first stage, percent [10]. */
  initialPercentage?: number | null;
  /** Added to the share at each later stage, percent [20]. */
  incrementPercentage?: number | null;
  /** How long each stage is sampled before it passes or fails [PT5M]. */
  evaluationPeriod?: string | null;
  /** Share of healthy samples a stage needs, 0–1 [0.95]. */
  successThreshold?: number | null;
  /** Time between two health samples [PT30S]. */
  healthCheckInterval?: string | null;
}
interface BlueGreenConfigInput {
  /** Namespace of the blue color [the operator's namespace]. */
  blueNamespace?: string | null;
  /** Namespace of the green color [`<operator namespace>-green`]. */
  greenNamespace?: string | null;
  /** How long the new color is watched before the switch [PT10M]. */
  validationPeriod?: string | null;
  /** Switch as soon as validation passes; false waits for someone to allow it [true]. */
  autoSwitch?: boolean | null;
  /** How long the new color is watched after the switch; a failure switches back [PT5M]. */
  switchMonitoringPeriod?: string | null;
  /** How long the old color is kept (scaled down) after the switch [PT24H]. */
  retentionPeriod?: string | null;
}
export interface StrategyConfigInput {
  direct?: DirectConfigInput | null;
  rolling?: RollingConfigInput | null;
  canary?: CanaryConfigInput | null;
  blueGreen?: BlueGreenConfigInput | null;
}

/** A cluster a deployment targets, as planning needs it. */
export interface TargetCluster {
  name: string;
  /** DEVELOPMENT, STAGING or PRODUCTION (anything else sorts last). */
  environment: string;
}

interface ResolvedBase {
  /** Every target cluster, in rollout order (frozen at creation). */
  clusterOrder: string[];
}
export interface ResolvedDirectConfig extends ResolvedBase {
  strategy: 'DIRECT';
  parallelClusters: number;
  skipHealthChecks: boolean;
}
export interface ResolvedRollingConfig extends ResolvedBase {
  strategy: 'ROLLING';
  validationPeriodMs: number;
  pauseBetweenClustersMs: number;
}
export interface ResolvedCanaryConfig extends ResolvedBase {
  strategy: 'CANARY';
  initialPercentage: number;
  incrementPercentage: number;
  evaluationPeriodMs: number;
  successThreshold: number;
  healthCheckIntervalMs: number;
}
export interface ResolvedBlueGreenConfig extends ResolvedBase {
  strategy: 'BLUE_GREEN';
  blueNamespace: string;
  greenNamespace: string;
  validationPeriodMs: number;
  autoSwitch: boolean;
  switchMonitoringPeriodMs: number;
  retentionPeriodMs: number;
}
export type ResolvedStrategyConfig = ResolvedDirectConfig | ResolvedRollingConfig | ResolvedCanaryConfig | ResolvedBlueGreenConfig;

const STRATEGY_DEFAULTS = {
  direct: { parallelClusters: 10, skipHealthChecks: false },
  rolling: { validationPeriod: 'PT5M', pauseBetweenClusters: 'PT0S' },
  canary: { initialPercentage: 10, incrementPercentage: 20, evaluationPeriod: 'PT5M', successThreshold: 0.95, healthCheckInterval: 'PT30S' },
  blueGreen: { validationPeriod: 'PT10M', autoSwitch: true, switchMonitoringPeriod: 'PT5M', retentionPeriod: 'PT24H' },
} as const;

/** The input section of each strategy. */
export const STRATEGY_SECTIONS = { DIRECT: 'direct', ROLLING: 'rolling', CANARY: 'canary', BLUE_GREEN: 'blueGreen' } as const satisfies Record<
  DeploymentStrategy,
  keyof StrategyConfigInput
>;
type Section = (typeof STRATEGY_SECTIONS)[DeploymentStrategy];

const SECTION_FIELDS: Record<Section, readonly string[]> = {
  direct: ['parallelClusters', 'skipHealthChecks'],
  rolling: ['clusterOrder', 'validationPeriod', 'pauseBetweenClusters'],
  canary: ['initialPercentage', 'incrementPercentage', 'evaluationPeriod', 'successThreshold', 'healthCheckInterval'],
  blueGreen: ['blueNamespace', 'greenNamespace', 'validationPeriod', 'autoSwitch', 'switchMonitoringPeriod', 'retentionPeriod'],
};

const HOUR_MS = 3_600_000;
/** Upper bound of every waiting period. */
const MAX_PERIOD_MS = 24 * HOUR_MS;
/** Upper bound of blueGreen.retentionPeriod. */
const MAX_RETENTION_MS = 30 * 24 * HOUR_MS;

export interface ResolveStrategyOptions {
  /** The deployment's clusters with their environments (names must be unique). */
  targetClusters: readonly TargetCluster[];
  /** The operator's namespace: default of blueGreen.blueNamespace and base of greenNamespace. */
  operatorNamespace: string;
  /** Path of the config in the request, prefixed to field names in errors [input.strategyConfig]. */
  fieldPrefix?: string;
  /** Path of the target clusters in the request [input.targetClusters]. */
  clustersField?: string;
}

/** Default rollout order: environment (DEVELOPMENT → STAGING → PRODUCTION), then name. */
export function environmentOrder(clusters: readonly TargetCluster[]): string[] {
  return [...clusters]
    .sort((a, b) => environmentRank(a.environment) - environmentRank(b.environment) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((c) => c.name);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const given = <T>(v: T | null | undefined): v is T => v !== undefined && v !== null;

/** Reads the fields of one section, recording every problem under `prefix.field`. */
class SectionReader {
  private readonly bad = new Set<string>();

  constructor(
    private readonly values: Record<string, unknown>,
    private readonly prefix: string,
    private readonly errors: ValidationErrors,
  ) {}

  field(name: string): string {
    return `${this.prefix}.${name}`;
  }

  /** Whether a problem was reported for this field (so dependent checks stay quiet). */
  failed(name: string): boolean {
    return this.bad.has(name);
  }

  private problem(name: string, message: string): void {
    this.bad.add(name);
    this.errors.add(this.field(name), message);
  }

  raw(name: string): unknown {
    return this.values[name];
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const v = this.values[name];
    if (!given(v)) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.problem(name, `must be an integer from ${min} to ${max} (got ${JSON.stringify(v)})`);
      return fallback;
    }
    return v;
  }

  fraction(name: string, fallback: number): number {
    const v = this.values[name];
    if (!given(v)) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) {
      this.problem(name, `must be a number from 0 to 1 (got ${JSON.stringify(v)})`);
      return fallback;
    }
    return v;
  }

  boolean(name: string, fallback: boolean): boolean {
    const v = this.values[name];
    if (!given(v)) return fallback;
    if (typeof v !== 'boolean') {
      this.problem(name, `must be true or false (got ${JSON.stringify(v)})`);
      return fallback;
    }
    return v;
  }

  /** Milliseconds of an ISO-8601 duration within [min, max] (min exclusive when `positive`). */
  duration(name: string, fallback: string, { max = MAX_PERIOD_MS, positive = false } = {}): number {
    const v = this.values[name];
    const text = given(v) ? v : fallback;
    const ms = typeof text === 'string' ? parseDuration(text) : undefined;
    if (ms === undefined) {
      this.problem(name, `must be an ISO-8601 duration such as PT5M or PT0.2S (got ${JSON.stringify(v)})`);
      return parseDuration(fallback)!;
    }
    if (positive && ms === 0) this.problem(name, 'must be longer than zero');
    else if (ms > max) this.problem(name, `must be at most ${formatDuration(max)} (got ${text})`);
    return ms;
  }

  namespace(name: string, fallback: string): string {
    const v = this.values[name];
    const value = given(v) ? v : fallback;
    if (typeof value !== 'string') {
      this.problem(name, `must be a string (got ${JSON.stringify(v)})`);
      return fallback;
    }
    const problem = dns1123LabelProblem(value);
    if (problem) this.problem(name, given(v) ? problem : `defaults to "${value}", which ${problem}; set it explicitly`);
    return value;
  }
}

/** Complete rollout order: `requested` first (checked against the targets), then the rest by environment. */
function orderClusters(requested: unknown, targets: readonly TargetCluster[], field: string, errors: ValidationErrors): string[] {
  const byEnvironment = environmentOrder(targets);
  if (!given(requested)) return byEnvironment;
  if (!Array.isArray(requested) || requested.some((n) => typeof n !== 'string')) {
    errors.add(field, 'must be a list of cluster names');
    return byEnvironment;
  }
  const known = new Set(targets.map((c) => c.name));
  const unknown = requested.filter((n) => !known.has(n));
  const duplicates = requested.filter((n, i) => requested.indexOf(n) !== i);
  if (unknown.length) errors.add(field, `names clusters that are not targets of this deployment: ${[...new Set(unknown)].join(', ')}`);
  if (duplicates.length) errors.add(field, `names clusters more than once: ${[...new Set(duplicates)].join(', ')}`);
  if (unknown.length || duplicates.length) return byEnvironment;
  const first = new Set<string>(requested);
  return [...requested, ...byEnvironment.filter((n) => !first.has(n))];
}

function checkTargets(targets: readonly TargetCluster[], field: string, errors: ValidationErrors): void {
  if (targets.length === 0) errors.add(field, 'must name at least one cluster');
  const names = targets.map((c) => c.name);
  const duplicates = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
  if (duplicates.length) errors.add(field, `names clusters more than once: ${duplicates.join(', ')}`);
}

/** The section of `strategy`, after reporting sections of other strategies and unknown fields. */
function sectionOf(strategy: DeploymentStrategy, input: unknown, prefix: string, errors: ValidationErrors): Record<string, unknown> {
  if (!given(input)) return {};
  if (!isRecord(input)) {
    errors.add(prefix, 'must be an object');
    return {};
  }
  const wanted = STRATEGY_SECTIONS[strategy];
  for (const [key, value] of Object.entries(input)) {
    if (key === wanted || !given(value)) continue;
    const owner = Object.entries(STRATEGY_SECTIONS).find(([, s]) => s === key)?.[0];
    errors.add(`${prefix}.${key}`, owner ? `configures ${owner}, but the strategy is ${strategy}` : 'is not a strategy section');
  }
  const section = input[wanted];
  if (!given(section)) return {};
  if (!isRecord(section)) {
    errors.add(`${prefix}.${wanted}`, 'must be an object');
    return {};
  }
  for (const key of Object.keys(section)) {
    if (!SECTION_FIELDS[wanted].includes(key))
      errors.add(`${prefix}.${wanted}.${key}`, `is not a field of ${wanted} (known: ${SECTION_FIELDS[wanted].join(', ')})`);
  }
  return section;
}

/** Resolves one strategy's section; `clusterOrder` is the complete order computed by the caller. */
function resolveSection(
  strategy: DeploymentStrategy,
  read: SectionReader,
  clusterOrder: string[],
  operatorNamespace: string,
  errors: ValidationErrors,
): ResolvedStrategyConfig {
  switch (strategy) {
    case 'DIRECT': {
      const d = STRATEGY_DEFAULTS.direct;
      return {
        strategy,
        clusterOrder,
        parallelClusters: read.integer('parallelClusters', d.parallelClusters, 1, 1000),
        skipHealthChecks: read.boolean('skipHealthChecks', d.skipHealthChecks),
      };
    }
    case 'ROLLING': {
      const d = STRATEGY_DEFAULTS.rolling;
      return {
        strategy,
        clusterOrder,
        validationPeriodMs: read.duration('validationPeriod', d.validationPeriod),
        pauseBetweenClustersMs: read.duration('pauseBetweenClusters', d.pauseBetweenClusters),
      };
    }
    case 'CANARY': {
      const d = STRATEGY_DEFAULTS.canary;
      const evaluationPeriodMs = read.duration('evaluationPeriod', d.evaluationPeriod, { positive: true });
      const healthCheckIntervalMs = read.duration('healthCheckInterval', d.healthCheckInterval, { positive: true });
      if (!read.failed('evaluationPeriod') && !read.failed('healthCheckInterval') && healthCheckIntervalMs > evaluationPeriodMs) {
        errors.add(
          read.field('healthCheckInterval'),
          `must not be longer than evaluationPeriod (${formatDuration(healthCheckIntervalMs)} > ${formatDuration(evaluationPeriodMs)}): a stage needs at least one sample`,
        );
      }
      return {
        strategy,
        clusterOrder,
        initialPercentage: read.integer('initialPercentage', d.initialPercentage, 1, 100),
        incrementPercentage: read.integer('incrementPercentage', d.incrementPercentage, 1, 100),
        evaluationPeriodMs,
        successThreshold: read.fraction('successThreshold', d.successThreshold),
        healthCheckIntervalMs,
      };
    }
    case 'BLUE_GREEN': {
      const d = STRATEGY_DEFAULTS.blueGreen;
      const blueNamespace = read.namespace('blueNamespace', operatorNamespace);
      const greenNamespace = read.namespace('greenNamespace', `${operatorNamespace}-green`);
      if (blueNamespace === greenNamespace) {
        const which = given(read.raw('greenNamespace')) ? 'greenNamespace' : 'blueNamespace';
        errors.add(read.field(which), `blue and green namespaces must differ (both are "${blueNamespace}")`);
      }
      return {
        strategy,
        clusterOrder,
        blueNamespace,
        greenNamespace,
        validationPeriodMs: read.duration('validationPeriod', d.validationPeriod),
        autoSwitch: read.boolean('autoSwitch', d.autoSwitch),
        switchMonitoringPeriodMs: read.duration('switchMonitoringPeriod', d.switchMonitoringPeriod),
        retentionPeriodMs: read.duration('retentionPeriod', d.retentionPeriod, { max: MAX_RETENTION_MS }),
      };
    }
  }
}

/**
 * Validates `input` for `strategy` and fills in every default. Throws one ValidationError
 * naming every bad field (`input.strategyConfig.canary.successThreshold`, …).
 */
export function resolveStrategyConfig(
  strategy: DeploymentStrategy,
  input: StrategyConfigInput | null | undefined,
  options: ResolveStrategyOptions,
): ResolvedStrategyConfig {
  const prefix = options.fieldPrefix ?? 'input.strategyConfig';
  const errors = new ValidationErrors();
  if (!Object.hasOwn(STRATEGY_SECTIONS, strategy)) {
    errors.add('input.strategy', `must be one of ${Object.keys(STRATEGY_SECTIONS).join(', ')} (got ${JSON.stringify(strategy)})`);
    errors.throwIfAny();
  }
  checkTargets(options.targetClusters, options.clustersField ?? 'input.targetClusters', errors);
  const section = sectionOf(strategy, input, prefix, errors);
  const sectionPrefix = `${prefix}.${STRATEGY_SECTIONS[strategy]}`;
  const order = orderClusters(strategy === 'ROLLING' ? section.clusterOrder : undefined, options.targetClusters, `${sectionPrefix}.clusterOrder`, errors);
  const resolved = resolveSection(strategy, new SectionReader(section, sectionPrefix, errors), order, options.operatorNamespace, errors);
  errors.throwIfAny();
  return resolved;
}
