import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/domain/errors.ts';
import type { DeploymentStrategy } from '../../src/domain/model.ts';
import { environmentOrder, resolveStrategyConfig, type StrategyConfigInput, type TargetCluster } from '../../src/domain/strategy-config.ts';
import { fromStoredStrategyConfig, StoredStrategyConfigError, toStoredStrategyConfig } from '../../src/rollout/strategies/stored-config.ts';

const targetClusters: TargetCluster[] = [
  { name: 'prod-b', environment: 'PRODUCTION' },
  { name: 'dev-2', environment: 'DEVELOPMENT' },
  { name: 'staging', environment: 'STAGING' },
  { name: 'prod-a', environment: 'PRODUCTION' },
  { name: 'dev-1', environment: 'DEVELOPMENT' },
];
const context = { targetClusters, operatorNamespace: 'monitoring' };
const resolve = (strategy: DeploymentStrategy, input?: StrategyConfigInput | null) => resolveStrategyConfig(strategy, input, context);

/** The ValidationError thrown by resolving, or a failure when nothing is thrown. */
function rejection(strategy: DeploymentStrategy, input: unknown, options = context): ValidationError {
  try {
    resolveStrategyConfig(strategy, input as StrategyConfigInput, options);
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be rejected for ${strategy}`);
}

const ENV_ORDER = ['dev-1', 'dev-2', 'staging', 'prod-a', 'prod-b'];

describe('defaults (docs/rollouts.md)', () => {
  it.each([
    ['DIRECT', undefined, { parallelClusters: 10, skipHealthChecks: false }],
    ['DIRECT', { direct: {} }, { parallelClusters: 10, skipHealthChecks: false }],
    ['ROLLING', null, { validationPeriodMs: 300_000, pauseBetweenClustersMs: 0 }],
    ['CANARY', {}, { initialPercentage: 10, incrementPercentage: 20, evaluationPeriodMs: 300_000, successThreshold: 0.95, healthCheckIntervalMs: 30_000 }],
    [
      'BLUE_GREEN',
      { blueGreen: null },
      {
        blueNamespace: 'monitoring',
        greenNamespace: 'monitoring-green',
        validationPeriodMs: 600_000,
        autoSwitch: true,
        switchMonitoringPeriodMs: 300_000,
        retentionPeriodMs: 86_400_000,
      },
    ],
  ] as const)('%s with %j', (strategy, input, expected) => {
    expect(resolve(strategy, input)).toEqual({ strategy, clusterOrder: ENV_ORDER, ...expected });
  });

  it('keeps given values and fills the rest', () => {
    expect(resolve('CANARY', { canary: { initialPercentage: 25, evaluationPeriod: 'PT0.2S', healthCheckInterval: 'PT0.05S' } })).toMatchObject({
      initialPercentage: 25,
      incrementPercentage: 20,
      evaluationPeriodMs: 200,
      healthCheckIntervalMs: 50,
      successThreshold: 0.95,
    });
  });
});

describe('cluster order', () => {
  it('defaults to environment, then name', () => expect(environmentOrder(targetClusters)).toEqual(ENV_ORDER));
  it('puts unknown environments last', () =>
    expect(
      environmentOrder([
        { name: 'a', environment: 'LAB' },
        { name: 'b', environment: 'PRODUCTION' },
      ]),
    ).toEqual(['b', 'a']));
  it.each([
    [
      ['prod-a', 'dev-2', 'staging', 'prod-b', 'dev-1'],
      ['prod-a', 'dev-2', 'staging', 'prod-b', 'dev-1'],
    ],
    [
      ['staging', 'dev-2'],
      ['staging', 'dev-2', 'dev-1', 'prod-a', 'prod-b'],
    ],
    [[], ENV_ORDER],
  ])('rolling.clusterOrder %j → %j', (clusterOrder, expected) => {
    expect(resolve('ROLLING', { rolling: { clusterOrder } }).clusterOrder).toEqual(expected);
  });
});

const F = 'input.strategyConfig';
describe('validation names each bad field', () => {
  it.each([
    // strategy sections
    ['CANARY', { rolling: { validationPeriod: 'PT1M' } }, `${F}.rolling`, /configures ROLLING, but the strategy is CANARY/],
    ['DIRECT', { blueGreen: {} }, `${F}.blueGreen`, /BLUE_GREEN/],
    ['DIRECT', { linear: {} }, `${F}.linear`, /not a strategy section/],
    ['DIRECT', 'fast', F, /must be an object/],
    ['CANARY', { canary: 5 }, `${F}.canary`, /must be an object/],
    ['CANARY', { canary: { initialPercent: 5 } }, `${F}.canary.initialPercent`, /not a field of canary/],
    // direct
    ['DIRECT', { direct: { parallelClusters: 0 } }, `${F}.direct.parallelClusters`, /integer from 1 to 1000 \(got 0\)/],
    ['DIRECT', { direct: { parallelClusters: 1001 } }, `${F}.direct.parallelClusters`, /1 to 1000/],
    ['DIRECT', { direct: { parallelClusters: 2.5 } }, `${F}.direct.parallelClusters`, /integer/],
    ['DIRECT', { direct: { skipHealthChecks: 'yes' } }, `${F}.direct.skipHealthChecks`, /true or false/],
    // rolling
    ['ROLLING', { rolling: { clusterOrder: ['dev-1', 'nope'] } }, `${F}.rolling.clusterOrder`, /not targets of this deployment: nope/],
    ['ROLLING', { rolling: { clusterOrder: ['dev-1', 'staging', 'dev-1'] } }, `${F}.rolling.clusterOrder`, /more than once: dev-1/],
    ['ROLLING', { rolling: { clusterOrder: 'dev-1' } }, `${F}.rolling.clusterOrder`, /list of cluster names/],
    ['ROLLING', { rolling: { validationPeriod: '5m' } }, `${F}.rolling.validationPeriod`, /ISO-8601 duration.*"5m"/],
    ['ROLLING', { rolling: { validationPeriod: 'P2D' } }, `${F}.rolling.validationPeriod`, /at most P1D \(got P2D\)/],
    ['ROLLING', { rolling: { pauseBetweenClusters: 'PT25H' } }, `${F}.rolling.pauseBetweenClusters`, /at most P1D/],
    ['ROLLING', { rolling: { pauseBetweenClusters: 30 } }, `${F}.rolling.pauseBetweenClusters`, /ISO-8601/],
    // canary
    ['CANARY', { canary: { initialPercentage: 0 } }, `${F}.canary.initialPercentage`, /1 to 100/],
    ['CANARY', { canary: { initialPercentage: 101 } }, `${F}.canary.initialPercentage`, /1 to 100/],
    ['CANARY', { canary: { incrementPercentage: 0 } }, `${F}.canary.incrementPercentage`, /1 to 100/],
    ['CANARY', { canary: { incrementPercentage: 12.5 } }, `${F}.canary.incrementPercentage`, /integer/],
    ['CANARY', { canary: { successThreshold: 1.01 } }, `${F}.canary.successThreshold`, /0 to 1/],
    ['CANARY', { canary: { successThreshold: -0.1 } }, `${F}.canary.successThreshold`, /0 to 1/],
    ['CANARY', { canary: { successThreshold: Number.NaN } }, `${F}.canary.successThreshold`, /0 to 1/],
    ['CANARY', { canary: { evaluationPeriod: 'PT0S' } }, `${F}.canary.evaluationPeriod`, /longer than zero/],
    ['CANARY', { canary: { evaluationPeriod: 'PT24H1S' } }, `${F}.canary.evaluationPeriod`, /at most P1D/],
    ['CANARY', { canary: { healthCheckInterval: 'PT0S' } }, `${F}.canary.healthCheckInterval`, /longer than zero/],
    ['CANARY', { canary: { healthCheckInterval: 'PT6M' } }, `${F}.canary.healthCheckInterval`, /not be longer than evaluationPeriod \(PT6M > PT5M\)/],
    ['CANARY', { canary: { evaluationPeriod: 'PT10S' } }, `${F}.canary.healthCheckInterval`, /PT30S > PT10S/],
    // blue-green
    ['BLUE_GREEN', { blueGreen: { greenNamespace: 'Green_NS' } }, `${F}.blueGreen.greenNamespace`, /DNS-1123/],
    ['BLUE_GREEN', { blueGreen: { blueNamespace: '' } }, `${F}.blueGreen.blueNamespace`, /must not be empty/],
    ['BLUE_GREEN', { blueGreen: { greenNamespace: 'monitoring' } }, `${F}.blueGreen.greenNamespace`, /must differ \(both are "monitoring"\)/],
    ['BLUE_GREEN', { blueGreen: { blueNamespace: 'monitoring-green' } }, `${F}.blueGreen.blueNamespace`, /must differ/],
    ['BLUE_GREEN', { blueGreen: { retentionPeriod: 'P31D' } }, `${F}.blueGreen.retentionPeriod`, /at most P30D/],
    ['BLUE_GREEN', { blueGreen: { validationPeriod: 'P1DT1S' } }, `${F}.blueGreen.validationPeriod`, /at most P1D/],
    ['BLUE_GREEN', { blueGreen: { switchMonitoringPeriod: 'soon' } }, `${F}.blueGreen.switchMonitoringPeriod`, /ISO-8601/],
    ['BLUE_GREEN', { blueGreen: { autoSwitch: 1 } }, `${F}.blueGreen.autoSwitch`, /true or false/],
  ] as const)('%s %j → %s', (strategy, input, field, message) => {
    const err = rejection(strategy, input);
    expect(err.fields).toEqual([field]);
    expect(err.code).toBe('BAD_USER_INPUT');
    expect(err.message).toMatch(message);
    expect(err.message.startsWith(`${field}: `)).toBe(true);
  });

  it('reports every problem at once', () => {
    const err = rejection('CANARY', { canary: { initialPercentage: 0, successThreshold: 2 }, direct: { parallelClusters: 5 } });
    expect(err.fields.sort()).toEqual([`${F}.canary.initialPercentage`, `${F}.canary.successThreshold`, `${F}.direct`]);
  });

  it.each([
    [[], 'must name at least one cluster'],
    [
      [
        { name: 'a', environment: 'STAGING' },
        { name: 'a', environment: 'STAGING' },
      ],
      'more than once: a',
    ],
  ])('target clusters %j', (clusters, message) => {
    const err = rejection('DIRECT', undefined, { ...context, targetClusters: clusters });
    expect(err.fields).toEqual(['input.targetClusters']);
    expect(err.message).toContain(message);
  });

  it.each(['LINEAR', 'toString'])('refuses the strategy %s', (strategy) => {
    const err = rejection(strategy as DeploymentStrategy, undefined);
    expect(err.fields).toEqual(['input.strategy']);
  });

  it('asks for greenNamespace when the default would be too long', () => {
    const err = rejection('BLUE_GREEN', {}, { ...context, operatorNamespace: 'n'.repeat(60) });
    expect(err.fields).toEqual([`${F}.blueGreen.greenNamespace`]);
    expect(err.message).toMatch(/defaults to "n{60}-green".*set it explicitly/);
  });

  it('uses the field prefix it is given', () => {
    const err = rejection('DIRECT', { direct: { parallelClusters: -1 } }, { ...context, fieldPrefix: 'strategyConfig' } as typeof context);
    expect(err.fields).toEqual(['strategyConfig.direct.parallelClusters']);
  });

  it.each([
    ['CANARY', { canary: { healthCheckInterval: 'PT5M' } }],
    ['CANARY', { canary: { successThreshold: 0, initialPercentage: 100, incrementPercentage: 100 } }],
    ['CANARY', { canary: { successThreshold: 1 } }],
    ['DIRECT', { direct: { parallelClusters: 1000 } }],
    ['ROLLING', { rolling: { validationPeriod: 'P1D', pauseBetweenClusters: 'PT24H' } }],
    ['BLUE_GREEN', { blueGreen: { retentionPeriod: 'P30D', blueNamespace: 'ops', greenNamespace: 'ops-next' } }],
    ['ROLLING', { rolling: { clusterOrder: null }, direct: null }],
  ] as const)('accepts the bounds %s %j', (strategy, input) => expect(() => resolve(strategy, input)).not.toThrow());
});

describe('stored form', () => {
  it.each([
    ['DIRECT', { direct: { parallelClusters: 3, skipHealthChecks: true } }],
    ['ROLLING', { rolling: { clusterOrder: ['prod-b'], validationPeriod: 'PT1M30.5S', pauseBetweenClusters: 'PT0.2S' } }],
    ['CANARY', { canary: { successThreshold: 0.9, evaluationPeriod: 'P1D', healthCheckInterval: 'PT1H' } }],
    ['BLUE_GREEN', { blueGreen: { autoSwitch: false, retentionPeriod: 'P30D' } }],
  ] as const)('%s round-trips through JSON', (strategy, input) => {
    const resolved = resolve(strategy, input);
    const json = JSON.parse(JSON.stringify(toStoredStrategyConfig(resolved)));
    expect(json).toMatchObject({ version: 1, strategy, clusterOrder: resolved.clusterOrder });
    expect(fromStoredStrategyConfig(json)).toEqual(resolved);
  });

  it('stores durations as ISO-8601, like the API', () => {
    expect(toStoredStrategyConfig(resolve('ROLLING', { rolling: { validationPeriod: 'PT90S' } })).rolling).toEqual({
      validationPeriod: 'PT1M30S',
      pauseBetweenClusters: 'PT0S',
    });
  });

  it.each([
    [null, /not an object/],
    [{ version: 2, strategy: 'DIRECT', clusterOrder: ['a'] }, /version must be 1/],
    [{ version: 1, strategy: 'LINEAR', clusterOrder: ['a'] }, /LINEAR/],
    [{ version: 1, strategy: 'constructor', clusterOrder: ['a'] }, /constructor/],
    [{ version: 1, strategy: 'DIRECT', clusterOrder: 'a' }, /clusterOrder/],
    [{ version: 1, strategy: 'DIRECT', clusterOrder: [] }, /at least one cluster/],
    [{ version: 1, strategy: 'DIRECT', clusterOrder: ['a', 'a'] }, /more than once/],
    [{ version: 1, strategy: 'CANARY', clusterOrder: ['a'], canary: { successThreshold: 7 } }, /canary.successThreshold/],
    [{ version: 1, strategy: 'BLUE_GREEN', clusterOrder: ['a'], blueGreen: { greenNamespace: 'g' } }, /blueNamespace/],
  ])('refuses %j', (json, message) => {
    expect(() => fromStoredStrategyConfig(json)).toThrow(StoredStrategyConfigError);
    expect(() => fromStoredStrategyConfig(json)).toThrow(message);
  });
});
