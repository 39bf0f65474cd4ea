// A removed field and an added field at the same level whose schemas are the same (the
// descriptions aside) were most likely renamed. The hint tells a user where the data of
// the removed field should go; it is a heuristic and messages say "possibly".

import type { JSONSchemaProps } from '../structural/types.ts';
import { canonicalJson, isPlainObject } from '../../domain/json.ts';

const DOC_KEYS = new Set(['description', 'title', 'example']);

function withoutDocs(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutDocs);
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (!DOC_KEYS.has(k)) out[k] = withoutDocs(x);
  return out;
}

const fingerprint = (s: JSONSchemaProps | undefined) => canonicalJson(withoutDocs(s));

/**
 * Maps each removed field to the added field it was most likely renamed to. Evidence, best
 * first: the same name in another case (`proxyURL` → `proxyUrl`, `NomadSDConfigs` →
 * `nomadSDConfigs`) with the same type; an identical schema under a similar name; an
 * identical schema that is not a bare scalar. A bare `{type: string}` under an unrelated
 * name is no evidence at all: such fields are everywhere.
 */
export function findRenames(
  oldProps: Record<string, JSONSchemaProps>,
  newProps: Record<string, JSONSchemaProps>,
  removed: readonly string[],
  added: readonly string[],
): Map<string, string> {
  const out = new Map<string, string>();
  if (!removed.length || !added.length) return out;
  const addedPrints = new Map(added.map((k) => [k, fingerprint(newProps[k])]));
  const taken = new Set<string>();
  for (const r of removed) {
    const print = fingerprint(oldProps[r]);
    const score = (a: string): number => {
      const sameType = (oldProps[r]?.type ?? '') === (newProps[a]?.type ?? '');
      if (sameType && a.toLowerCase() === r.toLowerCase()) return 3;
      if (addedPrints.get(a) !== print) return 0;
      if (similarNames(a, r)) return 2;
      return isScalar(oldProps[r]) ? 0 : 1;
    };
    let best: string | undefined;
    let bestScore = 0;
    for (const a of added) {
      const s = taken.has(a) ? 0 : score(a);
      if (s > bestScore) [best, bestScore] = [a, s];
    }
    if (best) {
      out.set(r, best);
      taken.add(best);
    }
  }
  return out;
}

function isScalar(s: JSONSchemaProps | undefined): boolean {
  return !s?.properties && !s?.items && typeof s?.additionalProperties !== 'object';
}

/** One name contains the other, or they share a prefix of at least 4 characters. */
function similarNames(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x.includes(y) || y.includes(x)) return true;
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return i >= 4;
}
