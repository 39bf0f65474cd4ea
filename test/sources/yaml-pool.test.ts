// Large manifests are parsed (and dumped) in the YAML pool's worker thread: the same objects,
// source positions and normalised text as on the calling thread, the same ManifestParseError,
// and the event loop keeps turning meanwhile. Small ones stay on the calling thread.
import { describe, expect, it } from 'vitest';
import { ManifestParseError } from '../../src/sources/errors.ts';
import { INLINE_BYTES, normaliseManifests, parseManifestsOffLoop } from '../../src/sources/yaml-pool.ts';
import { parseManifests, sourcePositionOf, toYaml } from '../../src/sources/yaml.ts';

/** A bundle of `count` ConfigMaps, about 1.2 kB each, with an empty document and a List in it. */
function bundle(count: number): string {
  const docs = ['# a comment only', ''];
  for (let i = 0; i < count; i++) {
    const data = Array.from({ length: 20 }, (_, k) => `  key${k}: "${'v'.repeat(40)}-${i}-${k}"`).join('\n');
    docs.push(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: default\ndata:\n${data}\n`);
  }
  docs.push(
    'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: s1\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: s2\n',
  );
  return docs.join('---\n');
}

describe('the YAML pool', () => {
  const big = bundle(3000);

  it('parses a large bundle in its thread into the same objects, positions and text as here', async () => {
    expect(big.length).toBeGreaterThan(INLINE_BYTES * 4);
    const here = parseManifests(big, { source: 'big' });
    const there = await normaliseManifests(big, { source: 'big' });
    expect(there.objects).toEqual(here);
    expect(there.objects.map((o) => sourcePositionOf(o))).toEqual(here.map((o) => sourcePositionOf(o)));
    expect(sourcePositionOf(there.objects.at(-1)!)?.item).toBe(2); // the List's second item
    expect(there.manifests).toBe(toYaml(here));
    expect(await parseManifestsOffLoop(big, { source: 'big' })).toEqual(here);
  });

  it('keeps the event loop turning while it parses', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    await normaliseManifests(big);
    clearInterval(timer);
    // On the calling thread the parse is synchronous: no tick at all until it has finished.
    expect(ticks).toBeGreaterThanOrEqual(3);
  });

  it('throws the ManifestParseError the calling thread would, naming the document and line', async () => {
    const broken = `${big}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: bad\n`;
    let here: unknown;
    try {
      parseManifests(broken, { source: 'broken' });
    } catch (err) {
      here = err;
    }
    const there = await parseManifestsOffLoop(broken, { source: 'broken' }).catch((err: unknown) => err);
    expect(there).toBeInstanceOf(ManifestParseError);
    expect(here).toBeInstanceOf(ManifestParseError);
    const fields = (e: unknown) => ({
      message: (e as ManifestParseError).message,
      documentIndex: (e as ManifestParseError).documentIndex,
      line: (e as ManifestParseError).line,
    });
    expect(fields(there)).toEqual(fields(here));
    expect((there as ManifestParseError).message).toMatch(/^broken: document \d+ \(line \d+\): unexpected end of the stream/);
  });

  it('parses small documents on the calling thread', async () => {
    const small = bundle(2);
    expect(small.length).toBeLessThan(INLINE_BYTES);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const objects = await parseManifestsOffLoop(small);
    clearInterval(timer);
    expect(objects.map((o) => o.metadata.name)).toEqual(['cm-0', 'cm-1', 's1', 's2']);
    expect(ticks).toBe(0);
  });
});
