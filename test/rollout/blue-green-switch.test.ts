import { describe, expect, it } from 'vitest';
import { subjectOf, type KubeObject } from '../../src/kube/types.ts';
import { parseManifests } from '../../src/sources/index.ts';
import { colorVariant, type Color } from '../../src/rollout/blue-green/manifests.ts';
import { PARKED_NODE_SELECTOR, planSwitch, retirementRefs } from '../../src/rollout/blue-green/switch-plan.ts';
import { corpus, corpusTitle } from '../helpers/corpus.ts';
import { operatorObjects } from '../helpers/operators.ts';

// Read only when the corpus is there: a skipped suite's body still runs to collect its tests.
const prometheus = corpus.present ? parseManifests(corpus.read('prometheus-operator/v0.75.0/bundle.yaml')) : [];
const promNames = { operatorNamespace: 'default', blueNamespace: 'default', greenNamespace: 'default-green' };
const prom = (color: Color) => colorVariant(prometheus, { ...promNames, color });

const summary = (patches: Array<{ subject: string; patch: unknown }>) => patches.map((p) => [p.subject, p.patch]);

describe.skipIf(!corpus.present)(corpusTitle('switching the prometheus-operator bundle'), () => {
  const blue = prom('blue');
  const green = prom('green');

  it('blue → green scales green up, then blue down', () => {
    const plan = planSwitch({ to: green, from: blue });
    expect(summary(plan.scaleUp)).toEqual([['Deployment/default-green/prometheus-operator', { spec: { replicas: 1 } }]]);
    expect(summary(plan.scaleDown)).toEqual([['Deployment/default/prometheus-operator', { spec: { replicas: 0 } }]]);
    expect(plan.route).toEqual([]);
    expect(plan.conversion).toEqual([]);
  });

  it('switch back restores the replicas blue had, without touching anything else', () => {
    const plan = planSwitch({ to: blue, from: green, replicas: { 'Deployment/default/prometheus-operator': 3 } });
    expect(summary(plan.scaleUp)).toEqual([['Deployment/default/prometheus-operator', { spec: { replicas: 3 } }]]);
    expect(summary(plan.scaleDown)).toEqual([['Deployment/default-green/prometheus-operator', { spec: { replicas: 0 } }]]);
    expect(plan.scaleUp[0]!.ref).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'prometheus-operator' });
  });

  it('retires only the old color’s own objects: never CRDs, webhooks or namespaces', () => {
    expect(
      retirementRefs(green)
        .map((r) => subjectOf(r))
        .sort(),
    ).toEqual([
      'ClusterRole/prometheus-operator-green',
      'ClusterRoleBinding/prometheus-operator-green',
      'Deployment/default-green/prometheus-operator',
      'Service/default-green/prometheus-operator',
      'ServiceAccount/default-green/prometheus-operator',
    ]);
    expect(retirementRefs(blue).map((r) => subjectOf(r))).not.toContain('CustomResourceDefinition/prometheuses.monitoring.coreos.com');
  });
});

describe("switching the project's telemetry bundle", () => {
  const names = { operatorNamespace: 'default', blueNamespace: 'default', greenNamespace: 'default-green' };
  const telemetry = operatorObjects('telemetry', 'v1.0.0');
  const blue = colorVariant(telemetry, { ...names, color: 'blue' });
  const green = colorVariant(telemetry, { ...names, color: 'green' });

  it('blue → green scales green up, then blue down', () => {
    const plan = planSwitch({ to: green, from: blue });
    expect(summary(plan.scaleUp)).toEqual([['Deployment/default-green/telemetry-operator', { spec: { replicas: 1 } }]]);
    expect(summary(plan.scaleDown)).toEqual([['Deployment/default/telemetry-operator', { spec: { replicas: 0 } }]]);
    expect(plan.route).toEqual([]);
    expect(plan.conversion).toEqual([]);
  });

  it('switch back restores the replicas blue had, without touching anything else', () => {
    const plan = planSwitch({ to: blue, from: green, replicas: { 'Deployment/default/telemetry-operator': 3 } });
    expect(summary(plan.scaleUp)).toEqual([['Deployment/default/telemetry-operator', { spec: { replicas: 3 } }]]);
    expect(summary(plan.scaleDown)).toEqual([['Deployment/default-green/telemetry-operator', { spec: { replicas: 0 } }]]);
    expect(plan.scaleUp[0]!.ref).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'telemetry-operator' });
  });

  it('retires only the old color’s own objects: never CRDs, webhooks or namespaces', () => {
    expect(
      retirementRefs(green)
        .map((r) => subjectOf(r))
        .sort(),
    ).toEqual([
      'ClusterRole/telemetry-operator-green',
      'ClusterRoleBinding/telemetry-operator-green',
      'Deployment/default-green/telemetry-operator',
      'Service/default-green/telemetry-operator',
      'ServiceAccount/default-green/telemetry-operator',
    ]);
    expect(retirementRefs(blue).map((r) => subjectOf(r))).not.toContain('CustomResourceDefinition/collectors.telemetry.example.com');
  });
});

