// Validation of custom resources against a CRD's structural schema, worded like the API
// server's field errors. This module is the entry point of `src/crd/structural`: pruning,
// defaulting and schema lookup are re-exported from here so callers need one import.
//
// What the API server does before validating (pruning, defaulting) is not done here:
// callers that want the server's full write path run pruneObject → dropNonNullableNulls →
// applyDefaults → validateObject (`admit` in admit.ts does exactly that).

import { compile, type CompiledNode } from './compile.ts';
import { bodyPath, index, key, objectPath, prop, schemaPath, type PathNode } from './paths.ts';
import type { DetailedSchemaIssue, JSONSchemaProps, SchemaIssue, UncheckedRule } from './types.ts';
import { canonicalJson, isPlainObject } from '../../domain/json.ts';
import { jsonType, describeValue } from './values.ts';

export type { JSONSchemaProps, SchemaIssue } from './types.ts';
export { pruneObject } from './prune.ts';
export { applyDefaults } from './defaults.ts';
export { schemaOf, crdVersions, storageVersionOf, crdName, crdKind } from './crd-schema.ts';
export { listValidationRules } from './rules.ts';
export { admit } from './admit.ts';

/** Every way `obj` fails `schema`; an empty list means the API server would accept it. */
export function validateObject(schema: JSONSchemaProps, obj: unknown): SchemaIssue[] {
  return validateObjectDetailed(schema, obj).issues;
}

export interface DetailedValidation {
  issues: DetailedSchemaIssue[];
  /** CEL rules (and patterns JavaScript cannot compile) on values the object has: not checked. */
  unchecked: UncheckedRule[];
}

/** Like validateObject, with schema paths and failed keywords, and the rules left unchecked. */
export function validateObjectDetailed(schema: JSONSchemaProps, obj: unknown): DetailedValidation {
  const ctx: Ctx = { issues: [], unchecked: [] };
  walk(compile(schema), obj, undefined, ctx);
  return ctx;
}

interface Ctx {
  issues: DetailedSchemaIssue[];
  unchecked: UncheckedRule[];
}

function report(ctx: Ctx, p: PathNode | undefined, keyword: string, reason: string): void {
  ctx.issues.push({ path: objectPath(p), schemaPath: schemaPath(p), keyword, reason });
}

function invalid(ctx: Ctx, p: PathNode | undefined, keyword: string, shown: string, message: string): void {
  report(ctx, p, keyword, `Invalid value: ${shown}: ${bodyPath(p)} in body ${message}`);
}

function typeMatches(expected: string, actual: string): boolean {
  return expected === actual || (expected === 'number' && actual === 'integer');
}

function walk(n: CompiledNode, v: unknown, p: PathNode | undefined, ctx: Ctx): void {
  if (v === null) {
    if (n.nullable) return;
    const expected = n.type ?? (n.intOrString ? 'integer-or-string' : undefined);
    if (expected) invalid(ctx, p, 'type', '"null"', `must be of type ${expected}: "null"`);
    return;
  }
  if (v === undefined) return;
  const actual = jsonType(v);
  if (n.type && !typeMatches(n.type, actual)) {
    invalid(ctx, p, 'type', `"${actual}"`, `must be of type ${n.type}: "${actual}"`);
    return;
  }
  if (n.intOrString && !n.type && actual !== 'integer' && actual !== 'string') {
    invalid(ctx, p, 'type', `"${actual}"`, `must be of type integer-or-string: "${actual}"`);
    return;
  }
  if (n.enumValues) checkEnum(n, v, p, ctx);
  if (actual === 'string') checkString(n, v as string, p, ctx);
  else if (actual === 'integer' || actual === 'number') checkNumber(n, v as number, p, ctx);
  else if (actual === 'array') checkArray(n, v as unknown[], p, ctx);
  else if (actual === 'object') checkObject(n, v as Record<string, unknown>, p, ctx);
  if (n.allOf.length || n.anyOf.length || n.oneOf.length || n.not) checkCombinators(n, v, p, ctx);
  for (const r of n.rules) {
    ctx.unchecked.push({ path: objectPath(p), schemaPath: schemaPath(p), rule: r.rule, message: r.message });
  }
}

function checkEnum(n: CompiledNode, v: unknown, p: PathNode | undefined, ctx: Ctx): void {
  const values = n.enumValues!;
  const found = n.enumScalars ? n.enumScalars.has(v) : values.some((e) => canonicalJson(e) === canonicalJson(v));
  if (found) return;
  const supported = values.map((e) => describeValue(e)).join(', ');
  report(ctx, p, 'enum', `Unsupported value: ${describeValue(v)}: supported values: ${supported}`);
}

function checkString(n: CompiledNode, v: string, p: PathNode | undefined, ctx: Ctx): void {
  const s = n.schema;
  if (s.maxLength !== undefined || s.minLength !== undefined) {
    const length = [...v].length; // the API server counts characters (runes), not bytes
    if (s.maxLength !== undefined && length > s.maxLength) {
      report(ctx, p, 'maxLength', `Too long: may not be more than ${s.maxLength} bytes`);
    }
    if (s.minLength !== undefined && length < s.minLength) {
      invalid(ctx, p, 'minLength', describeValue(v), `should be at least ${s.minLength} chars long`);
    }
  }
  if (n.pattern) {
    if (!n.pattern.test(v)) invalid(ctx, p, 'pattern', describeValue(v), `should match '${s.pattern}'`);
  } else if (n.pattern === null) {
    ctx.unchecked.push({
      path: objectPath(p),
      schemaPath: schemaPath(p),
      rule: `pattern '${s.pattern}'`,
      message: 'the pattern is not a JavaScript regular expression',
    });
  }
  if (n.format && !n.format(v)) {
    invalid(ctx, p, 'format', describeValue(v), `must be of type ${s.format}: ${describeValue(v)}`);
  }
}

