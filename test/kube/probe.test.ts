// Connectivity probe at registration and the health monitor's cluster check, against the
// sandbox over real HTTPS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/domain/errors.ts';
import { KubeClients } from '../../src/kube/client-registry.ts';
import { checkKubeconfig } from '../../src/kube/kubeconfig.ts';
import { checkClusterHealth, createClusterProber, nodeHealth, probeCluster } from '../../src/kube/probe.ts';
import type { KubeObject } from '../../src/kube/types.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.ts';

async function validationError(promise: Promise<unknown>): Promise<ValidationError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  throw new Error('expected a ValidationError');
}

const quick = createClusterProber({ requestTimeoutMs: 2_000, retry: { attempts: 2, baseDelayMs: 5 } });

describe('probeCluster (registration)', () => {
  let fleet: Sandbox;
  beforeAll(async () => {
    fleet = await startSandbox({
      clusters: [
        { name: 'dev-1', nodes: 4, kubernetesVersion: 'v1.29.5' },
        { name: 'gone', faults: { unreachable: true } },
      ],
      podReadyDelayMs: 20,
    });
  });
  afterAll(() => fleet?.stop());

  it('reads the version and node count of a reachable cluster', async () => {
    const probe = await probeCluster(checkKubeconfig(fleet.cluster('dev-1').kubeconfig), 'dev-1');
    expect(probe).toEqual({ kubernetesVersion: 'v1.29.5', nodeCount: 4, healthStatus: 'HEALTHY', healthMessage: '4 of 4 nodes ready' });
  });

  it('rejects an unreachable cluster on input.kubeconfig, saying unreachable and quoting no secret', async () => {
    const c = fleet.cluster('gone');
    const err = await validationError(quick(checkKubeconfig(c.kubeconfig), 'gone'));
    expect(err.fields).toEqual(['input.kubeconfig']);
    expect(err.message).toBe(`cluster is unreachable at ${c.url}: connection refused`);
    expect(err.message).not.toContain(c.token);
  });

  it('rejects a refused token as unauthorized (401) without quoting it', async () => {
    const c = fleet.cluster('dev-1');
    const secret = 'wrong-token-0123456789abcdef';
    const bad = await validationError(quick(checkKubeconfig(c.kubeconfig.replace(c.token, secret)), 'dev-1'));
    expect(bad.fields).toEqual(['input.kubeconfig']);
    expect(bad.message).toMatch(/refused the credentials \(401 Unauthorized\)/);
    expect(bad.message).not.toContain(secret);
  });

  it('rejects a client certificate that cannot be read, without quoting it', async () => {
    const c = fleet.cluster('dev-1');
    const junk = Buffer.from('not-a-certificate-secret-material').toString('base64');
    const kubeconfig = c.kubeconfig.replace(
      /^(\s*)token: .*$/m,
      (_line, indent: string) => `${indent}client-certificate-data: ${junk}\n${indent.replace(/^\n/, '')}client-key-data: ${junk}`,
    );
    const err = await validationError(quick(checkKubeconfig(kubeconfig), 'dev-1'));
    expect(err.fields).toEqual(['input.kubeconfig']);
    expect(err.message).not.toContain(junk);
    expect(err.message).not.toContain('secret-material');
  });

  it('reports a TLS failure (a CA that did not sign the server) as unreachable, naming TLS', async () => {
    const other = await startSandbox({ clusters: [{ name: 'x' }] });
    try {
      const c = fleet.cluster('dev-1');
      const mixed = c.kubeconfig.replace(c.url, other.cluster('x').url);
      const err = await validationError(quick(checkKubeconfig(mixed), 'x'));
      expect(err.message).toMatch(/^cluster is unreachable at https:\/\/127\.0\.0\.1:\d+: TLS failure/);
    } finally {
      await other.stop();
    }
  });
});

describe('checkClusterHealth (monitor)', () => {
  let fleet: Sandbox;
  let clients: KubeClients;
  beforeAll(async () => {
    fleet = await startSandbox({ clusters: [{ name: 'ok' }, { name: 'partial' }, { name: 'down' }], tls: false, podReadyDelayMs: 20 });
    clients = new KubeClients(async (name) => fleet.cluster(name).kubeconfig, { retry: { attempts: 2, baseDelayMs: 5 } });
  });
  afterAll(async () => {
    await clients?.close();
    await fleet?.stop();
  });

  it('HEALTHY with all nodes ready, DEGRADED naming the node that is not', async () => {
    expect(await checkClusterHealth(clients, 'ok')).toMatchObject({ healthStatus: 'HEALTHY', nodeCount: 3, kubernetesVersion: 'v1.30.2' });
    const partial = fleet.cluster('partial');
    const node = partial.objects.get('v1', 'Node', undefined, 'partial-node-2')!;
    const conditions = node.status.conditions.map((c: { type: string }) =>
      c.type === 'Ready' ? { ...c, status: 'False', reason: 'KubeletNotReady', message: 'container runtime is down' } : c,
    );
    partial.objects.put({ ...node, status: { ...node.status, conditions } }, { subresource: 'status', manager: 'kubelet' });
    expect(await checkClusterHealth(clients, 'partial')).toMatchObject({
      healthStatus: 'DEGRADED',
      nodeCount: 3,
      healthMessage: '2 of 3 nodes ready; not ready: partial-node-2 (KubeletNotReady)',
    });
  });

  it('UNHEALTHY with the reason when the cluster is down, without throwing; UNKNOWN for a cluster it cannot load', async () => {
    await fleet.cluster('down').setFaults({ unreachable: true });
    const down = await checkClusterHealth(clients, 'down', { retry: { attempts: 1 } });
    expect(down.healthStatus).toBe('UNHEALTHY');
    expect(down.healthMessage).toMatch(/unreachable at http:\/\/127\.0\.0\.1:\d+: connection refused/);
    expect(await checkClusterHealth(clients, 'no-such-cluster')).toMatchObject({ healthStatus: 'UNKNOWN' });
  });

  it('judges nodes: none ready is UNHEALTHY, no nodes at all is UNHEALTHY', () => {
    const node = (name: string, ready: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name },
      status: { conditions: [{ type: 'Ready', status: ready }] },
    });
    expect(nodeHealth([node('a', 'Unknown'), node('b', 'False')])).toEqual({
      status: 'UNHEALTHY',
      message: '0 of 2 nodes ready; not ready: a (Ready=Unknown), b (Ready=False)',
    });
    expect(nodeHealth([])).toEqual({ status: 'UNHEALTHY', message: 'no nodes registered' });
  });
});
