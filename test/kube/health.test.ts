import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  assessObjectHealth,
  assessOperatorHealth,
  createHealthRegistry,
  healthContextFromObjects,
  healthKey,
  worst,
  type HealthContext,
} from '../../src/kube/health/index.ts';
import { worstStatus, type HealthStatus } from '../../src/domain/health.ts';
import type { KubeObject } from '../../src/kube/types.ts';
import { parseManifests } from '../../src/sources/yaml.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/health/', import.meta.url));
/** The tests' clock: fixtures give times relative to it. */
const NOW = new Date('2026-01-15T12:00:00Z');

/** A fixture: its first document is the object assessed, the others fill the context. */
function loadFixture(name: string): { obj: KubeObject; ctx: HealthContext; related: KubeObject[] } {
  const [obj, ...related] = parseManifests(readFileSync(`${FIXTURES}${name}.yaml`, 'utf8'), { source: name });
  // Serving certificates: Secrets annotated with the service they serve (a test convention).
  const serving = new Map(
    related
      .filter((o) => o.kind === 'Secret' && o.metadata.annotations?.['test.operator-manager.io/serves'])
      .map((s) => [
        s.metadata.annotations!['test.operator-manager.io/serves']!,
        Buffer.from(String((s.data as Record<string, string>)['tls.crt']), 'base64').toString('utf8'),
      ]),
  );
  const ctx = healthContextFromObjects(related, { now: () => NOW, servingCertificate: (ns, name) => serving.get(`${ns}/${name}`) });
  return { obj: obj!, ctx, related };
}

type Case = [fixture: string, status: HealthStatus, failed: boolean, fragment: string];

