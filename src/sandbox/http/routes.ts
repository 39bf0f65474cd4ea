// Parsing resource URLs: /api/v1/..., /apis/<group>/<version>/..., with or without
// /namespaces/<ns>, a name and a subresource (and the legacy /watch/ prefix).

export interface ResourcePath {
  group: string;
  version: string;
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** legacy `/api/v1/watch/...` form */
  watchPrefix: boolean;
}

/** Undefined when the path is not a resource URL (discovery documents and other paths). */
export function parseResourcePath(path: string): ResourcePath | undefined {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1]!;
    version = parts[2]!;
    rest = parts.slice(3);
  } else return undefined;

  let watchPrefix = false;
  if (rest[0] === 'watch') {
    watchPrefix = true;
    rest = rest.slice(1);
  }
  // /namespaces/<ns>/<resource>[/<name>[/<sub>]], except the namespace's own subresources
  if (rest[0] === 'namespaces' && rest.length >= 3 && !(rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize'))) {
    const [, namespace, resource, name, subresource, ...extra] = rest;
    if (extra.length > 0) return undefined;
    return { group, version, resource: resource!, namespace, name, subresource, watchPrefix };
  }
  const [resource, name, subresource, ...extra] = rest;
  if (!resource || extra.length > 0) return undefined;
  return { group, version, resource, name, subresource, watchPrefix };
}
