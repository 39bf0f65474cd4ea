import { beforeAll, expect, it } from 'vitest';
import { subjectOf, type KubeObject } from '../../src/kube/types.ts';
import { parseManifests } from '../../src/sources/index.ts';
import { colorVariant, type ColorVariant } from '../../src/rollout/blue-green/manifests.ts';
import { PARKED_NODE_SELECTOR, planSwitch, retirementRefs, type SwitchPlan } from '../../src/rollout/blue-green/switch-plan.ts';
import { corpus } from '../helpers/corpus.ts';
import { operatorObjects } from '../helpers/operators.ts';
import { describeSources, type SourceCase } from '../helpers/sources.ts';

const summary = (patches: Array<{ subject: string; patch: unknown }>) => patches.map((p) => [p.subject, p.patch]);

interface Colors {
  blue: ColorVariant;
  green: ColorVariant;
  toGreen: SwitchPlan;
  toBlue: SwitchPlan;
}

/** Both colors of the objects, and the switch plans between them (computed in beforeAll: corpus cases read the corpus only when it is there). */
function colorsOf(objects: () => KubeObject[], namespace: string): () => Colors {
  const names = { operatorNamespace: namespace, blueNamespace: namespace, greenNamespace: `${namespace}-green` };
  let colors: Colors | undefined;
  beforeAll(() => {
    const all = objects();
    const blue = colorVariant(all, { ...names, color: 'blue' });
    const green = colorVariant(all, { ...names, color: 'green' });
    colors = { blue, green, toGreen: planSwitch({ to: green, from: blue }), toBlue: planSwitch({ to: blue, from: green }) };
  });
  return () => colors!;
}

interface Bundle extends SourceCase {
  objects: () => KubeObject[];
  /** The operator: the name of its Deployment, ServiceAccount, Service and cluster RBAC. */
  operator: string;
  /** A CRD of the bundle. */
  crd: string;
}

const bundles: Bundle[] = [
  {
    name: 'the prometheus-operator bundle',
    corpus: true,
    objects: () => parseManifests(corpus.read('prometheus-operator/v0.75.0/bundle.yaml')),
    operator: 'prometheus-operator',
    crd: 'prometheuses.monitoring.coreos.com',
  },
  {
    name: "the project's telemetry bundle",
    corpus: false,
    objects: () => operatorObjects('telemetry', 'v1.0.0'),
    operator: 'telemetry-operator',
    crd: 'collectors.telemetry.example.com',
  },
];

describeSources(
  bundles,
  (c) => `switching ${c.name}`,
  (c) => {
    const colors = colorsOf(c.objects, 'default');
    const deployment = (namespace: string) => `Deployment/${namespace}/${c.operator}`;

    it('blue → green scales green up, then blue down', () => {
      const { blue, green } = colors();
      const plan = planSwitch({ to: green, from: blue });
      expect(summary(plan.scaleUp)).toEqual([[deployment('default-green'), { spec: { replicas: 1 } }]]);
      expect(summary(plan.scaleDown)).toEqual([[deployment('default'), { spec: { replicas: 0 } }]]);
      expect(plan.route).toEqual([]);
      expect(plan.conversion).toEqual([]);
    });

    it('switch back restores the replicas blue had, without touching anything else', () => {
      const { blue, green } = colors();
      const plan = planSwitch({ to: blue, from: green, replicas: { [deployment('default')]: 3 } });
      expect(summary(plan.scaleUp)).toEqual([[deployment('default'), { spec: { replicas: 3 } }]]);
      expect(summary(plan.scaleDown)).toEqual([[deployment('default-green'), { spec: { replicas: 0 } }]]);
      expect(plan.scaleUp[0]!.ref).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: c.operator });
    });

    it('retires only the old color’s own objects: never CRDs, webhooks or namespaces', () => {
      const { blue, green } = colors();
      expect(
        retirementRefs(green)
          .map((r) => subjectOf(r))
          .sort(),
      ).toEqual([
        `ClusterRole/${c.operator}-green`,
        `ClusterRoleBinding/${c.operator}-green`,
        deployment('default-green'),
        `Service/default-green/${c.operator}`,
        `ServiceAccount/default-green/${c.operator}`,
      ]);
      expect(retirementRefs(blue).map((r) => subjectOf(r))).not.toContain(`CustomResourceDefinition/${c.crd}`);
    });
  },
);

