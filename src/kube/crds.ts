// Reading CRDs and their custom resources from a live cluster, for the CRD-safety checks
// (docs/crd-safety.md). Custom resources come in pages (`limit` + `continue`) as an async iterable,
// so a cluster with a hundred thousand objects is checked in bounded memory. The shapes
// match src/crd (ClusterSource, ObjectSource) without importing it: the kube layer stays
// below the checks.

import type { CallOptions, KubeClient } from './client.ts';
import { KubeError } from './errors.ts';
import type { KubeObject } from './types.ts';

const CRD = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' } as const;

export interface ReadCrdsOptions extends CallOptions {
  /** Page size when listing all CRDs. Default 100 (CRDs can be megabytes each). */
  pageSize?: number;
}

/**
 * Live CRDs by name (those that do not exist are left out), or every CRD of the cluster
 * when `names` is omitted.
 */
export async function readCrds(client: KubeClient, names?: readonly string[], options: ReadCrdsOptions = {}): Promise<KubeObject[]> {
  if (names === undefined) return client.listAll(CRD, { ...options, limit: options.pageSize ?? 100 });
  const found = await Promise.all(names.map((name) => client.get({ ...CRD, name }, options)));
  return found.filter((crd): crd is KubeObject => crd !== undefined);
}

export interface ListCustomResourcesOptions extends CallOptions {
  /** Objects per page. Default 500. */
  pageSize?: number;
  /** Served version to read them in. Default: the storage version (as stored, so nothing is converted away). */
  version?: string;
  /** Only this namespace (namespaced CRDs). Default: all namespaces. */
  namespace?: string;
  labelSelector?: string;
}

/** The version objects are read in: the one asked for, else the storage version if served, else the first served. */
export function readVersionOf(crd: KubeObject, wanted?: string): string {
  const versions = (crd.spec?.versions ?? []) as Array<{ name: string; served?: boolean; storage?: boolean }>;
  const served = versions.filter((v) => v.served !== false);
  if (wanted) {
    if (!served.some((v) => v.name === wanted)) throw new Error(`CRD ${crd.metadata.name} does not serve version ${wanted}`);
    return wanted;
  }
  const chosen = served.find((v) => v.storage) ?? served[0];
  if (!chosen) throw new Error(`CRD ${crd.metadata.name} serves no version`);
  return chosen.name;
}

/**
 * The custom resources of a live CRD, page by page. The resource path comes from the CRD
 * itself (group, plural, scope), so no discovery round trip is needed. A continue token
 * that expires mid-listing (410) fails with KubeError GONE, as the listing can no longer
 * be consistent.
 */
export async function* listCustomResources(client: KubeClient, crd: KubeObject, options: ListCustomResourcesOptions = {}): AsyncGenerator<KubeObject[]> {
  const { pageSize = 500, version: wanted, namespace, labelSelector, ...call } = options;
  const group: string = crd.spec?.group;
  const plural: string = crd.spec?.names?.plural;
  const kind: string = crd.spec?.names?.kind;
  if (!group || !plural || !kind) throw new Error(`CRD ${crd.metadata.name} has no group, plural or kind`);
  const version = readVersionOf(crd, wanted);
  const apiVersion = `${group}/${version}`;
  const scope = crd.spec?.scope === 'Cluster' || !namespace ? '' : `/namespaces/${encodeURIComponent(namespace)}`;
  const path = `/apis/${group}/${version}${scope}/${plural}`;
  let continueToken: string | undefined;
  do {
    const query = new URLSearchParams({ limit: String(pageSize) });
    if (continueToken) query.set('continue', continueToken);
    if (labelSelector) query.set('labelSelector', labelSelector);
    let page: { items?: KubeObject[]; metadata?: { continue?: string } };
    try {
      page = (await client.getJson(`${path}?${query}`, call)) as typeof page;
    } catch (err) {
      // The CRD exists but is not served (yet): it has no objects to list.
      if (err instanceof KubeError && err.kind === 'NOT_FOUND' && continueToken === undefined) return;
      throw err;
    }
    const items = (page.items ?? []).map((o) => ({ ...o, apiVersion: o.apiVersion ?? apiVersion, kind: o.kind ?? kind }));
    if (items.length > 0) yield items;
    continueToken = page.metadata?.continue || undefined;
  } while (continueToken);
}

/**
 * What src/crd's checkCluster reads from one cluster: its live CRDs of interest and the
 * custom resources of each, in pages.
 */
export async function crdClusterSource(client: KubeClient, crdNames: readonly string[], options: ListCustomResourcesOptions = {}) {
  const { version: _ignored, ...listOptions } = options;
  const liveCrds = await readCrds(client, crdNames, listOptions);
  return {
    clusterName: client.clusterName,
    liveCrds,
    listObjects: (liveCrd: KubeObject) => listCustomResources(client, liveCrd, listOptions),
  };
}
