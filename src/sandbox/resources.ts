// The resource types a sandbox cluster serves: the built-in table plus one entry per
// served version of every Established CRD. Lookups are map hits, never scans.
import type { KubeObject } from '../kube/types.ts';

interface ScaleSubresource {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface ResourceType {
  group: string;
  version: string;
  /** plural, lower case: the URL segment */
  resource: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs: string[];
  /** has a /status subresource: the main endpoint ignores status changes, /status only takes status */
  status: boolean;
  scale?: ScaleSubresource;
  /** metadata.generation is maintained (bumped on spec changes) */
  generation: boolean;
  /** how metadata.name is validated */
  nameRule: 'subdomain' | 'label' | 'dns1035' | 'path';
  /** set for custom resources: the name of the CRD that serves them */
  crd?: string;
  /** version objects are stored at (custom resources: the CRD's storage version) */
  storageVersion: string;
  /**
   * Custom resources: what reading a stored object yields — pruned and defaulted by the
   * current schema of the version it was stored at, as a real server decodes from etcd.
   */
  readStored?: (stored: KubeObject) => KubeObject;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const _READ_VERBS = ['get', 'list', 'watch'];

type Spec = Partial<ResourceType> & Pick<ResourceType, 'group' | 'version' | 'resource' | 'kind' | 'namespaced'>;

function define(s: Spec): ResourceType {
  return {
    singular: s.kind.toLowerCase(),
    verbs: ALL_VERBS,
    status: false,
    generation: false,
    nameRule: 'subdomain',
    storageVersion: s.version,
    ...s,
  };
}

const REPLICAS_SCALE: ScaleSubresource = {
  specReplicasPath: '.spec.replicas',
  statusReplicasPath: '.status.replicas',
  labelSelectorPath: '.status.selector',
};

/** Built-in resources served by every sandbox cluster. */
const BUILTIN_RESOURCES: ResourceType[] = [
  define({
    group: '',
    version: 'v1',
    resource: 'namespaces',
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
    status: true,
    nameRule: 'label',
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  }),
  define({ group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false, shortNames: ['no'], status: true }),
  define({ group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true, shortNames: ['po'], categories: ['all'], status: true }),
  define({
    group: '',
    version: 'v1',
    resource: 'services',
    kind: 'Service',
    namespaced: true,
    shortNames: ['svc'],
    categories: ['all'],
    status: true,
    nameRule: 'dns1035',
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  }),
  define({ group: '', version: 'v1', resource: 'endpoints', singular: 'endpoints', kind: 'Endpoints', namespaced: true, shortNames: ['ep'] }),
  define({ group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'] }),
  define({ group: '', version: 'v1', resource: 'secrets', kind: 'Secret', namespaced: true }),
  define({ group: '', version: 'v1', resource: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true, shortNames: ['sa'] }),
  define({ group: '', version: 'v1', resource: 'events', kind: 'Event', namespaced: true, shortNames: ['ev'] }),
  define({ group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'roles', kind: 'Role', namespaced: true, nameRule: 'path' }),
  define({ group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'rolebindings', kind: 'RoleBinding', namespaced: true, nameRule: 'path' }),
  define({ group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles', kind: 'ClusterRole', namespaced: false, nameRule: 'path' }),
  define({
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    resource: 'clusterrolebindings',
    kind: 'ClusterRoleBinding',
    namespaced: false,
    nameRule: 'path',
  }),
  define({
    group: 'apps',
    version: 'v1',
    resource: 'deployments',
    kind: 'Deployment',
    namespaced: true,
    shortNames: ['deploy'],
    categories: ['all'],
    status: true,
    scale: REPLICAS_SCALE,
    generation: true,
  }),
  define({
    group: 'apps',
    version: 'v1',
    resource: 'statefulsets',
    kind: 'StatefulSet',
    namespaced: true,
    shortNames: ['sts'],
    categories: ['all'],
    status: true,
    scale: REPLICAS_SCALE,
    generation: true,
  }),
  define({
    group: 'apps',
    version: 'v1',
    resource: 'daemonsets',
    kind: 'DaemonSet',
    namespaced: true,
    shortNames: ['ds'],
    categories: ['all'],
    status: true,
    generation: true,
  }),
  define({
    group: 'apps',
    version: 'v1',
    resource: 'replicasets',
    kind: 'ReplicaSet',
    namespaced: true,
    shortNames: ['rs'],
    categories: ['all'],
    status: true,
    scale: REPLICAS_SCALE,
    generation: true,
  }),
  define({ group: 'apps', version: 'v1', resource: 'controllerrevisions', kind: 'ControllerRevision', namespaced: true }),
  define({ group: 'batch', version: 'v1', resource: 'jobs', kind: 'Job', namespaced: true, categories: ['all'], status: true, generation: true }),
  define({ group: 'coordination.k8s.io', version: 'v1', resource: 'leases', kind: 'Lease', namespaced: true }),
  define({
    group: 'apiextensions.k8s.io',
    version: 'v1',
    resource: 'customresourcedefinitions',
    kind: 'CustomResourceDefinition',
    namespaced: false,
    shortNames: ['crd', 'crds'],
    status: true,
    generation: true,
  }),
  define({
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    resource: 'validatingwebhookconfigurations',
    kind: 'ValidatingWebhookConfiguration',
    namespaced: false,
    generation: true,
  }),
  define({
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    resource: 'mutatingwebhookconfigurations',
    kind: 'MutatingWebhookConfiguration',
    namespaced: false,
    generation: true,
  }),
];

/** Key objects are stored under: group and plural, independent of the version. */
export function storageKeyOf(rt: { group: string; resource: string }): string {
  return `${rt.group}/${rt.resource}`;
}

export function apiVersionOf(rt: { group: string; version: string }): string {
  return rt.group ? `${rt.group}/${rt.version}` : rt.version;
}

export interface GroupVersions {
  group: string;
  /** served versions, most preferred first */
  versions: string[];
}

/**
 * The live table of served types. `revision` changes on every registration so that
 * discovery documents can be cached until the next CRD change.
 */
export class ResourceRegistry {
  private readonly byPath = new Map<string, ResourceType>();
  private readonly byKind = new Map<string, ResourceType>();
  private readonly groups = new Map<string, Set<string>>();
  revision = 0;

  constructor(types: ResourceType[] = BUILTIN_RESOURCES) {
    for (const t of types) this.add(t);
  }

  add(t: ResourceType): void {
    this.byPath.set(`${t.group}/${t.version}/${t.resource}`, t);
    this.byKind.set(`${apiVersionOf(t)}/${t.kind}`, t);
    let versions = this.groups.get(t.group);
    if (!versions) this.groups.set(t.group, (versions = new Set()));
    versions.add(t.version);
    this.revision++;
  }

  /** Drops every version of a custom resource type served for `crdName`. */
  removeCrd(crdName: string): void {
    for (const [key, t] of this.byPath) {
      if (t.crd !== crdName) continue;
      this.byPath.delete(key);
      this.byKind.delete(`${apiVersionOf(t)}/${t.kind}`);
      const versions = this.groups.get(t.group);
      if (versions && ![...this.byPath.values()].some((o) => o.group === t.group && o.version === t.version)) {
        versions.delete(t.version);
        if (versions.size === 0) this.groups.delete(t.group);
      }
    }
    this.revision++;
  }

  lookup(group: string, version: string, resource: string): ResourceType | undefined {
    return this.byPath.get(`${group}/${version}/${resource}`);
  }

  byApiVersionKind(apiVersion: string, kind: string): ResourceType | undefined {
    return this.byKind.get(`${apiVersion}/${kind}`);
  }

  hasGroupVersion(group: string, version: string): boolean {
    return this.groups.get(group)?.has(version) ?? false;
  }

  /** Types of one group version, in table order. */
  resourcesOf(group: string, version: string): ResourceType[] {
    return [...this.byPath.values()].filter((t) => t.group === group && t.version === version);
  }

  /** Every served group (core "" first) with its versions by Kubernetes version priority. */
  groupList(): GroupVersions[] {
    return [...this.groups].map(([group, versions]) => ({ group, versions: [...versions].sort(compareKubeVersions) }));
  }
}

const KUBE_VERSION = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

/**
 * Kubernetes version priority: GA before beta before alpha, higher numbers first,
 * anything that is not a Kubernetes-like version last and alphabetically.
 */
export function compareKubeVersions(a: string, b: string): number {
  const ma = KUBE_VERSION.exec(a);
  const mb = KUBE_VERSION.exec(b);
  if (!ma || !mb) return ma ? -1 : mb ? 1 : a.localeCompare(b);
  const rank = (m: RegExpExecArray) => (m[2] === undefined ? 2 : m[2] === 'beta' ? 1 : 0);
  if (rank(ma) !== rank(mb)) return rank(mb) - rank(ma);
  if (ma[1] !== mb[1]) return Number(mb[1]) - Number(ma[1]);
  return Number(mb[3] ?? 0) - Number(ma[3] ?? 0);
}
