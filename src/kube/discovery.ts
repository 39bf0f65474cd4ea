// API discovery per cluster: which resource (plural) serves a kind of a group/version, and
// whether it is namespaced. Group-version documents (`/api/v1`, `/apis/<group>/<version>`)
// are fetched on first use and cached; a miss is looked up again (a CRD applied a moment
// ago serves new kinds) but not more often than `missTtlMs`, so a kind that truly does
// not exist costs one request per window, not one per object.

import type { KubeObject } from './types.ts';
import { groupOf } from './types.ts';

export interface ResourceInfo {
  group: string;
  version: string;
  kind: string;
  /** The plural resource name used in paths ("deployments"). */
  plural: string;
  namespaced: boolean;
  verbs: string[];
}

interface ApiResourceList {
  groupVersion?: string;
  resources?: Array<{ name: string; kind: string; namespaced: boolean; verbs?: string[] }>;
}

/** Fetches a group-version document; undefined when the server does not serve it (404). */
export type GroupVersionFetcher = (apiVersion: string, signal?: AbortSignal) => Promise<ApiResourceList | undefined>;

export interface DiscoveryOptions {
  /** How long a kind found missing stays missing before it is looked up again. Default 2 s. */
  missTtlMs?: number;
  /** Clock (tests). Default Date.now. */
  now?: () => number;
}

/** "apps/v1" → "/apis/apps/v1"; "v1" → "/api/v1". */
export function groupVersionPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

export class Discovery {
  private readonly byGroupVersion = new Map<string, Map<string, ResourceInfo>>();
  private readonly missedAt = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly missTtlMs: number;
  private readonly now: () => number;
  /** Group-version documents fetched (for tests and stats). */
  fetches = 0;

  constructor(
    private readonly fetchGroupVersion: GroupVersionFetcher,
    options: DiscoveryOptions = {},
  ) {
    this.missTtlMs = options.missTtlMs ?? 2_000;
    this.now = options.now ?? Date.now;
  }

  /** The resource serving `kind` in `apiVersion`, or undefined when the cluster does not serve it. */
  async resourceFor(apiVersion: string, kind: string, signal?: AbortSignal): Promise<ResourceInfo | undefined> {
    const cached = this.byGroupVersion.get(apiVersion)?.get(kind);
    if (cached) return cached;
    const key = `${apiVersion}/${kind}`;
    const missed = this.missedAt.get(key);
    if (missed !== undefined && this.now() - missed < this.missTtlMs) return undefined;
    await this.load(apiVersion, signal);
    const found = this.byGroupVersion.get(apiVersion)?.get(kind);
    if (found) this.missedAt.delete(key);
    else this.missedAt.set(key, this.now());
    return found;
  }

  /**
   * Learns the resources a CustomResourceDefinition serves without asking the server: the
   * executor applies custom resources right after their CRD, before discovery has them.
   */
  learnFromCrd(crd: KubeObject): void {
    const spec = crd.spec ?? {};
    const plural = spec.names?.plural;
    const kind = spec.names?.kind;
    if (typeof plural !== 'string' || typeof kind !== 'string' || typeof spec.group !== 'string') return;
    for (const v of (spec.versions ?? []) as Array<{ name: string; served?: boolean }>) {
      if (v.served === false) continue;
      const apiVersion = `${spec.group}/${v.name}`;
      let kinds = this.byGroupVersion.get(apiVersion);
      if (!kinds) this.byGroupVersion.set(apiVersion, (kinds = new Map()));
      kinds.set(kind, { group: spec.group, version: v.name, kind, plural, namespaced: spec.scope !== 'Cluster', verbs: [] });
      this.missedAt.delete(`${apiVersion}/${kind}`);
    }
  }

  /** Forgets one group-version, or everything. */
  invalidate(apiVersion?: string): void {
    if (apiVersion === undefined) {
      this.byGroupVersion.clear();
      this.missedAt.clear();
    } else {
      this.byGroupVersion.delete(apiVersion);
      for (const key of this.missedAt.keys()) if (key.startsWith(`${apiVersion}/`)) this.missedAt.delete(key);
    }
  }

  private load(apiVersion: string, signal?: AbortSignal): Promise<void> {
    // Concurrent lookups of one group-version share one request.
    let pending = this.inFlight.get(apiVersion);
    if (!pending) {
      pending = (async () => {
        this.fetches++;
        const doc = await this.fetchGroupVersion(apiVersion, signal);
        const kinds = new Map<string, ResourceInfo>();
        const group = groupOf(apiVersion);
        const version = apiVersion.slice(apiVersion.indexOf('/') + 1);
        for (const r of doc?.resources ?? []) {
          if (r.name.includes('/')) continue; // subresources (deployments/status)
          kinds.set(r.kind, { group, version, kind: r.kind, plural: r.name, namespaced: r.namespaced, verbs: r.verbs ?? [] });
        }
        // Keep what was learned from CRDs if the server does not list it yet.
        for (const [kind, info] of this.byGroupVersion.get(apiVersion) ?? []) if (!kinds.has(kind)) kinds.set(kind, info);
        this.byGroupVersion.set(apiVersion, kinds);
      })().finally(() => this.inFlight.delete(apiVersion));
      this.inFlight.set(apiVersion, pending);
    }
    return pending;
  }
}
