// Hostile GraphQL arguments and kubeconfigs: each gets a clear error naming the problem
// (never INTERNAL), the service stays up, and nothing is written — the rows of every table
// a mutation could touch are counted before and after each case.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { DEMO_TEMPLATE, DEMO_VERSIONS } from '../helpers/fleet.ts';
import { aliasBombKubeconfig, kubeconfigObject, kubeconfigYaml } from '../helpers/kubeconfigs.ts';
import yaml from 'js-yaml';

const REGISTER_OPERATOR = 'mutation($input: RegisterOperatorInput!) { registerOperator(input: $input) { name } }';
const UPDATE_OPERATOR = 'mutation($name: String!, $input: UpdateOperatorInput!) { updateOperator(name: $name, input: $input) { name } }';
const REGISTER_CLUSTER = 'mutation($input: RegisterClusterInput!) { registerCluster(input: $input) { name } }';
const CREATE_DEPLOYMENT = 'mutation($input: CreateDeploymentInput!) { createDeployment(input: $input) { id } }';

/** JSON text of `levels` nested objects, built without recursion (JSON.stringify would overflow). */
const deepJson = (levels: number) => `${'{"a":'.repeat(levels)}"x"${'}'.repeat(levels)}`;
/** The request body with `marker` (a quoted string) replaced by raw JSON text. */
const withRaw = (body: unknown, marker: string, raw: string) => JSON.stringify(body).replace(JSON.stringify(marker), raw);

const operator = (extra: Record<string, unknown> = {}) => ({ name: 'hostile-op', namespace: 'hostile', manifestUrlTemplate: DEMO_TEMPLATE, ...extra });
const cluster = (extra: Record<string, unknown> = {}) => ({
  name: 'hostile-c',
  environment: 'DEVELOPMENT',
  kubeconfig: kubeconfigYaml(),
  skipConnectivityCheck: true,
  ...extra,
});
const deployment = (extra: Record<string, unknown> = {}) => ({
  operatorName: 'demo',
  targetVersion: 'v1.0.0',
  strategy: 'CANARY',
  targetClusters: ['dev-1'],
  ...extra,
});
const canary = (config: Record<string, unknown>) => deployment({ strategyConfig: { canary: config } });
/** A kubeconfig changed in place by `change`, or replaced by what it returns when that is an object. */
const kubeconfigWith = (change: (k: ReturnType<typeof kubeconfigObject>) => unknown) => {
  const k = kubeconfigObject();
  const replaced = change(k);
  return yaml.dump(typeof replaced === 'object' && replaced !== null ? replaced : k);
};

interface Case {
  name: string;
  body: unknown;
  /** Expected error code (default BAD_USER_INPUT). */
  code?: string;
  message: RegExp;
  fields?: string[];
}

