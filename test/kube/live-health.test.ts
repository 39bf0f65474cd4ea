// Live operator health against the sandbox's simulated controllers over real HTTP:
// healthy rollouts, a crash loop that fails at once naming the pod and container, a
// never-ready workload that times out naming the Deployment, webhooks and their endpoints.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyManifests } from '../../src/kube/apply/executor.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { labelSelectorString, readOperatorHealth } from '../../src/kube/health/live.ts';
import { waitForHealthy } from '../../src/kube/health/wait-healthy.ts';
import type { KubeObject, ObjectRef } from '../../src/kube/types.ts';
import { BEHAVIOR_ANNOTATION, startSandbox, type Sandbox } from '../../src/sandbox/index.ts';

function deployment(name: string, behavior?: string, replicas = 2): KubeObject {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels, ...(behavior ? { annotations: { [BEHAVIOR_ANNOTATION]: behavior } } : {}) },
        spec: { containers: [{ name: 'manager', image: 'example/operator:1.0' }] },
      },
    },
  };
}

const service = (name: string, app: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name },
  spec: { selector: { app }, ports: [{ port: 443, targetPort: 9443 }] },
});

const webhook = (name: string, serviceName: string, caPem: string): KubeObject => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingWebhookConfiguration',
  metadata: { name },
  webhooks: [
    {
      name: `${name}.example.com`,
      admissionReviewVersions: ['v1'],
      sideEffects: 'None',
      failurePolicy: 'Fail',
      clientConfig: { caBundle: Buffer.from(caPem).toString('base64'), service: { namespace: 'ops', name: serviceName, path: '/validate' } },
      rules: [{ apiGroups: ['example.com'], apiVersions: ['v1'], operations: ['CREATE'], resources: ['widgets'] }],
    },
  ],
});

