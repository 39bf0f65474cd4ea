// Server-side apply and managedFields bookkeeping. An Apply merges the applied
// configuration into the live object, removes fields this manager applied before and
// no longer applies (unless someone else owns them), and refuses with 409 Conflict when
// another manager owns a field the configuration would change — unless forced.
import type { KubeObject } from '../kube/types.ts';
import { StatusError, type StatusCause } from './errors.ts';
import { fieldsOf, formatPath, fromFieldsV1, removeAt, toFieldsV1, valueAt, type FieldSet, type FieldsV1, type Scope } from './fieldset.ts';
import type { ListTypeResolver } from './listkeys.ts';
import { deepEqual } from '../domain/json.ts';

interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: FieldsV1;
  subresource?: string;
}

interface Manager {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  subresource?: string;
  set: FieldSet;
}

export const nowTimestamp = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

function readManagers(obj: KubeObject | undefined): Manager[] {
  const entries = (obj?.metadata.managedFields ?? []) as ManagedFieldsEntry[];
  return entries.map((e) => ({
    manager: e.manager,
    operation: e.operation,
    apiVersion: e.apiVersion,
    time: e.time,
    ...(e.subresource ? { subresource: e.subresource } : {}),
    set: fromFieldsV1(e.fieldsV1),
  }));
}

function writeManagers(managers: Manager[]): ManagedFieldsEntry[] {
  return managers
    .filter((m) => m.set.size > 0)
    .map((m) => ({
      manager: m.manager,
      operation: m.operation,
      apiVersion: m.apiVersion,
      time: m.time,
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(m.set),
      ...(m.subresource ? { subresource: m.subresource } : {}),
    }));
}

function sameManager(m: Manager, name: string, operation: string, subresource: string | undefined): boolean {
  return m.manager === name && m.operation === operation && (m.subresource ?? '') === (subresource ?? '');
}

