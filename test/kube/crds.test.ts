// Reading live CRDs and paging their custom resources over real HTTP, and plugging the
// pages into the CRD-safety check of src/crd.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCluster } from '../../src/crd/index.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { crdClusterSource, listCustomResources, readCrds, readVersionOf } from '../../src/kube/crds.ts';
import type { KubeObject } from '../../src/kube/types.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.ts';

const sizeSchema = (type: string) => ({ openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type } } } } } });

function gadgetCrd(sizeType: string): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'gadgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { kind: 'Gadget', plural: 'gadgets', singular: 'gadget', listKind: 'GadgetList' },
      versions: [
        { name: 'v1beta1', served: true, storage: false, schema: sizeSchema(sizeType) },
        { name: 'v1', served: true, storage: true, schema: sizeSchema(sizeType) },
      ],
    },
  };
}

describe('CRDs and their custom resources, in pages', () => {
  let fleet: Sandbox;
  let client: KubeClient;
  const total = 1_200;

  beforeAll(async () => {
    fleet = await startSandbox({ clusters: [{ name: 'crds' }], tls: false });
    const c = fleet.cluster('crds');
    c.objects.put(gadgetCrd('integer'));
    c.objects.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
    for (let i = 0; i < total; i++) {
      c.objects.put({
        apiVersion: 'example.com/v1',
        kind: 'Gadget',
        metadata: { name: `g-${String(i).padStart(4, '0')}`, namespace: i % 2 ? 'team-a' : 'default' },
        spec: { size: i },
      });
    }
    client = await KubeClient.fromKubeconfig('crds', c.kubeconfig);
  });
  afterAll(async () => {
    client?.close();
    await fleet?.stop();
  });

  it('reads live CRDs by name (absent ones left out) or all of them', async () => {
    const named = await readCrds(client, ['gadgets.example.com', 'missing.example.com']);
    expect(named.map((c) => c.metadata.name)).toEqual(['gadgets.example.com']);
    expect(named[0]?.status?.storedVersions).toEqual(['v1']);
    expect((await readCrds(client)).map((c) => c.metadata.name)).toEqual(['gadgets.example.com']);
  });

  it('lists 1,200 custom resources in pages of 500 with continue tokens, in the storage version', async () => {
    const [crd] = await readCrds(client, ['gadgets.example.com']);
    const stats = fleet.cluster('crds').stats;
    const listsBefore = stats.byVerb.list ?? 0;
    const pages: KubeObject[][] = [];
    for await (const page of listCustomResources(client, crd!, { pageSize: 500 })) pages.push(page);
    expect(pages.map((p) => p.length)).toEqual([500, 500, 200]);
    expect((stats.byVerb.list ?? 0) - listsBefore).toBe(3);
    const names = new Set(pages.flat().map((o) => `${o.metadata.namespace}/${o.metadata.name}`));
    expect(names.size).toBe(total);
    expect(pages[0]![0]).toMatchObject({ apiVersion: 'example.com/v1', kind: 'Gadget' });
  });

  it('narrows to a namespace and reads in another served version on request', async () => {
    const [crd] = await readCrds(client, ['gadgets.example.com']);
    let count = 0;
    for await (const page of listCustomResources(client, crd!, { namespace: 'team-a', version: 'v1beta1', pageSize: 400 })) {
      count += page.length;
      expect(page.every((o) => o.metadata.namespace === 'team-a' && o.apiVersion === 'example.com/v1beta1')).toBe(true);
    }
    expect(count).toBe(total / 2);
    expect(() => readVersionOf(crd!, 'v2')).toThrow(/does not serve version v2/);
  });

  it('feeds the CRD-safety check: a type change breaks every existing object, found through the pages', async () => {
    const source = await crdClusterSource(client, ['gadgets.example.com'], { pageSize: 500 });
    const check = await checkCluster([gadgetCrd('string')], source);
    expect(check.errors).toEqual([]);
    expect(check.objectChecks[0]).toMatchObject({ clusterName: 'crds', crdName: 'gadgets.example.com', objectsScanned: total, objectsBroken: total });
  });
});
