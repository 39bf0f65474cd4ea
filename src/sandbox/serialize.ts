// JSON text of stored objects, computed once per stored object version. Stored objects
// are never mutated after they are written (every write stores a new object), so the
// text can be cached by identity: GETs, lists and watch events of large objects (CRDs
// over 400 KB) then cost a string concatenation instead of a stringify.
import type { KubeObject } from '../kube/types.ts';

const texts = new WeakMap<object, string>();

export function toJson(obj: object): string {
  let text = texts.get(obj);
  if (text === undefined) {
    text = JSON.stringify(obj);
    texts.set(obj, text);
  }
  return text;
}

/** A list body whose items reuse the cached text of each object. */
export function listJson(list: { kind: string; apiVersion: string; metadata: object; items: KubeObject[] }): string {
  const head = JSON.stringify({ kind: list.kind, apiVersion: list.apiVersion, metadata: list.metadata });
  return `${head.slice(0, -1)},"items":[${list.items.map(toJson).join(',')}]}`;
}

/** UTF-8 size of a JSON text without encoding it when the answer is obvious. */
export function exceedsBytes(text: string, limit: number): boolean {
  if (text.length > limit) return true;
  if (text.length * 3 <= limit) return false;
  return Buffer.byteLength(text) > limit;
}
