// Manifests for (operator, version, values). The source is the operator's Helm chart when
// a helm binary is configured, else its manifest URL template; either way the source fence
// (fence.ts) decides first whether it may be read.
// Results are cached by a digest of (source identity, version, values), so re-running a
// step (after a crash, on rollback) renders nothing twice.

import { createHash } from 'node:crypto';
import type { KubeObject } from '../kube/types.ts';
import { displayUrl, SourceError } from './errors.ts';
import type { SourceFence } from './fence.ts';
import type { FetchTuning } from './fetch.ts';
import { helmTemplate } from './helm-repo.ts';
import { expandManifestUrl, fetchManifestBundle } from './manifest-url.ts';
import { canonicalJson } from '../domain/json.ts';
import type { ManifestLimits } from './yaml.ts';
import { normaliseManifests, parseManifestsOffLoop } from './yaml-pool.ts';

/** The fields of an operator that say where its manifests come from. */
export interface OperatorSource {
  name: string;
  namespace: string;
  chartRepository?: string | null;
  chartName?: string | null;
  manifestUrlTemplate?: string | null;
}

/** What a rendering depends on besides version and values. */
export type SourceIdentity = { type: 'helm'; repository: string; chart: string; release: string; namespace: string } | { type: 'url'; template: string };

export interface CacheEntry {
  digest: string;
  operatorName: string;
  version: string;
  /** Normalised multi-document YAML. */
  manifests: string;
}

/** Rendered-manifest cache (the service layer backs it with the rendered_manifests table). */
export interface ManifestCache {
  get(digest: string): Promise<string | undefined>;
  put(entry: CacheEntry): Promise<void>;
}

/** An in-memory ManifestCache, for tests and single runs. */
export class MemoryManifestCache implements ManifestCache {
  readonly entries = new Map<string, CacheEntry>();

  async get(digest: string): Promise<string | undefined> {
    return this.entries.get(digest)?.manifests;
  }

  async put(entry: CacheEntry): Promise<void> {
    this.entries.set(entry.digest, entry);
  }
}

export interface RenderOptions {
  operator: OperatorSource;
  /** The version to render, as requested (see manifest-url.ts for "v" handling). */
  version: string;
  /** Helm values; ignored (with a warning) for manifest URL sources. Default {}. */
  values?: Record<string, unknown>;
  /** Path of a helm binary; without it a chart cannot be rendered. */
  helmBin?: string;
  /** Where rendered manifests are kept by digest. Default: no cache. */
  cache?: ManifestCache;
  /** What may be read: the manifest URL (every fetch, redirect and address), or the chart repository URL before helm runs. */
  fence: SourceFence;
  /** How URLs are read (timeouts, size, retries). */
  fetch?: FetchTuning;
  /** Size limits of the manifests. */
  limits?: ManifestLimits;
  /** Kill `helm template` after this long. Default 120 s. */
  helmTimeoutMs?: number;
}

export interface RenderResult {
  /** Normalised multi-document YAML (what is stored for rollback and in the cache). */
  manifests: string;
  objects: KubeObject[];
  /** "sha256:<hex>" over (source identity, version, values). */
  digest: string;
  source: SourceIdentity['type'];
  fromCache: boolean;
  /** Things worth telling the user that did not stop rendering. */
  warnings: string[];
}

/**
 * Which source renders this operator: the chart when repository, chart name and a helm
 * binary are all there; otherwise the manifest URL template. Throws when neither works.
 */
export function sourceIdentityOf(operator: OperatorSource, helmBin?: string): SourceIdentity {
  const hasChart = !!operator.chartRepository && !!operator.chartName;
  if (hasChart && helmBin) {
    return { type: 'helm', repository: operator.chartRepository!, chart: operator.chartName!, release: operator.name, namespace: operator.namespace };
  }
  if (operator.manifestUrlTemplate) return { type: 'url', template: operator.manifestUrlTemplate };
  if (hasChart) {
    throw new SourceError(`operator "${operator.name}" is a Helm chart; rendering it needs a helm binary (set HELM_BIN) or a manifestUrlTemplate`);
  }
  throw new SourceError(`operator "${operator.name}" has no manifest source: give chartRepository and chartName, or manifestUrlTemplate`);
}

/** "sha256:<hex>" of the canonical JSON of (identity, version, values). */
export function renderDigest(identity: SourceIdentity, version: string, values: Record<string, unknown> = {}): string {
  return `sha256:${createHash('sha256').update(canonicalJson({ identity, version, values })).digest('hex')}`;
}

/** Renders (or takes from the cache) the manifests of one operator version. */
export async function renderManifests(options: RenderOptions): Promise<RenderResult> {
  const { operator, version, values = {}, cache } = options;
  const identity = sourceIdentityOf(operator, options.helmBin);
  const digest = renderDigest(identity, version, values);
  const warnings: string[] = [];
  if (identity.type === 'url' && Object.keys(values).length > 0) {
    warnings.push('values are ignored: the operator is installed from a manifest URL, not a Helm chart');
  }
  const limits = { ...options.limits, source: `${operator.name} ${version}` };
  // Checked before the cache too: manifests cached before the fence was configured as it is
  // now are not used when their source would be refused today.
  const sourceUrl = identity.type === 'helm' ? identity.repository : expandManifestUrl(identity.template, version);
  const refused = options.fence.checkUrl(sourceUrl);
  if (refused) {
    const what = identity.type === 'helm' ? `chart repository ${displayUrl(sourceUrl)}` : `manifest URL ${displayUrl(sourceUrl)}`;
    throw new SourceError(`${operator.name} ${version}: ${what} refused: ${refused}`);
  }

  if (cache) {
    try {
      const cached = await cache.get(digest);
      if (cached !== undefined) {
        return { manifests: cached, objects: await parseManifestsOffLoop(cached, limits), digest, source: identity.type, fromCache: true, warnings };
      }
    } catch (err) {
      warnings.push(`rendered-manifest cache not used (${(err as Error).message})`);
    }
  }

  let raw: string;
  if (identity.type === 'helm') {
    // helm fetches the chart itself: only the repository URL (checked above) is fenced.
    raw = await helmTemplate({
      helmBin: options.helmBin!,
      releaseName: identity.release,
      repositoryUrl: identity.repository,
      chartName: identity.chart,
      version,
      namespace: identity.namespace,
      values,
      ...(options.helmTimeoutMs ? { timeoutMs: options.helmTimeoutMs } : {}),
    });
  } else {
    raw = (await fetchManifestBundle(identity.template, version, { ...options.fetch, fence: options.fence })).text;
  }
  const { objects, manifests } = await normaliseManifests(raw, limits);
  if (objects.length === 0) throw new SourceError(`${operator.name} ${version}: the rendered manifests contain no objects`);
  if (cache) {
    try {
      await cache.put({ digest, operatorName: operator.name, version, manifests });
    } catch (err) {
      warnings.push(`rendered manifests not cached (${(err as Error).message})`);
    }
  }
  return { manifests, objects, digest, source: identity.type, fromCache: false, warnings };
}