const cases: Case[] = [
  ['deployment-healthy', 'HEALTHY', false, 'Deployment/monitoring/prometheus-operator: 3 of 3 replicas available'],
  [
    'deployment-progressing',
    'PROGRESSING',
    false,
    '2 of 3 replicas available (pod prometheus-operator-5c8d7f9b4-x2x7q: 0 of 1 container ready; not ready: prometheus-operator (ContainerCreating))',
  ],
  [
    'deployment-crashloop',
    'UNHEALTHY',
    true,
    'pod prometheus-operator-6b7c9d8f5-q4k2m: container operator crash-looping (5 restarts, CrashLoopBackOff, last exit: Error, exit code 1); 0 of 1 replica available',
  ],
  [
    'deployment-image-pull-error',
    'UNHEALTHY',
    true,
    'container operator cannot start (ImagePullBackOff: Back-off pulling image "quay.io/prometheus-operator/prometheus-operator:v0.800.0"); 1 of 2 replicas updated',
  ],
  [
    'deployment-progress-deadline-exceeded',
    'UNHEALTHY',
    true,
    'progress deadline exceeded (ProgressDeadlineExceeded: ReplicaSet "cert-manager-webhook-84d8c5b7f9" has timed out progressing.); 1 of 1 replica available',
  ],
  [
    'deployment-never-ready',
    'PROGRESSING',
    false,
    '0 of 1 replica available (pod prometheus-operator-59f7d8c6d4-7wq9z: 0 of 1 container ready; not ready: operator (running, not ready))',
  ],
  ['deployment-scaled-to-zero', 'HEALTHY', false, 'scaled to 0 replicas'],
  [
    'deployment-old-pods-crashloop',
    'PROGRESSING',
    false,
    '1 old replica pending termination (1 of 1 replica updated) (pod prometheus-operator-6c8d9e7f5-new01: 0 of 1 container ready; not ready: operator (ContainerCreating))',
  ],
  ['deployment-old-generation', 'PROGRESSING', false, 'waiting for the controller to observe generation 4 (status is for generation 3)'],
  ['deployment-old-replicas', 'PROGRESSING', false, '1 old replica pending termination (2 of 2 replicas updated)'],
  ['deployment-quota-exceeded', 'UNHEALTHY', false, 'cannot create pods (FailedCreate: pods "prometheus-operator-6d5f-" is forbidden: exceeded quota'],
  ['statefulset-healthy', 'HEALTHY', false, 'StatefulSet/monitoring/alertmanager-main: 3 of 3 replicas ready'],
  ['statefulset-progressing', 'PROGRESSING', false, '1 of 3 replicas updated to revision alertmanager-main-7b8e9f0a1, 2 ready'],
  ['statefulset-partitioned', 'HEALTHY', false, '3 of 3 replicas ready (partition 2: 1 updated)'],
  [
    'statefulset-crashloop',
    'UNHEALTHY',
    true,
    'pod alertmanager-main-0: container alertmanager crash-looping (4 restarts, last exit: OOMKilled, exit code 137); 0 of 1 replica ready',
  ],
  ['daemonset-healthy', 'HEALTHY', false, 'DaemonSet/monitoring/node-exporter: 5 of 5 nodes available'],
  ['daemonset-progressing', 'PROGRESSING', false, '3 of 5 nodes run the updated pod, 4 available'],
  ['daemonset-old-generation', 'PROGRESSING', false, 'observe generation 5'],
  ['replicaset-healthy', 'HEALTHY', false, 'ReplicaSet/default/standalone: 2 of 2 replicas available'],
  ['pod-healthy', 'HEALTHY', false, 'Pod/monitoring/prometheus-operator-7d9f8c6b5-h2j4k: ready'],
  [
    'pod-crashloop',
    'UNHEALTHY',
    true,
    'Pod/monitoring/prometheus-operator-6b7c9d8f5-q4k2m: container operator crash-looping (5 restarts, CrashLoopBackOff, last exit: Error, exit code 2)',
  ],
  ['pod-restarts-recent', 'UNHEALTHY', true, 'container cert-manager-webhook crash-looping (3 restarts, last exit: Error, exit code 1)'],
  ['pod-restarts-frequent', 'UNHEALTHY', true, 'container cert-manager-webhook crash-looping (40 restarts'],
  ['pod-restarts-old', 'HEALTHY', false, 'ready'],
  ['pod-image-pull-error', 'UNHEALTHY', true, 'container cert-manager-controller cannot start (ErrImagePull: rpc error'],
  ['pod-invalid-image', 'UNHEALTHY', true, 'cannot start (InvalidImageName'],
  ['pod-create-config-error', 'UNHEALTHY', true, 'container operator cannot start (CreateContainerConfigError: secret "prometheus-operator-tls" not found)'],
  ['pod-unschedulable', 'PROGRESSING', false, 'not scheduled (Unschedulable: 0/3 nodes are available: 3 Insufficient cpu.'],
  ['pod-never-ready', 'PROGRESSING', false, '1 of 2 containers ready; not ready: operator (running, not ready)'],
  ['pod-init-running', 'PROGRESSING', false, 'init container init-config-reloader not finished (running)'],
  ['pod-succeeded', 'HEALTHY', false, 'completed'],
  ['pod-evicted', 'UNHEALTHY', true, 'failed (Evicted: The node was low on resource: memory.'],
  ['job-complete', 'HEALTHY', false, 'Job/cert-manager/cert-manager-startupapicheck: completed (1 of 1 succeeded)'],
  ['job-failed', 'UNHEALTHY', true, 'failed (BackoffLimitExceeded: Job has reached the specified backoff limit)'],
  ['job-running', 'PROGRESSING', false, 'running: 1 active, 0 of 1 completions succeeded, 1 failed'],
  ['crd-established', 'HEALTHY', false, 'CustomResourceDefinition/certificates.cert-manager.io: established, serving v1'],
  ['crd-not-established', 'PROGRESSING', false, 'not yet established (Installing: the initial names have been accepted)'],
  ['crd-names-conflict', 'UNHEALTHY', true, 'names not accepted (ShortNamesConflict: "cert" is already in use)'],
  ['webhook-healthy', 'HEALTHY', false, '1 webhook served by cert-manager/cert-manager-webhook, caBundle valid for 3272 more days'],
  [
    'webhook-missing-endpoints',
    'UNHEALTHY',
    false,
    'webhook webhook.cert-manager.io: service cert-manager/cert-manager-webhook has no ready endpoints (1 not ready); API requests it matches fail',
  ],
  ['webhook-ignore-missing-endpoints', 'DEGRADED', false, 'has no ready endpoints; it is skipped (failurePolicy Ignore)'],
  [
    'webhook-expired-certificate',
    'UNHEALTHY',
    true,
    'webhook prometheusrulemutate.monitoring.coreos.com: caBundle certificate "operator-webhook-ca" expired 2025-12-01T00:00:00.000Z (45 days ago)',
  ],
  [
    'webhook-expired-serving-certificate',
    'UNHEALTHY',
    true,
    'serving certificate of service example/example-webhook certificate "webhook.example.svc" expired 2026-01-10T00:00:00.000Z',
  ],
  ['webhook-missing-service', 'UNHEALTHY', false, 'service cert-manager/cert-manager-webhook not found; API requests it matches fail'],
  ['webhook-no-cabundle', 'PROGRESSING', false, 'no caBundle yet (waiting for CA injection)'],
  ['service-healthy', 'HEALTHY', false, 'Service/monitoring/prometheus-operator: ClusterIP service'],
  ['service-loadbalancer-pending', 'PROGRESSING', false, 'waiting for a load balancer address'],
  ['pvc-bound', 'HEALTHY', false, 'bound to volume pvc-0b1c2d3e'],
  ['pvc-pending', 'PROGRESSING', false, 'waiting to be bound (phase Pending, storage class fast-ssd)'],
  ['generic-ready', 'HEALTHY', false, 'Certificate/cert-manager/cert-manager-webhook-ca: ready'],
  ['generic-not-ready', 'PROGRESSING', false, 'not ready (DoesNotExist: Issuer "missing-issuer" not found)'],
  ['generic-stalled', 'UNHEALTHY', true, 'stalled (RetriesExceeded: Failed to install after 3 attempt(s))'],
  ['generic-reconciling', 'PROGRESSING', false, 'reconciling (Progressing: building artifact)'],
  ['generic-old-generation', 'PROGRESSING', false, 'observe generation 7 (status is for generation 6)'],
  ['generic-no-status', 'HEALTHY', false, 'ConfigMap/monitoring/prometheus-operator-config: present'],
];

