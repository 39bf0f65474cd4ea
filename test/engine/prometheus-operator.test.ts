// End to end with a real operator: prometheus-operator v0.75.0 → v0.80.0 (the corpus
// bundles, 10 CRDs over 1 MB, through a file:// template) across three sandbox clusters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterDocument, CreateDeploymentDocument, RegisterOperatorDocument } from '../generated/graphql.ts';
import { corpus, corpusTitle } from '../helpers/corpus.ts';
import { finishedDeployment, startFleet, workloadImage, type Fleet } from '../helpers/fleet.ts';

const TEMPLATE = corpus.template('prometheus-operator', 'bundle.yaml');
const CLUSTERS = ['dev-1', 'stage-1', 'stage-2'];

describe.skipIf(!corpus.present)(corpusTitle('prometheus-operator v0.75.0 → v0.80.0 across three clusters'), () => {
  let f: Fleet;
  beforeAll(async () => {
    f = await startFleet({
      clusters: [
        { name: 'dev-1', environment: 'DEVELOPMENT' },
        { name: 'stage-1', environment: 'STAGING' },
        { name: 'stage-2', environment: 'STAGING' },
      ],
      demo: false,
      env: { DEFAULT_TIMEOUT: 'PT30S' },
    });
    // The bundle installs into "default" (its own namespace field); the operator's namespace is where namespace-less objects go.
    await f.ok(RegisterOperatorDocument, {
      input: { name: 'prometheus-operator', namespace: 'default', manifestUrlTemplate: TEMPLATE, versions: ['v0.75.0', 'v0.80.0'] },
    });
  }, 120_000);
  afterAll(() => f?.stopAll());

  const rollout = async (targetVersion: string) => {
    const { createDeployment } = await f.ok(CreateDeploymentDocument, {
      input: {
        operatorName: 'prometheus-operator',
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
  const image = (cluster: string) => workloadImage(f.sandbox.cluster(cluster), 'default', 'prometheus-operator')!;

  it('installs v0.75.0, then upgrades to v0.80.0 cluster by cluster', async () => {
    const install = await rollout('v0.75.0');
    expect(install.status).toBe('COMPLETED');
    for (const c of CLUSTERS) {
      expect(image(c)).toMatch(/prometheus-operator:v0\.75\.0$/);
      expect(crd(c, 'prometheuses.monitoring.coreos.com')?.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('operator-manager');
    }
    const upgrade = await rollout('v0.80.0');
    expect(upgrade.status).toBe('COMPLETED');
    expect(upgrade.events.map((e) => e.sequence)).toEqual(upgrade.events.map((_e, i) => i + 1));
    for (const c of CLUSTERS) {
      expect(image(c)).toMatch(/prometheus-operator:v0\.80\.0$/);
      const cluster = (await f.ok(ClusterDocument, { name: c })).cluster!;
      expect(cluster.operators).toEqual([{ operatorName: 'prometheus-operator', version: 'v0.80.0' }]);
    }
    // The CRDs really are the v0.80.0 ones (a field v0.80.0 added to ScrapeConfig's spec).
    const scrape = crd('stage-2', 'scrapeconfigs.monitoring.coreos.com')!;
    expect(Object.keys(scrape.spec.versions.at(-1)!.schema.openAPIV3Schema.properties.spec.properties)).toContain('nomadSDConfigs');
  }, 400_000);
});
