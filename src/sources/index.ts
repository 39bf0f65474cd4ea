// Manifests for (operator, version, values): manifest URL bundles, Helm repositories,
// robust multi-document YAML, a digest cache, and the fence that says what may be read.

export { displayUrl, FenceError, FetchError, HelmError, ManifestParseError, SourceError } from './errors.ts';
export { DEFAULT_FETCH_OPTIONS, readUrl, type FetchOptions, type FetchTuning } from './fetch.ts';
export { SourceFence, type CheckUrlOptions, type HostLookup, type ResolvedAddress, type SourceFenceOptions, type SourceFenceSettings } from './fence.ts';
export { DEFAULT_MAX_REDIRECTS, type FencedRequestOptions, type FencedResponse } from './http.ts';
export { expandManifestUrl, fetchManifestBundle, manifestUrlTemplateProblem } from './manifest-url.ts';
export {
  chartVersionsFromIndex,
  helmTemplate,
  helmTemplateArgs,
  indexUrlOf,
  listChartVersions,
  type ChartVersion,
  type HelmTemplateOptions,
  type ListChartVersionsOptions,
} from './helm-repo.ts';
export {
  MemoryManifestCache,
  renderDigest,
  renderManifests,
  sourceIdentityOf,
  type CacheEntry,
  type ManifestCache,
  type OperatorSource,
  type RenderOptions,
  type RenderResult,
  type SourceIdentity,
} from './render.ts';
export {
  DEFAULT_MANIFEST_LIMITS,
  describeSourcePosition,
  MANIFEST_SCHEMA,
  parseManifests,
  parseYamlDocument,
  sourcePositionOf,
  toJson,
  toYaml,
  type ManifestLimits,
  type ParseManifestOptions,
  type SourcePosition,
} from './yaml.ts';
