// Blue-Green end to end over real HTTP: API → engine → sandbox clusters. The test operator
// (test/fixtures/operators/bg) has a controller Deployment, a webhook Service and a
// ValidatingWebhookConfiguration, so a switch is visible as replicas and as where the one
// live webhook configuration points.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/types.ts';
import { CreateDeploymentDocument, DeploymentDocument, PromoteDeploymentDocument, RegisterOperatorDocument, RollbackDeploymentDocument } from '../generated/graphql.ts';
import { eventually, startFleet, type Fleet } from '../helpers/fleet.ts';

export const BG_TEMPLATE = pathToFileURL(path.resolve('test/fixtures/operators/bg')).toString() + '/{version}.yaml';
export const BG_VERSIONS = ['v1.0.0', 'v1.1.0', 'v1.2.0'];
const BLUE = 'bg-system';
const GREEN = 'bg-system-green';
const TERMINAL = ['COMPLETED', 'FAILED', 'ROLLED_BACK', 'CANCELLED'];

describe('Blue-Green rollouts', () => {
  let f: Fleet;
  beforeAll(async () => {
    f = await startFleet({
      clusters: [
        { name: 'dev-1', environment: 'DEVELOPMENT' },
        { name: 'dev-2', environment: 'DEVELOPMENT' },
      ],
      demo: false,
    });
    await f.ok(RegisterOperatorDocument, { input: { name: 'bg', namespace: BLUE, manifestUrlTemplate: BG_TEMPLATE, versions: BG_VERSIONS } });
  });
  afterAll(() => f?.stopAll());

  const create = async (cluster: string, targetVersion: string, strategy: 'DIRECT' | 'BLUE_GREEN', blueGreen?: Record<string, unknown>) => {
    const r = await f.gql(CreateDeploymentDocument, {
      input: { operatorName: 'bg', targetVersion, strategy, targetClusters: [cluster], ...(blueGreen ? { strategyConfig: { blueGreen } } : {}) } as never,
    });
    if (!r.data) throw new Error(JSON.stringify(r.errors));
    return r.data.createDeployment.id;
  };
  const get = async (id: string) => (await f.ok(DeploymentDocument, { id })).deployment!;
  const finished = (id: string) => eventually(async () => ((d) => (TERMINAL.includes(d.status) ? d : undefined))(await get(id)), 60_000, `deployment ${id} to finish`);
  const objects = (cluster: string) => f.sandbox.cluster(cluster).objects;
  const controller = (cluster: string, ns: string) => objects(cluster).get('apps/v1', 'Deployment', ns, 'bg-operator');
  const image = (d: KubeObject | undefined) => d?.spec.template.spec.containers[0].image as string | undefined;
  const webhookNamespace = (cluster: string) =>
    (objects(cluster).get('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', undefined, 'bg-operator') as { webhooks: Array<{ clientConfig: { service: { namespace: string } } }> } | undefined)?.webhooks[0]!.clientConfig.service.namespace;
  const replicaSets = (cluster: string, ns: string) => objects(cluster).list('apps/v1', 'ReplicaSet', ns).map((rs) => `${rs.metadata.name}@${rs.metadata.uid}`).sort();
  const installed = async (cluster: string) =>
    (await f.raw({ query: `{ cluster(name: "${cluster}") { operators { operatorName version namespace } } }` })).data.cluster.operators as Array<{ version: string; namespace: string }>;

  it('installs the next color beside the serving one, validates it, then switches replicas and the webhook configuration to it', async () => {
    expect((await finished(await create('dev-1', 'v1.0.0', 'DIRECT'))).status).toBe('COMPLETED');
    const id = await create('dev-1', 'v1.1.0', 'BLUE_GREEN', { validationPeriod: 'PT2S', switchMonitoringPeriod: 'PT0.5S', retentionPeriod: 'PT1H' });

    // Validation: both colors run; blue (the uncolored v1.0.0 installation) still serves.
    await eventually(async () => (await get(id)).events.some((e) => /validating for/.test(e.message)), 30_000, 'validation');
    expect(image(controller('dev-1', GREEN))).toBe('registry.example.com/bg-operator:1.1.0');
    expect(controller('dev-1', GREEN)!.status.readyReplicas).toBe(1);
    expect(image(controller('dev-1', BLUE))).toBe('registry.example.com/bg-operator:1.0.0');
    expect(controller('dev-1', BLUE)!.spec.replicas).toBe(1);
    expect(webhookNamespace('dev-1')).toBe(BLUE);
    expect(await installed('dev-1')).toEqual([{ operatorName: 'bg', version: 'v1.0.0', namespace: BLUE }]);

    const d = await finished(id);
    expect(d.status).toBe('COMPLETED');
    expect(d.clusters[0]).toMatchObject({ clusterName: 'dev-1', status: 'COMPLETED', releaseRevision: 2, previousRevision: 1 });
    // Green serves: the one webhook configuration calls its service, blue is scaled down and kept.
    expect(webhookNamespace('dev-1')).toBe(GREEN);
    expect(controller('dev-1', BLUE)!.spec.replicas).toBe(0);
    expect(controller('dev-1', GREEN)!.spec.replicas).toBe(1);
    expect(objects('dev-1').get('rbac.authorization.k8s.io/v1', 'ClusterRole', undefined, 'bg-operator-green')).toBeDefined();
    expect(await installed('dev-1')).toEqual([{ operatorName: 'bg', version: 'v1.1.0', namespace: GREEN }]);
    expect(d.events.map((e) => e.message).join('\n')).toMatch(/switched to green \(v1\.1\.0, revision 2\).*blue is kept scaled down until/);
  });
});
