// Field sets of server-side apply: the set of paths an object (or an applied
// configuration) sets, with associative list items addressed by key (`k:{"name":"x"}`),
// set members by value (`v:"x"`) and atomic lists/scalars as leaves. Encoded in
// managedFields as FieldsV1 trees.
import type { ListTypeResolver } from './listkeys.ts';

/** A path is its elements joined by SEP; elements are `f:name`, `k:{…}`, `v:…` or `i:n`. */
export type FieldSet = Set<string>;

const SEP = '\u0001';

const joinPath = (elements: string[]): string => elements.join(SEP);
const splitPath = (path: string): string[] => (path === '' ? [] : path.split(SEP));

/** Fields never tracked in managedFields: identity and server-owned metadata. */
const IGNORED_METADATA = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
]);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Which top-level part of an object a field set covers: the main resource skips status when status is a subresource. */
export type Scope = 'all' | 'main' | 'status';

/** The key element of an item of a keyed list, or undefined when a key field is missing. */
function keyElement(item: unknown, keys: string[]): string | undefined {
  if (!isObj(item)) return undefined;
  const picked: Obj = {};
  for (const k of [...keys].sort()) {
    if (item[k] === undefined) return undefined;
    picked[k] = item[k];
  }
  return `k:${JSON.stringify(picked)}`;
}

/** Every leaf and list-item path of `obj`. */
export function fieldsOf(obj: Obj, listTypes: ListTypeResolver, scope: Scope = 'all'): FieldSet {
  const out: FieldSet = new Set();
  const walk = (value: unknown, path: string[], names: string[]): void => {
    if (isObj(value)) {
      const entries = Object.entries(value);
      if (entries.length === 0 && path.length > 0) out.add(joinPath(path));
      for (const [k, v] of entries) walk(v, [...path, `f:${k}`], [...names, k]);
      return;
    }
    if (Array.isArray(value)) {
      const listType = listTypes(names);
      if (listType === 'set') {
        for (const item of value) out.add(joinPath([...path, `v:${JSON.stringify(item)}`]));
        if (value.length === 0) out.add(joinPath(path));
        return;
      }
      if (listType) {
        value.forEach((item, i) => {
          const itemPath = [...path, keyElement(item, listType.keys) ?? `i:${i}`];
          out.add(joinPath(itemPath));
          walk(item, itemPath, names);
        });
        if (value.length === 0) out.add(joinPath(path));
        return;
      }
    }
    out.add(joinPath(path));
  };
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind') continue;
    if (scope === 'main' && k === 'status') continue;
    if (scope === 'status' && k !== 'status') continue;
    if (k === 'metadata' && isObj(v)) {
      for (const [mk, mv] of Object.entries(v)) if (!IGNORED_METADATA.has(mk)) walk(mv, ['f:metadata', `f:${mk}`], ['metadata', mk]);
      continue;
    }
    walk(v, [`f:${k}`], [k]);
  }
  return out;
}

function matchesElement(item: unknown, element: string): boolean {
  if (element.startsWith('k:')) {
    if (!isObj(item)) return false;
    const key = JSON.parse(element.slice(2)) as Obj;
    return Object.entries(key).every(([k, v]) => JSON.stringify(item[k]) === JSON.stringify(v));
  }
  return element.startsWith('v:') && JSON.stringify(item) === element.slice(2);
}

/** The value at a path: `{ found: false }` when any element is missing. */
export function valueAt(obj: unknown, path: string): { found: boolean; value?: unknown } {
  let cur: unknown = obj;
  for (const el of splitPath(path)) {
    if (el.startsWith('f:')) {
      if (!isObj(cur) || !(el.slice(2) in cur)) return { found: false };
      cur = cur[el.slice(2)];
    } else if (el.startsWith('i:')) {
      const i = Number(el.slice(2));
      if (!Array.isArray(cur) || i >= cur.length) return { found: false };
      cur = cur[i];
    } else {
      if (!Array.isArray(cur)) return { found: false };
      const hit = cur.find((item) => matchesElement(item, el));
      if (hit === undefined) return { found: false };
      cur = hit;
    }
  }
  return { found: true, value: cur };
}

/**
 * Removes the field or list item at a path. `obj` itself must be a fresh copy; every
 * container below it on the way is copied before it changes, so subtrees shared with
 * the stored object are never mutated. Missing paths are ignored.
 */
export function removeAt(obj: Obj, path: string): void {
  const elements = splitPath(path);
  let parent: Obj | unknown[] = obj;
  for (let i = 0; i < elements.length; i++) {
    const el = elements[i]!;
    const last = i === elements.length - 1;
    let index: number | string;
    if (el.startsWith('f:')) {
      if (!isObj(parent) || !(el.slice(2) in parent)) return;
      index = el.slice(2);
    } else {
      if (!Array.isArray(parent)) return;
      index = el.startsWith('i:') ? Number(el.slice(2)) : parent.findIndex((item) => matchesElement(item, el));
      if (index < 0 || index >= parent.length) return;
    }
    if (last) {
      if (Array.isArray(parent)) parent.splice(index as number, 1);
      else delete parent[index as string];
      return;
    }
    const child: unknown = Array.isArray(parent) ? parent[index as number] : parent[index as string];
    if (typeof child !== 'object' || child === null) return;
    const copy = Array.isArray(child) ? [...child] : { ...(child as Obj) };
    if (Array.isArray(parent)) parent[index as number] = copy;
    else parent[index as string] = copy;
    parent = copy;
  }
}

/** `.spec.template.spec.containers[name="web"].image`, as conflict messages print paths. */
export function formatPath(path: string): string {
  return splitPath(path)
    .map((el) => {
      if (el.startsWith('f:')) return `.${el.slice(2)}`;
      if (el.startsWith('i:')) return `[${el.slice(2)}]`;
      if (el.startsWith('v:')) return `[=${el.slice(2)}]`;
      const key = JSON.parse(el.slice(2)) as Obj;
      return `[${Object.entries(key)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}]`;
    })
    .join('');
}

export interface FieldsV1 {
  [element: string]: FieldsV1;
}

/** Set → FieldsV1 tree; list items (and maps owned as a whole) carry the "." marker. */
export function toFieldsV1(set: FieldSet): FieldsV1 {
  const root: FieldsV1 = {};
  const members = new Set<FieldsV1>();
  for (const path of [...set].sort()) {
    let node = root;
    for (const el of splitPath(path)) node = node[el] ??= {};
    members.add(node);
  }
  const mark = (node: FieldsV1): void => {
    for (const child of Object.values(node)) {
      if (Object.keys(child).length > 0 && members.has(child)) child['.'] = {};
      mark(child);
    }
  };
  mark(root);
  return root;
}

export function fromFieldsV1(tree: unknown): FieldSet {
  const out: FieldSet = new Set();
  const walk = (node: unknown, path: string[]): void => {
    if (!isObj(node)) return;
    const keys = Object.keys(node);
    if (path.length > 0 && (keys.length === 0 || keys.includes('.'))) out.add(joinPath(path));
    for (const k of keys) if (k !== '.') walk(node[k], [...path, k]);
  };
  walk(tree, []);
  return out;
}
