// Manifests for (operator, version, values): manifest URL bundles, Helm repositories,
// robust multi-document YAML, and a digest cache.

export { displayUrl, FetchError, HelmError, ManifestParseError, SourceError } from './errors.ts';
export { DEFAULT_FETCH_OPTIONS, readUrl, type FetchOptions } from './fetch.ts';
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
  canonicalJson,
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