interface WebhookOperator extends SourceCase {
  objects: () => KubeObject[];
  /** The operator's namespace; green is `<namespace>-green`. */
  namespace: string;
  scaleUp: Array<[subject: string, patch: unknown]>;
  scaleDown: Array<[subject: string, patch: unknown]>;
  /** The live webhook configurations a switch re-points. */
  webhookConfigurations: string[];
  /** Annotations of the first re-pointed webhook configuration on green. */
  routedAnnotations?: Record<string, string>;
  /** The CRDs whose conversion webhook moves with the switch. */
  conversion: string[];
  /** The Secret the CA of green's conversion webhooks is injected from. */
  caSecret: string;
  /** What retiring blue removes. */
  retired: string[];
}

const parked = (value: string | null) => ({ spec: { template: { spec: { nodeSelector: { [PARKED_NODE_SELECTOR]: value } } } } });

const webhookOperators: WebhookOperator[] = [
  {
    name: 'an operator with webhooks, a DaemonSet and conversion webhooks',
    corpus: true,
    // The real cert-manager v1.5.0 CRDs call their conversion webhook in namespace cert-manager.
    objects: () => [
      ...parseManifests(corpus.read('cert-manager/v1.5.0/rendered.yaml')),
      ...parseManifests(`
apiVersion: apps/v1
kind: Deployment
metadata: { name: webhook, namespace: cert-manager }
spec: { template: { spec: { containers: [{ name: webhook }] } } }
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: store, namespace: cert-manager }
spec: { replicas: 3, template: { spec: { containers: [{ name: store }] } } }
---
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent, namespace: cert-manager }
spec: { template: { spec: { nodeSelector: { kubernetes.io/os: linux }, containers: [{ name: agent }] } } }
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: { name: cert-manager-webhook }
webhooks: [{ name: webhook.cert-manager.io, clientConfig: { service: { name: cert-manager-webhook, namespace: cert-manager, path: /mutate } } }]
`),
    ],
    namespace: 'cert-manager',
    scaleUp: [
      ['Deployment/cert-manager-green/webhook', { spec: { replicas: 1 } }],
      ['StatefulSet/cert-manager-green/store', { spec: { replicas: 3 } }],
      ['DaemonSet/cert-manager-green/agent', parked(null)],
    ],
    scaleDown: [
      ['Deployment/cert-manager/webhook', { spec: { replicas: 0 } }],
      ['StatefulSet/cert-manager/store', { spec: { replicas: 0 } }],
      ['DaemonSet/cert-manager/agent', parked('true')],
    ],
    webhookConfigurations: ['MutatingWebhookConfiguration/cert-manager-webhook'],
    conversion: [
      'certificaterequests.cert-manager.io',
      'certificates.cert-manager.io',
      'challenges.acme.cert-manager.io',
      'clusterissuers.cert-manager.io',
      'issuers.cert-manager.io',
      'orders.acme.cert-manager.io',
    ],
    caSecret: 'cert-manager-green/cert-manager-webhook-ca',
    retired: ['DaemonSet/cert-manager/agent', 'Deployment/cert-manager/webhook', 'StatefulSet/cert-manager/store'],
  },
  {
    name: "the project's PKI operator: two webhook configurations, conversion webhooks, a StatefulSet and a DaemonSet",
    corpus: false,
    // The PKI CRDs call their conversion webhook in pki-system, with the CA injected from a Secret.
    objects: () => [
      ...operatorObjects('pki', 'v1.0.0'),
      ...parseManifests(`
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: store, namespace: pki-system }
spec: { replicas: 3, template: { spec: { containers: [{ name: store }] } } }
---
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent, namespace: pki-system }
spec: { template: { spec: { nodeSelector: { kubernetes.io/os: linux }, containers: [{ name: agent }] } } }
`),
    ],
    namespace: 'pki-system',
    scaleUp: [
      ['Deployment/pki-system-green/pki-webhook', { spec: { replicas: 2 } }],
      ['Deployment/pki-system-green/pki-controller', { spec: { replicas: 1 } }],
      ['StatefulSet/pki-system-green/store', { spec: { replicas: 3 } }],
      ['DaemonSet/pki-system-green/agent', parked(null)],
    ],
    scaleDown: [
      ['Deployment/pki-system/pki-webhook', { spec: { replicas: 0 } }],
      ['Deployment/pki-system/pki-controller', { spec: { replicas: 0 } }],
      ['StatefulSet/pki-system/store', { spec: { replicas: 0 } }],
      ['DaemonSet/pki-system/agent', parked('true')],
    ],
    webhookConfigurations: ['MutatingWebhookConfiguration/pki-webhook', 'ValidatingWebhookConfiguration/pki-webhook'],
    routedAnnotations: { 'cert-manager.io/inject-ca-from-secret': 'pki-system-green/pki-webhook-ca' },
    conversion: ['certificates.pki.example.com', 'issuers.pki.example.com', 'clusterissuers.pki.example.com'],
    caSecret: 'pki-system-green/pki-webhook-ca',
    retired: [
      'ClusterRole/pki-controller',
      'ClusterRoleBinding/pki-controller',
      'DaemonSet/pki-system/agent',
      'Deployment/pki-system/pki-controller',
      'Deployment/pki-system/pki-webhook',
      'Service/pki-system/pki-webhook',
      'ServiceAccount/pki-system/pki',
      'StatefulSet/pki-system/store',
    ],
  },
];