describe('operator health in a live cluster', () => {
  let fleet: Sandbox;
  let client: KubeClient;
  const install = async (operatorName: string, objects: KubeObject[]): Promise<ObjectRef[]> => {
    const result = await applyManifests(client, objects, { operatorName, namespace: 'ops' });
    if (result.error) throw result.error;
    return result.inventory;
  };

  beforeAll(async () => {
    fleet = await startSandbox({ clusters: [{ name: 'c1' }], podReadyDelayMs: 100, crashLoopIntervalMs: 100 });
    client = await KubeClient.fromKubeconfig('c1', fleet.cluster('c1').kubeconfig);
  });
  afterAll(async () => {
    client?.close();
    await fleet?.stop();
  });

  it('waits until a healthy operator has rolled out, with progress on the way', async () => {
    const inventory = await install('good', [deployment('good-op'), service('good-webhook', 'good-op'), webhook('good', 'good-webhook', fleet.caCert!)]);
    const progress: string[] = [];
    const result = await waitForHealthy(client, inventory, { timeoutMs: 10_000, intervalMs: 50, onProgress: (h) => progress.push(h.status) });
    expect(result).toMatchObject({ outcome: 'healthy', status: 'HEALTHY', message: 'all 3 objects healthy' });
    expect(progress[0]).toBe('UNHEALTHY'); // right after apply: no ready endpoints behind the webhook (failurePolicy Fail)
    expect(progress.at(-1)).toBe('HEALTHY');
    expect(result.results.find((r) => r.subject === 'Deployment/ops/good-op')?.message).toBe('Deployment/ops/good-op: 2 of 2 replicas available');
  });

  it('fails at once on a crash loop, naming the pod and the container — long before the timeout', async () => {
    const inventory = await install('crashy', [deployment('crashy-op', 'crashloop')]);
    const result = await waitForHealthy(client, inventory, { timeoutMs: 30_000, intervalMs: 100 });
    expect(result.outcome).toBe('failed');
    expect(result.failed).toBe(true);
    expect(result.elapsedMs).toBeLessThan(10_000);
    expect(result.message).toMatch(
      /Deployment\/ops\/crashy-op: pod crashy-op-[a-z0-9]+-[a-z0-9]+: container manager crash-looping \(\d+ restarts?, CrashLoopBackOff/,
    );
  });

  it('times out on a never-ready workload, naming the Deployment and why', async () => {
    const inventory = await install('stuck', [
      deployment('stuck-op', 'never-ready', 1),
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'stuck-config' }, data: {} },
    ]);
    const result = await waitForHealthy(client, inventory, { timeoutMs: 800, intervalMs: 100 });
    expect(result.outcome).toBe('timeout');
    expect(result.status).toBe('PROGRESSING');
    expect(result.message).toMatch(/^timed out after 800 ms waiting for 1 of 2 objects to become healthy: Deployment\/ops\/stuck-op: 0 of 1 replica available/);
    expect(result.message).not.toContain('stuck-config');
  });

  it('reports inventory objects missing from the cluster, and cancels a wait when asked', async () => {
    const inventory: ObjectRef[] = [{ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ops', name: 'never-applied' }];
    const health = await readOperatorHealth(client, inventory);
    expect(health).toMatchObject({ status: 'UNHEALTHY', message: '1 of 1 objects not healthy: ConfigMap/ops/never-applied: not found in the cluster' });

    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await expect(waitForHealthy(client, inventory, { timeoutMs: 10_000, intervalMs: 30, signal: controller.signal })).rejects.toMatchObject({
      kind: 'ABORTED',
    });
  });

  it("starts from the apply's answers: healthy CRDs and RBAC are not read back, workloads and anything not yet healthy are", async () => {
    const crd: KubeObject = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gadgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { kind: 'Gadget', plural: 'gadgets' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    };
    const role: KubeObject = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'fresh-op' }, rules: [] };
    const applied = await applyManifests(client, [crd, role, deployment('fresh-op')], { operatorName: 'fresh', namespace: 'ops' });
    expect(applied.error).toBeUndefined();
    expect(applied.answers.map((a) => `${a.kind}/${a.metadata.name}`).sort()).toEqual([
      'ClusterRole/fresh-op',
      'CustomResourceDefinition/gadgets.example.com',
      'Deployment/fresh-op',
    ]);
    const stats = fleet.cluster('c1').stats.byVerb;
    const gets = async (fresh?: KubeObject[]) => {
      const before = stats.get ?? 0;
      const result = await waitForHealthy(client, applied.inventory, { timeoutMs: 10_000, intervalMs: 50, ...(fresh ? { fresh } : {}) });
      expect(result).toMatchObject({ outcome: 'healthy', message: 'all 3 objects healthy' });
      expect(result.results.find((r) => r.subject === 'CustomResourceDefinition/gadgets.example.com')?.message).toContain('established');
      return { gets: (stats.get ?? 0) - before, polls: result.polls };
    };
    const unaided = await gets();
    const aided = await gets(applied.answers);
    // Each poll reads the Deployment; the CRD and the ClusterRole are read once without the answers, never with them.
    expect(unaided.gets - unaided.polls).toBe(2);
    expect(aided.gets - aided.polls).toBe(0);
    // An answer that does not show the CRD Established is no reason to skip reading it.
    const notYet = applied.answers.map((a) => (a.kind === 'CustomResourceDefinition' ? { ...a, status: { conditions: [] } } : a));
    const read = await gets(notYet);
    expect(read.gets - read.polls).toBe(1);

    // Applied again unchanged, nothing is sent; what was healthy before and is of a stable kind is not read.
    const again = await applyManifests(client, [crd, role, deployment('fresh-op')], {
      operatorName: 'fresh',
      namespace: 'ops',
      previousInventory: applied.inventory,
    });
    expect(again.untouched.map((r) => r.kind).sort()).toEqual(['ClusterRole', 'CustomResourceDefinition', 'Deployment']);
    const before = stats.get ?? 0;
    const settled = await waitForHealthy(client, again.inventory, { timeoutMs: 10_000, intervalMs: 50, settled: again.untouched });
    expect(settled).toMatchObject({ outcome: 'healthy', message: 'all 3 objects healthy' });
    expect((stats.get ?? 0) - before).toBe(settled.polls); // the Deployment only: its health changes on its own, so it is read
    expect(settled.results.find((r) => r.subject === 'CustomResourceDefinition/gadgets.example.com')?.message).toMatch(
      /unchanged since the last healthy release/,
    );
    expect(settled.results.find((r) => r.subject === 'Deployment/ops/fresh-op')?.message).not.toMatch(/unchanged since/);
  });

  it('writes label selectors the API server understands', () => {
    expect(
      labelSelectorString({
        matchLabels: { app: 'x' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['a', 'b'] },
          { key: 'canary', operator: 'DoesNotExist' },
        ],
      }),
    ).toBe('app=x,tier in (a,b),!canary');
    expect(labelSelectorString({})).toBeUndefined();
  });
});
