// A schema is compiled once into a tree of nodes that hold everything the walkers need
// ready to use (RegExp, enum sets, property maps). The compiled tree is cached per schema
// object, so validating 10,000 objects against one CRD compiles its schema once.

import { formatChecker, type FormatCheck } from './formats.ts';
import type { JSONSchemaProps, ValidationRule } from './types.ts';

export interface CompiledNode {
  readonly schema: JSONSchemaProps;
  readonly type: string | undefined;
  readonly nullable: boolean;
  readonly intOrString: boolean;
  readonly preserveUnknown: boolean;
  readonly embedded: boolean;
  readonly properties: ReadonlyMap<string, CompiledNode> | undefined;
  /** additionalProperties: a schema for map values, `true` (anything), `false` or undefined. */
  readonly additional: CompiledNode | boolean | undefined;
  readonly items: CompiledNode | undefined;
  readonly required: readonly string[];
  /** Scalar enum values for O(1) lookups; `enumValues` keeps the original list. */
  readonly enumScalars: ReadonlySet<unknown> | undefined;
  readonly enumValues: readonly unknown[] | undefined;
  /** Undefined when no pattern; null when the pattern does not compile in JavaScript. */
  readonly pattern: RegExp | null | undefined;
  readonly format: FormatCheck | undefined;
  readonly allOf: readonly CompiledNode[];
  readonly anyOf: readonly CompiledNode[];
  readonly oneOf: readonly CompiledNode[];
  readonly not: CompiledNode | undefined;
  readonly rules: readonly ValidationRule[];
  /** True when this node or a descendant declares a default: defaulting skips the rest. */
  readonly hasDefaults: boolean;
  /** True when this node or a descendant carries CEL rules. */
  readonly hasRules: boolean;
}

const cache = new WeakMap<JSONSchemaProps, CompiledNode>();

export function compile(schema: JSONSchemaProps): CompiledNode {
  const hit = cache.get(schema);
  if (hit) return hit;
  const node = build(schema);
  cache.set(schema, node);
  return node;
}

function build(s: JSONSchemaProps): CompiledNode {
  const properties = s.properties ? new Map(Object.entries(s.properties).map(([k, v]) => [k, compile(v)] as const)) : undefined;
  const additional =
    s.additionalProperties === undefined || typeof s.additionalProperties === 'boolean' ? s.additionalProperties : compile(s.additionalProperties);
  const items = s.items && typeof s.items === 'object' && !Array.isArray(s.items) ? compile(s.items) : undefined;
  const children: CompiledNode[] = [...(properties?.values() ?? [])];
  if (typeof additional === 'object') children.push(additional);
  if (items) children.push(items);
  const rules = s['x-kubernetes-validations'] ?? [];
  const enumValues = Array.isArray(s.enum) ? s.enum : undefined;
  return {
    schema: s,
    type: s.type || undefined,
    nullable: s.nullable === true,
    intOrString: s['x-kubernetes-int-or-string'] === true,
    preserveUnknown: s['x-kubernetes-preserve-unknown-fields'] === true,
    embedded: s['x-kubernetes-embedded-resource'] === true,
    properties,
    additional,
    items,
    required: s.required ?? [],
    enumScalars: enumValues?.every(isScalar) ? new Set(enumValues) : undefined,
    enumValues,
    pattern: s.pattern === undefined ? undefined : compilePattern(s.pattern),
    format: s.format ? formatChecker(s.format) : undefined,
    allOf: (s.allOf ?? []).map(compile),
    anyOf: (s.anyOf ?? []).map(compile),
    oneOf: (s.oneOf ?? []).map(compile),
    not: s.not ? compile(s.not) : undefined,
    rules,
    hasDefaults: s.default !== undefined || children.some((c) => c.hasDefaults),
    hasRules: rules.length > 0 || children.some((c) => c.hasRules),
  };
}

function isScalar(v: unknown): boolean {
  return v === null || typeof v !== 'object';
}

/**
 * The API server compiles patterns with Go's RE2. Most RE2 patterns mean the same in
 * JavaScript with the `u` flag. RE2's inline `(?i)` (prometheus-operator uses it, even
 * inside groups) has no equivalent in Node 20, so a pattern carrying it is matched
 * case-insensitively as a whole: possibly more lenient than the server, never stricter.
 * A pattern JavaScript cannot compile at all yields null: "could not check".
 */
function compilePattern(pattern: string): RegExp | null {
  let source = pattern;
  let flags = 'u';
  if (source.includes('(?i)')) {
    source = source.replaceAll('(?i)', '');
    flags += 'i';
  }
  for (const f of [flags, flags.replace('u', '')]) {
    try {
      return new RegExp(source, f);
    } catch {
      // try the next, more lenient flag set
    }
  }
  return null;
}
