// What an apply sends, as bytes, and a digest of its content. A fleet rollout applies the same manifests
// to many clusters, and planned objects share their top-level sections (spec, data, rules…)
// with the parsed manifests (only metadata differs per plan), so each section is written,
// encoded and hashed once. Bytes, not strings: a 2 MB bundle's text costs tens of
// milliseconds per cluster to join and encode again. Not even a copy per cluster: a body is
// the list of its parts, the shared sections' bytes among them, written to the socket one
// after the other (50 clusters at once held 50 copies of 2.2 MB, which the allocator kept).
// Keyed weakly by the section object: nothing is kept once the manifests are dropped.

import { createHash } from 'node:crypto';
import { canonicalJson } from '../domain/json.ts';
import type { KubeObject } from './types.ts';

const sectionBytes = new WeakMap<object, Buffer>();
const sectionDigests = new WeakMap<object, string>();

const isShared = (key: string, value: unknown): value is object => key !== 'metadata' && typeof value === 'object' && value !== null;

function bytesOf(section: object): Buffer {
  let bytes = sectionBytes.get(section);
  if (!bytes) {
    bytes = Buffer.from(JSON.stringify(section));
    sectionBytes.set(section, bytes);
  }
  return bytes;
}

/**
 * The bytes of JSON.stringify(obj), in parts: the bytes of shared top-level sections are the
 * cached ones (never to be modified), the rest written afresh.
 */
export function applyBody(obj: KubeObject): Buffer[] {
  const parts: Buffer[] = [];
  let first = true;
  for (const [key, value] of Object.entries(obj)) {
    if (value === undefined) continue;
    parts.push(Buffer.from(`${first ? '{' : ','}${JSON.stringify(key)}:`));
    first = false;
    parts.push(isShared(key, value) ? bytesOf(value) : Buffer.from(JSON.stringify(value)));
  }
  parts.push(Buffer.from(first ? '{}' : '}'));
  return parts;
}

/**
 * "sha256:<hex>" of the content applyBody sends, computed from each shared section's digest
 * (taken once) and the object's own metadata: equal content, equal digests, whatever the
 * order of keys (a CRD kept in canonical form matches the one applied from a manifest); any
 * change to a field sent, a different digest.
 */
export function appliedDigest(obj: KubeObject): string {
  const hash = createHash('sha256');
  for (const key of Object.keys(obj).sort()) {
    const value = obj[key];
    if (value === undefined) continue;
    hash.update(`${JSON.stringify(key)}:`);
    if (isShared(key, value)) {
      let digest = sectionDigests.get(value);
      if (!digest) {
        digest = createHash('sha256').update(canonicalJson(value)).digest('hex');
        sectionDigests.set(value, digest);
      }
      hash.update(`section:${digest}`);
    } else hash.update(canonicalJson(value));
    hash.update('\n');
  }
  return `sha256:${hash.digest('hex')}`;
}
