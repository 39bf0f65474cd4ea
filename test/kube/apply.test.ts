// The staged server-side-apply executor against the sandbox over real HTTP: the
// prometheus-operator bundle v0.75.0 then v0.80.0 (CRDs over 1 MB; the corpus), and the same
// with the project's telemetry operator v1.0.0 then v1.1.0 (its Collector CRD inflated past
// 1 MB), change entries,
// inventory, prune (never CRDs, only what still carries our labels), hand edits taken
// back, partial results on failure, retries under injected 5xx, unreachable clusters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyManifests, type ApplyManifestsOptions, type ApplyManifestsResult } from '../../src/kube/apply/executor.ts';
import { planApply } from '../../src/kube/apply/plan.ts';
import { CrdNotEstablishedError, waitForCrdsEstablished } from '../../src/kube/apply/crd-established.ts';
import { OWNER_LABELS } from '../../src/kube/apply/types.ts';
import { KubeClient } from '../../src/kube/client.ts';
import type { KubeObject } from '../../src/kube/types.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { parseManifests } from '../../src/sources/yaml.ts';
import { corpus, corpusTitle } from '../helpers/corpus.ts';
import { operatorObjects } from '../helpers/operators.ts';
import { eventually } from '../helpers/eventually.ts';

const bundle = (tag: string) => parseManifests(corpus.read(`prometheus-operator/${tag}/bundle.yaml`));
const actions = (r: ApplyManifestsResult) => r.changes.map((c) => `${c.action} ${c.subject}`);
const base: ApplyManifestsOptions = { operatorName: 'prometheus-operator', revision: 1, namespace: 'monitoring' };

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

