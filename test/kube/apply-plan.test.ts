import { beforeAll, describe, expect, it } from 'vitest';
import { createScopeResolver, inventoryOf, isOwnedBy, kindsNeedingDiscovery } from '../../src/kube/apply/inventory.ts';
import { planApply, planPrune, type ApplyPlanOptions } from '../../src/kube/apply/plan.ts';
import { ApplyPlanError, OWNER_LABELS } from '../../src/kube/apply/types.ts';
import { subjectOf, type KubeObject, type ObjectRef } from '../../src/kube/types.ts';
import { canonicalJson } from '../../src/domain/json.ts';
import { parseManifests } from '../../src/sources/yaml.ts';
import { corpus } from '../helpers/corpus.ts';
import { operatorObjects } from '../helpers/operators.ts';
import { describeSources, type SourceCase } from '../helpers/sources.ts';

const options: ApplyPlanOptions = { operatorName: 'prometheus-operator', namespace: 'monitoring' };
const bundle = (tag: string) => parseManifests(corpus.read(`prometheus-operator/${tag}/bundle.yaml`));
const subjects = (objects: Array<KubeObject | ObjectRef>) => objects.map((o) => subjectOf(o));

function obj(apiVersion: string, kind: string, name: string, namespace?: string, extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) }, ...extra };
}

const crd = (group: string, kind: string, plural: string, scope: 'Namespaced' | 'Cluster') =>
  obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', `${plural}.${group}`, undefined, {
    spec: { group, scope, names: { kind, plural }, versions: [{ name: 'v1', served: true, storage: true }] },
  });

interface Bundle extends SourceCase {
  /** The objects of the older and the newer release. */
  releases: () => [KubeObject[], KubeObject[]];
  versions: [string, string];
  /** The operator: the name of its Deployment, ServiceAccount, Service and cluster RBAC. */
  operator: string;
  crds: number;
  /** A CRD of both releases. */
  crd: string;
  /** A CRD the newer release could drop. */
  droppable: string;
  /** A custom resource kind of the operator's own. */
  customResource: { apiVersion: string; kind: string };
}

