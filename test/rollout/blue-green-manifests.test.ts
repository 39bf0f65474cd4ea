import { beforeAll, describe, expect, it } from 'vitest';
import { identityKey, inventoryOf, refOf } from '../../src/kube/apply/inventory.ts';
import { planApply } from '../../src/kube/apply/plan.ts';
import { subjectOf, type KubeObject } from '../../src/kube/types.ts';
import { canonicalJson } from '../../src/domain/json.ts';
import { parseManifests } from '../../src/sources/yaml.ts';
import { COLOR_LABEL, colorVariant, nextColor, type Color, type ColorVariant, type ColorVariantOptions } from '../../src/rollout/blue-green/manifests.ts';
import { PlanError } from '../../src/rollout/strategies/types.ts';
import { corpus } from '../helpers/corpus.ts';
import { operatorObjects } from '../helpers/operators.ts';
import { describeSources, type SourceCase } from '../helpers/sources.ts';

const names = { operatorNamespace: 'default', blueNamespace: 'default', greenNamespace: 'default-green' };
const variant = (objects: KubeObject[], color: Color, extra: Partial<ColorVariantOptions> = {}) => colorVariant(objects, { ...names, color, ...extra });
const keys = (objects: KubeObject[]) => objects.map((o) => identityKey(refOf(o)));
const byKind = (objects: KubeObject[], kind: string) => objects.filter((o) => o.kind === kind);

interface Bundle extends SourceCase {
  objects: () => KubeObject[];
  /** The operator: the name of its Deployment, ServiceAccount, Service and cluster RBAC. */
  operator: string;
  crds: number;
}

const bundles: Bundle[] = [
  {
    name: 'the prometheus-operator v0.75.0 bundle',
    corpus: true,
    objects: () => parseManifests(corpus.read('prometheus-operator/v0.75.0/bundle.yaml')),
    operator: 'prometheus-operator',
    crds: 10,
  },
  {
    name: "the project's telemetry v1.0.0 bundle (its largest CRD over 1 MB)",
    corpus: false,
    objects: () => operatorObjects('telemetry', 'v1.0.0'),
    operator: 'telemetry-operator',
    crds: 5,
  },
];

describeSources(
  bundles,
  (c) => `green variant of ${c.name}`,
  (c) => {
    let bundle: KubeObject[];
    let before: string;
    let green: ColorVariant;
    let blue: ColorVariant;
    beforeAll(() => {
      bundle = c.objects();
      before = canonicalJson(bundle);
      green = variant(bundle, 'green');
      blue = variant(bundle, 'blue');
    });

    it('moves every namespaced object to the green namespace, names kept', () => {
      const namespaced = green.install.filter((o) => o.kind !== 'Namespace' && o.metadata.namespace !== undefined);
      expect(namespaced.map(subjectOf).sort()).toEqual([
        `Deployment/default-green/${c.operator}`,
        `Service/default-green/${c.operator}`,
        `ServiceAccount/default-green/${c.operator}`,
      ]);
      const bundleNamespaced = bundle.filter((o) => o.metadata.namespace !== undefined);
      expect(namespaced).toHaveLength(bundleNamespaced.length);
      expect(byKind(green.install, 'Deployment')[0]!.spec.template.spec.serviceAccountName).toBe(c.operator);
    });

    it('shares the CRDs unchanged and never duplicates them', () => {
      const crds = bundle.filter((o) => o.kind === 'CustomResourceDefinition');
      expect(crds).toHaveLength(c.crds);
      expect(green.shared).toEqual(crds);
      expect([...green.install, ...green.routing].some((o) => o.kind === 'CustomResourceDefinition')).toBe(false);
      expect(blue.shared).toEqual(crds);
    });

    it('binds the green ClusterRole to the green ServiceAccount', () => {
      const [role] = byKind(green.install, 'ClusterRole');
      const [binding] = byKind(green.install, 'ClusterRoleBinding');
      expect(role!.metadata.name).toBe(`${c.operator}-green`);
      expect(role!.rules).toEqual(byKind(bundle, 'ClusterRole')[0]!.rules);
      expect(binding!.metadata.name).toBe(`${c.operator}-green`);
      expect(binding!.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `${c.operator}-green` });
      expect(binding!.subjects).toEqual([{ kind: 'ServiceAccount', name: c.operator, namespace: 'default-green' }]);
    });

    it('creates the green namespace and labels every object of the color', () => {
      expect(green.install[0]).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default-green', labels: { [COLOR_LABEL]: 'green' } } });
      expect(green.install.every((o) => o.metadata.labels?.[COLOR_LABEL] === 'green')).toBe(true);
      expect(green.shared.some((o) => o.metadata.labels?.[COLOR_LABEL])).toBe(false);
      expect(green.warnings).toEqual([]);
    });

    it('has no name collision between the colors', () => {
      const blueKeys = new Set(keys(blue.install));
      expect(keys(green.install).filter((k) => blueKeys.has(k))).toEqual([]);
    });

    it('keeps blue where a plain installation is (the live release becomes blue)', () => {
      expect(inventoryOf(blue.install)).toEqual(inventoryOf(bundle.filter((o) => o.kind !== 'CustomResourceDefinition')));
      expect(blue.install.some((o) => o.kind === 'Namespace')).toBe(false);
    });

    it('can be applied beside blue: both colors plan without duplicate objects', () => {
      const options = { operatorName: c.operator, revision: 2, namespace: 'default' };
      const plan = planApply([...green.shared, ...green.install, ...green.routing], options);
      expect(plan.requiredNamespaces).toEqual([]);
      expect(() => planApply([...blue.shared, ...blue.install, ...green.install], options)).not.toThrow();
    });

    it('does not touch its input', () => expect(canonicalJson(bundle)).toBe(before));
  },
);

