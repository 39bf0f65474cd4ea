// The three patch formats of a Kubernetes API server: JSON merge patch (RFC 7386),
// JSON patch (RFC 6902) and strategic merge patch (merge patch that merges keyed lists).
import { StatusError } from './errors.ts';
import type { ListTypeResolver } from './listkeys.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

const patchError = (message: string) => new StatusError(422, 'Invalid', message);

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v) as Json;
  }
  return out;
}

/** Strategic merge patch: keyed lists merge item by item, `$patch: delete` removes an item, other lists are replaced. */
export function strategicMergePatch(target: unknown, patch: unknown, listTypes: ListTypeResolver, path: string[] = []): unknown {
  if (!isObject(patch)) return patch;
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$')) continue; // $setElementOrder, $retainKeys: ordering hints only
    if (v === null) {
      delete out[k];
      continue;
    }
    const childPath = [...path, k];
    const listType = Array.isArray(v) ? listTypes(childPath) : undefined;
    if (Array.isArray(v) && listType && Array.isArray(out[k])) {
      out[k] = listType === 'set' ? [...new Set([...(out[k] as Json[]), ...v])] : mergeKeyedList(out[k] as Json[], v, listType.keys[0]!, listTypes, childPath);
    } else {
      out[k] = strategicMergePatch(out[k], v, listTypes, childPath) as Json;
    }
  }
  return out;
}

function mergeKeyedList(live: Json[], patch: Json[], key: string, listTypes: ListTypeResolver, path: string[]): Json[] {
  const out = [...live];
  for (const item of patch) {
    if (!isObject(item) || !(key in item)) {
      out.push(item);
      continue;
    }
    const at = out.findIndex((o) => isObject(o) && o[key] === item[key]);
    if (item.$patch === 'delete') {
      if (at >= 0) out.splice(at, 1);
    } else if (at >= 0) out[at] = strategicMergePatch(out[at], item, listTypes, path) as Json;
    else out.push(strategicMergePatch({}, item, listTypes, path) as Json);
  }
  return out;
}

interface Operation {
  op: string;
  path: string;
  from?: string;
  value?: Json;
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw patchError(`invalid JSON pointer "${pointer}"`);
  return pointer
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: Json, tokens: string[], pointer: string): { parent: JsonObject | Json[]; last: string } {
  let cur: Json = doc;
  for (const t of tokens.slice(0, -1)) {
    const next: Json | undefined = Array.isArray(cur) ? cur[Number(t)] : isObject(cur) ? cur[t] : undefined;
    if (next === undefined || next === null || typeof next !== 'object') throw patchError(`jsonpatch: path "${pointer}" does not exist`);
    cur = next;
  }
  return { parent: cur as JsonObject | Json[], last: tokens[tokens.length - 1]! };
}

function valueAt(doc: Json, pointer: string): Json {
  let cur: Json | undefined = doc;
  for (const t of parsePointer(pointer)) cur = Array.isArray(cur) ? cur[Number(t)] : isObject(cur) ? cur[t] : undefined;
  if (cur === undefined) throw patchError(`jsonpatch: path "${pointer}" does not exist`);
  return cur;
}

function arrayIndex(arr: Json[], token: string, allowEnd: boolean, pointer: string): number {
  if (token === '-' && allowEnd) return arr.length;
  const i = Number(token);
  if (!/^\d+$/.test(token) || i > arr.length || (!allowEnd && i === arr.length)) throw patchError(`jsonpatch: index out of range in "${pointer}"`);
  return i;
}

function addAt(doc: Json, pointer: string, value: Json): Json {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return value;
  const { parent, last } = parentOf(doc, tokens, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, true, pointer), 0, value);
  else parent[last] = value;
  return doc;
}

function removeAt(doc: Json, pointer: string): Json {
  const tokens = parsePointer(pointer);
  const { parent, last } = parentOf(doc, tokens, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, false, pointer), 1);
  else {
    if (!(last in parent)) throw patchError(`jsonpatch: path "${pointer}" does not exist`);
    delete parent[last];
  }
  return doc;
}

/** Applies RFC 6902 operations to a copy of `target`. */
export function jsonPatch(target: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) throw new StatusError(400, 'BadRequest', 'json patch must be a list of operations');
  let doc = JSON.parse(JSON.stringify(target ?? {})) as Json;
  for (const raw of operations as Operation[]) {
    const value = raw.value === undefined ? undefined : (JSON.parse(JSON.stringify(raw.value)) as Json);
    switch (raw.op) {
      case 'add':
        doc = addAt(doc, raw.path, value ?? null);
        break;
      case 'remove':
        doc = removeAt(doc, raw.path);
        break;
      case 'replace':
        valueAt(doc, raw.path);
        doc = addAt(removeAt(doc, raw.path), raw.path, value ?? null);
        break;
      case 'move': {
        const moved = valueAt(doc, raw.from ?? '');
        doc = addAt(removeAt(doc, raw.from ?? ''), raw.path, moved);
        break;
      }
      case 'copy':
        doc = addAt(doc, raw.path, JSON.parse(JSON.stringify(valueAt(doc, raw.from ?? ''))) as Json);
        break;
      case 'test':
        if (JSON.stringify(valueAt(doc, raw.path)) !== JSON.stringify(value)) throw patchError(`jsonpatch: test operation for path "${raw.path}" failed`);
        break;
      default:
        throw patchError(`jsonpatch: unexpected operation "${String(raw.op)}"`);
    }
  }
  return doc;
}
