// Structural defaulting as the API server applies it (on writes and on reads from etcd):
// a property's default fills it in when the property is absent — or null where null is
// not allowed — and only where its parent object exists. Defaults are themselves
// defaulted further down. Copy-on-write: the input is never mutated, and the same value
// comes back when no default applies.

import { compile, type CompiledNode } from './compile.ts';
import type { JSONSchemaProps } from './types.ts';
import { isPlainObject } from '../../domain/json.ts';

export function applyDefaults(schema: JSONSchemaProps, obj: unknown): unknown {
  return fill(compile(schema), obj);
}

function needsDefault(n: CompiledNode, v: unknown, present: boolean): boolean {
  return n.schema.default !== undefined && (!present || (v === null && !n.nullable));
}

function fill(n: CompiledNode, v: unknown): unknown {
  if (!n.hasDefaults) return v;
  if (Array.isArray(v)) {
    const items = n.items;
    if (!items) return v;
    let copy: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const item = needsDefault(items, v[i], true) ? structuredClone(items.schema.default) : v[i];
      const next = fill(items, item);
      if (next !== v[i]) (copy ??= v.slice())[i] = next;
    }
    return copy ?? v;
  }
  if (!isPlainObject(v)) return v;
  let copy: Record<string, unknown> | undefined;
  if (n.properties) {
    for (const [k, child] of n.properties) {
      if (needsDefault(child, v[k], Object.hasOwn(v, k))) {
        (copy ??= { ...v })[k] = structuredClone(child.schema.default);
      }
    }
  }
  const source = copy ?? v;
  const additional = typeof n.additional === 'object' ? n.additional : undefined;
  for (const k of Object.keys(source)) {
    const child = n.properties?.get(k) ?? additional;
    if (!child) continue;
    const current = source[k];
    const filled = child === additional && needsDefault(child, current, true) ? structuredClone(child.schema.default) : current;
    const next = fill(child, filled);
    if (next !== current) (copy ??= { ...v })[k] = next;
  }
  return copy ?? v;
}

/**
 * Before defaulting, the API server drops `null` from fields that are not nullable and have
 * no default (a null there means "unset"; with a default, defaulting replaces it). Nulls as
 * array items stay and fail validation. Copy-on-write like the rest.
 */
export function dropNonNullableNulls(schema: JSONSchemaProps, obj: unknown): unknown {
  return dropNulls(compile(schema), obj);
}

function dropNulls(n: CompiledNode | undefined, v: unknown): unknown {
  if (!n || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const next = dropNulls(n.items, v[i]);
      if (next !== v[i]) (copy ??= v.slice())[i] = next;
    }
    return copy ?? v;
  }
  const obj = v as Record<string, unknown>;
  const additional = typeof n.additional === 'object' ? n.additional : undefined;
  let copy: Record<string, unknown> | undefined;
  for (const k in obj) {
    const child = n.properties?.get(k) ?? additional;
    if (!child) continue;
    const val = obj[k];
    if (val === null && !child.nullable && child.schema.default === undefined) {
      copy ??= { ...obj };
      delete copy[k];
      continue;
    }
    const next = dropNulls(child, val);
    if (next !== val) (copy ??= { ...obj })[k] = next;
  }
  return copy ?? obj;
}
