// Which lists are associative (merged item by item under a key) rather than atomic.
// Strategic merge patch and server-side apply both need it: built-in kinds from a
// small table mirroring the Kubernetes type markers, custom resources from the
// x-kubernetes-list-type / x-kubernetes-list-map-keys markers of their schema.

/** `keys` for a map list, `set` for a list of unique scalars, undefined for atomic. */
type ListType = { keys: string[] } | 'set' | undefined;

/** Resolves the list type of the list found at `path` (field names only, no indices). */
export type ListTypeResolver = (path: readonly string[]) => ListType;

const BY_FIELD: Record<string, string[]> = {
  containers: ['name'],
  initContainers: ['name'],
  ephemeralContainers: ['name'],
  env: ['name'],
  volumes: ['name'],
  volumeMounts: ['mountPath'],
  volumeDevices: ['devicePath'],
  imagePullSecrets: ['name'],
  hostAliases: ['ip'],
  conditions: ['type'],
  webhooks: ['name'],
  ownerReferences: ['uid'],
  containerStatuses: ['name'],
  initContainerStatuses: ['name'],
  managedFields: [],
};

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

export const builtinListTypes: ListTypeResolver = (path) => {
  const field = path[path.length - 1];
  if (field === undefined) return undefined;
  if (field === 'finalizers' && path.length === 2 && path[0] === 'metadata') return 'set';
  if (field === 'ports') {
    const inContainer = path.some((p) => CONTAINER_LISTS.has(p));
    return { keys: [inContainer ? 'containerPort' : 'port'] };
  }
  const keys = BY_FIELD[field];
  return keys && keys.length > 0 ? { keys } : undefined;
};

interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: SchemaNode | boolean;
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
}

/** List types of a custom resource from its structural schema; metadata lists fall back to the built-in table. */
export function schemaListTypes(schema: unknown): ListTypeResolver {
  return (path) => {
    if (path[0] === 'metadata') return builtinListTypes(path);
    let node = schema as SchemaNode | undefined;
    for (const field of path) {
      while (node?.type === 'array') node = node.items;
      if (!node) return undefined;
      node = node.properties?.[field] ?? (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined);
    }
    const listType = node?.['x-kubernetes-list-type'];
    if (listType === 'set') return 'set';
    if (listType === 'map' && node?.['x-kubernetes-list-map-keys']?.length) return { keys: node['x-kubernetes-list-map-keys'] };
    return undefined;
  };
}
