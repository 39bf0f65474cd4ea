// Field-level comparison of two structural schemas (live → target) of one API version.
// Reports what can make an existing object invalid or lose data; the objects themselves
// are checked in `src/crd/objects`. Paths use the SchemaIssue notation with `[*]` for
// array items and `{*}` for map values.

import { isValidatedFormat } from '../structural/formats.ts';
import type { JSONSchemaProps } from '../structural/types.ts';
import { deepEqual } from '../../domain/json.ts';
import { diffConstraints } from './constraints.ts';
import { findRenames } from './renames.ts';
import { change, where, type FieldChange } from './change.ts';

export type { FieldChange } from './change.ts';
type Emit = (c: FieldChange) => void;

export function diffSchemas(live: JSONSchemaProps, target: JSONSchemaProps): FieldChange[] {
  const out: FieldChange[] = [];
  diffNode(live, target, '', (c) => out.push(c));
  return out;
}

function diffNode(o: JSONSchemaProps, n: JSONSchemaProps, path: string, emit: Emit): void {
  if (!diffType(o, n, path, emit)) return; // children of a retyped field are not comparable
  diffExtensions(o, n, path, emit);
  diffEnum(o, n, path, emit);
  diffConstraints(o, n, path, emit);
  diffPatternAndFormat(o, n, path, emit);
  diffRules(o, n, path, emit);
  diffDefaultsAndCombinators(o, n, path, emit);
  diffRequired(o, n, path, emit);
  diffProperties(o, n, path, emit);
  if (o.items && n.items) diffNode(o.items, n.items, `${path}[*]`, emit);
  diffAdditional(o, n, path, emit);
}

/** Returns false when the type changed so much that comparing children makes no sense. */
function diffType(o: JSONSchemaProps, n: JSONSchemaProps, path: string, emit: Emit): boolean {
  const oIos = o['x-kubernetes-int-or-string'] === true;
  const nIos = n['x-kubernetes-int-or-string'] === true;
  if (oIos && !nIos) {
    emit(
      change(
        path,
        'INT_OR_STRING_REMOVED',
        'WARNING',
        'int-or-string',
        n.type ?? null,
        `${where(path)} no longer accepts both integers and strings${n.type ? `: only ${n.type}` : ''}`,
      ),
    );
    return false;
  }
  if (!oIos && nIos) {
    emit(change(path, 'CONSTRAINT_RELAXED', 'INFO', o.type ?? null, 'int-or-string', `${where(path)} now accepts integers and strings`));
    return false;
  }
  if ((o.type ?? '') === (n.type ?? '')) return true;
  const relaxed = !n.type && n['x-kubernetes-preserve-unknown-fields'] === true;
  emit(
    change(
      path,
      'TYPE_CHANGED',
      relaxed ? 'INFO' : 'WARNING',
      o.type ?? null,
      n.type ?? null,
      `type of ${where(path)} changed from ${o.type ?? 'any'} to ${n.type ?? 'any'}`,
    ),
  );
  return false;
}

function flag(s: JSONSchemaProps, name: 'x-kubernetes-preserve-unknown-fields' | 'x-kubernetes-embedded-resource'): boolean {
  return s[name] === true;
}

