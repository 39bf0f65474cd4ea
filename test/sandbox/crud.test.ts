import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox, type SandboxCluster } from '../../src/sandbox/index.ts';
import { clientsFor, raw, statusOf } from './helpers.ts';
import { eventually } from '../helpers/eventually.ts';

describe('sandbox CRUD, selectors and errors', () => {
  let fleet: Sandbox;
  let c: SandboxCluster;
  let api: ReturnType<typeof clientsFor>;
  beforeAll(async () => {
    fleet = await startSandbox({ clusters: [{ name: 'crud' }], tls: false, podReadyDelayMs: 20 });
    c = fleet.cluster('crud');
    api = clientsFor(c);
    await api.core.createNamespace({ body: { metadata: { name: 'crud' } } });
  });
  afterAll(() => fleet?.stop());

  it('creates, reads, updates and deletes a ConfigMap with server-set metadata', async () => {
    const created = await api.core.createNamespacedConfigMap({
      namespace: 'crud',
      body: { metadata: { name: 'cfg', labels: { app: 'a' } }, data: { k: 'v' } },
    });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(Number(created.metadata?.resourceVersion)).toBeGreaterThan(0);
    expect(created.metadata?.managedFields?.[0]).toMatchObject({ operation: 'Update' });

    const read = await api.core.readNamespacedConfigMap({ name: 'cfg', namespace: 'crud' });
    expect(read.data).toEqual({ k: 'v' });
    read.data = { k: 'v2' };
    const updated = await api.core.replaceNamespacedConfigMap({ name: 'cfg', namespace: 'crud', body: read });
    expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(Number(created.metadata?.resourceVersion));
    expect(updated.metadata?.uid).toBe(created.metadata?.uid);

    const again = await api.core.replaceNamespacedConfigMap({ name: 'cfg', namespace: 'crud', body: updated });
    expect(again.metadata?.resourceVersion).toBe(updated.metadata?.resourceVersion); // a no-op write stores nothing

    await api.core.deleteNamespacedConfigMap({ name: 'cfg', namespace: 'crud' });
    expect((await statusOf(api.core.readNamespacedConfigMap({ name: 'cfg', namespace: 'crud' }))).body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
      message: 'configmaps "cfg" not found',
      details: { name: 'cfg', kind: 'configmaps' },
    });
  });

  it('answers 409 AlreadyExists, and 409 Conflict for a stale resourceVersion', async () => {
    await api.core.createNamespacedConfigMap({ namespace: 'crud', body: { metadata: { name: 'dup' } } });
    const dup = await statusOf(api.core.createNamespacedConfigMap({ namespace: 'crud', body: { metadata: { name: 'dup' } } }));
    expect(dup.code).toBe(409);
    expect(dup.body).toMatchObject({ reason: 'AlreadyExists', message: 'configmaps "dup" already exists' });

    const first = await api.core.readNamespacedConfigMap({ name: 'dup', namespace: 'crud' });
    await api.core.replaceNamespacedConfigMap({ name: 'dup', namespace: 'crud', body: { ...first, data: { a: '1' } } });
    const stale = await statusOf(api.core.replaceNamespacedConfigMap({ name: 'dup', namespace: 'crud', body: { ...first, data: { a: '2' } } }));
    expect(stale.code).toBe(409);
    expect(stale.body.reason).toBe('Conflict');
    expect(stale.body.message).toContain('the object has been modified');
  });

  it('rejects objects in a missing namespace with 404', async () => {
    const missing = await statusOf(api.core.createNamespacedConfigMap({ namespace: 'ghost', body: { metadata: { name: 'x' } } }));
    expect(missing.code).toBe(404);
    expect(missing.body).toMatchObject({ reason: 'NotFound', message: 'namespaces "ghost" not found', details: { name: 'ghost', kind: 'namespaces' } });
  });

  it('empties a deleted namespace, refuses new objects in it with 403 while it terminates, and removes it', async () => {
    await api.core.createNamespace({ body: { metadata: { name: 'doomed', finalizers: ['example.com/hold'] } } });
    await api.core.createNamespacedConfigMap({ namespace: 'doomed', body: { metadata: { name: 'x' } } });
    const deleted = await api.core.deleteNamespace({ name: 'doomed' });
    expect(deleted).toMatchObject({ status: { phase: 'Terminating' } });
    await eventually(() => c.objects.list('v1', 'ConfigMap', 'doomed').length === 0, 2000, 'namespace content removal');

    const refused = await raw(c, 'POST', '/api/v1/namespaces/doomed/configmaps', { metadata: { name: 'y' } });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ reason: 'Forbidden', code: 403 });
    expect(refused.body.message).toBe('configmaps "y" is forbidden: unable to create new content in namespace doomed because it is being terminated');

    await api.core.patchNamespace({ name: 'doomed', body: [{ op: 'remove', path: '/metadata/finalizers' }] });
    await eventually(async () => (await raw(c, 'GET', '/api/v1/namespaces/doomed')).status === 404, 2000, 'namespace removal');
  });

  it('validates names and labels like a real server (422 Invalid with causes)', async () => {
    const bad = await statusOf(api.core.createNamespacedConfigMap({ namespace: 'crud', body: { metadata: { name: 'Bad_Name' } } }));
    expect(bad.code).toBe(422);
    expect(bad.body.reason).toBe('Invalid');
    expect(bad.body.message).toMatch(/^ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
    expect(bad.body.details.causes[0]).toMatchObject({ field: 'metadata.name', reason: 'FieldValueInvalid' });

    const svc = await statusOf(api.core.createNamespacedService({ namespace: 'crud', body: { metadata: { name: '1svc' }, spec: { ports: [{ port: 80 }] } } }));
    expect(svc.code).toBe(422); // services need a DNS-1035 label
    const label = await statusOf(
      api.core.createNamespacedConfigMap({ namespace: 'crud', body: { metadata: { name: 'l', labels: { app: '{{ .Release.Name }}' } } } }),
    );
    expect(label.code).toBe(422);
    expect(label.body.details.causes[0].field).toBe('metadata.labels');
    // RBAC names are path segments: colons are fine
    const role = await raw(c, 'POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', { metadata: { name: 'system:aggregate-to-view-x' }, rules: [] });
    expect(role.status).toBe(201);
  });

  it('enforces the 256 KiB total annotation size and the 3 MiB request body limit', async () => {
    const big = 'x'.repeat(262_144);
    const tooLong = await statusOf(api.core.createNamespacedConfigMap({ namespace: 'crud', body: { metadata: { name: 'ann', annotations: { a: big } } } }));
    expect(tooLong.code).toBe(422);
    expect(tooLong.body.message).toContain('metadata.annotations: Too long: must have at most 262144 bytes');
    const fits = await api.core.createNamespacedConfigMap({ namespace: 'crud', body: { metadata: { name: 'ann', annotations: { a: big.slice(1) } } } });
    expect(fits.metadata?.name).toBe('ann');

    const huge = await raw(c, 'POST', '/api/v1/namespaces/crud/configmaps', { metadata: { name: 'huge' }, data: { d: 'y'.repeat(3.2 * 1024 * 1024) } });
    expect(huge.status).toBe(413);
    expect(huge.body.reason).toBe('RequestEntityTooLarge');
    const stored = await raw(c, 'POST', '/api/v1/namespaces/crud/configmaps', { metadata: { name: 'huge' }, data: { d: 'y'.repeat(2 * 1024 * 1024) } });
    expect(stored.status).toBe(413); // fits the request limit, not etcd's 1.5 MiB object limit
    expect(stored.body.message).toContain('request is too large');
  });

  it('filters lists by label selectors (=, !=, in, notin, exists, !exists) and field selectors', async () => {
    await api.core.createNamespace({ body: { metadata: { name: 'sel' } } });
    const labels: Record<string, Record<string, string>> = {
      a: { tier: 'web', env: 'prod' },
      b: { tier: 'db', env: 'prod' },
      c: { tier: 'web', env: 'dev', canary: 'true' },
      d: {},
    };
    for (const [name, l] of Object.entries(labels)) await api.core.createNamespacedConfigMap({ namespace: 'sel', body: { metadata: { name, labels: l } } });
    const names = async (labelSelector?: string, fieldSelector?: string) =>
      (await api.core.listNamespacedConfigMap({ namespace: 'sel', labelSelector, fieldSelector })).items.map((i) => i.metadata?.name);
    expect(await names('tier=web')).toEqual(['a', 'c']);
    expect(await names('tier==web,env=prod')).toEqual(['a']);
    expect(await names('tier!=web')).toEqual(['b', 'd']);
    expect(await names('env in (dev, staging)')).toEqual(['c']);
    expect(await names('env notin (prod)')).toEqual(['c', 'd']);
    expect(await names('canary')).toEqual(['c']);
    expect(await names('!canary,tier')).toEqual(['a', 'b']);
    expect(await names(undefined, 'metadata.name=b')).toEqual(['b']);
    expect(await names(undefined, 'metadata.name!=b')).toEqual(['a', 'c', 'd']);
    const all = await api.core.listConfigMapForAllNamespaces({ fieldSelector: 'metadata.namespace=sel' });
    expect(all.items).toHaveLength(4);
    const unsupported = await raw(c, 'GET', '/api/v1/namespaces/sel/configmaps?fieldSelector=data.x%3D1');
    expect(unsupported.status).toBe(400);
    expect(unsupported.body.message).toContain('field label not supported: data.x');
  });

  it('pages lists with limit and continue', async () => {
    await api.core.createNamespace({ body: { metadata: { name: 'paged' } } });
    for (let i = 0; i < 25; i++)
      c.objects.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${String(i).padStart(2, '0')}`, namespace: 'paged' } });
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await api.core.listNamespacedConfigMap({ namespace: 'paged', limit: 10, _continue: token });
      seen.push(...page.items.map((i) => i.metadata!.name!));
      if (pages === 0) expect(page.metadata?.remainingItemCount).toBe(15);
      token = page.metadata?._continue;
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `cm-${String(i).padStart(2, '0')}`));
    expect((await raw(c, 'GET', '/api/v1/namespaces/paged/configmaps?limit=5&continue=garbage')).status).toBe(400);
  });

  it('deletes dependents through ownerReferences unless orphaned', async () => {
    const owner = await api.core.createNamespacedConfigMap({ namespace: 'crud', body: { metadata: { name: 'owner' } } });
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata!.uid! };
    await api.core.createNamespacedConfigMap({ namespace: 'crud', body: { metadata: { name: 'child', ownerReferences: [ref] } } });
    await api.core.deleteNamespacedConfigMap({ name: 'owner', namespace: 'crud' });
    await eventually(() => !c.objects.get('v1', 'ConfigMap', 'crud', 'child'), 2000, 'garbage collection');

    const owner2 = await api.core.createNamespacedConfigMap({ namespace: 'crud', body: { metadata: { name: 'owner2' } } });
    await api.core.createNamespacedConfigMap({
      namespace: 'crud',
      body: { metadata: { name: 'child2', ownerReferences: [{ ...ref, name: 'owner2', uid: owner2.metadata!.uid! }] } },
    });
    await api.core.deleteNamespacedConfigMap({ name: 'owner2', namespace: 'crud', propagationPolicy: 'Orphan' });
    await eventually(() => c.objects.get('v1', 'ConfigMap', 'crud', 'child2')?.metadata.ownerReferences?.length === 0, 2000, 'orphaning');
  });

  it('keeps an object with finalizers until the last finalizer is removed', async () => {
    await api.core.createNamespacedConfigMap({ namespace: 'crud', body: { metadata: { name: 'held', finalizers: ['example.com/hold'] } } });
    const deleting = await raw(c, 'DELETE', '/api/v1/namespaces/crud/configmaps/held');
    expect(deleting.status).toBe(200);
    const held = await api.core.readNamespacedConfigMap({ name: 'held', namespace: 'crud' });
    expect(held.metadata?.deletionTimestamp).toBeDefined();
    await api.core.patchNamespacedConfigMap({ name: 'held', namespace: 'crud', body: [{ op: 'remove', path: '/metadata/finalizers' }] });
    expect((await raw(c, 'GET', '/api/v1/namespaces/crud/configmaps/held')).status).toBe(404);
  });

  it('counts requests and bytes received per cluster', async () => {
    c.resetStats();
    await api.core.listNamespacedConfigMap({ namespace: 'crud' });
    await api.core.createNamespacedConfigMap({ namespace: 'crud', body: { metadata: { name: 'counted' }, data: { payload: 'z'.repeat(10_000) } } });
    expect(c.stats.requests).toBe(2);
    expect(c.stats.byVerb).toMatchObject({ list: 1, create: 1 });
    expect(c.stats.bytesReceived).toBeGreaterThan(10_000);
    expect(c.stats.bytesSent).toBeGreaterThan(10_000);
  });

  it('answers metadata only when asked (PartialObjectMetadata, PartialObjectMetadataList), the first media type deciding', async () => {
    await api.core.createNamespacedConfigMap({
      namespace: 'crud',
      body: { metadata: { name: 'meta-1', labels: { set: 'meta' } }, data: { big: 'x'.repeat(50_000) } },
    });
    await api.core.createNamespacedConfigMap({
      namespace: 'crud',
      body: { metadata: { name: 'meta-2', labels: { set: 'meta' } }, data: { big: 'y'.repeat(50_000) } },
    });
    const asList = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';
    const list = await raw(c, 'GET', '/api/v1/namespaces/crud/configmaps?labelSelector=set%3Dmeta', undefined, { accept: asList });
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: expect.any(String) } });
    expect(list.body.items.map((i: any) => [i.kind, i.apiVersion, i.metadata.name])).toEqual([
      ['PartialObjectMetadata', 'meta.k8s.io/v1', 'meta-1'],
      ['PartialObjectMetadata', 'meta.k8s.io/v1', 'meta-2'],
    ]);
    expect(list.body.items[0].metadata).toMatchObject({ labels: { set: 'meta' }, resourceVersion: expect.any(String), managedFields: expect.any(Array) });
    expect(list.body.items[0]).not.toHaveProperty('data');
    expect(list.text.length).toBeLessThan(5_000);

    const one = await raw(c, 'GET', '/api/v1/namespaces/crud/configmaps/meta-1', undefined, {
      accept: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1',
    });
    expect(one.body).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { name: 'meta-1', namespace: 'crud' } });
    expect(one.body).not.toHaveProperty('data');

    // Plain JSON first: the whole objects, as before.
    const plain = await raw(c, 'GET', '/api/v1/namespaces/crud/configmaps?labelSelector=set%3Dmeta', undefined, { accept: `application/json,${asList}` });
    expect(plain.body.kind).toBe('ConfigMapList');
    expect(plain.body.items[0].data.big).toHaveLength(50_000);
  });
});