describe.skipIf(!corpus.present)(corpusTitle('applyManifests: prometheus-operator v0.75.0 → v0.80.0 on one cluster'), () => {
  let fleet: Sandbox;
  let client: KubeClient;
  let first: ApplyManifestsResult;
  let second: ApplyManifestsResult;
  let v075: KubeObject[];
  let v080: KubeObject[];

  beforeAll(async () => {
    v075 = bundle('v0.75.0');
    v080 = bundle('v0.80.0');
    fleet = await startSandbox({ clusters: [{ name: 'main' }], tls: false, podReadyDelayMs: 20 });
    client = await KubeClient.fromKubeconfig('main', fleet.cluster('main').kubeconfig);
  });
  afterAll(async () => {
    client?.close();
    await fleet?.stop();
  });

  it('installs v0.75.0: creates the operator namespace, then every object in stage order', async () => {
    // The largest CRDs exceed 256 KiB even as compact JSON (over 1 MB as YAML): client-side
    // apply could not even store them in its last-applied annotation.
    expect(v075.filter((o) => JSON.stringify(o).length > 256 * 1024).length).toBeGreaterThanOrEqual(4);
    first = await applyManifests(client, [...v075, ...extras], base);
    expect(first.error).toBeUndefined();
    expect(first.changes.every((c) => c.action === 'created')).toBe(true);
    const subjects = first.changes.map((c) => c.subject);
    expect(subjects[0]).toBe('Namespace/monitoring');
    expect(subjects).toHaveLength(1 + 15 + extras.length);
    // CRDs before RBAC before namespaced objects before custom resources.
    const at = (s: string) => subjects.indexOf(s);
    expect(at('CustomResourceDefinition/prometheuses.monitoring.coreos.com')).toBeLessThan(at('ClusterRole/prometheus-operator'));
    expect(at('ClusterRole/prometheus-operator')).toBeLessThan(at('Deployment/default/prometheus-operator'));
    expect(at('ConfigMap/monitoring/old-config')).toBeLessThan(at('Widget/monitoring/w1'));
    expect(first.inventory).toHaveLength(15 + extras.length);
    expect(first.stats.establishedPolls).toBe(0); // the apply answers already said Established
  });

  it('labels every applied object as owned by the operator and the release revision', () => {
    const main = fleet.cluster('main');
    for (const ref of first.inventory) {
      const live = main.objects.get(ref.apiVersion, ref.kind, ref.namespace, ref.name);
      expect(live?.metadata.labels, `${ref.kind}/${ref.name}`).toMatchObject({
        [OWNER_LABELS.managedBy]: 'operator-manager',
        [OWNER_LABELS.operator]: 'prometheus-operator',
        [OWNER_LABELS.release]: 'prometheus-operator',
        [OWNER_LABELS.revision]: '1',
      });
      const managers = (live!.metadata.managedFields as Array<{ manager: string; operation: string }>).filter((m) => m.operation === 'Apply');
      expect(managers.map((m) => m.manager)).toEqual(['operator-manager']);
    }
  });

  it('upgrades to v0.80.0: configures all 15, prunes what v0.80.0 lacks, keeps the CRD and what someone took over', async () => {
    const main = fleet.cluster('main');
    const handed = main.objects.get('v1', 'ConfigMap', 'monitoring', 'handed-over')!;
    const { [OWNER_LABELS.operator]: _op, ...otherLabels } = handed.metadata.labels!;
    main.objects.put({ ...handed, metadata: { ...handed.metadata, labels: otherLabels } });

    second = await applyManifests(client, v080, { ...base, revision: 2, previousInventory: first.inventory });
    expect(second.error).toBeUndefined();
    const byAction = (a: string) => second.changes.filter((c) => c.action === a).map((c) => c.subject);
    expect(byAction('configured')).toHaveLength(15); // at least the revision label changed on each
    expect(byAction('pruned')).toEqual(['Widget/monitoring/w1', 'ConfigMap/monitoring/old-config']); // reverse apply order
    expect(second.changes.find((c) => c.subject === 'CustomResourceDefinition/widgets.example.com')).toMatchObject({
      action: 'skipped',
      message: expect.stringMatching(/^kept: CustomResourceDefinitions are never pruned/),
    });
    expect(second.changes.find((c) => c.subject === 'ConfigMap/monitoring/handed-over')).toMatchObject({
      action: 'skipped',
      message: expect.stringMatching(/no longer labelled/),
    });

    expect(main.objects.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, 'widgets.example.com')).toBeDefined();
    expect(main.objects.get('v1', 'ConfigMap', 'monitoring', 'old-config')).toBeUndefined();
    expect(main.objects.get('example.com/v1', 'Widget', 'monitoring', 'w1')).toBeUndefined();
    expect(main.objects.get('v1', 'ConfigMap', 'monitoring', 'handed-over')).toBeDefined();
    expect(second.inventory).toEqual(planApply(v080, { ...base, revision: 2 }).inventory);
    expect(second.inventory).toHaveLength(15);
    const image = (d: KubeObject | undefined) => d?.spec.template.spec.containers[0].image;
    expect(image(main.objects.get('apps/v1', 'Deployment', 'default', 'prometheus-operator'))).toBe(image(v080.find((o) => o.kind === 'Deployment')));
  });

  it('re-applying the same revision changes nothing and reports every object unchanged', async () => {
    const again = await applyManifests(client, v080, { ...base, revision: 2, previousInventory: second.inventory });
    expect(again.error).toBeUndefined();
    expect(new Set(again.changes.map((c) => c.action))).toEqual(new Set(['unchanged']));
    expect(again.changes).toHaveLength(15);
  });

  it('takes back a field someone edited by hand (force), and fails with 409 naming the manager without force', async () => {
    const main = fleet.cluster('main');
    const deploy = main.objects.get('apps/v1', 'Deployment', 'default', 'prometheus-operator')!;
    main.objects.put({ ...deploy, spec: { ...deploy.spec, replicas: 5 } }, { manager: 'kubectl-edit' });
    const strict = await applyManifests(client, v080, { ...base, revision: 2, previousInventory: second.inventory, force: false });
    expect(strict.error).toMatchObject({ kind: 'CONFLICT', httpStatus: 409 });
    expect(strict.changes.find((c) => c.action === 'failed')).toMatchObject({
      subject: 'Deployment/default/prometheus-operator',
      message: expect.stringContaining('kubectl-edit'),
    });
    expect(strict.inventory).toEqual(second.inventory); // nothing lost from tracking

    const forced = await applyManifests(client, v080, { ...base, revision: 2, previousInventory: second.inventory });
    expect(forced.changes.find((c) => c.subject === 'Deployment/default/prometheus-operator')?.action).toBe('configured');
    expect(main.objects.get('apps/v1', 'Deployment', 'default', 'prometheus-operator')?.spec.replicas).toBe(deploy.spec.replicas);
  });
});

