// The per-cluster client over real HTTP(S) against the sandbox: TLS from the kubeconfig,
// plain http:// kubeconfigs, typed errors, retries with backoff, timeouts, cancellation,
// discovery caching, and the registry's cache and invalidation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClients } from '../../src/kube/client-registry.ts';
import { backoffDelay, DEFAULT_RETRY_POLICY } from '../../src/kube/client-retry.ts';
import { applyBody, appliedDigest } from '../../src/kube/body.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { isKubeError, KubeError } from '../../src/kube/errors.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.ts';

async function failure(promise: Promise<unknown>): Promise<KubeError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof KubeError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

const fastRetry = { attempts: 4, baseDelayMs: 5, maxDelayMs: 20 };

describe('KubeClient against the sandbox over HTTPS', () => {
  let fleet: Sandbox;
  let other: Sandbox;
  beforeAll(async () => {
    [fleet, other] = await Promise.all([
      startSandbox({ clusters: [{ name: 'main' }, { name: 'flaky' }, { name: 'down', faults: { unreachable: true } }, { name: 'slow' }], podReadyDelayMs: 20 }),
      startSandbox({ clusters: [{ name: 'foreign' }] }), // another CA
    ]);
  });
  afterAll(async () => {
    await fleet?.stop();
    await other?.stop();
  });

  it('verifies the server with the kubeconfig CA and reads objects of any kind', async () => {
    const client = await KubeClient.fromKubeconfig('main', fleet.cluster('main').kubeconfig);
    try {
      expect(client.serverUrl).toMatch(/^https:/);
      expect((await client.version()).gitVersion).toBe('v1.30.2');
      const nodes = await client.list({ apiVersion: 'v1', kind: 'Node' });
      expect(nodes.items.map((n) => n.kind)).toEqual(['Node', 'Node', 'Node']);
      expect(await client.get({ apiVersion: 'v1', kind: 'Namespace', name: 'kube-system' })).toMatchObject({ metadata: { name: 'kube-system' } });
      expect(await client.get({ apiVersion: 'v1', kind: 'Namespace', name: 'nope' })).toBeUndefined();
    } finally {
      client.close();
    }
  });

  it('server-side applies: 201 on create, the same resourceVersion for a no-op, 409 naming the other manager without force', async () => {
    const client = await KubeClient.fromKubeconfig('main', fleet.cluster('main').kubeconfig);
    try {
      const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa', namespace: 'default' }, data: { a: '1' } };
      const first = await client.apply(cm, { fieldManager: 'operator-manager' });
      expect(first.created).toBe(true);
      const again = await client.apply(cm, { fieldManager: 'operator-manager' });
      expect(again.created).toBe(false);
      expect(again.object.metadata.resourceVersion).toBe(first.object.metadata.resourceVersion);
      const conflict = await failure(client.apply({ ...cm, data: { a: '2' } }, { fieldManager: 'someone-else' }));
      expect(conflict).toMatchObject({ kind: 'CONFLICT', httpStatus: 409, reason: 'Conflict', clusterName: 'main' });
      expect(conflict.message).toContain('operator-manager');
      const forced = await client.apply({ ...cm, data: { a: '2' } }, { fieldManager: 'someone-else', force: true });
      expect(forced.object.data).toEqual({ a: '2' });
      expect(await client.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'ssa' })).toBe(true);
      expect(await client.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'ssa' })).toBe(false);
    } finally {
      client.close();
    }
  });

  it('maps answers to typed kinds with the Status reason: unknown kind, invalid object, 401, 403', async () => {
    const c = fleet.cluster('main');
    const client = await KubeClient.fromKubeconfig('main', c.kubeconfig);
    const badToken = await KubeClient.fromKubeconfig('main', c.kubeconfig.replace(c.token, 'not-the-token'));
    const viewer = await KubeClient.fromKubeconfig('main', c.kubeconfig.replace(c.token, c.viewerToken));
    try {
      expect(await failure(client.list({ apiVersion: 'example.com/v1', kind: 'Widget' }))).toMatchObject({ kind: 'NOT_FOUND' });
      const invalid = await failure(
        client.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Not_Valid', namespace: 'default' } }, { fieldManager: 'm' }),
      );
      expect(invalid).toMatchObject({ kind: 'INVALID', httpStatus: 422, reason: 'Invalid' });
      const unauthorized = await failure(badToken.list({ apiVersion: 'v1', kind: 'Node' }));
      expect(unauthorized).toMatchObject({ kind: 'UNAUTHORIZED', httpStatus: 401, clusterName: 'main', attempts: 1 });
      expect(unauthorized.message).not.toContain('not-the-token');
      const forbidden = await failure(
        viewer.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'default' } }, { fieldManager: 'm' }),
      );
      expect(forbidden).toMatchObject({ kind: 'FORBIDDEN', httpStatus: 403, reason: 'Forbidden' });
    } finally {
      for (const x of [client, badToken, viewer]) x.close();
    }
  });

  it('retries 5xx with backoff until an answer comes, and gives up after the bounded attempts', async () => {
    const flaky = fleet.cluster('flaky');
    const client = await KubeClient.fromKubeconfig('flaky', flaky.kubeconfig, { retry: { ...fastRetry, attempts: 6 } });
    try {
      await client.version(); // discovery-free warm-up
      await flaky.setFaults({ errorRate: 0.5 });
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          client.list({ apiVersion: 'v1', kind: 'Namespace' }).then(
            () => 'ok',
            (e: KubeError) => e.kind,
          ),
        ),
      );
      expect(results.filter((r) => r === 'ok').length).toBeGreaterThanOrEqual(17); // each call fails with p = 0.5^6
      expect(client.stats.retries).toBeGreaterThan(0);
      expect(client.stats.requests).toBe(flaky.stats.requests); // every attempt reached the server

      await flaky.setFaults({ errorRate: 1 });
      const gaveUp = await failure(client.list({ apiVersion: 'v1', kind: 'Namespace' }));
      expect(gaveUp).toMatchObject({ kind: 'SERVER_ERROR', attempts: 6 });
      expect([500, 503]).toContain(gaveUp.httpStatus);
    } finally {
      await flaky.setFaults({ errorRate: 0 });
      client.close();
    }
  });

  it('reports an unreachable cluster as UNREACHABLE with its name, after retrying', async () => {
    const client = await KubeClient.fromKubeconfig('down', fleet.cluster('down').kubeconfig, { retry: fastRetry });
    try {
      const err = await failure(client.version());
      expect(err).toMatchObject({ kind: 'UNREACHABLE', clusterName: 'down', attempts: 4 });
      expect(err.message).toMatch(/^cluster down: unreachable .*connection refused/);
    } finally {
      client.close();
    }
  });

  it('fails TLS against a server whose certificate another CA signed, without retrying', async () => {
    const foreign = other.cluster('foreign');
    const ours = fleet.cluster('main');
    // Our CA, their server.
    const kubeconfig = ours.kubeconfig.replace(ours.url, foreign.url).replace(ours.token, foreign.token);
    const client = await KubeClient.fromKubeconfig('foreign', kubeconfig, { retry: fastRetry });
    try {
      expect(await failure(client.version())).toMatchObject({ kind: 'TLS', attempts: 1 });
    } finally {
      client.close();
    }
  });

  it('times out a slow answer per attempt, and cancels with an AbortSignal', async () => {
    const slow = fleet.cluster('slow');
    await slow.setFaults({ latencyMs: 400 });
    const client = await KubeClient.fromKubeconfig('slow', slow.kubeconfig, { requestTimeoutMs: 100, retry: { attempts: 2, baseDelayMs: 5 } });
    try {
      expect(await failure(client.version())).toMatchObject({ kind: 'TIMEOUT', attempts: 2 });
      const controller = new AbortController();
      const pending = client.version({ signal: controller.signal, timeoutMs: 5_000 });
      setTimeout(() => controller.abort(new Error('deployment cancelled')), 50);
      const t0 = Date.now();
      const aborted = await failure(pending);
      expect(aborted).toMatchObject({ kind: 'ABORTED' });
      expect(aborted.message).toContain('deployment cancelled');
      expect(Date.now() - t0).toBeLessThan(300);
    } finally {
      await slow.setFaults({ latencyMs: 0 });
      client.close();
    }
  });

  it('keeps discovery per cluster: one group-version document per group, learned kinds from CRDs', async () => {
    const client = await KubeClient.fromKubeconfig('main', fleet.cluster('main').kubeconfig);
    try {
      await Promise.all([client.list({ apiVersion: 'apps/v1', kind: 'Deployment' }), client.list({ apiVersion: 'apps/v1', kind: 'ReplicaSet' })]);
      await client.list({ apiVersion: 'apps/v1', kind: 'StatefulSet' });
      expect(client.discovery.fetches).toBe(1);
      expect(await client.resource({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole' })).toMatchObject({
        plural: 'clusterroles',
        namespaced: false,
      });
      client.discovery.learnFromCrd({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'widgets.example.com' },
        spec: {
          group: 'example.com',
          scope: 'Namespaced',
          names: { kind: 'Widget', plural: 'widgets' },
          versions: [{ name: 'v1', served: true, storage: true }],
        },
      });
      expect(await client.collectionPath({ apiVersion: 'example.com/v1', kind: 'Widget' }, 'ns')).toBe('/apis/example.com/v1/namespaces/ns/widgets');
    } finally {
      client.close();
    }
  });
});

