import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox, type SandboxCluster } from '../../src/sandbox/index.ts';
import { corpus } from '../helpers/corpus.ts';
import { operatorText } from '../helpers/operators.ts';
import { itSources, type SourceCase } from '../helpers/sources.ts';
import { clientsFor, raw, statusOf } from './helpers.ts';
import { eventually } from '../helpers/eventually.ts';

const widgetsCrd = yaml.load(readFileSync(new URL('../fixtures/sandbox/widgets-crd.yaml', import.meta.url), 'utf8')) as any;
const widget = (name: string, spec: Record<string, unknown>, apiVersion = 'example.com/v1') => ({ apiVersion, kind: 'Widget', metadata: { name }, spec });

interface Bundle extends SourceCase {
  text: () => string;
  size: string;
  crds: number;
  /** The CRDs over 256 KiB as compact JSON. */
  large: string[];
  /** Resources each group version serves once the CRDs are applied (among others). */
  served: Record<string, string[]>;
  /** A kind whose endpoints have a scheme that is an enum of http/https. */
  endpointTarget: { apiVersion: string; kind: string; plural: string };
  /** A kind whose route matchers have a matchType enum with a bare "=" in the YAML. */
  routes: { apiVersion: string; kind: string; plural: string };
}

const bundles: Bundle[] = [
  {
    name: 'prometheus-operator v0.80.0',
    corpus: true,
    text: () => corpus.read('prometheus-operator/v0.80.0/bundle.yaml'),
    size: '4 MB of YAML',
    crds: 10,
    large: [
      'alertmanagerconfigs.monitoring.coreos.com',
      'alertmanagers.monitoring.coreos.com',
      'prometheusagents.monitoring.coreos.com',
      'prometheuses.monitoring.coreos.com',
      'scrapeconfigs.monitoring.coreos.com',
      'thanosrulers.monitoring.coreos.com',
    ],
    served: { 'monitoring.coreos.com/v1': ['prometheuses', 'servicemonitors', 'podmonitors', 'prometheusrules'] },
    endpointTarget: { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', plural: 'servicemonitors' },
    routes: { apiVersion: 'monitoring.coreos.com/v1alpha1', kind: 'AlertmanagerConfig', plural: 'alertmanagerconfigs' },
  },
  {
    name: "the project's telemetry operator v1.1.0",
    corpus: false,
    text: () => operatorText('telemetry', 'v1.1.0'),
    size: 'one CRD over 1 MB of YAML',
    crds: 5,
    large: ['collectors.telemetry.example.com'],
    served: { 'telemetry.example.com/v1': ['collectors', 'relays', 'servicetargets'], 'telemetry.example.com/v1alpha1': ['routeconfigs', 'scrapejobs'] },
    endpointTarget: { apiVersion: 'telemetry.example.com/v1', kind: 'ServiceTarget', plural: 'servicetargets' },
    routes: { apiVersion: 'telemetry.example.com/v1alpha1', kind: 'RouteConfig', plural: 'routeconfigs' },
  },
];

describe('sandbox CRDs and custom resources', () => {
  let fleet: Sandbox;
  let c: SandboxCluster;
  let api: ReturnType<typeof clientsFor>;
  beforeAll(async () => {
    fleet = await startSandbox({ clusters: [{ name: 'crds' }], tls: false });
    c = fleet.cluster('crds');
    api = clientsFor(c);
    // Raw HTTP on purpose: client-node's typed serializer silently drops `enum`, `default`
    // and the x-kubernetes-* markers from CRD schemas written in their wire form.
    const created = await raw(c, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', widgetsCrd);
    expect(created.status).toBe(201);
  });
  afterAll(() => fleet?.stop());

  it('establishes a CRD: accepted names, NamesAccepted and Established conditions, storedVersions', async () => {
    const crd = await api.ext.readCustomResourceDefinition({ name: 'widgets.example.com' });
    const conditions = Object.fromEntries((crd.status?.conditions ?? []).map((x) => [x.type, x.status]));
    expect(conditions).toEqual({ NamesAccepted: 'True', Established: 'True' });
    expect(crd.status?.acceptedNames).toMatchObject({ plural: 'widgets', kind: 'Widget', listKind: 'WidgetList', singular: 'widget', shortNames: ['wd'] });
    expect(crd.status?.storedVersions).toEqual(['v1']);
  });

  it('serves custom resources under every served version, and 404 for a version with served: false', async () => {
    const groups = (await raw(c, 'GET', '/apis')).body.groups;
    expect(groups.find((g: any) => g.name === 'example.com')).toMatchObject({
      versions: [
        { groupVersion: 'example.com/v1', version: 'v1' },
        { groupVersion: 'example.com/v1alpha1', version: 'v1alpha1' },
      ],
      preferredVersion: { version: 'v1' },
    });
    const v1 = (await raw(c, 'GET', '/apis/example.com/v1')).body;
    expect(v1.resources.map((r: any) => r.name)).toEqual(['widgets', 'widgets/status']);
    expect(v1.resources[0]).toMatchObject({ kind: 'Widget', namespaced: true, shortNames: ['wd'] });

    await api.custom.createNamespacedCustomObject({
      group: 'example.com',
      version: 'v1',
      namespace: 'default',
      plural: 'widgets',
      body: widget('w1', { size: 'small' }),
    });
    const asAlpha: any = await api.custom.getNamespacedCustomObject({
      group: 'example.com',
      version: 'v1alpha1',
      namespace: 'default',
      plural: 'widgets',
      name: 'w1',
    });
    expect(asAlpha.apiVersion).toBe('example.com/v1alpha1');
    expect(asAlpha.spec.size).toBe('small');
    expect((await raw(c, 'GET', '/apis/example.com/v1beta1/namespaces/default/widgets/w1')).status).toBe(404);
    expect((await raw(c, 'GET', '/apis/example.com/v1beta1')).status).toBe(404);
  });

  it('prunes unknown fields, applies defaults and keeps x-kubernetes-preserve-unknown-fields subtrees', async () => {
    const created: any = await api.custom.createNamespacedCustomObject({
      group: 'example.com',
      version: 'v1',
      namespace: 'default',
      plural: 'widgets',
      body: { ...widget('pruned', { size: 'medium', colour: 'red', extra: { anything: { goes: 1 } } }), topLevelJunk: true },
    });
    expect(created.spec).toEqual({ size: 'medium', replicas: 1, extra: { anything: { goes: 1 } } });
    expect(created.topLevelJunk).toBeUndefined();
  });

  it('rejects custom resources that violate the schema with 422 Invalid and one cause per field', async () => {
    const bad = await statusOf(
      api.custom.createNamespacedCustomObject({
        group: 'example.com',
        version: 'v1',
        namespace: 'default',
        plural: 'widgets',
        body: widget('bad', { size: 'huge', replicas: -1 }),
      }),
    );
    expect(bad.code).toBe(422);
    expect(bad.body.reason).toBe('Invalid');
    expect(bad.body.message).toMatch(/^Widget.example.com "bad" is invalid: \[/);
    const fields = bad.body.details.causes.map((x: any) => x.field).sort();
    expect(fields).toEqual(['spec.replicas', 'spec.size']);
    const missing = await statusOf(
      api.custom.createNamespacedCustomObject({ group: 'example.com', version: 'v1', namespace: 'default', plural: 'widgets', body: widget('missing', {}) }),
    );
    expect(missing.body.details.causes).toEqual([expect.objectContaining({ field: 'spec.size', reason: 'FieldValueRequired' })]);
    // the v1alpha1 schema is looser: validation follows the requested version, but what is
    // stored is read back through the storage version's schema (no conversion webhook), as
    // a real server does: fields v1 does not declare are lost, v1 defaults appear
    const loose = await api.custom.createNamespacedCustomObject({
      group: 'example.com',
      version: 'v1alpha1',
      namespace: 'default',
      plural: 'widgets',
      body: widget('loose', { anything: true }, 'example.com/v1alpha1'),
    });
    expect((loose as any).spec).toEqual({ replicas: 1 });
  });

  it('validates on update and patch too, and keeps status to the status subresource', async () => {
    await api.custom.createNamespacedCustomObject({
      group: 'example.com',
      version: 'v1',
      namespace: 'default',
      plural: 'widgets',
      body: widget('w2', { size: 'small' }),
    });
    const patch = await raw(
      c,
      'PATCH',
      '/apis/example.com/v1/namespaces/default/widgets/w2',
      { spec: { size: 'gigantic' } },
      { 'content-type': 'application/merge-patch+json' },
    );
    expect(patch.status).toBe(422);
    const ignored = await raw(
      c,
      'PATCH',
      '/apis/example.com/v1/namespaces/default/widgets/w2',
      { status: { conditions: [{ type: 'Ready', status: 'True' }] } },
      { 'content-type': 'application/merge-patch+json' },
    );
    expect(ignored.body.status).toBeUndefined();
    const status = await raw(
      c,
      'PATCH',
      '/apis/example.com/v1/namespaces/default/widgets/w2/status',
      { status: { conditions: [{ type: 'Ready', status: 'True' }] } },
      { 'content-type': 'application/merge-patch+json' },
    );
    expect(status.body.status.conditions[0].status).toBe('True');
    expect(status.body.metadata.generation).toBe(1);

    const table = await raw(c, 'GET', '/apis/example.com/v1/namespaces/default/widgets/w2', undefined, {
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
    });
    expect(table.body.columnDefinitions.map((col: any) => col.name)).toEqual(['Name', 'Size', 'Ready']);
    expect(table.body.rows[0].cells).toEqual(['w2', 'small', 'True']);
  });

  it('adds a new storage version to storedVersions and never drops one by itself', async () => {
    await api.custom.createNamespacedCustomObject({
      group: 'example.com',
      version: 'v1',
      namespace: 'default',
      plural: 'widgets',
      body: widget('stored-as-v1', { size: 'small' }),
    });
    const crd: any = await api.ext.readCustomResourceDefinition({ name: 'widgets.example.com' });
    const v2 = { ...crd.spec.versions.find((v: any) => v.name === 'v1'), name: 'v2', storage: true };
    crd.spec.versions = [...crd.spec.versions.map((v: any) => ({ ...v, storage: false })), v2];
    const updated = (await raw(c, 'PUT', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com', crd)).body;
    expect(updated.status.storedVersions).toEqual(['v1', 'v2']);
    expect(updated.metadata.generation).toBe(2);

    // removing v1 from spec.versions while it is still a stored version is refused
    const withoutV1 = { ...updated, spec: { ...updated.spec, versions: updated.spec.versions.filter((v: any) => v.name !== 'v1') } };
    const refused = await raw(c, 'PUT', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com', withoutV1);
    expect(refused.status).toBe(422);
    expect(refused.body.message).toContain('status.storedVersions[0]: Invalid value: "v1": must appear in spec.versions');

    // once storedVersions is trimmed through the status subresource (a storage migration), it may go
    const trimmed = await raw(
      c,
      'PATCH',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com/status',
      { status: { storedVersions: ['v2'] } },
      { 'content-type': 'application/merge-patch+json' },
    );
    expect(trimmed.body.status.storedVersions).toEqual(['v2']);
    const removed = (
      await raw(c, 'PUT', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com', {
        ...withoutV1,
        metadata: { ...withoutV1.metadata, resourceVersion: undefined },
      })
    ).body;
    expect(removed.spec.versions.map((v: any) => v.name)).toEqual(['v1alpha1', 'v1beta1', 'v2']);
    expect((await raw(c, 'GET', '/apis/example.com/v1/namespaces/default/widgets')).status).toBe(404);
    const stored: any = await api.custom.getNamespacedCustomObject({
      group: 'example.com',
      version: 'v2',
      namespace: 'default',
      plural: 'widgets',
      name: 'stored-as-v1',
    });
    expect(stored.apiVersion).toBe('example.com/v2');
  });

  /** A second CRD of the group example.com, applied server-side with the given spec properties. */
  const applyGadgets = (properties: Record<string, unknown>) =>
    raw(
      c,
      'PATCH',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.example.com?fieldManager=t&force=true',
      {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'gadgets.example.com' },
        spec: {
          group: 'example.com',
          scope: 'Namespaced',
          names: { plural: 'gadgets', kind: 'Gadget' },
          versions: [
            { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties } } } } },
          ],
        },
      },
      { 'content-type': 'application/apply-patch+yaml' },
    );
  /** The storage version of the widgets CRD (v1, or v2 once the storage-version test has run). */
  const widgetStorageVersion = async () => {
    const crd: any = await api.ext.readCustomResourceDefinition({ name: 'widgets.example.com' });
    return crd.spec.versions.find((v: any) => v.storage).name as string;
  };

  it('reads stored custom resources through the current schema: a field the new CRD drops is gone, a new default appears', async () => {
    const apply = applyGadgets;
    expect((await apply({ colour: { type: 'string' }, size: { type: 'string' } })).status).toBe(201);
    await raw(c, 'POST', '/apis/example.com/v1/namespaces/default/gadgets', {
      apiVersion: 'example.com/v1',
      kind: 'Gadget',
      metadata: { name: 'g' },
      spec: { colour: 'red', size: 'xl' },
    });
    expect((await apply({ size: { type: 'string' }, shape: { type: 'string', default: 'round' } })).status).toBe(200);
    const read = await raw(c, 'GET', '/apis/example.com/v1/namespaces/default/gadgets/g');
    expect(read.body.spec).toEqual({ size: 'xl', shape: 'round' });
    const listed = await raw(c, 'GET', '/apis/example.com/v1/namespaces/default/gadgets');
    expect(listed.body.items[0].spec).toEqual({ size: 'xl', shape: 'round' });
  });

  it('lists thousands of custom resources in pages', async () => {
    const version = await widgetStorageVersion();
    await api.core.createNamespace({ body: { metadata: { name: 'many' } } });
    for (let i = 0; i < 10_000; i++)
      c.objects.put({
        ...widget(`w-${String(i).padStart(5, '0')}`, { size: 'large' }, `example.com/${version}`),
        metadata: { name: `w-${String(i).padStart(5, '0')}`, namespace: 'many' },
      });
    let token: string | undefined;
    let count = 0;
    let pages = 0;
    do {
      const page: any = await api.custom.listNamespacedCustomObject({
        group: 'example.com',
        version,
        namespace: 'many',
        plural: 'widgets',
        limit: 500,
        _continue: token,
      });
      count += page.items.length;
      token = page.metadata.continue;
      pages++;
    } while (token);
    expect(count).toBe(10_000);
    expect(pages).toBe(20);
  });

  it('deletes every custom resource with its CRD and stops serving the group', async () => {
    // Widgets to delete, and a second CRD of the group (both there already after the tests above).
    const version = await widgetStorageVersion();
    await raw(c, 'POST', `/apis/example.com/${version}/namespaces/default/widgets`, widget('doomed', { size: 'small' }, `example.com/${version}`));
    expect(c.store.count('example.com/widgets')).toBeGreaterThan(0);
    expect([200, 201]).toContain((await applyGadgets({ size: { type: 'string' } })).status);

    await api.ext.deleteCustomResourceDefinition({ name: 'widgets.example.com' });
    expect((await raw(c, 'GET', '/apis/example.com/v1')).body.resources.map((r: any) => r.name)).toEqual(['gadgets']);
    await api.ext.deleteCustomResourceDefinition({ name: 'gadgets.example.com' });
    expect(c.store.count('example.com/widgets')).toBe(0);
    await eventually(async () => (await raw(c, 'GET', `/apis/example.com/${version}/namespaces/default/widgets`)).status === 404, 2000, 'CR endpoints gone');
    expect((await raw(c, 'GET', '/apis')).body.groups.map((g: any) => g.name)).not.toContain('example.com');
  });

  itSources(
    bundles,
    (b) => `applies the CRDs of ${b.name} (${b.size}) with server-side apply, and validates custom resources against them`,
    async (b) => {
      const crds = (yaml.loadAll(b.text()).filter(Boolean) as any[]).filter((d) => d.kind === 'CustomResourceDefinition');
      expect(crds).toHaveLength(b.crds);
      expect(crds.filter((crd) => JSON.stringify(crd).length > 256 * 1024).map((crd) => crd.metadata.name)).toEqual(b.large);
      for (const crd of crds) {
        const res = await raw(c, 'PATCH', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}?fieldManager=operator-manager`, crd, {
          'content-type': 'application/apply-patch+yaml',
        });
        expect(res.status, res.text.slice(0, 300)).toBe(201);
      }
      for (const [groupVersion, resources] of Object.entries(b.served)) {
        expect(
          (await raw(c, 'GET', `/apis/${groupVersion}`)).body.resources.map((r: any) => r.name),
          groupVersion,
        ).toEqual(expect.arrayContaining(resources));
      }
      const post = (o: { apiVersion: string; kind: string; metadata: { name: string }; spec: unknown }, plural: string) =>
        raw(c, 'POST', `/apis/${o.apiVersion}/namespaces/default/${plural}`, o);
      const target = (scheme: string) => ({
        apiVersion: b.endpointTarget.apiVersion,
        kind: b.endpointTarget.kind,
        metadata: { name: `web-${scheme}` },
        spec: { selector: { matchLabels: { app: 'web' } }, endpoints: [{ port: 'http', scheme }] },
      });
      expect((await post(target('gopher'), b.endpointTarget.plural)).status).toBe(422); // scheme is an enum of http/https
      const https = await post(target('https'), b.endpointTarget.plural);
      expect(https.status, https.text.slice(0, 300)).toBe(201);
      // The bare "=" of the YAML is the enum value "=": a matcher using it is accepted.
      const route = await post(
        {
          apiVersion: b.routes.apiVersion,
          kind: b.routes.kind,
          metadata: { name: 'team' },
          spec: { route: { receiver: 'team', matchers: [{ name: 'team', value: 'a', matchType: '=' }] } },
        },
        b.routes.plural,
      );
      expect(route.status, route.text.slice(0, 300)).toBe(201);
    },
  );
});
