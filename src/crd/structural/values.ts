// Small helpers over JSON values as they come out of YAML or JSON parsers.

import { canonicalJson } from '../../domain/json.ts';

/** The JSON type name the API server uses in messages: integer for whole numbers. */
export function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'number':
      return Number.isInteger(v) ? 'integer' : 'number';
    case 'object':
      return 'object';
    default:
      return typeof v;
  }
}

/** A value as messages show it: strings quoted, long values cut. */
export function describeValue(v: unknown, max = 120): string {
  const s = canonicalJson(v);
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}