const cases: Case[] = [
  // names
  {
    name: 'an operator name of 100,000 characters',
    body: { query: REGISTER_OPERATOR, variables: { input: operator({ name: 'a'.repeat(100_000) }) } },
    message: /input\.name: must be at most 63 characters \(got 100000\)/,
    fields: ['input.name'],
  },
  {
    name: 'a name with a NUL byte',
    body: { query: REGISTER_OPERATOR, variables: { input: operator({ name: 'ab\u0000c' }) } },
    message: /input\.name: must be a DNS-1123 label/,
    fields: ['input.name'],
  },
  {
    name: 'a name with upper case and spaces',
    body: { query: REGISTER_CLUSTER, variables: { input: cluster({ name: 'Prod Cluster' }) } },
    message: /input\.name: must be a DNS-1123 label/,
    fields: ['input.name'],
  },
  { name: 'an empty name', body: { query: REGISTER_CLUSTER, variables: { input: cluster({ name: '' }) } }, message: /input\.name/, fields: ['input.name'] },
  {
    name: 'a namespace with a path in it',
    body: { query: REGISTER_OPERATOR, variables: { input: operator({ namespace: '../kube-system' }) } },
    message: /input\.namespace: must be a DNS-1123 label/,
    fields: ['input.namespace'],
  },
  {
    name: 'a name that is a number',
    body: { query: REGISTER_OPERATOR, variables: { input: operator({ name: 42 }) } },
    message: /String cannot represent a non string value/,
    fields: ['input.name'],
  },
  {
    name: 'a description of 900,000 characters',
    body: { query: REGISTER_OPERATOR, variables: { input: operator({ description: 'd'.repeat(900_000) }) } },
    message: /input\.description: must be at most 2000 characters \(got 900000\)/,
    fields: ['input.description'],
  },
  // JSON arguments
  {
    name: 'labels nested 1,000 levels deep',
    body: withRaw({ query: REGISTER_OPERATOR, variables: { input: operator({ labels: '@deep' }) } }, '@deep', deepJson(1000)),
    message: /JSON value nests deeper than 64 levels/,
    fields: ['input.labels'],
  },
  {
    name: 'Helm values nested 100,000 levels deep',
    body: withRaw({ query: REGISTER_OPERATOR, variables: { input: operator({ defaultValues: '@deep' }) } }, '@deep', deepJson(100_000)),
    message: /JSON value nests deeper than 64 levels/,
    fields: ['input.defaultValues'],
  },
  {
    name: 'deployment values nested 100,000 levels deep',
    body: withRaw({ query: CREATE_DEPLOYMENT, variables: { input: deployment({ helmValues: '@deep' }) } }, '@deep', deepJson(100_000)),
    message: /JSON value nests deeper than 64 levels/,
    fields: ['input.helmValues'],
  },
  {
    name: 'labels with 10,000 keys',
    body: {
      query: REGISTER_OPERATOR,
      variables: { input: operator({ labels: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, 'v'])) }) },
    },
    message: /input\.labels: must have at most 64 entries \(got 10000\)/,
    fields: ['input.labels'],
  },
  {
    name: 'labels that are a list',
    body: { query: REGISTER_OPERATOR, variables: { input: operator({ labels: ['a', 'b'] }) } },
    message: /input\.labels: must be a JSON object of string values/,
    fields: ['input.labels'],
  },
  {
    name: 'a label value that is an object',
    body: { query: REGISTER_CLUSTER, variables: { input: cluster({ labels: { team: { name: 'x' } } }) } },
    message: /input\.labels: value of "team" must be a string/,
    fields: ['input.labels'],
  },
  {
    name: 'a label key of 1,000 characters',
    body: { query: REGISTER_CLUSTER, variables: { input: cluster({ labels: { ['k'.repeat(1000)]: 'v' } }) } },
    message: /input\.labels: key "k+" must be 1-253 characters/,
    fields: ['input.labels'],
  },
  {
    name: 'Helm values of 600 KiB',
    body: { query: REGISTER_OPERATOR, variables: { input: operator({ defaultValues: { blob: 'b'.repeat(600 * 1024) } }) } },
    message: /input\.defaultValues: must be at most 256 KiB of JSON/,
    fields: ['input.defaultValues'],
  },
  {
    name: 'Helm values that are a string',
    body: { query: CREATE_DEPLOYMENT, variables: { input: deployment({ helmValues: 'replicas=3' }) } },
    message: /input\.helmValues: must be a JSON object/,
    fields: ['input.helmValues'],
  },
  // enums
  {
    name: 'an unknown strategy',
    body: { query: CREATE_DEPLOYMENT, variables: { input: deployment({ strategy: 'YOLO' }) } },
    message: /Value "YOLO" does not exist in "DeploymentStrategy" enum/,
    fields: ['input.strategy'],
  },
  {
    name: 'an unknown environment',
    body: { query: REGISTER_CLUSTER, variables: { input: cluster({ environment: 'MARS' }) } },
    message: /Value "MARS" does not exist in "Environment" enum/,
    fields: ['input.environment'],
  },
  {
    name: 'an environment in lower case',
    body: { query: REGISTER_CLUSTER, variables: { input: cluster({ environment: 'production' }) } },
    message: /Value "production" does not exist in "Environment" enum/,
    fields: ['input.environment'],
  },
  // durations, percentages, numbers
  {
    name: 'a negative duration',
    body: { query: CREATE_DEPLOYMENT, variables: { input: canary({ evaluationPeriod: '-PT5M' }) } },
    message: /evaluationPeriod: must be an ISO-8601 duration/,
    fields: ['input.strategyConfig.canary.evaluationPeriod'],
  },
  {
    name: 'a NaN duration',
    body: { query: CREATE_DEPLOYMENT, variables: { input: canary({ healthCheckInterval: 'PTNaNS' }) } },
    message: /healthCheckInterval: must be an ISO-8601 duration/,
    fields: ['input.strategyConfig.canary.healthCheckInterval'],
  },
  {
    name: 'an absurd duration',
    body: { query: CREATE_DEPLOYMENT, variables: { input: canary({ evaluationPeriod: 'P99999999999999999999D' }) } },
    message: /evaluationPeriod: must be at most/,
    fields: ['input.strategyConfig.canary.evaluationPeriod'],
  },
  {
    name: 'a duration in words',
    body: { query: CREATE_DEPLOYMENT, variables: { input: canary({ evaluationPeriod: '5 minutes' }) } },
    message: /evaluationPeriod: must be an ISO-8601 duration/,
    fields: ['input.strategyConfig.canary.evaluationPeriod'],
  },
  {
    name: 'a percentage of 1,000',
    body: { query: CREATE_DEPLOYMENT, variables: { input: canary({ initialPercentage: 1000 }) } },
    message: /initialPercentage: must be an integer from 1 to 100 \(got 1000\)/,
    fields: ['input.strategyConfig.canary.initialPercentage'],
  },
  {
    name: 'a negative percentage',
    body: { query: CREATE_DEPLOYMENT, variables: { input: canary({ incrementPercentage: -5 }) } },
    message: /incrementPercentage: must be an integer from 1 to 100 \(got -5\)/,
    fields: ['input.strategyConfig.canary.incrementPercentage'],
  },
  {
    name: 'a success threshold of "NaN"',
    body: { query: CREATE_DEPLOYMENT, variables: { input: canary({ successThreshold: 'NaN' }) } },
    message: /Float cannot represent/,
    fields: ['input.strategyConfig.canary.successThreshold'],
  },
  {
    name: 'a success threshold of 2',
    body: { query: CREATE_DEPLOYMENT, variables: { input: canary({ successThreshold: 2 }) } },
    message: /successThreshold: must be a number from 0 to 1 \(got 2\)/,
    fields: ['input.strategyConfig.canary.successThreshold'],
  },
  {
    name: 'parallelClusters past a 32-bit integer',
    body: { query: CREATE_DEPLOYMENT, variables: { input: deployment({ strategy: 'DIRECT', strategyConfig: { direct: { parallelClusters: 1e12 } } }) } },
    message: /Int cannot represent non 32-bit signed integer/,
    fields: ['input.strategyConfig.direct.parallelClusters'],
  },
  // versions and targets
  {
    name: 'a version that walks up directories',
    body: { query: CREATE_DEPLOYMENT, variables: { input: deployment({ targetVersion: '../../etc/passwd' }) } },
    message: /input\.targetVersion: must be a semantic version/,
    fields: ['input.targetVersion'],
  },
  {
    name: 'a version of 100,000 characters',
    body: { query: CREATE_DEPLOYMENT, variables: { input: deployment({ targetVersion: `v1.${'0'.repeat(100_000)}` }) } },
    message: /input\.targetVersion: must be a semantic version/,
    fields: ['input.targetVersion'],
  },
  {
    name: '10,000 target clusters',
    body: { query: CREATE_DEPLOYMENT, variables: { input: deployment({ targetClusters: Array.from({ length: 10_000 }, (_, i) => `c${i}`) }) } },
    message: /input\.targetClusters: must name at most 500 clusters/,
    fields: ['input.targetClusters'],
  },
  {
    name: 'the same cluster twice',
    body: { query: CREATE_DEPLOYMENT, variables: { input: deployment({ strategy: 'DIRECT', targetClusters: ['dev-1', 'dev-1'] }) } },
    message: /input\.targetClusters: names dev-1 more than once/,
    fields: ['input.targetClusters'],
  },
  {
    name: 'no target cluster',
    body: { query: CREATE_DEPLOYMENT, variables: { input: deployment({ strategy: 'DIRECT', targetClusters: [] }) } },
    message: /input\.targetClusters/,
    fields: ['input.targetClusters'],
  },
  // sources
  {
    name: 'a manifest template with an unknown placeholder',
    body: { query: REGISTER_OPERATOR, variables: { input: operator({ manifestUrlTemplate: 'https://example.com/{release}/{version}/bundle.yaml' }) } },
    message: /manifestUrlTemplate.*unknown placeholder \{release\}/,
    fields: ['input.manifestUrlTemplate'],
  },
  {
    name: 'a manifest template with a javascript: URL',
    body: { query: REGISTER_OPERATOR, variables: { input: operator({ manifestUrlTemplate: 'javascript:alert({version})' }) } },
    message: /manifestUrlTemplate/,
    fields: ['input.manifestUrlTemplate'],
  },
  {
    name: 'an update of an operator with two sources',
    body: { query: UPDATE_OPERATOR, variables: { name: 'demo', input: { chartRepository: 'https://charts.example.com', chartName: 'demo' } } },
    message: /source|manifestUrlTemplate|chartRepository/i,
  },
  // pagination and ids
  {
    name: 'a cursor that is not one',
    body: { query: '{ clusters(first: 5, after: "%%%%") { totalCount } }' },
    message: /invalid pagination argument: Invalid cursor/,
    fields: ['after', 'before'],
  },
  {
    name: 'a negative page size',
    body: { query: '{ operators(first: -5) { totalCount } }' },
    message: /invalid pagination argument: Argument "first" must be a non-negative integer/,
    fields: ['first'],
  },
  { name: 'a page size of 100 million', body: { query: '{ clusters(first: 100000000) { totalCount } }' }, message: /GRAPHQL_MAX_COST/ },
  {
    name: 'a variable of the wrong type for an ID',
    body: { query: 'query($id: ID!) { deployment(id: $id) { id } }', variables: { id: { $gt: '' } } },
    message: /ID cannot represent value/,
    fields: ['id'],
  },
  {
    name: 'a missing required variable',
    body: { query: 'query($id: ID!) { deployment(id: $id) { id } }', variables: {} },
    message: /Variable "\$id" of required type "ID!" was not provided/,
    fields: ['id'],
  },
  // request bodies
  { name: 'a body that is not JSON', body: '{"query": "{ viewer { sub } }"', code: 'BAD_REQUEST', message: /^request body is not valid JSON/ },
  {
    name: 'a batch of 10,000 operations',
    body: Array.from({ length: 10_000 }, () => ({ query: '{ viewer { sub } }' })),
    code: 'BAD_REQUEST',
    message: /batched operations are not accepted/,
  },
  { name: 'a body that is a JSON number', body: '12345', code: 'BAD_REQUEST', message: /request body must be a JSON object/ },
  { name: 'an empty JSON object', body: '{}', code: 'BAD_REQUEST', message: /request body has no "query"/ },
  {
    name: 'variables that are a string',
    body: { query: 'query($id: ID!) { deployment(id: $id) { id } }', variables: 'id=1' },
    code: 'BAD_REQUEST',
    message: /variables/i,
  },
  { name: 'a query that is not a string', body: { query: { kind: 'Document' } }, code: 'BAD_REQUEST', message: /query/i },
  // kubeconfigs
  {
    name: 'a kubeconfig of 5 MB (past the body limit)',
    body: { query: REGISTER_CLUSTER, variables: { input: cluster({ kubeconfig: 'a: b\n'.repeat(1_000_000) }) } },
    message: /^request body is larger than 1048576 bytes \(MAX_REQUEST_BYTES\)$/,
  },
  {
    name: 'a kubeconfig of 750 KB',
    body: { query: REGISTER_CLUSTER, variables: { input: cluster({ kubeconfig: 'a: b\n'.repeat(150_000) }) } },
    message: /input\.kubeconfig: kubeconfig is larger than 256 KiB/,
    fields: ['input.kubeconfig'],
  },
  {
    name: 'a kubeconfig alias bomb',
    body: { query: REGISTER_CLUSTER, variables: { input: cluster({ kubeconfig: aliasBombKubeconfig('extra key') }) } },
    message: /input\.kubeconfig: kubeconfig expands to more than 256 KiB through YAML aliases/,
    fields: ['input.kubeconfig'],
  },
  {
    name: 'a kubeconfig with an exec plugin',
    body: { query: REGISTER_CLUSTER, variables: { input: cluster({ kubeconfig: kubeconfigYaml({ user: { exec: { command: 'sh', args: ['-c', 'id'] } } }) }) } },
    message: /uses an exec credential plugin, which the server will not run/,
    fields: ['input.kubeconfig'],
  },
  {
    name: 'a kubeconfig with an auth-provider',
    body: { query: REGISTER_CLUSTER, variables: { input: cluster({ kubeconfig: kubeconfigYaml({ user: { 'auth-provider': { name: 'gcp' } } }) }) } },
    message: /uses an auth-provider/,
    fields: ['input.kubeconfig'],
  },
  {
    name: 'a kubeconfig that reads a token file',
    body: { query: REGISTER_CLUSTER, variables: { input: cluster({ kubeconfig: kubeconfigYaml({ user: { tokenFile: '/var/run/secrets/token' } }) }) } },
    message: /refers to files on disk/,
    fields: ['input.kubeconfig'],
  },
  {
    name: 'a kubeconfig that is a list',
    body: { query: REGISTER_CLUSTER, variables: { input: cluster({ kubeconfig: '[1, 2, 3]' }) } },
    message: /kubeconfig must be a YAML mapping/,
    fields: ['input.kubeconfig'],
  },
  {
    name: 'a kubeconfig that is not YAML',
    body: { query: REGISTER_CLUSTER, variables: { input: cluster({ kubeconfig: 'clusters: [unclosed\n  - {' }) } },
    message: /kubeconfig is not valid YAML/,
    fields: ['input.kubeconfig'],
  },
  {
    name: 'a kubeconfig of base64 garbage',
    body: { query: REGISTER_CLUSTER, variables: { input: cluster({ kubeconfig: Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x01]).toString('base64') }) } },
    message: /kubeconfig is neither YAML nor base64-encoded YAML|kubeconfig must be a YAML mapping/,
    fields: ['input.kubeconfig'],
  },
  {
    name: 'a kubeconfig whose server is a number',
    body: {
      query: REGISTER_CLUSTER,
      variables: { input: cluster({ kubeconfig: kubeconfigWith((k) => ((k.clusters[0]!.cluster as Record<string, unknown>).server = 6443)) }) },
    },
    message: /has no server URL/,
    fields: ['input.kubeconfig'],
  },
  {
    name: 'a kubeconfig whose server carries credentials',
    body: { query: REGISTER_CLUSTER, variables: { input: cluster({ kubeconfig: kubeconfigYaml({ server: 'https://admin:hunter2@10.0.0.1:6443' }) }) } },
    message: /server URL must not carry credentials/,
    fields: ['input.kubeconfig'],
  },
  {
    name: 'a kubeconfig whose server is a file URL',
    body: { query: REGISTER_CLUSTER, variables: { input: cluster({ kubeconfig: kubeconfigYaml({ server: 'file:///etc/passwd' }) }) } },
    message: /server must be an http\(s\) URL/,
    fields: ['input.kubeconfig'],
  },
  {
    name: 'a kubeconfig whose context names a missing cluster',
    body: { query: REGISTER_CLUSTER, variables: { input: cluster({ kubeconfig: kubeconfigWith((k) => (k.contexts[0]!.context.cluster = 'elsewhere')) }) } },
    message: /cluster "elsewhere" is not defined/,
    fields: ['input.kubeconfig'],
  },
  {
    name: 'a kubeconfig with no current-context',
    body: { query: REGISTER_CLUSTER, variables: { input: cluster({ kubeconfig: kubeconfigWith((k) => ({ ...k, 'current-context': undefined })) }) } },
    message: /kubeconfig has no current-context/,
    fields: ['input.kubeconfig'],
  },
  {
    name: 'a kubeconfig with users of the wrong type',
    body: { query: REGISTER_CLUSTER, variables: { input: cluster({ kubeconfig: kubeconfigWith((k) => ({ ...k, users: 'admin' })) }) } },
    message: /kubeconfig has no "users" list/,
    fields: ['input.kubeconfig'],
  },
  {
    name: 'a kubeconfig without credentials',
    body: { query: REGISTER_CLUSTER, variables: { input: cluster({ kubeconfig: kubeconfigYaml({ user: {} }) }) } },
    message: /has no credentials/,
    fields: ['input.kubeconfig'],
  },
];

