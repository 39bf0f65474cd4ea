// The staged server-side-apply executor against the sandbox over real HTTP: the
// prometheus-operator bundle v0.75.0 then v0.80.0 (CRDs over 1 MB; the corpus), and the same
// with the project's telemetry operator v1.0.0 then v1.1.0 (its Collector CRD inflated past
// 1 MB), change entries, inventory, prune (never CRDs, only what still carries our labels), hand edits taken
// back, partial results on failure, retries under injected 5xx, unreachable clusters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyManifests, type ApplyManifestsOptions, type ApplyManifestsResult } from '../../src/kube/apply/executor.ts';
import { planApply } from '../../src/kube/apply/plan.ts';
import { CrdNotEstablishedError, waitForCrdsEstablished } from '../../src/kube/apply/crd-established.ts';
import { OWNER_LABELS, type InventoryEntry } from '../../src/kube/apply/types.ts';
import { appliedDigest } from '../../src/kube/body.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { subjectOf, type KubeObject } from '../../src/kube/types.ts';
import { startSandbox, type Sandbox, type SandboxCluster } from '../../src/sandbox/index.ts';
import { parseManifests } from '../../src/sources/yaml.ts';
import { corpus } from '../helpers/corpus.ts';
import { operatorObjects } from '../helpers/operators.ts';
import { describeSources, itSources, type SourceCase } from '../helpers/sources.ts';
import { eventually } from '../helpers/eventually.ts';
import { once } from '../helpers/once.ts';

const bundle = (tag: string) => parseManifests(corpus.read(`prometheus-operator/${tag}/bundle.yaml`));
const actions = (r: ApplyManifestsResult) => r.changes.map((c) => `${c.action} ${c.subject}`);
const base: ApplyManifestsOptions = { operatorName: 'prometheus-operator', namespace: 'monitoring' };
/** Inventory entries without what the apply recorded of them: the identities alone. */
const identities = (inventory: readonly InventoryEntry[]) => inventory.map(({ applied: _applied, ...ref }) => ref);

const widgetCrd: KubeObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } },
      },
    ],
  },
};
const configMap = (name: string, namespace?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...(namespace ? { namespace } : {}) },
  data: { k: name },
});
// What v0.75.0 is installed with here and v0.80.0 no longer has: a CRD (kept), one of its
// custom resources and a ConfigMap (pruned), a ConfigMap someone took over (kept).
const extras: KubeObject[] = [
  widgetCrd,
  { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 3 } },
  configMap('old-config'),
  configMap('handed-over'),
];

interface Bundle extends SourceCase {
  /** The objects of the older and the newer release. */
  releases: () => [KubeObject[], KubeObject[]];
  versions: [string, string];
  /** The operator: the name of its Deployment and ClusterRole. */
  operator: string;
  /** How many objects a release has: its CRDs and five more. */
  objects: number;
  /** The CRDs of the older release over 256 KiB as compact JSON. */
  large: string[];
  /** A CRD of both releases. */
  crd: string;
  /** A field the newer release adds to the spec of one of its CRDs. */
  added: { crd: string; field: string };
}

const bundles: Bundle[] = [
  {
    name: 'prometheus-operator',
    corpus: true,
    releases: () => [bundle('v0.75.0'), bundle('v0.80.0')],
    versions: ['v0.75.0', 'v0.80.0'],
    operator: 'prometheus-operator',
    objects: 15,
    large: [
      'alertmanagers.monitoring.coreos.com',
      'prometheusagents.monitoring.coreos.com',
      'prometheuses.monitoring.coreos.com',
      'thanosrulers.monitoring.coreos.com',
    ],
    crd: 'prometheuses.monitoring.coreos.com',
    added: { crd: 'scrapeconfigs.monitoring.coreos.com', field: 'nomadSDConfigs' },
  },
  {
    name: "the project's telemetry operator",
    corpus: false,
    releases: () => [operatorObjects('telemetry', 'v1.0.0'), operatorObjects('telemetry', 'v1.1.0')],
    versions: ['v1.0.0', 'v1.1.0'],
    operator: 'telemetry-operator',
    objects: 10,
    large: ['collectors.telemetry.example.com'],
    crd: 'collectors.telemetry.example.com',
    added: { crd: 'scrapejobs.telemetry.example.com', field: 'consulSDConfigs' },
  },
];

