// End to end with the project's telemetry operator: v1.0.0 → v1.1.0 (its Collector CRD
// inflated past 1 MB, the bundles written to a directory of their own and read through a
// file:// template) across three sandbox clusters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterDocument, CreateDeploymentDocument, RegisterOperatorDocument } from '../generated/graphql.ts';
import { TEST_SOURCE_ENV } from '../helpers/app.ts';
import { finishedDeployment, startFleet, workloadImage, type Fleet } from '../helpers/fleet.ts';
import { writeInflatedBundles, type WrittenBundles } from '../helpers/operators.ts';

const CLUSTERS = ['dev-1', 'stage-1', 'stage-2'];
const COLLECTORS = 'collectors.telemetry.example.com';

describe("the project's telemetry operator v1.0.0 → v1.1.0 across three clusters", () => {
  let f: Fleet;
  let bundles: WrittenBundles;
  beforeAll(async () => {
    bundles = writeInflatedBundles('telemetry', ['v1.0.0', 'v1.1.0']);
    f = await startFleet({
      clusters: [
        { name: 'dev-1', environment: 'DEVELOPMENT' },
        { name: 'stage-1', environment: 'STAGING' },
        { name: 'stage-2', environment: 'STAGING' },
      ],
      demo: false,
      env: { DEFAULT_TIMEOUT: 'PT30S', SOURCE_FILE_ROOTS: `${TEST_SOURCE_ENV.SOURCE_FILE_ROOTS},${bundles.dir}` },
    });
    // The bundle installs into "default" (its own namespace field); the operator's namespace is where namespace-less objects go.
    await f.ok(RegisterOperatorDocument, {
      input: { name: 'telemetry-operator', namespace: 'default', manifestUrlTemplate: bundles.template, versions: ['v1.0.0', 'v1.1.0'] },
    });
  }, 120_000);
  afterAll(async () => {
    await f?.stopAll();
    bundles?.remove();
  });

  const rollout = async (targetVersion: string) => {
    const { createDeployment } = await f.ok(CreateDeploymentDocument, {
      input: {
        operatorName: 'telemetry-operator',
        targetVersion,
        strategy: 'ROLLING',
        targetClusters: CLUSTERS,
        strategyConfig: { rolling: { validationPeriod: 'PT0S' } },
      },
    });
    return finishedDeployment(f, createDeployment.id, 180_000);
  };
  const crd = (cluster: string, name: string) =>
    f.sandbox.cluster(cluster).objects.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, name) as
      | {
          metadata: { labels?: Record<string, string> };
          spec: { versions: Array<{ schema: { openAPIV3Schema: { properties: { spec: { properties: Record<string, unknown> } } } } }> };
        }
      | undefined;
  const image = (cluster: string) => workloadImage(f.sandbox.cluster(cluster), 'default', 'telemetry-operator')!;

  it('installs v1.0.0, then upgrades to v1.1.0 cluster by cluster', async () => {
    const install = await rollout('v1.0.0');
    expect(install.status).toBe('COMPLETED');
    for (const c of CLUSTERS) {
      expect(image(c)).toMatch(/telemetry-operator:v1\.0\.0$/);
      const collectors = crd(c, COLLECTORS);
      expect(collectors?.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('operator-manager');
      // The CRD too large for client-side apply arrived whole.
      expect(JSON.stringify(collectors!.spec).length).toBeGreaterThan(256 * 1024);
    }
    const upgrade = await rollout('v1.1.0');
    expect(upgrade.status).toBe('COMPLETED');
    expect(upgrade.events.map((e) => e.sequence)).toEqual(upgrade.events.map((_e, i) => i + 1));
    for (const c of CLUSTERS) {
      expect(image(c)).toMatch(/telemetry-operator:v1\.1\.0$/);
      const cluster = (await f.ok(ClusterDocument, { name: c })).cluster!;
      expect(cluster.operators).toEqual([{ operatorName: 'telemetry-operator', version: 'v1.1.0' }]);
    }
    // The CRDs really are the v1.1.0 ones (a field v1.1.0 added to the Collector's spec).
    const collectors = crd('stage-2', COLLECTORS)!;
    expect(Object.keys(collectors.spec.versions.at(-1)!.schema.openAPIV3Schema.properties.spec.properties)).toContain('retentionSize');
  }, 400_000);
});
