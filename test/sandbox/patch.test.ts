import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox, type SandboxCluster } from '../../src/sandbox/index.ts';
import { clientsFor, deployment, raw, statusOf } from './helpers.ts';

const APPLY = { 'content-type': 'application/apply-patch+yaml' };

describe('sandbox patches and server-side apply', () => {
  let fleet: Sandbox;
  let c: SandboxCluster;
  let api: ReturnType<typeof clientsFor>;
  beforeAll(async () => {
    fleet = await startSandbox({ clusters: [{ name: 'ssa' }], tls: false, podReadyDelayMs: 20 });
    c = fleet.cluster('ssa');
    api = clientsFor(c);
  });
  afterAll(() => fleet?.stop());

  it('applies a new object (201), records the manager and is idempotent on re-apply', async () => {
    const cm: any = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied', namespace: 'default', labels: { a: '1' } }, data: { x: '1', y: '2' } };
    const created = await api.objects.patch(cm, undefined, undefined, 'operator-manager', false, PatchStrategy.ServerSideApply);
    expect(created.metadata?.managedFields).toEqual([
      expect.objectContaining({
        manager: 'operator-manager',
        operation: 'Apply',
        apiVersion: 'v1',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { 'f:x': {}, 'f:y': {} }, 'f:metadata': { 'f:labels': { 'f:a': {} } } },
      }),
    ]);
    const again = await api.objects.patch(cm, undefined, undefined, 'operator-manager', false, PatchStrategy.ServerSideApply);
    expect(again.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);

    const first = await raw(
      c,
      'PATCH',
      '/api/v1/namespaces/default/configmaps/yaml-body?fieldManager=m',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: yaml-body\ndata:\n  k: v\n',
      APPLY,
    );
    expect(first.status).toBe(201);
    expect(first.body.data).toEqual({ k: 'v' });
  });

  it('removes fields a manager stops applying, but keeps fields other managers own', async () => {
    const base = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shrink', namespace: 'default' }, data: { keep: '1', drop: '2', shared: '3' } };
    await api.objects.patch(base, undefined, undefined, 'mgr-a', false, PatchStrategy.ServerSideApply);
    await api.objects.patch({ ...base, data: { shared: '3' } }, undefined, undefined, 'mgr-b', false, PatchStrategy.ServerSideApply);
    const after = await api.objects.patch({ ...base, data: { keep: '1' } }, undefined, undefined, 'mgr-a', false, PatchStrategy.ServerSideApply);
    expect(after.data).toEqual({ keep: '1', shared: '3' });
  });

  it('answers 409 Conflict naming the fields another manager owns, and takes them over with force', async () => {
    const d: any = { ...deployment('owned', { replicas: 2 }), metadata: { name: 'owned', namespace: 'default', labels: { app: 'owned' } } };
    await api.objects.patch(d, undefined, undefined, 'operator-manager', false, PatchStrategy.ServerSideApply);
    const changed: any = { ...d, spec: { ...d.spec, replicas: 5 } };
    const conflict = await statusOf(api.objects.patch(changed, undefined, undefined, 'someone-else', false, PatchStrategy.ServerSideApply));
    expect(conflict.code).toBe(409);
    expect(conflict.body).toMatchObject({ kind: 'Status', reason: 'Conflict', details: { name: 'owned', group: 'apps', kind: 'deployments' } });
    expect(conflict.body.message).toBe('Apply failed with 1 conflict: conflict with "operator-manager" using apps/v1: .spec.replicas');
    expect(conflict.body.details.causes).toEqual([
      { reason: 'FieldManagerConflict', message: 'conflict with "operator-manager" using apps/v1', field: '.spec.replicas' },
    ]);

    // same value: shared ownership, no conflict
    await api.objects.patch(d, undefined, undefined, 'someone-else', false, PatchStrategy.ServerSideApply);

    const forced = await api.objects.patch(changed, undefined, undefined, 'someone-else', true, PatchStrategy.ServerSideApply);
    expect(forced.spec?.replicas).toBe(5);
    const owner = forced.metadata?.managedFields?.find((m: any) => m.manager === 'operator-manager');
    expect(JSON.stringify(owner?.fieldsV1)).not.toContain('f:replicas');
    expect(forced.metadata?.generation).toBe(2);
  });

  it('merges keyed lists (containers by name) when two managers apply', async () => {
    const d = deployment('two-managers');
    await api.objects.patch({ ...d, metadata: { ...d.metadata, namespace: 'default' } }, undefined, undefined, 'a', false, PatchStrategy.ServerSideApply);
    const sidecar = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'two-managers', namespace: 'default' },
      spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'envoy:1' }] } } },
    };
    const merged = await api.objects.patch(sidecar, undefined, undefined, 'b', false, PatchStrategy.ServerSideApply);
    expect(merged.spec.template.spec.containers.map((x: any) => x.name)).toEqual(['main', 'sidecar']);
  });

  it('requires fieldManager for apply and rejects unknown patch content types', async () => {
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'nomgr' } });
    const missing = await raw(c, 'PATCH', '/api/v1/namespaces/default/configmaps/nomgr', body, APPLY);
    expect(missing.status).toBe(400);
    const unknown = await raw(c, 'PATCH', '/api/v1/namespaces/default/configmaps/nomgr', '{}', { 'content-type': 'text/plain' });
    expect(unknown.status).toBe(415);
    expect(unknown.body.reason).toBe('UnsupportedMediaType');
  });

  it('applies merge patches, JSON patches and strategic merge patches', async () => {
    await api.core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'patched', labels: { a: '1', b: '2' } }, data: { x: '1' } } });
    const merged = await api.core.patchNamespacedConfigMap(
      { name: 'patched', namespace: 'default', body: { metadata: { labels: { b: null, c: '3' } }, data: { y: '2' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(merged.metadata?.labels).toEqual({ a: '1', c: '3' });
    expect(merged.data).toEqual({ x: '1', y: '2' });

    const jsonPatched = await api.core.patchNamespacedConfigMap({
      name: 'patched',
      namespace: 'default',
      body: [
        { op: 'replace', path: '/data/x', value: 'one' },
        { op: 'add', path: '/metadata/labels/d~1e', value: '4' },
        { op: 'remove', path: '/data/y' },
      ],
    });
    expect(jsonPatched.data).toEqual({ x: 'one' });
    expect(jsonPatched.metadata?.labels?.['d/e']).toBe('4');
    const failed = await raw(c, 'PATCH', '/api/v1/namespaces/default/configmaps/patched', [{ op: 'test', path: '/data/x', value: 'nope' }], {
      'content-type': 'application/json-patch+json',
    });
    expect(failed.status).toBe(422);

    await api.apps.createNamespacedDeployment({ namespace: 'default', body: deployment('smp') as any });
    const smp = await api.apps.patchNamespacedDeployment(
      {
        name: 'smp',
        namespace: 'default',
        body: {
          spec: {
            template: {
              spec: {
                containers: [
                  { name: 'main', image: 'nginx:1.27' },
                  { name: 'extra', image: 'busybox' },
                ],
              },
            },
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    expect(smp.spec?.template.spec?.containers.map((x) => `${x.name}=${x.image}`)).toEqual(['main=nginx:1.27', 'extra=busybox']);
    expect(smp.metadata?.generation).toBe(2);
  });

  it('bumps generation on spec changes only, and ignores status sent to the main resource', async () => {
    const created = await api.apps.createNamespacedDeployment({ namespace: 'default', body: deployment('gen') as any });
    expect(created.metadata?.generation).toBe(1);
    const labelled = await api.apps.patchNamespacedDeployment(
      { name: 'gen', namespace: 'default', body: { metadata: { labels: { extra: 'x' } }, status: { replicas: 99 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(labelled.metadata?.generation).toBe(1);
    expect(labelled.status?.replicas).not.toBe(99);
    const scaled = await api.apps.patchNamespacedDeployment({ name: 'gen', namespace: 'default', body: [{ op: 'replace', path: '/spec/replicas', value: 3 }] });
    expect(scaled.metadata?.generation).toBe(2);
  });

  it('serves the scale subresource', async () => {
    await api.apps.createNamespacedDeployment({ namespace: 'default', body: deployment('scaled') as any });
    // Read-modify-write, as clients do against any API server: the deployment controller may
    // write the Deployment's status between the read and the replace (409 Conflict: the
    // resourceVersion read is stale), so a conflict means read again and retry.
    let conflicts = 0;
    for (;;) {
      const scale = await api.apps.readNamespacedDeploymentScale({ name: 'scaled', namespace: 'default' });
      expect(scale).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 1 } });
      try {
        await api.apps.replaceNamespacedDeploymentScale({ name: 'scaled', namespace: 'default', body: { ...scale, spec: { replicas: 4 } } });
        break;
      } catch (err) {
        if ((err as { code?: number }).code !== 409 || ++conflicts > 5) throw err;
      }
    }
    expect((await api.apps.readNamespacedDeployment({ name: 'scaled', namespace: 'default' })).spec?.replicas).toBe(4);
  });

  it('honours dryRun=All without storing anything', async () => {
    const dry = await raw(c, 'POST', '/api/v1/namespaces/default/configmaps?dryRun=All', { metadata: { name: 'dry' } });
    expect(dry.status).toBe(201);
    expect(dry.body.metadata.name).toBe('dry');
    expect(c.objects.get('v1', 'ConfigMap', 'default', 'dry')).toBeUndefined();
    const dryApply = await raw(
      c,
      'PATCH',
      '/api/v1/namespaces/default/configmaps/dry2?fieldManager=m&dryRun=All',
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry2' } },
      APPLY,
    );
    expect(dryApply.status).toBe(201);
    expect(c.objects.get('v1', 'ConfigMap', 'default', 'dry2')).toBeUndefined();
  });
});