describe("applyManifests: the project's telemetry operator v1.0.0 → v1.1.0 on one cluster", () => {
  const telemetry = { ...base, operatorName: 'telemetry-operator' };
  const deploymentAt = (cluster: Sandbox) => cluster.cluster('main').objects.get('apps/v1', 'Deployment', 'default', 'telemetry-operator');
  let fleet: Sandbox;
  let client: KubeClient;
  let first: ApplyManifestsResult;
  let second: ApplyManifestsResult;
  const v100 = operatorObjects('telemetry', 'v1.0.0');
  const v110 = operatorObjects('telemetry', 'v1.1.0');

  beforeAll(async () => {
    fleet = await startSandbox({ clusters: [{ name: 'main' }], tls: false, podReadyDelayMs: 20 });
    client = await KubeClient.fromKubeconfig('main', fleet.cluster('main').kubeconfig);
  });
  afterAll(async () => {
    client?.close();
    await fleet?.stop();
  });

  it('installs v1.0.0: creates the operator namespace, then every object in stage order', async () => {
    // The Collector CRD exceeds 256 KiB even as compact JSON (over 1 MB as YAML): client-side
    // apply could not even store it in its last-applied annotation.
    expect(v100.filter((o) => JSON.stringify(o).length > 256 * 1024).map((o) => o.metadata.name)).toEqual(['collectors.telemetry.example.com']);
    first = await applyManifests(client, [...v100, ...extras], telemetry);
    expect(first.error).toBeUndefined();
    expect(first.changes.every((c) => c.action === 'created')).toBe(true);
    const subjects = first.changes.map((c) => c.subject);
    expect(subjects[0]).toBe('Namespace/monitoring');
    expect(subjects).toHaveLength(1 + 10 + extras.length);
    // CRDs before RBAC before namespaced objects before custom resources.
    const at = (s: string) => subjects.indexOf(s);
    expect(at('CustomResourceDefinition/collectors.telemetry.example.com')).toBeLessThan(at('ClusterRole/telemetry-operator'));
    expect(at('ClusterRole/telemetry-operator')).toBeLessThan(at('Deployment/default/telemetry-operator'));
    expect(at('ConfigMap/monitoring/old-config')).toBeLessThan(at('Widget/monitoring/w1'));
    expect(first.inventory).toHaveLength(10 + extras.length);
    expect(first.stats.establishedPolls).toBe(0); // the apply answers already said Established
  });

  it('labels every applied object as owned by the operator and the release revision', () => {
    const main = fleet.cluster('main');
    for (const ref of first.inventory) {
      const live = main.objects.get(ref.apiVersion, ref.kind, ref.namespace, ref.name);
      expect(live?.metadata.labels, `${ref.kind}/${ref.name}`).toMatchObject({
        [OWNER_LABELS.managedBy]: 'operator-manager',
        [OWNER_LABELS.operator]: 'telemetry-operator',
        [OWNER_LABELS.release]: 'telemetry-operator',
        [OWNER_LABELS.revision]: '1',
      });
      const managers = (live!.metadata.managedFields as Array<{ manager: string; operation: string }>).filter((m) => m.operation === 'Apply');
      expect(managers.map((m) => m.manager)).toEqual(['operator-manager']);
    }
    // The large CRD's schema is stored whole.
    const collectors = main.objects.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, 'collectors.telemetry.example.com')!;
    expect(collectors.spec.versions).toEqual(v100.find((o) => o.metadata.name === 'collectors.telemetry.example.com')!.spec.versions);
  });

  it('upgrades to v1.1.0: configures all 10, prunes what v1.1.0 lacks, keeps the CRD and what someone took over', async () => {
    const main = fleet.cluster('main');
    const handed = main.objects.get('v1', 'ConfigMap', 'monitoring', 'handed-over')!;
    const { [OWNER_LABELS.operator]: _op, ...otherLabels } = handed.metadata.labels!;
    main.objects.put({ ...handed, metadata: { ...handed.metadata, labels: otherLabels } });

    second = await applyManifests(client, v110, { ...telemetry, revision: 2, previousInventory: first.inventory });
    expect(second.error).toBeUndefined();
    const byAction = (a: string) => second.changes.filter((c) => c.action === a).map((c) => c.subject);
    expect(byAction('configured')).toHaveLength(10); // at least the revision label changed on each
    expect(byAction('pruned')).toEqual(['Widget/monitoring/w1', 'ConfigMap/monitoring/old-config']); // reverse apply order
    expect(second.changes.find((c) => c.subject === 'CustomResourceDefinition/widgets.example.com')).toMatchObject({
      action: 'skipped',
      message: expect.stringMatching(/^kept: CustomResourceDefinitions are never pruned/),
    });
    expect(second.changes.find((c) => c.subject === 'ConfigMap/monitoring/handed-over')).toMatchObject({
      action: 'skipped',
      message: expect.stringMatching(/no longer labelled/),
    });

    expect(main.objects.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, 'widgets.example.com')).toBeDefined();
    expect(main.objects.get('v1', 'ConfigMap', 'monitoring', 'old-config')).toBeUndefined();
    expect(main.objects.get('example.com/v1', 'Widget', 'monitoring', 'w1')).toBeUndefined();
    expect(main.objects.get('v1', 'ConfigMap', 'monitoring', 'handed-over')).toBeDefined();
    expect(second.inventory).toEqual(planApply(v110, { ...telemetry, revision: 2 }).inventory);
    expect(second.inventory).toHaveLength(10);
    const image = (d: KubeObject | undefined) => d?.spec.template.spec.containers[0].image;
    expect(image(deploymentAt(fleet))).toBe(image(v110.find((o) => o.kind === 'Deployment')));
    const scrapejobs = main.objects.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, 'scrapejobs.telemetry.example.com')!;
    expect(Object.keys(scrapejobs.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties)).toContain('consulSDConfigs');
  });

  it('re-applying the same revision changes nothing and reports every object unchanged', async () => {
    const again = await applyManifests(client, v110, { ...telemetry, revision: 2, previousInventory: second.inventory });
    expect(again.error).toBeUndefined();
    expect(new Set(again.changes.map((c) => c.action))).toEqual(new Set(['unchanged']));
    expect(again.changes).toHaveLength(10);
  });

  it('takes back a field someone edited by hand (force), and fails with 409 naming the manager without force', async () => {
    const main = fleet.cluster('main');
    const deploy = deploymentAt(fleet)!;
    main.objects.put({ ...deploy, spec: { ...deploy.spec, replicas: 5 } }, { manager: 'kubectl-edit' });
    const strict = await applyManifests(client, v110, { ...telemetry, revision: 2, previousInventory: second.inventory, force: false });
    expect(strict.error).toMatchObject({ kind: 'CONFLICT', httpStatus: 409 });
    expect(strict.changes.find((c) => c.action === 'failed')).toMatchObject({
      subject: 'Deployment/default/telemetry-operator',
      message: expect.stringContaining('kubectl-edit'),
    });
    expect(strict.inventory).toEqual(second.inventory); // nothing lost from tracking

    const forced = await applyManifests(client, v110, { ...telemetry, revision: 2, previousInventory: second.inventory });
    expect(forced.changes.find((c) => c.subject === 'Deployment/default/telemetry-operator')?.action).toBe('configured');
    expect(deploymentAt(fleet)?.spec.replicas).toBe(deploy.spec.replicas);
  });
});

