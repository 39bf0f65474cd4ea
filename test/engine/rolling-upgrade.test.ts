// End to end with an operator whose CRDs are over 1 MB, installed and then upgraded by a rolling
// deployment across three sandbox clusters: prometheus-operator v0.75.0 → v0.80.0 (the corpus
// bundles through a file:// template) and the project's telemetry operator v1.0.0 → v1.1.0 (its
// Collector CRD inflated past 1 MB, the bundles written to a directory of their own and read
// through a file:// template).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ClusterDocument, CreateDeploymentDocument, RegisterOperatorDocument } from '../generated/graphql.ts';
import { TEST_SOURCE_ENV } from '../helpers/app.ts';
import { corpus } from '../helpers/corpus.ts';
import { finishedDeployment, startFleet, workloadImage, type Fleet } from '../helpers/fleet.ts';
import { writeInflatedBundles } from '../helpers/operators.ts';
import { literal } from '../helpers/regexp.ts';
import { describeSources, type SourceCase } from '../helpers/sources.ts';

const CLUSTERS = ['dev-1', 'stage-1', 'stage-2'];

/** Where the app under test reads an operator's bundles. */
interface BundleSource {
  template: string;
  /** Environment the app needs to read them. */
  env?: Record<string, string>;
  remove?: () => void;
}

interface Operator extends SourceCase {
  /** The operator's name: its Deployment and image. */
  operator: string;
  versions: [string, string];
  /** Called in a hook: where the bundles are. */
  source: () => BundleSource;
  /** A CRD over 256 KiB as compact JSON, too large for client-side apply. */
  large: string;
  /** A field the newer release adds to the spec of one of its CRDs. */
  added: { crd: string; field: string };
}

const operators: Operator[] = [
  {
    name: 'prometheus-operator',
    corpus: true,
    operator: 'prometheus-operator',
    versions: ['v0.75.0', 'v0.80.0'],
    source: () => ({ template: corpus.template('prometheus-operator', 'bundle.yaml') }),
    large: 'prometheuses.monitoring.coreos.com',
    added: { crd: 'scrapeconfigs.monitoring.coreos.com', field: 'nomadSDConfigs' },
  },
  {
    name: "the project's telemetry operator",
    corpus: false,
    operator: 'telemetry-operator',
    versions: ['v1.0.0', 'v1.1.0'],
    source: () => {
      const bundles = writeInflatedBundles('telemetry', ['v1.0.0', 'v1.1.0']);
      return { template: bundles.template, env: { SOURCE_FILE_ROOTS: `${TEST_SOURCE_ENV.SOURCE_FILE_ROOTS},${bundles.dir}` }, remove: bundles.remove };
    },
    large: 'collectors.telemetry.example.com',
    added: { crd: 'collectors.telemetry.example.com', field: 'retentionSize' },
  },
];

describeSources(
  operators,
  (c) => `${c.name} ${c.versions[0]} → ${c.versions[1]} across three clusters`,
  (c) => {
    const [older, newer] = c.versions;
    let f: Fleet;
    let source: BundleSource;
    beforeAll(async () => {
      source = c.source();
      f = await startFleet({
        clusters: [
          { name: 'dev-1', environment: 'DEVELOPMENT' },
          { name: 'stage-1', environment: 'STAGING' },
          { name: 'stage-2', environment: 'STAGING' },
        ],
        demo: false,
        env: { DEFAULT_TIMEOUT: 'PT30S', ...source.env },
      });
      // The bundle installs into "default" (its own namespace field); the operator's namespace is where namespace-less objects go.
      await f.ok(RegisterOperatorDocument, {
        input: { name: c.operator, namespace: 'default', manifestUrlTemplate: source.template, versions: c.versions },
      });
    }, 120_000);
    afterAll(async () => {
      await f?.stopAll();
      source?.remove?.();
    });

    const rollout = async (targetVersion: string) => {
      const { createDeployment } = await f.ok(CreateDeploymentDocument, {
        input: {
          operatorName: c.operator,
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
    const image = (cluster: string) => workloadImage(f.sandbox.cluster(cluster), 'default', c.operator)!;

    it(`installs ${older}, then upgrades to ${newer} cluster by cluster`, async () => {
      const install = await rollout(older);
      expect(install.status).toBe('COMPLETED');
      for (const cluster of CLUSTERS) {
        expect(image(cluster)).toMatch(new RegExp(`${literal(c.operator)}:${literal(older)}$`));
        const large = crd(cluster, c.large);
        expect(large?.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('operator-manager');
        // The CRD too large for client-side apply arrived whole.
        expect(JSON.stringify(large!.spec).length).toBeGreaterThan(256 * 1024);
      }
      const upgrade = await rollout(newer);
      expect(upgrade.status).toBe('COMPLETED');
      expect(upgrade.events.map((e) => e.sequence)).toEqual(upgrade.events.map((_e, i) => i + 1));
      for (const cluster of CLUSTERS) {
        expect(image(cluster)).toMatch(new RegExp(`${literal(c.operator)}:${literal(newer)}$`));
        const { cluster: found } = await f.ok(ClusterDocument, { name: cluster });
        expect(found!.operators).toEqual([{ operatorName: c.operator, version: newer }]);
      }
      // The CRDs really are the newer release's (a field it added to a CRD's spec).
      const added = crd('stage-2', c.added.crd)!;
      expect(Object.keys(added.spec.versions.at(-1)!.schema.openAPIV3Schema.properties.spec.properties)).toContain(c.added.field);
    }, 400_000);
  },
);
