// Manifests for (operator, version, values): manifest URL bundles, Helm repositories,
// robust multi-document YAML, a digest cache, and the fence that says what may be read.

export { SourceFence } from './fence.ts';
export { fetchManifestBundle } from './manifest-url.ts';
export { listChartVersions } from './helm-repo.ts';
export {
  renderManifests,
  type CacheEntry,
  type ManifestCache,
  type RenderResult,
} from './render.ts';
export { parseManifests } from './yaml.ts';