it('follows nextColor: an uncolored or blue installation gets green, a green one blue', () => {
  expect([nextColor(undefined), nextColor('blue'), nextColor('green')]).toEqual(['green', 'green', 'blue']);
});

// A small operator exercising what the bundles above do not have.
const fixture = parseManifests(`
apiVersion: v1
kind: Namespace
metadata: { name: ops }
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: issuers.example.io }
spec: { group: example.io, scope: Cluster, names: { kind: Issuer, plural: issuers }, versions: [{ name: v1, served: true, storage: true }] }
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: settings.example.io, annotations: { cert-manager.io/inject-ca-from: ops/webhook-cert } }
spec:
  group: example.io
  scope: Namespaced
  names: { kind: Setting, plural: settings }
  versions: [{ name: v1, served: true, storage: true }]
  conversion: { strategy: Webhook, webhook: { conversionReviewVersions: [v1], clientConfig: { service: { name: webhook, namespace: ops, path: /convert } } } }
---
apiVersion: example.io/v1
kind: Issuer
metadata: { name: default-issuer }
---
apiVersion: example.io/v1
kind: Setting
metadata: { name: defaults }
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: { name: operator-critical }
value: 1000
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: op-manager }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: op-view }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view }
subjects:
- { kind: ServiceAccount, name: op, namespace: ops }
- { kind: User, name: "system:serviceaccount:ops:op" }
- { kind: Group, name: "system:serviceaccounts:ops" }
- { kind: User, name: jane }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: op-manager, namespace: ops }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: op-manager }
subjects: [{ kind: ServiceAccount, name: op, namespace: ops }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: op-leader, namespace: kube-system }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: op-leader, namespace: kube-system }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: op-leader }
subjects: [{ kind: ServiceAccount, name: op, namespace: ops }]
---
apiVersion: v1
kind: ConfigMap
metadata: { name: op-shared, namespace: kube-public }
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: { name: webhook-cert, namespace: ops }
spec: { dnsNames: [webhook.ops.svc, webhook.ops.svc.cluster.local, webhook.ops, example.com], issuerRef: { name: selfsigned, kind: Issuer } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: op }
spec:
  replicas: 2
  template:
    spec:
      serviceAccountName: op
      containers: [{ name: op, args: [--watch-namespace=ops, --metrics=:8080], env: [{ name: POD_NS, value: ops }] }]
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: { name: op-validate, annotations: { cert-manager.io/inject-ca-from: ops/webhook-cert } }
webhooks:
- { name: v.example.io, clientConfig: { service: { name: webhook, namespace: ops, path: /validate } } }
- { name: ext.example.io, clientConfig: { url: "https://hooks.example.com/validate" } }
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: { name: v1.metrics.example.io }
spec: { group: metrics.example.io, version: v1, service: { name: metrics, namespace: ops } }
`);
// The Certificate kind is defined outside the fixture: its scope comes "from discovery".
const discovered = (ref: { kind: string }) => (ref.kind === 'Certificate' ? true : undefined);
const opsNames = { operatorNamespace: 'ops', blueNamespace: 'ops', greenNamespace: 'ops-green', isNamespaced: discovered };