describe('applyManifests failures', () => {
  let fleet: Sandbox;
  beforeAll(async () => {
    fleet = await startSandbox({
      clusters: [{ name: 'flaky' }, { name: 'flaky-too' }, { name: 'down', faults: { unreachable: true } }, { name: 'plain' }],
      tls: false,
      podReadyDelayMs: 20,
    });
  });
  afterAll(() => fleet?.stop());

  it.skipIf(!corpus.present)(corpusTitle('succeeds under a 30% error rate by retrying, and the server saw the retries'), async () => {
    const flaky = fleet.cluster('flaky');
    const client = await KubeClient.fromKubeconfig('flaky', flaky.kubeconfig, { retry: { attempts: 10, baseDelayMs: 5, maxDelayMs: 50 } });
    try {
      await flaky.setFaults({ errorRate: 0.3 });
      flaky.resetStats();
      const result = await applyManifests(client, bundle('v0.80.0'), base);
      expect(result.error).toBeUndefined();
      expect(result.changes.filter((c) => c.action === 'created')).toHaveLength(15);
      expect(result.stats.retries).toBeGreaterThan(0);
      expect(flaky.stats.requests).toBe(result.stats.requests);
      expect(flaky.stats.requests - result.stats.retries).toBeGreaterThanOrEqual(15);
    } finally {
      await flaky.setFaults({ errorRate: 0 });
      client.close();
    }
  });

  it.skipIf(!corpus.present)(corpusTitle('reports an unreachable cluster as a typed UNREACHABLE error with its name, having changed nothing'), async () => {
    const client = await KubeClient.fromKubeconfig('down', fleet.cluster('down').kubeconfig, { retry: { attempts: 2, baseDelayMs: 5 } });
    try {
      const previous = [{ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'x', name: 'y' }];
      const result = await applyManifests(client, bundle('v0.80.0'), { ...base, previousInventory: previous });
      expect(result.error).toMatchObject({ kind: 'UNREACHABLE', clusterName: 'down' });
      expect(result.error?.message).toMatch(/^cluster down: unreachable/);
      expect(result.changes).toEqual([]);
      expect(result.inventory).toEqual(previous);
    } finally {
      client.close();
    }
  });

  it("succeeds under a 30% error rate by retrying (the project's telemetry operator), and the server saw the retries", async () => {
    const flaky = fleet.cluster('flaky-too');
    const client = await KubeClient.fromKubeconfig('flaky-too', flaky.kubeconfig, { retry: { attempts: 10, baseDelayMs: 5, maxDelayMs: 50 } });
    try {
      await flaky.setFaults({ errorRate: 0.3 });
      flaky.resetStats();
      const result = await applyManifests(client, operatorObjects('telemetry', 'v1.1.0'), { ...base, operatorName: 'telemetry-operator' });
      expect(result.error).toBeUndefined();
      expect(result.changes.filter((c) => c.action === 'created')).toHaveLength(10);
      expect(result.stats.retries).toBeGreaterThan(0);
      expect(flaky.stats.requests).toBe(result.stats.requests);
      expect(flaky.stats.requests - result.stats.retries).toBeGreaterThanOrEqual(10);
    } finally {
      await flaky.setFaults({ errorRate: 0 });
      client.close();
    }
  });

  it("reports an unreachable cluster as a typed UNREACHABLE error with its name, having changed nothing (the project's telemetry operator)", async () => {
    const client = await KubeClient.fromKubeconfig('down', fleet.cluster('down').kubeconfig, { retry: { attempts: 2, baseDelayMs: 5 } });
    try {
      const previous = [{ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'x', name: 'y' }];
      const result = await applyManifests(client, operatorObjects('telemetry', 'v1.1.0'), {
        ...base,
        operatorName: 'telemetry-operator',
        previousInventory: previous,
      });
      expect(result.error).toMatchObject({ kind: 'UNREACHABLE', clusterName: 'down' });
      expect(result.error?.message).toMatch(/^cluster down: unreachable/);
      expect(result.changes).toEqual([]);
      expect(result.inventory).toEqual(previous);
    } finally {
      client.close();
    }
  });

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