function diffExtensions(o: JSONSchemaProps, n: JSONSchemaProps, path: string, emit: Emit): void {
  const pufOld = flag(o, 'x-kubernetes-preserve-unknown-fields');
  const pufNew = flag(n, 'x-kubernetes-preserve-unknown-fields');
  if (pufOld && !pufNew) {
    emit(
      change(
        path,
        'PRESERVE_UNKNOWN_FIELDS_REMOVED',
        'WARNING',
        true,
        null,
        `${where(path)} no longer preserves unknown fields: undeclared fields below it will be pruned`,
      ),
    );
  } else if (!pufOld && pufNew) {
    emit(change(path, 'CONSTRAINT_RELAXED', 'INFO', null, true, `${where(path)} now preserves unknown fields`));
  }
  if (flag(o, 'x-kubernetes-embedded-resource') !== flag(n, 'x-kubernetes-embedded-resource')) {
    emit(
      change(
        path,
        'EMBEDDED_RESOURCE_CHANGED',
        'WARNING',
        flag(o, 'x-kubernetes-embedded-resource'),
        flag(n, 'x-kubernetes-embedded-resource'),
        `${where(path)} changed whether it holds an embedded resource`,
      ),
    );
  }
  const listOld = o['x-kubernetes-list-type'] ?? 'atomic';
  const listNew = n['x-kubernetes-list-type'] ?? 'atomic';
  if (o.type === 'array' && listOld !== listNew) {
    emit(
      change(
        path,
        'LIST_TYPE_CHANGED',
        'WARNING',
        listOld,
        listNew,
        `list type of ${where(path)} changed from ${listOld} to ${listNew}` +
          (listNew === 'set' || listNew === 'map' ? ': duplicate entries become invalid' : ''),
      ),
    );
  } else if (listNew === 'map' && !deepEqual(o['x-kubernetes-list-map-keys'] ?? [], n['x-kubernetes-list-map-keys'] ?? [])) {
    emit(
      change(path, 'LIST_TYPE_CHANGED', 'WARNING', o['x-kubernetes-list-map-keys'], n['x-kubernetes-list-map-keys'], `list map keys of ${where(path)} changed`),
    );
  }
  const mapOld = o['x-kubernetes-map-type'] ?? 'granular';
  const mapNew = n['x-kubernetes-map-type'] ?? 'granular';
  if (o.type === 'object' && mapOld !== mapNew) {
    emit(
      change(
        path,
        'MAP_TYPE_CHANGED',
        'WARNING',
        mapOld,
        mapNew,
        `map type of ${where(path)} changed from ${mapOld} to ${mapNew} (server-side apply ownership changes)`,
      ),
    );
  }
}

function diffEnum(o: JSONSchemaProps, n: JSONSchemaProps, path: string, emit: Emit): void {
  if (!o.enum && !n.enum) return;
  if (!o.enum) {
    emit(change(path, 'CONSTRAINT_TIGHTENED', 'WARNING', null, n.enum, `${where(path)} is now restricted to ${n.enum!.length} allowed value(s)`));
    return;
  }
  if (!n.enum) {
    emit(change(path, 'CONSTRAINT_RELAXED', 'INFO', o.enum, null, `${where(path)} no longer restricts its values`));
    return;
  }
  const has = (list: unknown[], v: unknown) => list.some((x) => deepEqual(x, v));
  for (const v of o.enum) {
    if (!has(n.enum, v)) {
      emit(change(path, 'ENUM_VALUE_REMOVED', 'WARNING', v, null, `value ${JSON.stringify(v)} is no longer allowed in ${where(path)}`));
    }
  }
  for (const v of n.enum) {
    if (!has(o.enum, v)) emit(change(path, 'ENUM_VALUE_ADDED', 'INFO', null, v, `value ${JSON.stringify(v)} is now allowed in ${where(path)}`));
  }
}

function diffPatternAndFormat(o: JSONSchemaProps, n: JSONSchemaProps, path: string, emit: Emit): void {
  if (n.pattern !== undefined && n.pattern !== o.pattern) {
    emit(
      change(
        path,
        'PATTERN_CHANGED',
        'WARNING',
        o.pattern,
        n.pattern,
        o.pattern === undefined ? `${where(path)} must now match '${n.pattern}'` : `pattern of ${where(path)} changed`,
      ),
    );
  } else if (o.pattern !== undefined && n.pattern === undefined) {
    emit(change(path, 'CONSTRAINT_RELAXED', 'INFO', o.pattern, null, `${where(path)} no longer has a pattern`));
  }
  if (n.format !== o.format && isValidatedFormat(n.format)) {
    emit(
      change(path, 'FORMAT_CHANGED', 'WARNING', o.format, n.format, `${where(path)} must now be of format ${n.format}${o.format ? ` (was ${o.format})` : ''}`),
    );
  }
}