describe('KubeClient against a plain-HTTP cluster', () => {
  it('accepts http:// kubeconfigs (insecure-skip-tls-verify, or none at all)', async () => {
    const fleet = await startSandbox({ clusters: [{ name: 'plain' }], tls: false });
    try {
      const c = fleet.cluster('plain');
      // The sandbox writes insecure-skip-tls-verify; a kubeconfig without it is accepted too.
      const withoutFlag = c.kubeconfig.replace(/\n\s*insecure-skip-tls-verify: true/, '');
      expect(withoutFlag).not.toContain('insecure-skip-tls-verify');
      for (const kubeconfig of [c.kubeconfig, withoutFlag]) {
        const client = await KubeClient.fromKubeconfig('plain', kubeconfig);
        expect((await client.list({ apiVersion: 'v1', kind: 'Node' })).items).toHaveLength(3);
        client.close();
      }
    } finally {
      await fleet.stop();
    }
  });
});

describe('KubeClients registry', () => {
  it('builds one client per cluster from the kubeconfig callback, shares it, and rebuilds after invalidate', async () => {
    const fleet = await startSandbox({ clusters: [{ name: 'a' }, { name: 'b' }], tls: false });
    const loads: string[] = [];
    const clients = new KubeClients(async (name) => {
      loads.push(name);
      if (name === 'missing') throw new Error('cluster "missing" not found');
      return fleet.cluster(name).kubeconfig;
    });
    try {
      const [a1, a2] = await Promise.all([clients.get('a'), clients.get('a')]);
      expect(a1).toBe(a2);
      expect(await clients.get('b')).not.toBe(a1);
      expect(loads).toEqual(['a', 'b']);
      await expect(clients.get('missing')).rejects.toThrow(/not found/);
      expect(clients.cached().sort()).toEqual(['a', 'b']); // failures are not cached

      const inFlight = a1.list({ apiVersion: 'v1', kind: 'Node' });
      clients.invalidate('a');
      expect((await inFlight).items).toHaveLength(3); // a dropped client finishes what it started
      const a3 = await clients.get('a');
      expect(a3).not.toBe(a1);
      expect(loads).toEqual(['a', 'b', 'missing', 'a']);
    } finally {
      await clients.close();
      await fleet.stop();
    }
  });
});

