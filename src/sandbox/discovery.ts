// Discovery documents (/version, /api, /apis, group and group-version lists), built
// from the live resource registry and cached until the registry changes.
import { apiVersionOf, type ResourceRegistry, type ResourceType } from './resources.ts';

export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

export function versionInfo(kubernetesVersion: string): VersionInfo {
  const m = /^v?(\d+)\.(\d+)/.exec(kubernetesVersion);
  return {
    major: m?.[1] ?? '1',
    minor: m?.[2] ?? '30',
    gitVersion: kubernetesVersion.startsWith('v') ? kubernetesVersion : `v${kubernetesVersion}`,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2024-06-11T00:00:00Z',
    goVersion: 'go1.22.4',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

function resourceEntries(t: ResourceType): object[] {
  const main: Record<string, unknown> = {
    name: t.resource,
    singularName: t.singular,
    namespaced: t.namespaced,
    kind: t.kind,
    verbs: t.verbs,
  };
  if (t.shortNames?.length) main.shortNames = t.shortNames;
  if (t.categories?.length) main.categories = t.categories;
  const out: object[] = [main];
  if (t.status) out.push({ name: `${t.resource}/status`, singularName: '', namespaced: t.namespaced, kind: t.kind, verbs: ['get', 'patch', 'update'] });
  if (t.scale)
    out.push({
      name: `${t.resource}/scale`,
      singularName: '',
      namespaced: t.namespaced,
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
      verbs: ['get', 'patch', 'update'],
    });
  return out;
}

/** Serialised discovery bodies, rebuilt only when CRDs change what is served. */
export class Discovery {
  private revision = -1;
  private cache = new Map<string, string>();

  constructor(
    private readonly registry: ResourceRegistry,
    private readonly serverAddress: () => string,
  ) {}

  /** JSON text for a discovery path, or undefined when the path is not a discovery document. */
  document(path: string): string | undefined {
    if (this.revision !== this.registry.revision) {
      this.cache.clear();
      this.revision = this.registry.revision;
    }
    const hit = this.cache.get(path);
    if (hit !== undefined) return hit;
    const doc = this.build(path);
    if (doc === undefined) return undefined;
    const text = JSON.stringify(doc);
    this.cache.set(path, text);
    return text;
  }

  private build(path: string): object | undefined {
    const parts = path.split('/').filter(Boolean);
    if (parts[0] === 'api') {
      if (parts.length === 1) {
        return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: this.serverAddress() }] };
      }
      if (parts.length === 2 && parts[1] === 'v1') return this.resourceList('', 'v1');
      return undefined;
    }
    if (parts[0] !== 'apis') return undefined;
    const groups = this.registry.groupList().filter((g) => g.group !== '');
    if (parts.length === 1) return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map((g) => this.group(g.group, g.versions)) };
    const g = groups.find((x) => x.group === parts[1]);
    if (!g) return undefined;
    if (parts.length === 2) return { kind: 'APIGroup', apiVersion: 'v1', ...this.group(g.group, g.versions) };
    if (parts.length === 3 && g.versions.includes(parts[2]!)) return this.resourceList(g.group, parts[2]!);
    return undefined;
  }

  private group(name: string, versions: string[]) {
    const entries = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
    return { name, versions: entries, preferredVersion: entries[0] };
  }

  private resourceList(group: string, version: string) {
    return {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: apiVersionOf({ group, version }),
      resources: this.registry.resourcesOf(group, version).flatMap(resourceEntries),
    };
  }
}
