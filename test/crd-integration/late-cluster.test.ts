// A cluster that could not be read while planning is checked right before its own step:
// a breaking CRD change nobody approved is not applied there, and its objects keep their data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateDeploymentDocument } from '../generated/graphql.ts';
import { finishedDeployment, startFleet, type Fleet } from '../helpers/fleet.ts';
import { eventually } from '../helpers/eventually.ts';

describe('CRD check of a cluster that was unreachable during planning', () => {
  let f: Fleet;
  beforeAll(async () => {
    f = await startFleet({
      clusters: [
        { name: 'dev-1', environment: 'DEVELOPMENT' },
        { name: 'dev-2', environment: 'DEVELOPMENT' },
      ],
    });
    const { createDeployment } = await f.ok(CreateDeploymentDocument, {
      input: { operatorName: 'demo', targetVersion: 'v1.0.0', strategy: 'DIRECT', targetClusters: ['dev-1', 'dev-2'] },
    });
    expect((await finishedDeployment(f, createDeployment.id)).status).toBe('COMPLETED');
    f.sandbox
      .cluster('dev-2')
      .objects.put({ apiVersion: 'demo.operator-manager.io/v1', kind: 'Widget', metadata: { name: 'legacy', namespace: 'default' }, spec: { size: 4 } });
  });
  afterAll(() => f?.stopAll());

  it('refuses to apply an unapproved breaking change once the cluster answers again', async () => {
    await f.sandbox.cluster('dev-2').setFaults({ unreachable: true });
    const { createDeployment } = await f.ok(CreateDeploymentDocument, {
      input: {
        operatorName: 'demo',
        targetVersion: 'v2.0.0',
        strategy: 'ROLLING',
        targetClusters: ['dev-1', 'dev-2'],
        autoRollbackEnabled: false,
        strategyConfig: { rolling: { validationPeriod: 'PT0S', pauseBetweenClusters: 'PT3S' } },
      },
    });
    const id = createDeployment.id;
    // dev-1 holds no Widget: nothing breaks there, and dev-2 could not be read, so the rollout starts.
    await eventually(
      async () => {
        const d = (await f.raw({ query: 'query($id: ID!) { deployment(id: $id) { warnings clusters { clusterName status } } }', variables: { id } })).data
          .deployment;
        return d.clusters[0].status === 'COMPLETED' ? d : undefined;
      },
      60_000,
      'dev-1 upgraded',
    );
    await f.sandbox.cluster('dev-2').setFaults({ unreachable: false });
    const d = await finishedDeployment(f, id);
    expect(d.status).toBe('FAILED');
    const dev2 = d.clusters.find((c) => c.clusterName === 'dev-2')!;
    expect(dev2.status).toBe('FAILED');
    expect(dev2.errorMessage).toMatch(/CRD check \(dev-2 was not readable during planning\): breaking change not approved/);
    expect(d.warnings.join('\n')).toMatch(/dev-2 could not be read during planning/);
    // Nothing was applied to dev-2: its CRD is still v1.0.0's and the Widget keeps its size.
    const widget = f.sandbox.cluster('dev-2').objects.get('demo.operator-manager.io/v1', 'Widget', 'default', 'legacy') as { spec: { size?: number } };
    expect(widget.spec.size).toBe(4);
    const crd = f.sandbox
      .cluster('dev-2')
      .objects.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, 'widgets.demo.operator-manager.io') as {
      spec: { versions: Array<{ schema: { openAPIV3Schema: { properties: { spec: { properties: Record<string, unknown> } } } } }> };
    };
    expect(Object.keys(crd.spec.versions[0]!.schema.openAPIV3Schema.properties.spec.properties)).toContain('size');
  });
});