describe('backoff', () => {
  it('grows exponentially with jitter inside [ceiling/4, ceiling], capped', () => {
    const p = DEFAULT_RETRY_POLICY;
    expect(backoffDelay(1, p, () => 0)).toBe(25);
    expect(backoffDelay(1, p, () => 1)).toBe(100);
    expect(backoffDelay(3, p, () => 1)).toBe(400);
    expect(backoffDelay(20, p, () => 1)).toBe(p.maxDelayMs);
    expect(isKubeError(new KubeError({ kind: 'SERVER_ERROR', clusterName: 'x' }), 'SERVER_ERROR')).toBe(true);
  });
});

describe('applyBody', () => {
  it('is exactly the UTF-8 of JSON.stringify, also when sections are shared by objects of several plans', () => {
    const spec = { replicas: 2, template: { spec: { containers: [{ name: 'a', image: 'x:1' }] } } };
    const a = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'one' }, spec };
    const b = { ...a, metadata: { name: 'd', namespace: 'two', labels: { x: 'y' } } };
    const sent = (obj: unknown) => Buffer.concat(applyBody(obj as never));
    expect(sent(a).toString()).toBe(JSON.stringify(a));
    expect(sent(b).toString()).toBe(JSON.stringify(b)); // spec JSON reused, metadata written afresh
    expect(sent({ ...a, status: undefined }).toString()).toBe(JSON.stringify(a));
    const text = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ünïcode' }, data: { note: 'naïve — “quoted” ✓' } };
    expect(sent(text)).toEqual(Buffer.from(JSON.stringify(text)));
    expect(sent({ ...text, data: text.data })).toEqual(Buffer.from(JSON.stringify(text)));
    // The shared section's bytes are one buffer for every body that sends it: not copied per body.
    const [partsA, partsB] = [applyBody(a as never), applyBody(b as never)];
    expect(partsA.filter((p) => partsB.includes(p)).map((p) => p.toString())).toEqual([JSON.stringify(spec)]);
  });
});

describe('appliedDigest', () => {
  it('is equal for equal content, shared sections or not, and differs on any change to what is sent', () => {
    const spec = { replicas: 2, template: { spec: { containers: [{ name: 'a', image: 'x:1' }] } } };
    const a = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'one' }, spec };
    const digest = appliedDigest(a);
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(appliedDigest({ ...a })).toBe(digest); // same section object
    expect(appliedDigest(structuredClone(a))).toBe(digest); // equal copies, nothing shared
    // Key order does not count: a CRD kept in canonical form matches the manifest it came from.
    expect(
      appliedDigest({ spec: { template: spec.template, replicas: 2 }, metadata: { namespace: 'one', name: 'd' }, kind: 'Deployment', apiVersion: 'apps/v1' }),
    ).toBe(digest);
    expect(appliedDigest({ ...a, status: undefined } as never)).toBe(digest); // what JSON leaves out
    expect(appliedDigest({ ...a, metadata: { ...a.metadata, namespace: 'two' } })).not.toBe(digest);
    expect(appliedDigest({ ...a, metadata: { ...a.metadata, labels: { x: 'y' } } })).not.toBe(digest);
    expect(appliedDigest({ ...a, spec: { ...spec, replicas: 3 } })).not.toBe(digest);
    // Not fooled by a section whose JSON would read like the metadata of another.
    expect(appliedDigest({ ...a, spec: { ...spec }, data: 'x' } as never)).not.toBe(appliedDigest({ ...a, spec: { ...spec, data: 'x' } } as never));
  });
});
