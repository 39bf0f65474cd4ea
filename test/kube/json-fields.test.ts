// Reading some top-level fields of a JSON object without parsing the rest: the same values
// JSON.parse gives, whatever the skipped fields hold, and a refusal of what is not one JSON object.
import { describe, expect, it } from 'vitest';
import { readTopLevelFields } from '../../src/kube/json-fields.ts';

const pick = (value: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.filter((k) => k in value).map((k) => [k, value[k]]));

describe('readTopLevelFields', () => {
  const tricky = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'x.example.com', labels: { a: 'b' }, generation: 3, annotations: { note: 'braces } { ] [ and "quotes"' } },
    spec: {
      description: 'ends with a backslash \\',
      escaped: 'a \\" b \\\\" c "}" ',
      unicode: 'naïve — “quoted” ✓ \u0000 \u2028',
      nested: [[], {}, [{ '}': ']' }], -1.5e3, true, false, null],
      empty: '',
    },
    status: { conditions: [{ type: 'Established', status: 'True' }], storedVersions: ['v1'] },
    last: 0,
  };

  it.each([
    ['compact', JSON.stringify(tricky)],
    ['indented', JSON.stringify(tricky, null, 2)],
    ['with CRLF and tabs', JSON.stringify(tricky, null, '\t').replaceAll('\n', '\r\n')],
  ])('gives what JSON.parse gives for the wanted fields (%s)', (_name, text) => {
    const bytes = Buffer.from(text);
    for (const keys of [['metadata', 'status'], ['apiVersion', 'kind', 'last'], ['spec'], ['absent'], Object.keys(tricky)]) {
      expect(readTopLevelFields(bytes, new Set(keys))).toEqual(pick(JSON.parse(text), keys));
    }
  });

  it('reads an empty object, and scalars at the end of the object', () => {
    expect(readTopLevelFields(Buffer.from(' { } '), new Set(['a']))).toEqual({});
    expect(readTopLevelFields(Buffer.from('{"a":1,"b":null,"c":true}'), new Set(['a', 'b', 'c']))).toEqual({ a: 1, b: null, c: true });
  });

  it.each([
    ['an array', '[1,2]'],
    ['a string', '"x"'],
    ['nothing', ''],
    ['an unterminated string', '{"a":"x'],
    ['an unterminated object', '{"a":{"b":1}'],
    ['a missing colon', '{"a" 1}'],
    ['a missing value', '{"a":}'],
    ['a missing comma', '{"a":1 "b":2}'],
    ['text after the object', '{"a":1} x'],
    ['an unquoted name', '{a:1}'],
    ['a bad wanted value', '{"a":tru}'],
  ])('refuses %s', (_name, text) => {
    expect(() => readTopLevelFields(Buffer.from(text), new Set(['a']))).toThrow();
  });

  it('skips a large value without decoding it: megabytes of schema cost a byte scan', () => {
    const big = { metadata: { name: 'big' }, spec: { schema: 'ü'.repeat(3_000_000) }, status: { ok: true } };
    const bytes = Buffer.from(JSON.stringify(big));
    expect(readTopLevelFields(bytes, new Set(['metadata', 'status']))).toEqual({ metadata: { name: 'big' }, status: { ok: true } });
  });
});