const bundles: Bundle[] = [
  {
    name: 'the prometheus-operator bundle',
    corpus: true,
    releases: () => [bundle('v0.75.0'), bundle('v0.80.0')],
    versions: ['v0.75.0', 'v0.80.0'],
    operator: 'prometheus-operator',
    crds: 10,
    crd: 'scrapeconfigs.monitoring.coreos.com',
    droppable: 'thanosrulers.monitoring.coreos.com',
    customResource: { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor' },
  },
  {
    name: "the project's telemetry operator bundle",
    corpus: false,
    releases: () => [operatorObjects('telemetry', 'v1.0.0'), operatorObjects('telemetry', 'v1.1.0')],
    versions: ['v1.0.0', 'v1.1.0'],
    operator: 'telemetry-operator',
    crds: 5,
    crd: 'scrapejobs.telemetry.example.com',
    droppable: 'relays.telemetry.example.com',
    customResource: { apiVersion: 'telemetry.example.com/v1', kind: 'ServiceTarget' },
  },
];

describeSources(
  bundles,
  (c) => `planApply on ${c.name}`,
  (c) => {
    const [older, newer] = c.versions;
    const options: ApplyPlanOptions = { operatorName: c.operator, namespace: 'monitoring' };
    const identities = c.crds + 5;
    let v1: KubeObject[];
    let v2: KubeObject[];
    beforeAll(() => {
      [v1, v2] = c.releases();
    });

    it(`stages ${older}: CRDs (then wait Established) → cluster RBAC → namespaced objects`, () => {
      const plan = planApply(v1, options);
      expect(plan.stages.map((s) => [s.name, s.objects.length, s.waitForEstablished])).toEqual([
        ['crds', c.crds, true],
        ['cluster', 2, false],
        ['namespaced', 3, false],
      ]);
      // The bundle lists the ClusterRoleBinding before its ClusterRole and the Deployment before its ServiceAccount.
      expect(subjects(v1.filter((o) => o.kind !== 'CustomResourceDefinition'))).toEqual([
        `ClusterRoleBinding/${c.operator}`,
        `ClusterRole/${c.operator}`,
        `Deployment/default/${c.operator}`,
        `ServiceAccount/default/${c.operator}`,
        `Service/default/${c.operator}`,
      ]);
      expect(subjects(plan.stages[1]!.objects)).toEqual([`ClusterRole/${c.operator}`, `ClusterRoleBinding/${c.operator}`]);
      expect(subjects(plan.stages[2]!.objects)).toEqual([
        `ServiceAccount/default/${c.operator}`,
        `Service/default/${c.operator}`,
        `Deployment/default/${c.operator}`,
      ]);
      expect(plan.requiredNamespaces).toEqual(['default']);
    });

    it('labels every object with its owner and leaves the input untouched', () => {
      const before = canonicalJson(v1);
      const plan = planApply(v1, options);
      for (const o of plan.stages.flatMap((s) => s.objects)) {
        expect(o.metadata.labels).toMatchObject({
          'app.kubernetes.io/managed-by': 'operator-manager',
          'operator-manager.io/operator': c.operator,
          'operator-manager.io/release': c.operator,
        });
        // No label changes from one release to the next: an object that did not change is not touched.
        expect(Object.keys(o.metadata.labels!).filter((k) => k.startsWith('operator-manager.io/'))).toEqual([
          'operator-manager.io/operator',
          'operator-manager.io/release',
        ]);
        expect(isOwnedBy(o, c.operator)).toBe(true);
        expect(isOwnedBy(o, 'someone-else')).toBe(false);
      }
      const deployment = plan.stages[2]!.objects[2]!;
      expect(deployment.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': c.operator }); // the bundle's own labels stay
      expect(deployment.spec.template.metadata.labels).not.toHaveProperty(OWNER_LABELS.release); // owner labels stay off pod templates
      expect(canonicalJson(v1)).toBe(before);
    });

    it(`inventories of ${older} and ${newer} hold the same ${identities} identities, so nothing is pruned`, () => {
      const a = planApply(v1, options).inventory;
      const b = planApply(v2, options).inventory;
      expect(a).toHaveLength(identities);
      expect(b).toEqual(a);
      expect(a.filter((r) => r.kind === 'CustomResourceDefinition').map((r) => r.name)).toContain(c.crd);
      expect(a.find((r) => r.kind === 'Deployment')).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: c.operator });
      expect(planPrune(a, b)).toEqual({ prune: [], kept: [] });
    });

    it(`prunes what ${newer} lacks in reverse apply order, keeping CRDs`, () => {
      const previous = [
        ...planApply(v1, options).inventory,
        { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'old-config' },
        { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', name: c.operator },
        { ...c.customResource, namespace: 'default', name: c.operator },
        { apiVersion: 'v1', kind: 'Namespace', name: `${c.operator}-extra` },
      ];
      // A new release without one of the CRDs and without the Service.
      const next = planApply(
        v2.filter((o) => o.metadata.name !== c.droppable && o.kind !== 'Service'),
        options,
      ).inventory;
      const plan = planPrune(previous, next);
      expect(subjects(plan.prune)).toEqual([
        `ValidatingWebhookConfiguration/${c.operator}`,
        `${c.customResource.kind}/default/${c.operator}`,
        `Service/default/${c.operator}`,
        'ConfigMap/default/old-config',
      ]);
      expect(plan.prune.some((r) => r.kind === 'CustomResourceDefinition')).toBe(false);
      expect(plan.kept.map((k) => [subjectOf(k.ref), k.reason.split(':')[0]])).toEqual([
        [`Namespace/${c.operator}-extra`, 'Namespaces are not pruned'],
        [`CustomResourceDefinition/${c.droppable}`, 'CustomResourceDefinitions are never pruned'],
      ]);
      // With namespace pruning allowed the namespace goes last.
      expect(subjects(planPrune(previous, next, { pruneNamespaces: true }).prune).at(-1)).toBe(`Namespace/${c.operator}-extra`);
    });
  },
);

describe("planApply on the project's PKI operator bundle (written out of order)", () => {
  it('stages Namespaces → CRDs → cluster RBAC → namespaced objects → webhook configurations', () => {
    const objects = operatorObjects('pki', 'v1.0.0');
    expect(objects[0]!.kind).toBe('MutatingWebhookConfiguration');
    expect(objects.at(-1)!.kind).toBe('Namespace');
    const plan = planApply(objects, { ...options, operatorName: 'pki', namespace: 'pki-system' });
    expect(plan.stages.map((s) => [s.name, subjects(s.objects), s.waitForEstablished])).toEqual([
      ['namespaces', ['Namespace/pki-system'], false],
      [
        'crds',
        [
          'CustomResourceDefinition/certificates.pki.example.com',
          'CustomResourceDefinition/issuers.pki.example.com',
          'CustomResourceDefinition/clusterissuers.pki.example.com',
        ],
        true,
      ],
      ['cluster', ['ClusterRole/pki-controller', 'ClusterRoleBinding/pki-controller'], false],
      [
        'namespaced',
        ['ServiceAccount/pki-system/pki', 'Service/pki-system/pki-webhook', 'Deployment/pki-system/pki-webhook', 'Deployment/pki-system/pki-controller'],
        false,
      ],
      ['webhooks', ['MutatingWebhookConfiguration/pki-webhook', 'ValidatingWebhookConfiguration/pki-webhook'], false],
    ]);
    // The namespace the objects live in is created by the plan itself.
    expect(plan.requiredNamespaces).toEqual([]);
    expect(plan.inventory).toHaveLength(objects.length);
  });
});

describe('planApply ordering and scopes', () => {
  const shuffled: KubeObject[] = [
    obj('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'vwc'),
    obj('example.com/v1', 'Widget', 'w1'),
    obj('apps/v1', 'Deployment', 'op'),
    obj('example.com/v1', 'ClusterWidget', 'cw1'),
    obj('networking.k8s.io/v1', 'Ingress', 'web'),
    obj('v1', 'Service', 'op'),
    obj('rbac.authorization.k8s.io/v1', 'RoleBinding', 'rb'),
    obj('rbac.authorization.k8s.io/v1', 'Role', 'r'),
    obj('v1', 'ConfigMap', 'cfg'),
    obj('v1', 'Secret', 'tls'),
    obj('v1', 'ServiceAccount', 'op'),
    obj('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', 'mwc'),
    obj('apiregistration.k8s.io/v1', 'APIService', 'v1.metrics.example.com'),
    obj('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'crb'),
    obj('storage.k8s.io/v1', 'StorageClass', 'fast'),
    obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'cr', 'stray-namespace'),
    obj('scheduling.k8s.io/v1', 'PriorityClass', 'high'),
    crd('example.com', 'Widget', 'widgets', 'Namespaced'),
    crd('example.com', 'ClusterWidget', 'clusterwidgets', 'Cluster'),
    obj('batch/v1', 'Job', 'migrate', 'jobs'),
    obj('v1', 'Namespace', 'jobs'),
  ];

  it('orders Namespaces → CRDs → cluster-scoped → namespaced → custom resources → webhooks', () => {
    const plan = planApply(shuffled, options);
    expect(plan.stages.map((s) => [s.name, subjects(s.objects)])).toEqual([
      ['namespaces', ['Namespace/jobs']],
      ['crds', ['CustomResourceDefinition/widgets.example.com', 'CustomResourceDefinition/clusterwidgets.example.com']],
      ['cluster', ['ClusterRole/cr', 'ClusterRoleBinding/crb', 'PriorityClass/high', 'StorageClass/fast']],
      [
        'namespaced',
        [
          'ServiceAccount/monitoring/op',
          'Secret/monitoring/tls',
          'ConfigMap/monitoring/cfg',
          'Role/monitoring/r',
          'RoleBinding/monitoring/rb',
          'Service/monitoring/op',
          'Deployment/monitoring/op',
          'Job/jobs/migrate',
          'Ingress/monitoring/web',
        ],
      ],
      ['custom-resources', ['ClusterWidget/cw1', 'Widget/monitoring/w1']],
      ['webhooks', ['APIService/v1.metrics.example.com', 'MutatingWebhookConfiguration/mwc', 'ValidatingWebhookConfiguration/vwc']],
    ]);
    // The stray namespace of a cluster-scoped object is dropped; the planned namespace "jobs" is created by the plan.
    expect(plan.requiredNamespaces).toEqual(['monitoring']);
    expect(plan.inventory.find((r) => r.kind === 'ClusterRole')).toEqual({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'cr' });
  });

  it('asks the callback about kinds it does not know, and fails when nobody knows', () => {
    const objects = [obj('monitoring.coreos.com/v1', 'ServiceMonitor', 'sm'), obj('cert-manager.io/v1', 'ClusterIssuer', 'ca')];
    expect(kindsNeedingDiscovery(objects)).toEqual([
      { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer' },
      { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor' },
    ]);
    expect(() => planApply(objects, options)).toThrow(
      /cannot tell whether these kinds are namespaced .*: cert-manager.io\/v1 ClusterIssuer, monitoring.coreos.com\/v1 ServiceMonitor/,
    );
    const asked: string[] = [];
    const plan = planApply(objects, {
      ...options,
      isNamespaced: (ref) => {
        asked.push(ref.kind);
        return ref.kind !== 'ClusterIssuer';
      },
    });
    expect(asked.sort()).toEqual(['ClusterIssuer', 'ServiceMonitor']);
    expect(subjects(plan.stages[0]!.objects)).toEqual(['ClusterIssuer/ca', 'ServiceMonitor/monitoring/sm']);
  });

  it('scope comes from built-ins first, then CRDs of the set', () => {
    const resolve = createScopeResolver([crd('example.com', 'Widget', 'widgets', 'Cluster')], () => true);
    expect(resolve({ apiVersion: 'v1', kind: 'Namespace' })).toBe(false);
    expect(resolve({ apiVersion: 'apps/v1', kind: 'Deployment' })).toBe(true);
    expect(resolve({ apiVersion: 'example.com/v1alpha1', kind: 'Widget' })).toBe(false);
    expect(resolve({ apiVersion: 'other.io/v1', kind: 'Thing' })).toBe(true);
  });

  it('rejects duplicate identities, naming both document positions', () => {
    const objects = parseManifests(
      [
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}',
        'apiVersion: v1\nkind: Service\nmetadata: {name: web}',
        '',
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: monitoring}', // same once defaulted
      ].join('\n---\n'),
    );
    const attempt = () => planApply(objects, options);
    expect(attempt).toThrow(ApplyPlanError);
    expect(attempt).toThrow('ConfigMap/monitoring/settings appears twice: document 1 (line 1) and document 4 (line 10)');
    // Objects without a recorded position are named by their place in the list.
    expect(() => planApply([obj('v1', 'Secret', 's'), obj('v1', 'Secret', 's')], options)).toThrow('Secret/monitoring/s appears twice: object 1 and object 2');
  });

  it.each([
    [{ operatorName: 'Bad_Name' }, /operatorName "Bad_Name" must be a DNS-1123 label/],
    [{ releaseName: 'x'.repeat(64) }, /releaseName .* must be at most 63 characters/],
  ])('rejects bad options %j', (override, message) => {
    expect(() => planApply([], { ...options, ...override })).toThrow(message);
  });
});

describe('inventories and prune', () => {
  it('inventoryOf sorts and deduplicates, whatever API version names an object', () => {
    const inventory = inventoryOf([
      obj('v1', 'Service', 'b', 'ns'),
      obj('policy/v1beta1', 'PodDisruptionBudget', 'pdb', 'ns'),
      obj('v1', 'Service', 'a', 'ns'),
      obj('policy/v1', 'PodDisruptionBudget', 'pdb', 'ns'),
      obj('v1', 'Service', 'a', 'ns'),
    ]);
    expect(inventory).toEqual([
      { apiVersion: 'v1', kind: 'Service', namespace: 'ns', name: 'a' },
      { apiVersion: 'v1', kind: 'Service', namespace: 'ns', name: 'b' },
      { apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget', namespace: 'ns', name: 'pdb' },
    ]);
    // An API version move is not a removal.
    expect(planPrune(inventory, inventoryOf([obj('policy/v1', 'PodDisruptionBudget', 'pdb', 'ns')])).prune).toEqual(
      [
        { apiVersion: 'v1', kind: 'Service', namespace: 'ns', name: 'b' },
        { apiVersion: 'v1', kind: 'Service', namespace: 'ns', name: 'a' },
      ].sort((x, y) => (x.name < y.name ? -1 : 1)),
    );
  });

  it('keeps a namespace that still holds objects of the new release even when namespaces may be pruned', () => {
    const previous = [
      { apiVersion: 'v1', kind: 'Namespace', name: 'ops' },
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ops', name: 'a' },
    ];
    const next = [{ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ops', name: 'b' }];
    const plan = planPrune(previous, next, { pruneNamespaces: true });
    expect(subjects(plan.prune)).toEqual(['ConfigMap/ops/a']);
    expect(plan.kept).toEqual([{ ref: previous[0], reason: 'the namespace still holds objects of the new release' }]);
  });
});