describe('health of fixtures', () => {
  it('every fixture file has a case', () => {
    const files = readdirSync(FIXTURES)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => f.replace(/\.yaml$/, ''));
    expect(files.sort()).toEqual(cases.map((c) => c[0]).sort());
  });

  it.each(cases)('%s → %s (failed: %s)', (fixture, status, failed, fragment) => {
    const { obj, ctx } = loadFixture(fixture);
    const health = assessObjectHealth(obj, ctx);
    expect(health.message).toContain(fragment);
    expect(health.status).toBe(status);
    expect(health.failed ?? false).toBe(failed);
    expect(health.message.startsWith(`${health.subject}: `)).toBe(true);
  });

  it('without pods in the context a crash-looping Deployment is only "not available yet"', () => {
    const { obj } = loadFixture('deployment-crashloop');
    expect(assessObjectHealth(obj, { now: () => NOW })).toMatchObject({ status: 'PROGRESSING', message: expect.stringContaining('0 of 1 replica available') });
  });

  it('without ReplicaSets in the context a Deployment cannot tell old pods from new ones, and counts them all', () => {
    const { obj, related } = loadFixture('deployment-old-pods-crashloop');
    const ctx = healthContextFromObjects(
      related.filter((o) => o.kind !== 'ReplicaSet'),
      { now: () => NOW },
    );
    expect(assessObjectHealth(obj, ctx)).toMatchObject({
      status: 'UNHEALTHY',
      failed: true,
      message: expect.stringContaining('pod prometheus-operator-5b7c8d6e4-old01'),
    });
  });

  it('a webhook without service lookups in the context is UNKNOWN, not healthy', () => {
    const { obj } = loadFixture('webhook-healthy');
    expect(assessObjectHealth(obj, { now: () => NOW })).toMatchObject({ status: 'UNKNOWN', message: expect.stringContaining('not checked') });
  });

  it('the crash-loop rule is configurable', () => {
    const { obj, ctx } = loadFixture('pod-restarts-recent');
    expect(assessObjectHealth(obj, { ...ctx, crashLoop: { restarts: 5 } }).status).toBe('HEALTHY');
    expect(assessObjectHealth(obj, { ...ctx, crashLoop: { restarts: 3, windowMs: 60_000 } }).status).toBe('HEALTHY');
  });
});

