import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox, type SandboxCluster } from '../../src/sandbox/index.ts';
import { clientsFor } from './helpers.ts';
import { eventually } from '../helpers/eventually.ts';

interface Seen {
  type: string;
  name: string;
  rv: string;
}

describe('sandbox watch streams', () => {
  let fleet: Sandbox;
  let c: SandboxCluster;
  let api: ReturnType<typeof clientsFor>;
  const aborts: AbortController[] = [];

  async function watch(path: string, query: Record<string, string | number | boolean | undefined>): Promise<{ events: Seen[]; ended: () => boolean }> {
    const events: Seen[] = [];
    let done = false;
    const abort = await new k8s.Watch(api.kc).watch(
      path,
      query,
      (type, obj) => events.push({ type, name: obj?.metadata?.name, rv: obj?.metadata?.resourceVersion }),
      () => (done = true),
    );
    aborts.push(abort);
    return { events, ended: () => done };
  }

  beforeAll(async () => {
    fleet = await startSandbox({ clusters: [{ name: 'watch' }] });
    c = fleet.cluster('watch');
    api = clientsFor(c);
    await api.core.createNamespace({ body: { metadata: { name: 'w' } } });
    await api.core.createNamespacedConfigMap({ namespace: 'w', body: { metadata: { name: 'existing' } } });
  });
  afterAll(async () => {
    for (const a of aborts) a.abort();
    await fleet?.stop();
  });

  it('starts with the current state as ADDED, then streams ADDED, MODIFIED and DELETED', async () => {
    const w = await watch('/api/v1/namespaces/w/configmaps', {});
    await eventually(() => w.events.length === 1, 2000, 'initial state');
    expect(w.events[0]).toMatchObject({ type: 'ADDED', name: 'existing' });
    await api.core.createNamespacedConfigMap({ namespace: 'w', body: { metadata: { name: 'new' } } });
    await api.core.patchNamespacedConfigMap({ name: 'new', namespace: 'w', body: [{ op: 'add', path: '/data', value: { a: '1' } }] });
    await api.core.deleteNamespacedConfigMap({ name: 'new', namespace: 'w' });
    await eventually(() => w.events.length === 4, 2000, 'three more events');
    expect(w.events.slice(1).map((e) => `${e.type} ${e.name}`)).toEqual(['ADDED new', 'MODIFIED new', 'DELETED new']);
    const rvs = w.events.slice(1).map((e) => Number(e.rv));
    expect(rvs).toEqual([...rvs].sort((a, b) => a - b));
  });

  it('replays history after a resourceVersion and filters by field selector', async () => {
    const list = await api.core.listNamespacedConfigMap({ namespace: 'w' });
    const from = list.metadata!.resourceVersion!;
    await api.core.createNamespacedConfigMap({ namespace: 'w', body: { metadata: { name: 'target' } } });
    await api.core.createNamespacedConfigMap({ namespace: 'w', body: { metadata: { name: 'other' } } });
    const w = await watch('/api/v1/namespaces/w/configmaps', { resourceVersion: from, fieldSelector: 'metadata.name=target' });
    await eventually(() => w.events.length === 1, 2000, 'replayed event');
    expect(w.events[0]).toMatchObject({ type: 'ADDED', name: 'target' });
    await api.core.patchNamespacedConfigMap({ name: 'other', namespace: 'w', body: [{ op: 'add', path: '/data', value: { b: '2' } }] });
    await api.core.patchNamespacedConfigMap({ name: 'target', namespace: 'w', body: [{ op: 'add', path: '/data', value: { b: '2' } }] });
    await eventually(() => w.events.length === 2, 2000, 'filtered modification');
    expect(w.events[1]).toMatchObject({ type: 'MODIFIED', name: 'target' });
  });

  it('reports objects leaving a label selector as DELETED', async () => {
    await api.core.createNamespacedConfigMap({ namespace: 'w', body: { metadata: { name: 'labelled', labels: { pick: 'yes' } } } });
    const w = await watch('/api/v1/namespaces/w/configmaps', { labelSelector: 'pick=yes' });
    await eventually(() => w.events.length === 1, 2000, 'initial');
    await api.core.patchNamespacedConfigMap({ name: 'labelled', namespace: 'w', body: [{ op: 'replace', path: '/metadata/labels/pick', value: 'no' }] });
    await eventually(() => w.events.length === 2, 2000, 'leaving the selector');
    expect(w.events[1]).toMatchObject({ type: 'DELETED', name: 'labelled' });
  });

  it('ends the stream after timeoutSeconds, and answers a too-old resourceVersion with an ERROR 410 event', async () => {
    const timed = await watch('/api/v1/namespaces/w/configmaps', { timeoutSeconds: 1 });
    await eventually(() => timed.ended(), 3000, 'timeout');

    const errors: any[] = [];
    // fill the history past its capacity so that resourceVersion 1 is gone
    for (let i = 0; i < 20_001; i++) c.store.put('/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'churn', namespace: 'w' } });
    const late = await new k8s.Watch(api.kc).watch(
      '/api/v1/namespaces/w/configmaps',
      { resourceVersion: '2' },
      (type, obj) => errors.push({ type, obj }),
      () => {},
    );
    aborts.push(late);
    await eventually(() => errors.some((e) => e.type === 'ERROR'), 2000, 'ERROR event');
    expect(errors.find((e) => e.type === 'ERROR').obj).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
  });

  it('streams Deployment status changes to a watch on one object (what kubectl rollout status does)', async () => {
    const w = await watch('/apis/apps/v1/namespaces/w/deployments', { fieldSelector: 'metadata.name=rollout' });
    await api.apps.createNamespacedDeployment({
      namespace: 'w',
      body: {
        metadata: { name: 'rollout' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'r' } },
          template: { metadata: { labels: { app: 'r' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
        },
      },
    });
    await eventually(() => c.objects.get('apps/v1', 'Deployment', 'w', 'rollout')?.status?.availableReplicas === 1, 3000, 'deployment available');
    await eventually(() => w.events.filter((e) => e.type === 'MODIFIED').length >= 2, 2000, 'status events');
    expect(w.events[0]).toMatchObject({ type: 'ADDED', name: 'rollout' });
  });
});