describeSources(
  bundles,
  (c) => `applyManifests: ${c.name} ${c.versions[0]} → ${c.versions[1]} on one cluster`,
  (c) => {
    const [older, newer] = c.versions;
    const options: ApplyManifestsOptions = { ...base, operatorName: c.operator };
    let fleet: Sandbox;
    let client: KubeClient;
    let v1: KubeObject[];
    let v2: KubeObject[];
    const crdAt = (main: SandboxCluster, name: string) => main.objects.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, name);
    const deploymentAt = (main: SandboxCluster) => main.objects.get('apps/v1', 'Deployment', 'default', c.operator);
    /** The older release, with what it no longer has in the newer one. */
    const installed = once(() => applyManifests(client, [...v1, ...extras], options));
    /** The newer release, once someone took the ConfigMap "handed-over" (removed our operator label). */
    const upgraded = once(async () => {
      const first = await installed();
      const main = fleet.cluster('main');
      const handed = main.objects.get('v1', 'ConfigMap', 'monitoring', 'handed-over')!;
      const { [OWNER_LABELS.operator]: _op, ...otherLabels } = handed.metadata.labels!;
      main.objects.put({ ...handed, metadata: { ...handed.metadata, labels: otherLabels } });
      return applyManifests(client, v2, { ...options, previousInventory: first.inventory });
    });

    beforeAll(async () => {
      [v1, v2] = c.releases();
      fleet = await startSandbox({ clusters: [{ name: 'main' }], tls: false, podReadyDelayMs: 20 });
      client = await KubeClient.fromKubeconfig('main', fleet.cluster('main').kubeconfig);
    });
    afterAll(async () => {
      client?.close();
      await fleet?.stop();
    });

    it(`installs ${older}: creates the operator namespace, then every object in stage order`, async () => {
      // The largest CRDs exceed 256 KiB even as compact JSON (over 1 MB as YAML): client-side
      // apply could not even store them in its last-applied annotation.
      expect(v1.filter((o) => JSON.stringify(o).length > 256 * 1024).map((o) => o.metadata.name)).toEqual(c.large);
      const first = await installed();
      expect(first.error).toBeUndefined();
      expect(first.changes.every((ch) => ch.action === 'created')).toBe(true);
      const subjects = first.changes.map((ch) => ch.subject);
      expect(subjects[0]).toBe('Namespace/monitoring');
      expect(subjects).toHaveLength(1 + c.objects + extras.length);
      // CRDs before RBAC before namespaced objects before custom resources.
      const at = (s: string) => subjects.indexOf(s);
      expect(at(`CustomResourceDefinition/${c.crd}`)).toBeLessThan(at(`ClusterRole/${c.operator}`));
      expect(at(`ClusterRole/${c.operator}`)).toBeLessThan(at(`Deployment/default/${c.operator}`));
      expect(at('ConfigMap/monitoring/old-config')).toBeLessThan(at('Widget/monitoring/w1'));
      expect(first.inventory).toHaveLength(c.objects + extras.length);
      expect(first.stats.establishedPolls).toBe(0); // the apply answers already said Established
    });

    it('labels every applied object as owned by the operator and its release, and records what it sent in the inventory', async () => {
      const main = fleet.cluster('main');
      for (const ref of (await installed()).inventory) {
        const live = main.objects.get(ref.apiVersion, ref.kind, ref.namespace, ref.name);
        expect(live?.metadata.labels, `${ref.kind}/${ref.name}`).toMatchObject({
          [OWNER_LABELS.managedBy]: 'operator-manager',
          [OWNER_LABELS.operator]: c.operator,
          [OWNER_LABELS.release]: c.operator,
        });
        expect(
          Object.keys(live!.metadata.labels!)
            .filter((k) => k.startsWith('operator-manager.io/'))
            .sort(),
        ).toEqual([OWNER_LABELS.operator, OWNER_LABELS.release]);
        // The entry records the digest of the body sent and the object's version in the answer.
        expect(ref.applied, `${ref.kind}/${ref.name}`).toMatchObject({ digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
        if (live!.metadata.generation !== undefined) expect(ref.applied!.generation).toBe(live!.metadata.generation);
        else expect(ref.applied!.resourceVersion).toBe(live!.metadata.resourceVersion);
        const managers = (live!.metadata.managedFields as Array<{ manager: string; operation: string }>).filter((m) => m.operation === 'Apply');
        expect(managers.map((m) => m.manager)).toEqual(['operator-manager']);
      }
      // The large CRDs' schemas are stored whole.
      for (const name of c.large) expect(crdAt(main, name)!.spec.versions, name).toEqual(v1.find((o) => o.metadata.name === name)!.spec.versions);
    });

    it(`upgrades to ${newer}: configures all ${c.objects}, prunes what ${newer} lacks, keeps the CRD and what someone took over`, async () => {
      const main = fleet.cluster('main');
      const second = await upgraded();
      expect(second.error).toBeUndefined();
      const byAction = (a: string) => second.changes.filter((ch) => ch.action === a).map((ch) => ch.subject);
      // An object is sent again only when its body changed between the releases; the others are not sent at all.
      const planned = (objects: KubeObject[]) =>
        new Map(
          planApply(objects, options)
            .stages.flatMap((s) => s.objects)
            .map((o) => [subjectOf(o), appliedDigest(o)]),
        );
      const [before, after] = [planned([...v1, ...extras]), planned(v2)];
      const changed = [...after.keys()].filter((s) => before.get(s) !== after.get(s));
      expect(changed.length).toBeGreaterThan(0);
      expect(byAction('configured').sort()).toEqual(changed.sort());
      expect(byAction('unchanged').sort()).toEqual([...after.keys()].filter((s) => !changed.includes(s)).sort());
      expect(second.untouched.map(subjectOf).sort()).toEqual(byAction('unchanged').sort());
      expect(byAction('pruned')).toEqual(['Widget/monitoring/w1', 'ConfigMap/monitoring/old-config']); // reverse apply order
      expect(second.changes.find((ch) => ch.subject === 'CustomResourceDefinition/widgets.example.com')).toMatchObject({
        action: 'skipped',
        message: expect.stringMatching(/^kept: CustomResourceDefinitions are never pruned/),
      });
      expect(second.changes.find((ch) => ch.subject === 'ConfigMap/monitoring/handed-over')).toMatchObject({
        action: 'skipped',
        message: expect.stringMatching(/no longer labelled/),
      });

      expect(crdAt(main, 'widgets.example.com')).toBeDefined();
      expect(main.objects.get('v1', 'ConfigMap', 'monitoring', 'old-config')).toBeUndefined();
      expect(main.objects.get('example.com/v1', 'Widget', 'monitoring', 'w1')).toBeUndefined();
      expect(main.objects.get('v1', 'ConfigMap', 'monitoring', 'handed-over')).toBeDefined();
      expect(identities(second.inventory)).toEqual(planApply(v2, options).inventory);
      expect(second.inventory).toHaveLength(c.objects);
      const image = (d: KubeObject | undefined) => d?.spec.template.spec.containers[0].image;
      expect(image(deploymentAt(main))).toBe(image(v2.find((o) => o.kind === 'Deployment')));
      const added = crdAt(main, c.added.crd)!;
      expect(Object.keys(added.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties)).toContain(c.added.field);
    });

    it('re-applying the same release sends nothing: every object is live as recorded, so each is reported unchanged', async () => {
      const second = await upgraded();
      const again = await applyManifests(client, v2, { ...options, previousInventory: second.inventory });
      expect(again.error).toBeUndefined();
      expect(new Set(again.changes.map((ch) => ch.action))).toEqual(new Set(['unchanged']));
      expect(again.changes).toHaveLength(c.objects);
      expect(again.untouched).toHaveLength(c.objects);
      expect(again.stats.bytesSent).toBe(0); // metadata-only lists and a namespace read: no body sent
      expect(again.answers).toEqual([]);
      expect(identities(again.inventory)).toEqual(identities(second.inventory));
      // Sent anyway on request (drift correction): the server finds nothing to change either.
      const forced = await applyManifests(client, v2, { ...options, previousInventory: second.inventory, reapply: true });
      expect(forced.untouched).toEqual([]);
      expect(forced.stats.bytesSent).toBeGreaterThan(0.9 * Buffer.byteLength(JSON.stringify(v2)));
      expect(new Set(forced.changes.map((ch) => ch.action))).toEqual(new Set(['unchanged']));
    });

    it('sends again what someone changed since: a spec edit (generation), a label removed', async () => {
      const second = await upgraded();
      const main = fleet.cluster('main');
      const deploy = deploymentAt(main)!;
      main.objects.put({ ...deploy, spec: { ...deploy.spec, replicas: 4 } }, { manager: 'kubectl-edit' });
      const role = main.objects.get('rbac.authorization.k8s.io/v1', 'ClusterRole', undefined, c.operator)!;
      const { [OWNER_LABELS.release]: _release, ...roleLabels } = role.metadata.labels!;
      main.objects.put({ ...role, metadata: { ...role.metadata, labels: roleLabels } });
      const again = await applyManifests(client, v2, { ...options, previousInventory: second.inventory });
      expect(again.error).toBeUndefined();
      expect(
        again.changes
          .filter((ch) => ch.action === 'configured')
          .map((ch) => ch.subject)
          .sort(),
      ).toEqual([`ClusterRole/${c.operator}`, `Deployment/default/${c.operator}`].sort());
      expect(again.untouched).toHaveLength(c.objects - 2);
      expect(deploymentAt(main)!.spec.replicas).toBe(deploy.spec.replicas); // taken back
      expect(main.objects.get('rbac.authorization.k8s.io/v1', 'ClusterRole', undefined, c.operator)!.metadata.labels).toMatchObject({
        [OWNER_LABELS.release]: c.operator,
      });
      // The entries of the objects sent again record their new versions: the next apply sends nothing.
      const settled = await applyManifests(client, v2, { ...options, previousInventory: again.inventory });
      expect(settled.untouched).toHaveLength(c.objects);
    });

    it('takes back a field someone edited by hand (force), and fails with 409 naming the manager without force', async () => {
      const second = await upgraded();
      const main = fleet.cluster('main');
      const deploy = deploymentAt(main)!;
      main.objects.put({ ...deploy, spec: { ...deploy.spec, replicas: 5 } }, { manager: 'kubectl-edit' });
      const strict = await applyManifests(client, v2, { ...options, previousInventory: second.inventory, force: false });
      expect(strict.error).toMatchObject({ kind: 'CONFLICT', httpStatus: 409 });
      expect(strict.changes.find((ch) => ch.action === 'failed')).toMatchObject({
        subject: `Deployment/default/${c.operator}`,
        message: expect.stringContaining('kubectl-edit'),
      });
      expect(identities(strict.inventory)).toEqual(identities(second.inventory)); // nothing lost from tracking

      const forced = await applyManifests(client, v2, { ...options, previousInventory: second.inventory });
      expect(forced.changes.find((ch) => ch.subject === `Deployment/default/${c.operator}`)?.action).toBe('configured');
      expect(deploymentAt(main)?.spec.replicas).toBe(deploy.spec.replicas);
    });
  },
);

describe('applyManifests failures', () => {
  let fleet: Sandbox;
  beforeAll(async () => {
    fleet = await startSandbox({
      clusters: [...bundles.map((c) => ({ name: `flaky-${c.operator}` })), { name: 'down', faults: { unreachable: true } }, { name: 'plain' }],
      tls: false,
      podReadyDelayMs: 20,
    });
  });
  afterAll(() => fleet?.stop());

  itSources(
    bundles,
    (c) => `succeeds under a 30% error rate by retrying (${c.name}), and the server saw the retries`,
    async (c) => {
      const flaky = fleet.cluster(`flaky-${c.operator}`);
      const client = await KubeClient.fromKubeconfig(flaky.name, flaky.kubeconfig, { retry: { attempts: 10, baseDelayMs: 5, maxDelayMs: 50 } });
      try {
        await flaky.setFaults({ errorRate: 0.3 });
        flaky.resetStats();
        const result = await applyManifests(client, c.releases()[1], { ...base, operatorName: c.operator });
        expect(result.error).toBeUndefined();
        expect(result.changes.filter((ch) => ch.action === 'created')).toHaveLength(c.objects);
        expect(result.stats.retries).toBeGreaterThan(0);
        expect(flaky.stats.requests).toBe(result.stats.requests);
        expect(flaky.stats.requests - result.stats.retries).toBeGreaterThanOrEqual(c.objects);
      } finally {
        await flaky.setFaults({ errorRate: 0 });
        client.close();
      }
    },
  );

  itSources(
    bundles,
    (c) => `reports an unreachable cluster as a typed UNREACHABLE error with its name, having changed nothing (${c.name})`,
    async (c) => {
      const client = await KubeClient.fromKubeconfig('down', fleet.cluster('down').kubeconfig, { retry: { attempts: 2, baseDelayMs: 5 } });
      try {
        const previous = [{ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'x', name: 'y' }];
        const result = await applyManifests(client, c.releases()[1], { ...base, operatorName: c.operator, previousInventory: previous });
        expect(result.error).toMatchObject({ kind: 'UNREACHABLE', clusterName: 'down' });
        expect(result.error?.message).toMatch(/^cluster down: unreachable/);
        expect(result.changes).toEqual([]);
        expect(result.inventory).toEqual(previous);
      } finally {
        client.close();
      }
    },
  );

  it('returns what it did before an invalid object failed, with the error and an inventory that keeps tracking it', async () => {
    const client = await KubeClient.fromKubeconfig('plain', fleet.cluster('plain').kubeconfig);
    try {
      const objects = [widgetCrd, configMap('fine', 'default'), configMap('Not_A_Valid_Name', 'default')];
      const result = await applyManifests(client, objects, { ...base, namespace: 'default' });
      expect(result.error).toMatchObject({ kind: 'INVALID', httpStatus: 422 });
      expect(actions(result)).toEqual(
        expect.arrayContaining([
          'created CustomResourceDefinition/widgets.example.com',
          'created ConfigMap/default/fine',
          'failed ConfigMap/default/Not_A_Valid_Name',
        ]),
      );
      expect(result.inventory.map((r) => r.name).sort()).toEqual(['fine', 'widgets.example.com']);
    } finally {
      client.close();
    }
  });

  it("refuses before writing anything when a namespace other than the operator's is missing", async () => {
    const client = await KubeClient.fromKubeconfig('plain', fleet.cluster('plain').kubeconfig);
    try {
      const result = await applyManifests(client, [configMap('a', 'nowhere'), configMap('b')], { ...base, namespace: 'default' });
      expect(result.error?.message).toMatch(/namespace nowhere does not exist and the manifests do not create it/);
      expect(result.changes).toEqual([]);
    } finally {
      client.close();
    }
  });

  it('stops when cancelled and returns the changes made so far', async () => {
    const plain = fleet.cluster('plain');
    const client = await KubeClient.fromKubeconfig('plain', plain.kubeconfig);
    await plain.setFaults({ latencyMs: 40 });
    try {
      const controller = new AbortController();
      const objects = Array.from({ length: 40 }, (_, i) => configMap(`many-${i}`, 'default'));
      const applying = applyManifests(client, objects, { ...base, namespace: 'default', signal: controller.signal, concurrency: 2 });
      // Cancelled once the apply is under way: the first object is in the cluster.
      await eventually(() => plain.objects.list('v1', 'ConfigMap', 'default').some((c) => c.metadata.name?.startsWith('many-')), 10_000, 'the first object');
      controller.abort(new Error('deployment cancelled'));
      const result = await applying;
      expect(result.error).toMatchObject({ kind: 'ABORTED' });
      const created = result.changes.filter((c) => c.action === 'created').length;
      expect(created).toBeGreaterThan(0);
      expect(created).toBeLessThan(40);
    } finally {
      await plain.setFaults({ latencyMs: 0 });
      client.close();
    }
  });
});

describe('applyManifests with what is already installed', () => {
  let fleet: Sandbox;
  let client: KubeClient;
  beforeAll(async () => {
    fleet = await startSandbox({ clusters: [{ name: 'installed' }], tls: false });
    fleet.cluster('installed').objects.put(widgetCrd);
    client = await KubeClient.fromKubeconfig('installed', fleet.cluster('installed').kubeconfig);
  });
  afterAll(async () => {
    client?.close();
    await fleet?.stop();
  });

  it('applies a custom resource whose CRD is installed but not in the set, its scope from discovery', async () => {
    const result = await applyManifests(client, [{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 1 } }], {
      ...base,
      namespace: 'default',
    });
    expect(result.error).toBeUndefined();
    expect(actions(result)).toEqual(['created Widget/default/w']);
  });

  it('adopts an object that exists without our labels, reporting it configured', async () => {
    fleet.cluster('installed').objects.put(configMap('preexisting', 'default'));
    const result = await applyManifests(client, [configMap('preexisting', 'default')], { ...base, namespace: 'default' });
    expect(result.changes).toEqual([
      { subject: 'ConfigMap/default/preexisting', action: 'configured', message: 'adopted: existed without the owner labels of this operator' },
    ]);
  });

  it('refuses a kind the cluster does not serve before writing anything', async () => {
    const result = await applyManifests(client, [configMap('c', 'default'), { apiVersion: 'nowhere.io/v1', kind: 'Thing', metadata: { name: 't' } }], {
      ...base,
      namespace: 'default',
    });
    expect(result.error?.message).toMatch(/cannot tell whether these kinds are namespaced.*nowhere\.io\/v1 Thing/);
    expect(result.changes).toEqual([]);
  });

  it('waits for CRDs the apply answer did not show Established, fails at once on refused names, times out naming the rest', async () => {
    const { status: _status, ...withoutStatus } = widgetCrd;
    const options = { timeoutMs: 400, pollMs: 20, concurrency: 4 };
    expect(await waitForCrdsEstablished(client, [withoutStatus], options)).toBe(1); // one poll finds it Established
    const refused = {
      ...widgetCrd,
      status: { conditions: [{ type: 'NamesAccepted', status: 'False', reason: 'KindConflict', message: 'Widget is already in use' }] },
    };
    await expect(waitForCrdsEstablished(client, [refused], options)).rejects.toThrow(
      /not accepted: widgets\.example\.com \(KindConflict: Widget is already in use\)/,
    );
    const missing = { ...withoutStatus, metadata: { name: 'gizmos.example.com' } };
    const timeout = await waitForCrdsEstablished(client, [withoutStatus, missing], options).catch((e: unknown) => e);
    expect(timeout).toBeInstanceOf(CrdNotEstablishedError);
    expect((timeout as CrdNotEstablishedError).message).toMatch(
      /^timed out after 400 ms waiting for CustomResourceDefinitions to be Established: gizmos\.example\.com$/,
    );
    expect((timeout as CrdNotEstablishedError).subjects).toEqual(['CustomResourceDefinition/gizmos.example.com']);
  });
});