describe("switching the project's PKI operator: two webhook configurations, conversion webhooks, a StatefulSet and a DaemonSet", () => {
  // The PKI CRDs call their conversion webhook in pki-system, with the CA injected from a Secret.
  const workloads = parseManifests(`
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: store, namespace: pki-system }
spec: { replicas: 3, template: { spec: { containers: [{ name: store }] } } }
---
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent, namespace: pki-system }
spec: { template: { spec: { nodeSelector: { kubernetes.io/os: linux }, containers: [{ name: agent }] } } }
`);
  const objects: KubeObject[] = [...operatorObjects('pki', 'v1.0.0'), ...workloads];
  const names = { operatorNamespace: 'pki-system', blueNamespace: 'pki-system', greenNamespace: 'pki-system-green' };
  const blue = colorVariant(objects, { ...names, color: 'blue' });
  const green = colorVariant(objects, { ...names, color: 'green' });
  const toGreen = planSwitch({ to: green, from: blue });
  const toBlue = planSwitch({ to: blue, from: green });

  it.each([
    [
      'scaleUp to green',
      toGreen.scaleUp,
      [
        ['Deployment/pki-system-green/pki-webhook', { spec: { replicas: 2 } }],
        ['Deployment/pki-system-green/pki-controller', { spec: { replicas: 1 } }],
        ['StatefulSet/pki-system-green/store', { spec: { replicas: 3 } }],
        ['DaemonSet/pki-system-green/agent', { spec: { template: { spec: { nodeSelector: { [PARKED_NODE_SELECTOR]: null } } } } }],
      ],
    ],
    [
      'scaleDown of blue',
      toGreen.scaleDown,
      [
        ['Deployment/pki-system/pki-webhook', { spec: { replicas: 0 } }],
        ['Deployment/pki-system/pki-controller', { spec: { replicas: 0 } }],
        ['StatefulSet/pki-system/store', { spec: { replicas: 0 } }],
        ['DaemonSet/pki-system/agent', { spec: { template: { spec: { nodeSelector: { [PARKED_NODE_SELECTOR]: 'true' } } } } }],
      ],
    ],
  ])('%s', (_, patches, expected) => expect(summary(patches)).toEqual(expected));

  it('re-points both live webhook configurations at the new color, and back', () => {
    const configurations = ['MutatingWebhookConfiguration/pki-webhook', 'ValidatingWebhookConfiguration/pki-webhook'];
    expect(toGreen.route.map(subjectOf)).toEqual(configurations);
    expect(toBlue.route.map(subjectOf)).toEqual(configurations);
    const serviceNamespace = (o: KubeObject) => (o.webhooks as Array<{ clientConfig: { service: { namespace: string } } }>)[0]!.clientConfig.service.namespace;
    expect(toGreen.route.map(serviceNamespace)).toEqual(['pki-system-green', 'pki-system-green']);
    expect(toBlue.route.map(serviceNamespace)).toEqual(['pki-system', 'pki-system']);
    expect(toGreen.route[0]!.metadata.annotations).toEqual({ 'cert-manager.io/inject-ca-from-secret': 'pki-system-green/pki-webhook-ca' });
  });

  it('moves CRD conversion webhooks and their CA injection with the switch', () => {
    const crdsWithConversion = green.shared.filter((c) => c.spec?.conversion?.strategy === 'Webhook');
    expect(crdsWithConversion.map(subjectOf)).toEqual([
      'CustomResourceDefinition/certificates.pki.example.com',
      'CustomResourceDefinition/issuers.pki.example.com',
      'CustomResourceDefinition/clusterissuers.pki.example.com',
    ]);
    expect(toGreen.conversion.map((p) => p.subject)).toEqual(crdsWithConversion.map(subjectOf));
    for (const patch of toGreen.conversion) {
      expect(patch.patch, patch.subject).toEqual({
        metadata: { annotations: { 'cert-manager.io/inject-ca-from-secret': 'pki-system-green/pki-webhook-ca' } },
        spec: { conversion: { webhook: { clientConfig: { service: { namespace: 'pki-system-green' } } } } },
      });
    }
    expect(toBlue.conversion[0]!.patch).toMatchObject({ spec: { conversion: { webhook: { clientConfig: { service: { namespace: 'pki-system' } } } } } });
  });

  it('never scales or retires the shared objects, webhook configurations or namespaces', () => {
    const shared = new Set(green.shared.map(subjectOf));
    const touched = [...toGreen.scaleUp, ...toGreen.scaleDown].map((p) => p.subject);
    expect(touched.filter((s) => shared.has(s))).toEqual([]);
    expect(
      retirementRefs(blue)
        .map((r) => subjectOf(r))
        .sort(),
    ).toEqual([
      'ClusterRole/pki-controller',
      'ClusterRoleBinding/pki-controller',
      'DaemonSet/pki-system/agent',
      'Deployment/pki-system/pki-controller',
      'Deployment/pki-system/pki-webhook',
      'Service/pki-system/pki-webhook',
      'ServiceAccount/pki-system/pki',
      'StatefulSet/pki-system/store',
    ]);
  });
});