describeSources(
  webhookOperators,
  (c) => `switching ${c.name}`,
  (c) => {
    const colors = colorsOf(c.objects, c.namespace);
    const green = `${c.namespace}-green`;

    it('scaleUp to green', () => expect(summary(colors().toGreen.scaleUp)).toEqual(c.scaleUp));

    it('scaleDown of blue', () => expect(summary(colors().toGreen.scaleDown)).toEqual(c.scaleDown));

    it('re-points every live webhook configuration at the new color, and back', () => {
      const { toGreen, toBlue } = colors();
      expect(toGreen.route.map(subjectOf)).toEqual(c.webhookConfigurations);
      expect(toBlue.route.map(subjectOf)).toEqual(c.webhookConfigurations);
      const serviceNamespace = (o: KubeObject) =>
        (o.webhooks as Array<{ clientConfig: { service: { namespace: string } } }>)[0]!.clientConfig.service.namespace;
      expect(toGreen.route.map(serviceNamespace)).toEqual(c.webhookConfigurations.map(() => green));
      expect(toBlue.route.map(serviceNamespace)).toEqual(c.webhookConfigurations.map(() => c.namespace));
      expect(toGreen.route[0]!.metadata.annotations).toEqual(c.routedAnnotations);
    });

    it('moves CRD conversion webhooks and their CA injection with the switch', () => {
      const { green: greenColor, toGreen, toBlue } = colors();
      const crdsWithConversion = greenColor.shared.filter((crd) => crd.spec?.conversion?.strategy === 'Webhook');
      expect(crdsWithConversion.map(subjectOf)).toEqual(c.conversion.map((name) => `CustomResourceDefinition/${name}`));
      expect(toGreen.conversion.map((p) => p.subject)).toEqual(crdsWithConversion.map(subjectOf));
      for (const patch of toGreen.conversion) {
        expect(patch.patch, patch.subject).toEqual({
          metadata: { annotations: { 'cert-manager.io/inject-ca-from-secret': c.caSecret } },
          spec: { conversion: { webhook: { clientConfig: { service: { namespace: green } } } } },
        });
      }
      expect(toBlue.conversion[0]!.patch).toMatchObject({ spec: { conversion: { webhook: { clientConfig: { service: { namespace: c.namespace } } } } } });
    });

    it('never scales or retires the shared objects, webhook configurations or namespaces', () => {
      const { blue, green: greenColor, toGreen } = colors();
      const shared = new Set(greenColor.shared.map(subjectOf));
      const touched = [...toGreen.scaleUp, ...toGreen.scaleDown].map((p) => p.subject);
      expect(touched.filter((s) => shared.has(s))).toEqual([]);
      expect(
        retirementRefs(blue)
          .map((r) => subjectOf(r))
          .sort(),
      ).toEqual(c.retired);
    });
  },
);