describe('operator health', () => {
  it('is the worst over the inventory, names what is not healthy, and reports missing objects', () => {
    const objects = ['deployment-healthy', 'crd-established', 'deployment-crashloop', 'crd-not-established'].map((f) => loadFixture(f));
    const related = objects.flatMap((o) => o.related);
    const ctx = healthContextFromObjects(related, { now: () => NOW });
    const inventory = [
      ...objects.map(({ obj }) => ({ apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name! })),
      { apiVersion: 'v1', kind: 'Service', namespace: 'monitoring', name: 'prometheus-operator' },
    ].map((r) => (r.namespace ? r : { apiVersion: r.apiVersion, kind: r.kind, name: r.name }));
    const health = assessOperatorHealth(
      objects.map((o) => o.obj),
      { ...ctx, inventory },
    );
    expect(health.status).toBe('UNHEALTHY');
    expect(health.failed).toBe(true);
    expect(health.counts).toEqual({ HEALTHY: 2, PROGRESSING: 1, UNKNOWN: 0, DEGRADED: 0, UNHEALTHY: 2 });
    // Worst first, a failed result before an equal one, then input order. (Two fixtures
    // share a Deployment name: they stand for the same object in two states.)
    expect(health.results.map((r) => `${r.status} ${r.subject}`)).toEqual([
      'UNHEALTHY Deployment/monitoring/prometheus-operator',
      'UNHEALTHY Service/monitoring/prometheus-operator',
      'PROGRESSING CustomResourceDefinition/servicemonitors.monitoring.coreos.com',
      'HEALTHY Deployment/monitoring/prometheus-operator',
      'HEALTHY CustomResourceDefinition/certificates.cert-manager.io',
    ]);
    expect(health.message).toMatch(
      /^3 of 5 objects not healthy: Deployment\/monitoring\/prometheus-operator: pod prometheus-operator-6b7c9d8f5-q4k2m: container operator crash-looping/,
    );
    expect(health.message).toContain('Service/monitoring/prometheus-operator: not found in the cluster');
    expect(health.message).toContain('CustomResourceDefinition/servicemonitors.monitoring.coreos.com: not yet established');
  });

  it('is HEALTHY with a summary when everything is, and UNKNOWN with nothing to assess', () => {
    const healthy = assessOperatorHealth(
      ['deployment-healthy', 'service-healthy', 'crd-established'].map((f) => loadFixture(f).obj),
      { now: () => NOW },
    );
    expect(healthy).toMatchObject({ status: 'HEALTHY', message: 'all 3 objects healthy' });
    expect(healthy.failed).toBeUndefined();
    expect(assessOperatorHealth([])).toMatchObject({ status: 'UNKNOWN', message: 'no objects to assess' });
  });

  it('quotes at most summaryLimit messages', () => {
    const objs = ['pod-crashloop', 'pod-unschedulable', 'pod-never-ready', 'pvc-pending'].map((f) => loadFixture(f).obj);
    const health = assessOperatorHealth(objs, { now: () => NOW, summaryLimit: 2 });
    expect(health.message).toMatch(
      /^4 of 4 objects not healthy: Pod\/monitoring\/prometheus-operator-6b7c9d8f5-q4k2m: .*; Pod\/monitoring\/prometheus-operator-7d9f8c6b5-s7t6u: .*; and 2 more$/,
    );
  });

  it('a check that throws gives UNKNOWN for that object only; registries take overrides', () => {
    const registry = createHealthRegistry({
      'example.com/Widget': () => {
        throw new Error('boom');
      },
    });
    const widget: KubeObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'ns' } };
    const health = assessOperatorHealth([widget, loadFixture('service-healthy').obj], { registry });
    expect(health.status).toBe('UNKNOWN');
    expect(health.results[0]).toMatchObject({ status: 'UNKNOWN', message: 'Widget/ns/w: could not assess health (boom)' });
    expect(healthKey({ apiVersion: 'v1', kind: 'Pod' })).toBe('core/Pod');
    expect(healthKey({ apiVersion: 'apps/v1', kind: 'Deployment' })).toBe('apps/Deployment');
  });
});

describe('worst', () => {
  it.each([
    [['HEALTHY', 'PROGRESSING'], 'PROGRESSING'],
    [['PROGRESSING', 'UNKNOWN'], 'UNKNOWN'],
    [['UNKNOWN', 'DEGRADED', 'HEALTHY'], 'DEGRADED'],
    [['DEGRADED', 'UNHEALTHY'], 'UNHEALTHY'],
    [[], 'HEALTHY'],
  ] as Array<[HealthStatus[], HealthStatus]>)('worstStatus(%j) = %s', (statuses, expected) => {
    expect(worstStatus(statuses)).toBe(expected);
  });

  it('prefers a failed result among equals', () => {
    const a = { status: 'UNHEALTHY' as const, message: 'a' };
    const b = { status: 'UNHEALTHY' as const, message: 'b', failed: true };
    expect(worst([a, b])).toBe(b);
    expect(worst([])).toBeUndefined();
  });
});

describe('webhook certificates', () => {
  it('a caBundle that is not a certificate fails at once', () => {
    const { obj, ctx } = loadFixture('webhook-healthy');
    const broken = structuredClone(obj);
    (broken.webhooks as Array<{ clientConfig: { caBundle: string } }>)[0]!.clientConfig.caBundle = Buffer.from('not a certificate').toString('base64');
    expect(assessObjectHealth(broken, ctx)).toMatchObject({
      status: 'UNHEALTHY',
      failed: true,
      message: expect.stringContaining('caBundle is not a readable PEM certificate (no PEM certificate found)'),
    });
  });

  it('the same webhook turns unhealthy once the clock passes its CA expiry', () => {
    const { obj, related } = loadFixture('webhook-healthy');
    const later = healthContextFromObjects(related, { now: () => new Date('2035-02-01T00:00:00Z') });
    expect(assessObjectHealth(obj, later)).toMatchObject({
      status: 'UNHEALTHY',
      failed: true,
      message: expect.stringContaining('expired 2035-01-01T00:00:00.000Z (31 days ago)'),
    });
  });
});