describe('hostile GraphQL arguments and kubeconfigs', () => {
  let t: TestApp;
  const counts = async () => {
    const p = t.app.db.prisma;
    return {
      clusters: await p.cluster.count(),
      operators: await p.operator.count(),
      deployments: await p.deployment.count(),
      audit: await p.auditEvent.count(),
      approvals: await p.approval.count(),
    };
  };
  beforeAll(async () => {
    t = await startTestApp('pglite');
    await t.raw({
      query: REGISTER_OPERATOR,
      variables: { input: { name: 'demo', namespace: 'demo-system', manifestUrlTemplate: DEMO_TEMPLATE, versions: DEMO_VERSIONS } },
    });
    await t.raw({ query: REGISTER_CLUSTER, variables: { input: cluster({ name: 'dev-1' }) } });
  });
  afterAll(() => t?.stop());

  it(`has at least 55 cases (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(55);
  });

  it.each(cases.map((c) => [c.name, c] as const))('refuses %s with a clear error and writes nothing', async (_name, c) => {
    const before = await counts();
    const r = await t.raw(typeof c.body === 'string' ? c.body : JSON.stringify(c.body));
    expect(r.status).toBeLessThan(500);
    expect(r.errors?.length, JSON.stringify(r)).toBeGreaterThan(0);
    const error = r.errors![0]!;
    expect(error.extensions?.code ?? (r.status === 400 ? 'BAD_REQUEST' : undefined)).toBe(c.code ?? 'BAD_USER_INPUT');
    expect(error.message).toMatch(c.message);
    if (c.fields) expect(error.extensions?.fields).toEqual(expect.arrayContaining(c.fields));
    // Secrets of the kubeconfigs never come back.
    expect(JSON.stringify(r)).not.toMatch(/super-secret-token-value|hunter2/);
    expect(await counts()).toEqual(before);
  });

  it('is still up and unchanged after all of them', async () => {
    const r = await t.raw({ query: '{ viewer { sub } clusters { totalCount } operators { totalCount } }' });
    expect(r.data).toEqual({ viewer: { sub: 'admin' }, clusters: { totalCount: 1 }, operators: { totalCount: 1 } });
  });
});
