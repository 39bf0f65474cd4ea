// Manifests of (operator, version, values), rendered once and kept by digest in
// rendered_manifests: the render cache and the snapshots releases point at.
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { KubeObject } from '../kube/types.ts';
import { renderManifests, type CacheEntry, type ManifestCache, type RenderResult, type SourceFence } from '../sources/index.ts';
import { parseManifestsOffLoop } from '../sources/yaml-pool.ts';

export class DatabaseManifestCache implements ManifestCache {
  constructor(private readonly prisma: PrismaClient) {}

  async get(digest: string): Promise<string | undefined> {
    return (await this.prisma.renderedManifest.findUnique({ where: { digest }, select: { manifests: true } }))?.manifests;
  }

  async put(entry: CacheEntry): Promise<void> {
    await this.prisma.renderedManifest.upsert({
      where: { digest: entry.digest },
      create: { digest: entry.digest, operatorName: entry.operatorName, version: entry.version, manifests: entry.manifests },
      update: {},
    });
  }
}

export interface OperatorRow {
  name: string;
  namespace: string;
  chartRepository: string | null;
  chartName: string | null;
  manifestUrlTemplate: string | null;
  defaultValues: unknown;
}

/** Operator defaults overlaid with the deployment's values (objects merged deeply, the rest replaced). */
export function mergeValues(base: unknown, over: unknown): Record<string, unknown> {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const out: Record<string, unknown> = { ...(isObj(base) ? base : {}) };
  if (!isObj(over)) return out;
  for (const [k, v] of Object.entries(over)) out[k] = isObj(v) && isObj(out[k]) ? mergeValues(out[k], v) : v;
  return out;
}

export interface RendererOptions {
  prisma: PrismaClient;
  /** What manifest URLs and chart repositories may be read (built from Config.sources in app.ts). */
  fence: SourceFence;
  /** Path of a helm binary for chart sources (HELM_BIN); without it charts cannot be rendered. */
  helmBin?: string;
}

/**
 * Renders for a deployment and makes sure the result is stored (releases reference it).
 * Parsed objects are memoised per digest for the life of the renderer, so the clusters of
 * one rollout share one parse of a multi-megabyte bundle.
 */
export class Renderer {
  private readonly prisma: PrismaClient;
  private readonly fence: SourceFence;
  private readonly helmBin?: string;
  private readonly cache: DatabaseManifestCache;
  private readonly parsed = new Map<string, Promise<RenderResult>>();

  constructor(options: RendererOptions) {
    this.prisma = options.prisma;
    this.fence = options.fence;
    this.helmBin = options.helmBin;
    this.cache = new DatabaseManifestCache(options.prisma);
  }

  render(operator: OperatorRow, version: string, values: Record<string, unknown>): Promise<RenderResult> {
    const key = JSON.stringify([operator.name, operator.chartRepository, operator.chartName, operator.manifestUrlTemplate, version, values]);
    let result = this.parsed.get(key);
    if (!result) {
      result = (async () => {
        const r = await renderManifests({
          operator: {
            name: operator.name,
            namespace: operator.namespace,
            chartRepository: operator.chartRepository ?? undefined,
            chartName: operator.chartName ?? undefined,
            manifestUrlTemplate: operator.manifestUrlTemplate ?? undefined,
          },
          version,
          values,
          helmBin: this.helmBin,
          fence: this.fence,
          cache: this.cache,
        });
        // renderManifests writes new renders through the cache; a cache failure is only a
        // warning there, but a release must be able to point at its manifests.
        if (!r.fromCache) await this.cache.put({ digest: r.digest, operatorName: operator.name, version, manifests: r.manifests });
        return r;
      })();
      this.parsed.set(key, result);
      result.catch(() => this.parsed.delete(key));
      if (this.parsed.size > 16) this.parsed.delete(this.parsed.keys().next().value!);
    }
    return result;
  }

  /** The objects of stored manifests (a release snapshot), by digest. */
  async objectsOf(digest: string): Promise<KubeObject[]> {
    const row = await this.prisma.renderedManifest.findUniqueOrThrow({ where: { digest } });
    return parseManifestsOffLoop(row.manifests, { source: `${row.operatorName} ${row.version}` });
  }
}
