// Stored health reaches the API only through the one mapping to the API's HealthStatus
// (src/domain/model.ts toHealthStatus): the kube layer's PROGRESSING, written by the engine
// on releases and cluster deployments, answers DEGRADED with the stored message, never an
// INTERNAL error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegisterClusterDocument } from '../generated/graphql.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { DATABASE_KINDS } from '../helpers/databases.ts';
import { kubeconfigYaml } from '../helpers/kubeconfigs.ts';

const IN_PROGRESS = 'Deployment/demo-system/demo-operator: 1 of 2 replicas updated';

describe.each(DATABASE_KINDS)('health statuses at the API (%s)', (kind) => {
  let t: TestApp;
  let deploymentId: string;
  beforeAll(async () => {
    t = await startTestApp(kind, { LOG_LEVEL: 'silent' });
    await t.ok(RegisterClusterDocument, { input: { name: 'dev-1', environment: 'DEVELOPMENT', kubeconfig: kubeconfigYaml(), skipConnectivityCheck: true } });
    const prisma = t.app.db.prisma;
    const cluster = await prisma.cluster.findUniqueOrThrow({ where: { name: 'dev-1' } });
    const operator = await prisma.operator.create({ data: { name: 'demo', namespace: 'demo-system' } });
    await prisma.renderedManifest.create({ data: { digest: 'sha256:health-status', operatorName: 'demo', version: 'v1.0.0', manifests: '' } });
    // What the engine records when its health sample was still PROGRESSING.
    await prisma.release.create({
      data: {
        operatorId: operator.id,
        clusterId: cluster.id,
        operatorName: 'demo',
        clusterName: 'dev-1',
        version: 'v1.0.0',
        revision: 1,
        namespace: 'demo-system',
        manifestDigest: 'sha256:health-status',
        valuesDigest: 'sha256:none',
        health: 'PROGRESSING',
        healthMessage: IN_PROGRESS,
      },
    });
    const deployment = await prisma.deployment.create({
      data: {
        operatorId: operator.id,
        operatorName: 'demo',
        targetVersion: 'v1.0.0',
        strategy: 'DIRECT',
        targetClusters: ['dev-1'],
        status: 'COMPLETED',
        initiatedBy: 'admin',
        clusters: { create: [{ clusterName: 'dev-1', status: 'COMPLETED', healthCheckResult: { status: 'PROGRESSING', message: IN_PROGRESS } }] },
      },
    });
    deploymentId = deployment.id;
  });
  afterAll(() => t?.stop());

  it('answers DEGRADED for an installed operator whose recorded health is PROGRESSING, keeping the message', async () => {
    const r = await t.raw({
      query: 'query($name: String!) { cluster(name: $name) { name operators { operatorName health healthMessage } } }',
      variables: { name: 'dev-1' },
    });
    expect(r.errors).toBeUndefined();
    expect(r.data.cluster.operators).toEqual([{ operatorName: 'demo', health: 'DEGRADED', healthMessage: IN_PROGRESS }]);
  });

  it('answers DEGRADED for a cluster deployment whose health check result is PROGRESSING', async () => {
    const r = await t.raw({
      query: 'query($id: ID!) { deployment(id: $id) { clusters { clusterName health healthMessage } } }',
      variables: { id: deploymentId },
    });
    expect(r.errors).toBeUndefined();
    expect(r.data.deployment.clusters).toEqual([{ clusterName: 'dev-1', health: 'DEGRADED', healthMessage: IN_PROGRESS }]);
  });

  it('maps a cluster health status outside the API enum instead of failing the query', async () => {
    await t.app.db.prisma.cluster.update({ where: { name: 'dev-1' }, data: { healthStatus: 'PROGRESSING' } });
    const r = await t.raw({ query: 'query { clusters { edges { node { name healthStatus } } } }' });
    expect(r.errors).toBeUndefined();
    expect(r.data.clusters.edges).toEqual([{ node: { name: 'dev-1', healthStatus: 'DEGRADED' } }]);
  });
});