describe('green variant rules', () => {
  const green = colorVariant(fixture, { ...opsNames, color: 'green' });
  const find = (set: KubeObject[], subject: string) => set.find((o) => subjectOf(o) === subject);
  const where = (subject: string) => (['install', 'shared', 'routing'] as const).filter((part) => find(green[part], subject)).join() || 'nowhere';

  it.each([
    ['Namespace/ops-green', 'install'],
    ['CustomResourceDefinition/issuers.example.io', 'shared'],
    ['CustomResourceDefinition/settings.example.io', 'shared'],
    ['Issuer/default-issuer', 'shared'],
    ['Setting/ops-green/defaults', 'install'],
    ['PriorityClass/operator-critical', 'shared'],
    ['ClusterRole/op-manager-green', 'install'],
    ['ClusterRoleBinding/op-view-green', 'install'],
    ['RoleBinding/ops-green/op-manager', 'install'],
    ['Role/kube-system/op-leader-green', 'install'],
    ['RoleBinding/kube-system/op-leader-green', 'install'],
    ['ConfigMap/kube-public/op-shared-green', 'install'],
    ['Certificate/ops-green/webhook-cert', 'install'],
    ['Deployment/ops-green/op', 'install'],
    ['ValidatingWebhookConfiguration/op-validate', 'routing'],
    ['APIService/v1.metrics.example.io', 'routing'],
  ])('%s → %s', (subject, part) => expect(where(subject)).toBe(part));

  it('accounts for every object once', () => {
    expect(green.install.length + green.shared.length + green.routing.length).toBe(fixture.length);
  });

  it.each([
    [
      'ClusterRoleBinding/op-view-green',
      { kind: 'ClusterRole', name: 'view' },
      [
        { kind: 'ServiceAccount', name: 'op', namespace: 'ops-green' },
        { kind: 'User', name: 'system:serviceaccount:ops-green:op' },
        { kind: 'Group', name: 'system:serviceaccounts:ops-green' },
        { kind: 'User', name: 'jane' },
      ],
    ],
    ['RoleBinding/ops-green/op-manager', { kind: 'ClusterRole', name: 'op-manager-green' }, [{ kind: 'ServiceAccount', name: 'op', namespace: 'ops-green' }]],
    ['RoleBinding/kube-system/op-leader-green', { kind: 'Role', name: 'op-leader-green' }, [{ kind: 'ServiceAccount', name: 'op', namespace: 'ops-green' }]],
  ])('%s refers to %j for %j', (subject, roleRef, subjects) => {
    const binding = find(green.install, subject)!;
    expect(binding.roleRef).toMatchObject(roleRef);
    expect(binding.subjects).toEqual(subjects);
  });

  it('points webhooks and APIServices at the green services, CA injection included', () => {
    const webhook = find(green.routing, 'ValidatingWebhookConfiguration/op-validate')!;
    expect(webhook.webhooks).toEqual([
      { name: 'v.example.io', clientConfig: { service: { name: 'webhook', namespace: 'ops-green', path: '/validate' } } },
      { name: 'ext.example.io', clientConfig: { url: 'https://hooks.example.com/validate' } },
    ]);
    expect(webhook.metadata.annotations).toEqual({ 'cert-manager.io/inject-ca-from': 'ops-green/webhook-cert' });
    expect(webhook.metadata.labels).toEqual({ [COLOR_LABEL]: 'green' });
    expect(find(green.routing, 'APIService/v1.metrics.example.io')!.spec.service).toEqual({ name: 'metrics', namespace: 'ops-green' });
  });

  it('gives the certificate the green service names', () => {
    expect(find(green.install, 'Certificate/ops-green/webhook-cert')!.spec.dnsNames).toEqual([
      'webhook.ops-green.svc',
      'webhook.ops-green.svc.cluster.local',
      'webhook.ops-green',
      'example.com',
    ]);
  });

  it('warns about what it cannot rewrite', () => {
    expect(green.warnings).toEqual([
      expect.stringMatching(/^ConfigMap\/kube-public\/op-shared: .*renamed to op-shared-green/),
      expect.stringMatching(/^ValidatingWebhookConfiguration\/op-validate: webhook ext.example.io calls a URL/),
      expect.stringMatching(/^Deployment\/ops-green\/op: container op mentions .*"--watch-namespace=ops"/),
      expect.stringMatching(/^Deployment\/ops-green\/op: container op mentions .*"ops"/),
    ]);
  });

  it('leaves CRD conversion as rendered unless told which color serves', () => {
    const crd = (v: typeof green) => find(v.shared, 'CustomResourceDefinition/settings.example.io')!;
    expect(crd(green)).toEqual(find(fixture, 'CustomResourceDefinition/settings.example.io'));
    const live = colorVariant(fixture, { ...opsNames, color: 'blue', liveNamespace: 'ops-green' });
    expect(crd(live).spec.conversion.webhook.clientConfig.service.namespace).toBe('ops-green');
    expect(crd(live).metadata.annotations).toEqual({ 'cert-manager.io/inject-ca-from': 'ops-green/webhook-cert' });
  });

  it('blue in the operator namespace keeps the rendered names', () => {
    const blue = colorVariant(fixture, { ...opsNames, color: 'blue' });
    expect(blue.install.map(subjectOf)).toContain('ClusterRole/op-manager');
    expect(blue.install.map(subjectOf)).toContain('Namespace/ops');
    expect(find(blue.routing, 'ValidatingWebhookConfiguration/op-validate')!.webhooks).toMatchObject([{ clientConfig: { service: { namespace: 'ops' } } }, {}]);
    expect(blue.warnings.filter((w) => !w.includes('calls a URL'))).toEqual([]);
  });

  it('refuses kinds whose scope it cannot tell', () => {
    const odd = { apiVersion: 'other.io/v1', kind: 'Widget', metadata: { name: 'w' } };
    expect(() => colorVariant([odd], { ...opsNames, color: 'green' })).toThrow(PlanError);
    expect(colorVariant([odd], { ...opsNames, color: 'green', isNamespaced: () => true }).install.map(subjectOf)).toContain('Widget/ops-green/w');
  });
});
