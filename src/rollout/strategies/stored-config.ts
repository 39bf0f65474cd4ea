// The strategy config as stored in `deployments.strategy_config`: the resolved config in
// the API's own vocabulary (section names, ISO-8601 durations), so the column reads like
// the request, plus the frozen cluster order. `version` leaves room for later changes.
// Reading it back applies the API's rules again, so a hand-edited row cannot smuggle in a
// value the API would refuse. Pure.

import { formatDuration } from '../../domain/duration.ts';
import { ValidationError } from '../../domain/errors.ts';
import type { DeploymentStrategy } from '../../domain/model.ts';
import { resolveStrategyConfig, STRATEGY_SECTIONS, type ResolvedStrategyConfig, type StrategyConfigInput } from '../../domain/strategy-config.ts';

export interface StoredStrategyConfig {
  version: 1;
  strategy: DeploymentStrategy;
  /** Every target cluster in rollout order, as resolved at creation. */
  clusterOrder: string[];
  direct?: { parallelClusters: number; skipHealthChecks: boolean };
  rolling?: { validationPeriod: string; pauseBetweenClusters: string };
  canary?: { initialPercentage: number; incrementPercentage: number; evaluationPeriod: string; successThreshold: number; healthCheckInterval: string };
  blueGreen?: {
    blueNamespace: string;
    greenNamespace: string;
    validationPeriod: string;
    autoSwitch: boolean;
    switchMonitoringPeriod: string;
    retentionPeriod: string;
  };
}

/** A stored config that cannot be read back: a bug or a hand-edited row, never user input. */
export class StoredStrategyConfigError extends Error {
  override name = 'StoredStrategyConfigError';
}

/** JSON for the database; `fromStoredStrategyConfig` gives back an equal resolved config. */
export function toStoredStrategyConfig(config: ResolvedStrategyConfig): StoredStrategyConfig {
  const base = { version: 1 as const, strategy: config.strategy, clusterOrder: [...config.clusterOrder] };
  const iso = formatDuration;
  switch (config.strategy) {
    case 'DIRECT':
      return { ...base, direct: { parallelClusters: config.parallelClusters, skipHealthChecks: config.skipHealthChecks } };
    case 'ROLLING':
      return { ...base, rolling: { validationPeriod: iso(config.validationPeriodMs), pauseBetweenClusters: iso(config.pauseBetweenClustersMs) } };
    case 'CANARY':
      return {
        ...base,
        canary: {
          initialPercentage: config.initialPercentage,
          incrementPercentage: config.incrementPercentage,
          evaluationPeriod: iso(config.evaluationPeriodMs),
          successThreshold: config.successThreshold,
          healthCheckInterval: iso(config.healthCheckIntervalMs),
        },
      };
    case 'BLUE_GREEN':
      return {
        ...base,
        blueGreen: {
          blueNamespace: config.blueNamespace,
          greenNamespace: config.greenNamespace,
          validationPeriod: iso(config.validationPeriodMs),
          autoSwitch: config.autoSwitch,
          switchMonitoringPeriod: iso(config.switchMonitoringPeriodMs),
          retentionPeriod: iso(config.retentionPeriodMs),
        },
      };
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads a stored config back, checked with the rules of the API; throws StoredStrategyConfigError. */
export function fromStoredStrategyConfig(json: unknown): ResolvedStrategyConfig {
  const fail = (problem: string): never => {
    throw new StoredStrategyConfigError(`stored strategy config is invalid: ${problem}`);
  };
  if (!isRecord(json)) return fail('not an object');
  const { version, strategy, clusterOrder, ...sections } = json;
  if (version !== 1) fail(`version must be 1 (got ${JSON.stringify(version)})`);
  if (typeof strategy !== 'string' || !Object.hasOwn(STRATEGY_SECTIONS, strategy)) fail(`strategy ${JSON.stringify(strategy)} is not a strategy`);
  if (!Array.isArray(clusterOrder) || clusterOrder.some((n) => typeof n !== 'string')) fail('clusterOrder must be a list of cluster names');
  const order = clusterOrder as string[];
  try {
    const resolved = resolveStrategyConfig(strategy as DeploymentStrategy, sections as StrategyConfigInput, {
      // The order is stored complete, so environments play no part any more.
      targetClusters: order.map((name) => ({ name, environment: '' })),
      // Namespaces are stored explicitly; an empty default makes a missing one an error.
      operatorNamespace: '',
      fieldPrefix: 'strategyConfig',
      clustersField: 'strategyConfig.clusterOrder',
    });
    return { ...resolved, clusterOrder: [...order] };
  } catch (err) {
    if (err instanceof ValidationError) return fail(err.message);
    throw err;
  }
}