function managerFor(managers: Manager[], name: string, operation: 'Apply' | 'Update', apiVersion: string, subresource?: string): Manager {
  let m = managers.find((x) => sameManager(x, name, operation, subresource));
  if (!m) {
    m = { manager: name, operation, apiVersion, time: nowTimestamp(), set: new Set(), ...(subresource ? { subresource } : {}) };
    managers.push(m);
  }
  return m;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const same = deepEqual;

/** Deep merge of an applied configuration into a live value, list by list as their types say. */
function mergeApplied(live: unknown, applied: unknown, listTypes: ListTypeResolver, names: string[]): unknown {
  if (isObj(applied)) {
    const out: Record<string, unknown> = isObj(live) ? { ...live } : {};
    for (const [k, v] of Object.entries(applied)) {
      if (v === null) delete out[k];
      else out[k] = mergeApplied(out[k], v, listTypes, [...names, k]);
    }
    return out;
  }
  if (Array.isArray(applied) && Array.isArray(live)) {
    const listType = listTypes(names);
    if (listType === 'set') return [...live, ...applied.filter((a) => !live.some((l) => same(l, a)))];
    if (listType) {
      const keyOf = (item: unknown) => (isObj(item) ? JSON.stringify(listType.keys.map((k) => item[k])) : undefined);
      const out = [...live];
      for (const item of applied) {
        const at = out.findIndex((l) => keyOf(l) !== undefined && keyOf(l) === keyOf(item));
        if (at >= 0) out[at] = mergeApplied(out[at], item, listTypes, names);
        else out.push(item);
      }
      return out;
    }
  }
  return applied;
}

export interface ApplyRequest {
  live: KubeObject | undefined;
  applied: KubeObject;
  manager: string;
  force: boolean;
  /** "status" when applied to the status subresource */
  subresource?: string;
  /** main: the resource has a status subresource, so status is not applied here */
  scope: Scope;
  listTypes: ListTypeResolver;
  /** for conflict messages */
  group: string;
  resource: string;
}

/** The object that results from an apply, with managedFields updated. Throws 409 on conflicts. */
export function serverSideApply(req: ApplyRequest): KubeObject {
  const { live, applied, manager, listTypes, scope } = req;
  const managers = readManagers(live);
  const appliedSet = fieldsOf(applied, listTypes, scope);
  const conflicts = new Map<Manager, string[]>();
  for (const path of appliedSet) {
    // Only values conflict: list items and (empty) maps are ownership markers, not values.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: \u0001 separates the segments of a field path (fieldset.ts)
    if (/\u0001[kvi]:[^\u0001]*$|^[kvi]:/.test(path)) continue;
    const want = valueAt(applied, path).value;
    if (want !== null && typeof want === 'object' && !Array.isArray(want)) continue;
    const have = valueAt(live, path);
    if (!have.found || same(have.value, want)) continue;
    for (const m of managers) {
      if (sameManager(m, manager, 'Apply', req.subresource) || !m.set.has(path)) continue;
      conflicts.set(m, [...(conflicts.get(m) ?? []), path]);
    }
  }
  if (conflicts.size > 0 && !req.force) throw conflictError(req, conflicts);
  for (const [m, paths] of conflicts) for (const p of paths) m.set.delete(p);

  // mergeApplied copies what it changes, so the live object can be the base without a deep clone.
  const base: Record<string, unknown> = live ?? { apiVersion: applied.apiVersion, kind: applied.kind, metadata: {} };
  const input: Record<string, unknown> = { ...applied };
  if (scope === 'main') delete input.status;
  if (scope === 'status') for (const k of Object.keys(input)) if (k !== 'status') delete input[k];
  const merged = mergeApplied(base, input, listTypes, []) as KubeObject;

  const mine = managerFor(managers, manager, 'Apply', applied.apiVersion, req.subresource);
  for (const path of mine.set) {
    if (appliedSet.has(path)) continue;
    if (managers.some((m) => m !== mine && [...m.set].some((p) => p === path || p.startsWith(`${path}\u0001`)))) continue;
    removeAt(merged as unknown as Record<string, unknown>, path);
  }
  const setChanged = mine.set.size !== appliedSet.size || [...appliedSet].some((p) => !mine.set.has(p));
  mine.set = appliedSet;
  mine.apiVersion = applied.apiVersion;
  if (setChanged || conflicts.size > 0) mine.time = nowTimestamp();
  merged.metadata.managedFields = writeManagers(managers);
  return merged;
}

function conflictError(req: ApplyRequest, conflicts: Map<Manager, string[]>): StatusError {
  const causes: StatusCause[] = [];
  for (const [m, paths] of conflicts) {
    for (const p of paths) causes.push({ reason: 'FieldManagerConflict', message: `conflict with "${m.manager}" using ${m.apiVersion}`, field: formatPath(p) });
  }
  const n = causes.length;
  const message =
    n === 1
      ? `Apply failed with 1 conflict: ${causes[0]!.message}: ${causes[0]!.field}`
      : `Apply failed with ${n} conflicts: ${causes.map((c) => `${c.message}: ${c.field}`).join('\n')}`;
  return new StatusError(409, 'Conflict', message, {
    name: req.applied.metadata.name,
    group: req.group,
    kind: req.resource,
    causes,
  });
}

export interface UpdateTracking {
  manager: string;
  apiVersion: string;
  subresource?: string;
  scope: Scope;
  listTypes: ListTypeResolver;
}

/**
 * managedFields after a non-apply write (create, update, patch): the writer takes the
 * fields it changed away from everyone else; fields that disappeared leave every set.
 */
export function trackUpdate(previous: KubeObject | undefined, next: KubeObject, t: UpdateTracking): void {
  const managers = readManagers(previous);
  const newSet = fieldsOf(next, t.listTypes, t.scope);
  const oldSet = previous ? fieldsOf(previous, t.listTypes, t.scope) : new Set<string>();
  const changed: string[] = [];
  for (const p of newSet) {
    if (!oldSet.has(p) || !same(valueAt(previous, p).value, valueAt(next, p).value)) changed.push(p);
  }
  const removed = [...oldSet].filter((p) => !newSet.has(p));
  if (changed.length === 0 && removed.length === 0) {
    next.metadata.managedFields = previous?.metadata.managedFields ?? next.metadata.managedFields;
    return;
  }
  for (const m of managers) {
    for (const p of removed) m.set.delete(p);
    for (const p of changed) m.set.delete(p);
  }
  if (changed.length > 0) {
    const mine = managerFor(managers, t.manager, 'Update', t.apiVersion, t.subresource);
    for (const p of changed) mine.set.add(p);
    mine.time = nowTimestamp();
    mine.apiVersion = t.apiVersion;
  }
  next.metadata.managedFields = writeManagers(managers);
}