function diffRules(o: JSONSchemaProps, n: JSONSchemaProps, path: string, emit: Emit): void {
  const oldRules = new Set((o['x-kubernetes-validations'] ?? []).map((r) => r.rule));
  const newRules = new Set((n['x-kubernetes-validations'] ?? []).map((r) => r.rule));
  for (const r of newRules) {
    if (!oldRules.has(r)) {
      emit(change(path, 'VALIDATION_RULE_ADDED', 'WARNING', null, r, `new CEL rule on ${where(path)}; existing objects cannot be checked against it here`));
    }
  }
  for (const r of oldRules) {
    if (!newRules.has(r)) emit(change(path, 'VALIDATION_RULE_REMOVED', 'INFO', r, null, `CEL rule removed from ${where(path)}`));
  }
}

function diffDefaultsAndCombinators(o: JSONSchemaProps, n: JSONSchemaProps, path: string, emit: Emit): void {
  if (o.default !== undefined && !deepEqual(o.default, n.default)) {
    emit(
      change(
        path,
        'DEFAULT_CHANGED',
        'WARNING',
        o.default,
        n.default,
        n.default === undefined ? `${where(path)} lost its default` : `default of ${where(path)} changed`,
      ),
    );
  } else if (o.default === undefined && n.default !== undefined) {
    emit(change(path, 'DEFAULT_ADDED', 'INFO', null, n.default, `${where(path)} now has a default`));
  }
  for (const k of ['allOf', 'anyOf', 'oneOf', 'not'] as const) {
    if (!deepEqual(o[k] ?? null, n[k] ?? null)) {
      emit(change(path, 'VALUE_VALIDATION_CHANGED', n[k] ? 'WARNING' : 'INFO', o[k], n[k], `${k} of ${where(path)} changed`));
    }
  }
}

function diffRequired(o: JSONSchemaProps, n: JSONSchemaProps, path: string, emit: Emit): void {
  const before = new Set(o.required ?? []);
  for (const r of n.required ?? []) {
    if (before.has(r)) continue;
    const defaulted = n.properties?.[r]?.default !== undefined;
    emit(
      change(
        `${path}.${r}`,
        'FIELD_NEWLY_REQUIRED',
        'WARNING',
        null,
        r,
        `${path}.${r} is now required${defaulted ? ' (it has a default, so objects without it get the default)' : ''}`,
      ),
    );
  }
}

function diffProperties(o: JSONSchemaProps, n: JSONSchemaProps, path: string, emit: Emit): void {
  const oldProps = o.properties ?? {};
  const newProps = n.properties ?? {};
  const removed = Object.keys(oldProps).filter((k) => !(k in newProps));
  const added = Object.keys(newProps).filter((k) => !(k in oldProps));
  const renames = findRenames(oldProps, newProps, removed, added);
  const kept = n['x-kubernetes-preserve-unknown-fields'] === true || typeof n.additionalProperties === 'object';
  for (const k of removed) {
    const to = renames.get(k);
    const hint = to ? `; possibly renamed to ${path}.${to}` : '';
    emit(
      kept
        ? change(`${path}.${k}`, 'FIELD_REMOVED', 'INFO', k, null, `${path}.${k} is no longer declared but ${where(path)} keeps unknown fields${hint}`)
        : change(`${path}.${k}`, 'FIELD_REMOVED', 'WARNING', k, to ?? null, `${path}.${k} was removed: the API server prunes it from every object${hint}`),
    );
  }
  for (const k of added) emit(change(`${path}.${k}`, 'FIELD_ADDED', 'INFO', null, k, `${path}.${k} was added`));
  for (const k of Object.keys(oldProps)) {
    if (k in newProps) diffNode(oldProps[k]!, newProps[k]!, `${path}.${k}`, emit);
  }
}

function diffAdditional(o: JSONSchemaProps, n: JSONSchemaProps, path: string, emit: Emit): void {
  const a = o.additionalProperties;
  const b = n.additionalProperties;
  if (typeof a === 'object' && typeof b === 'object') diffNode(a, b, `${path}{*}`, emit);
  else if (typeof a === 'object' && n['x-kubernetes-preserve-unknown-fields'] !== true) {
    emit(
      change(
        `${path}{*}`,
        'FIELD_REMOVED',
        'WARNING',
        'map entries',
        null,
        `${where(path)} no longer accepts arbitrary keys: entries not declared as properties are pruned`,
      ),
    );
  }
}