function checkNumber(n: CompiledNode, v: number, p: PathNode | undefined, ctx: Ctx): void {
  const s = n.schema;
  if (s.maximum !== undefined) {
    if (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum) {
      const words = s.exclusiveMaximum ? 'less than' : 'less than or equal to';
      invalid(ctx, p, 'maximum', String(v), `should be ${words} ${s.maximum}`);
    }
  }
  if (s.minimum !== undefined) {
    if (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum) {
      const words = s.exclusiveMinimum ? 'greater than' : 'greater than or equal to';
      invalid(ctx, p, 'minimum', String(v), `should be ${words} ${s.minimum}`);
    }
  }
  if (s.multipleOf !== undefined && s.multipleOf > 0) {
    const q = v / s.multipleOf;
    if (Math.abs(q - Math.round(q)) > 1e-9) {
      invalid(ctx, p, 'multipleOf', String(v), `should be a multiple of ${s.multipleOf}`);
    }
  }
}

function checkArray(n: CompiledNode, v: unknown[], p: PathNode | undefined, ctx: Ctx): void {
  const s = n.schema;
  if (s.maxItems !== undefined && v.length > s.maxItems) {
    report(ctx, p, 'maxItems', `Too many: ${v.length}: must have at most ${s.maxItems} items`);
  }
  if (s.minItems !== undefined && v.length < s.minItems) {
    invalid(ctx, p, 'minItems', String(v.length), `should have at least ${s.minItems} items`);
  }
  const listType = s['x-kubernetes-list-type'];
  if (s.uniqueItems === true || listType === 'set') {
    checkDuplicates(v, (item) => item, p, listType === 'set' ? 'x-kubernetes-list-type' : 'uniqueItems', ctx);
  } else if (listType === 'map' && s['x-kubernetes-list-map-keys']?.length) {
    const keys = s['x-kubernetes-list-map-keys'];
    const keyOf = (item: unknown) => (isPlainObject(item) ? Object.fromEntries(keys.map((k) => [k, item[k] ?? null])) : item);
    checkDuplicates(v, keyOf, p, 'x-kubernetes-list-map-keys', ctx);
  }
  if (n.items) for (let i = 0; i < v.length; i++) walk(n.items, v[i], index(p, i), ctx);
}

function checkDuplicates(v: unknown[], identity: (item: unknown) => unknown, p: PathNode | undefined, keyword: string, ctx: Ctx): void {
  const seen = new Set<unknown>();
  for (let i = 0; i < v.length; i++) {
    const id = identity(v[i]);
    const k = id !== null && typeof id === 'object' ? canonicalJson(id) : id;
    if (seen.has(k)) report(ctx, index(p, i), keyword, `Duplicate value: ${describeValue(id)}`);
    else seen.add(k);
  }
}

function checkObject(n: CompiledNode, v: Record<string, unknown>, p: PathNode | undefined, ctx: Ctx): void {
  const s = n.schema;
  for (const r of n.required) {
    if (!Object.hasOwn(v, r)) report(ctx, prop(p, r), 'required', 'Required value');
  }
  if (n.embedded) {
    for (const field of ['apiVersion', 'kind']) {
      if (typeof v[field] !== 'string' || v[field] === '') {
        report(ctx, prop(p, field), 'x-kubernetes-embedded-resource', 'Required value: must not be empty');
      }
    }
  }
  if (s.maxProperties !== undefined || s.minProperties !== undefined) {
    const count = Object.keys(v).length;
    if (s.maxProperties !== undefined && count > s.maxProperties) {
      report(ctx, p, 'maxProperties', `Too many: ${count}: must have at most ${s.maxProperties} items`);
    }
    if (s.minProperties !== undefined && count < s.minProperties) {
      invalid(ctx, p, 'minProperties', String(count), `should have at least ${s.minProperties} properties`);
    }
  }
  const props = n.properties;
  const additional = n.additional;
  for (const k in v) {
    const child = props?.get(k);
    if (child) walk(child, v[k], prop(p, k), ctx);
    else if (typeof additional === 'object') walk(additional, v[k], key(p, k), ctx);
    else if (additional === false && !n.preserveUnknown) {
      report(ctx, prop(p, k), 'additionalProperties', `Forbidden: ${bodyPath(prop(p, k))} is a forbidden property`);
    }
  }
}

function passes(n: CompiledNode, v: unknown, p: PathNode | undefined): boolean {
  const sub: Ctx = { issues: [], unchecked: [] };
  walk(n, v, p, sub);
  return sub.issues.length === 0;
}

function checkCombinators(n: CompiledNode, v: unknown, p: PathNode | undefined, ctx: Ctx): void {
  for (const sub of n.allOf) walk(sub, v, p, ctx);
  const shown = isPlainObject(v) || Array.isArray(v) ? `"${jsonType(v)}"` : describeValue(v);
  if (n.anyOf.length && !n.anyOf.some((sub) => passes(sub, v, p))) {
    invalid(ctx, p, 'anyOf', shown, 'must validate at least one schema (anyOf)');
  }
  if (n.oneOf.length && n.oneOf.filter((sub) => passes(sub, v, p)).length !== 1) {
    invalid(ctx, p, 'oneOf', shown, 'must validate one and only one schema (oneOf)');
  }
  if (n.not && passes(n.not, v, p)) invalid(ctx, p, 'not', shown, 'must not validate the schema (not)');
}
