// Structural pruning as the API server does it on every write and on every read from
// etcd: fields a structural schema does not declare are dropped, except below
// `x-kubernetes-preserve-unknown-fields`. At the resource root and in embedded resources
// apiVersion and kind are kept, and metadata keeps only ObjectMeta's own fields.
//
// Copy-on-write: the input is never mutated and, when nothing is pruned, the very same
// object comes back (no cloning on the hot path).

import { compile, type CompiledNode } from './compile.ts';
import { index, key, objectPath, prop, schemaPath, type PathNode } from './paths.ts';
import type { JSONSchemaProps } from './types.ts';
import { isPlainObject } from '../../domain/json.ts';

export interface PruneResult {
  pruned: unknown;
  /** Object paths of the dropped fields: `.spec.foo`, `.spec.items[2].bar`. */
  removedPaths: string[];
}

export interface RemovedField {
  path: string;
  /** The schema path of the dropped field (`.spec.items[*].bar`), to match schema findings. */
  schemaPath: string;
}

/** ObjectMeta's JSON fields: what survives in `metadata` (kube ≥ 1.25 has no clusterName). */
const OBJECT_META_FIELDS = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);

export interface PruneOptions {
  /** Treat the value as a whole resource (keep apiVersion/kind/metadata). Default true. */
  isResourceRoot?: boolean;
}

export function pruneObject(schema: JSONSchemaProps, obj: unknown, options: PruneOptions = {}): PruneResult {
  const { pruned, removed } = pruneObjectDetailed(schema, obj, options);
  return { pruned, removedPaths: removed.map((r) => r.path) };
}

export function pruneObjectDetailed(schema: JSONSchemaProps, obj: unknown, options: PruneOptions = {}): { pruned: unknown; removed: RemovedField[] } {
  const out: PathNode[] = [];
  const root = compile(schema);
  const resourceRoot = options.isResourceRoot !== false && isPlainObject(obj);
  const pruned = !resourceRoot
    ? pruneValue(root, obj, undefined, out)
    : root.preserveUnknown
      ? pruneDeclaredOnly(root, obj, undefined, out, true)
      : pruneFields(root, obj as Record<string, unknown>, undefined, out, true);
  return { pruned, removed: out.map((p) => ({ path: objectPath(p), schemaPath: schemaPath(p) })) };
}

function pruneValue(n: CompiledNode | undefined, v: unknown, p: PathNode | undefined, out: PathNode[]): unknown {
  if (n?.preserveUnknown) return pruneDeclaredOnly(n, v, p, out);
  if (Array.isArray(v)) return pruneArray(n?.items, v, p, out, pruneValue);
  if (isPlainObject(v)) return pruneFields(n, v, p, out, n?.embedded === true);
  return v;
}

function pruneArray(items: CompiledNode | undefined, v: unknown[], p: PathNode | undefined, out: PathNode[], each: typeof pruneValue): unknown[] {
  let copy: unknown[] | undefined;
  for (let i = 0; i < v.length; i++) {
    const next = each(items, v[i], index(p, i), out);
    if (next !== v[i]) (copy ??= v.slice())[i] = next;
  }
  return copy ?? v;
}

/** Where the schema does not keep unknown fields: undeclared fields go. */
function pruneFields(
  n: CompiledNode | undefined,
  v: Record<string, unknown>,
  p: PathNode | undefined,
  out: PathNode[],
  resourceRoot: boolean,
): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const k in v) {
    const val = v[k];
    let next: unknown;
    if (resourceRoot && (k === 'apiVersion' || k === 'kind') && typeof val === 'string') continue;
    if (resourceRoot && k === 'metadata') {
      next = pruneMetadata(val, prop(p, k), out);
    } else {
      const child = n?.properties?.get(k);
      if (child) next = pruneValue(child, val, prop(p, k), out);
      else if (n && typeof n.additional === 'object') next = pruneValue(n.additional, val, key(p, k), out);
      else if (n?.additional === true) next = val;
      else {
        out.push(prop(p, k));
        copy ??= { ...v };
        delete copy[k];
        continue;
      }
    }
    if (next !== val) (copy ??= { ...v })[k] = next;
  }
  return copy ?? v;
}

/** Below x-kubernetes-preserve-unknown-fields: unknown fields stay, declared ones are still pruned inside. */
function pruneDeclaredOnly(n: CompiledNode | undefined, v: unknown, p: PathNode | undefined, out: PathNode[], resourceRoot = n?.embedded === true): unknown {
  if (!n) return v;
  if (Array.isArray(v)) return pruneArray(n.items, v, p, out, (c, x, q, o) => pruneDeclaredOnly(c, x, q, o));
  if (!isPlainObject(v)) return v;
  let copy: Record<string, unknown> | undefined;
  for (const k in v) {
    const val = v[k];
    let next: unknown = val;
    if (resourceRoot && (k === 'apiVersion' || k === 'kind')) continue;
    if (resourceRoot && k === 'metadata') next = pruneMetadata(val, prop(p, k), out);
    else {
      const child = n.properties?.get(k);
      if (child) next = pruneValue(child, val, prop(p, k), out);
      else if (typeof n.additional === 'object') next = pruneValue(n.additional, val, key(p, k), out);
    }
    if (next !== val) (copy ??= { ...v })[k] = next;
  }
  return copy ?? v;
}

function pruneMetadata(v: unknown, p: PathNode, out: PathNode[]): unknown {
  if (!isPlainObject(v)) return v;
  let copy: Record<string, unknown> | undefined;
  for (const k in v) {
    if (OBJECT_META_FIELDS.has(k)) continue;
    out.push(prop(p, k));
    copy ??= { ...v };
    delete copy[k];
  }
  return copy ?? v;
}