const webhookOperator = parseManifests(`
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
`);

describe.skipIf(!corpus.present)(corpusTitle('switching an operator with webhooks, a DaemonSet and conversion webhooks'), () => {
  // The real cert-manager v1.5.0 CRDs call their conversion webhook in namespace cert-manager.
  const certManager = corpus.present ? parseManifests(corpus.read('cert-manager/v1.5.0/rendered.yaml')) : [];
  const objects: KubeObject[] = [...certManager, ...webhookOperator];
  const names = { operatorNamespace: 'cert-manager', blueNamespace: 'cert-manager', greenNamespace: 'cert-manager-green' };
  const blue = colorVariant(objects, { ...names, color: 'blue' });
  const green = colorVariant(objects, { ...names, color: 'green' });
  const toGreen = planSwitch({ to: green, from: blue });
  const toBlue = planSwitch({ to: blue, from: green });

  it.each([
    [
      'scaleUp to green',
      toGreen.scaleUp,
      [
        ['Deployment/cert-manager-green/webhook', { spec: { replicas: 1 } }],
        ['StatefulSet/cert-manager-green/store', { spec: { replicas: 3 } }],
        ['DaemonSet/cert-manager-green/agent', { spec: { template: { spec: { nodeSelector: { [PARKED_NODE_SELECTOR]: null } } } } }],
      ],
    ],
    [
      'scaleDown of blue',
      toGreen.scaleDown,
      [
        ['Deployment/cert-manager/webhook', { spec: { replicas: 0 } }],
        ['StatefulSet/cert-manager/store', { spec: { replicas: 0 } }],
        ['DaemonSet/cert-manager/agent', { spec: { template: { spec: { nodeSelector: { [PARKED_NODE_SELECTOR]: 'true' } } } } }],
      ],
    ],
  ])('%s', (_, patches, expected) => expect(summary(patches)).toEqual(expected));

  it('re-points the one live webhook configuration at the new color, and back', () => {
    expect(toGreen.route.map(subjectOf)).toEqual(['MutatingWebhookConfiguration/cert-manager-webhook']);
    expect(toBlue.route.map(subjectOf)).toEqual(['MutatingWebhookConfiguration/cert-manager-webhook']);
    const serviceNamespace = (o: KubeObject) =>
      o.webhooks && (o.webhooks as Array<{ clientConfig: { service: { namespace: string } } }>)[0]!.clientConfig.service.namespace;
    expect(serviceNamespace(toGreen.route[0]!)).toBe('cert-manager-green');
    expect(serviceNamespace(toBlue.route[0]!)).toBe('cert-manager');
  });

  it('moves CRD conversion webhooks and their CA injection with the switch', () => {
    const crdsWithConversion = green.shared.filter((c) => c.spec?.conversion?.strategy === 'Webhook');
    expect(crdsWithConversion.length).toBeGreaterThan(0);
    expect(toGreen.conversion.map((p) => p.subject)).toEqual(crdsWithConversion.map(subjectOf));
    expect(toGreen.conversion[0]!.patch).toEqual({
      metadata: { annotations: { 'cert-manager.io/inject-ca-from-secret': 'cert-manager-green/cert-manager-webhook-ca' } },
      spec: { conversion: { webhook: { clientConfig: { service: { namespace: 'cert-manager-green' } } } } },
    });
    expect(toBlue.conversion[0]!.patch).toMatchObject({ spec: { conversion: { webhook: { clientConfig: { service: { namespace: 'cert-manager' } } } } } });
  });

  it('never scales or retires the shared objects', () => {
    const shared = new Set(green.shared.map(subjectOf));
    const touched = [...toGreen.scaleUp, ...toGreen.scaleDown].map((p) => p.subject);
    expect(touched.filter((s) => shared.has(s))).toEqual([]);
    expect(
      retirementRefs(blue)
        .map((r) => subjectOf(r))
        .sort(),
    ).toEqual(['DaemonSet/cert-manager/agent', 'Deployment/cert-manager/webhook', 'StatefulSet/cert-manager/store']);
  });
});
