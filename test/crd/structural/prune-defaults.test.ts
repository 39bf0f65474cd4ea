import { describe, expect, it } from 'vitest';
import {
  admit,
  applyDefaults,
  crdVersions,
  listValidationRules,
  pruneObject,
  schemaOf,
  storageVersionOf,
  type JSONSchemaProps,
} from '../../../src/crd/structural/validate.ts';
import type { KubeObject } from '../../../src/kube/types.ts';

const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      properties: {
        endpoints: {
          type: 'array',
          items: { type: 'object', properties: { port: { type: 'string' }, interval: { type: 'string', default: '30s' } } },
        },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        raw: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { typed: { type: 'object', properties: { a: { type: 'string' } } } } },
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object', properties: { x: { type: 'string' } } } } },
        mode: { type: 'string', default: 'auto' },
        nested: { type: 'object', properties: { inner: { type: 'object', default: {}, properties: { level: { type: 'integer', default: 3 } } } } },
        opt: { type: 'string', nullable: true, default: 'd' },
        notNull: { type: 'string', default: 'd' },
      },
    },
    status: { type: 'object', properties: { ready: { type: 'boolean' } } },
  },
};

const base = { apiVersion: 'g/v1', kind: 'K', metadata: { name: 'a', namespace: 'ns', labels: { x: 'y' } } };

describe('pruneObject', () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ['nothing undeclared', { spec: { endpoints: [{ port: 'web' }] } }, []],
    ['undeclared top-level field', { spec: {}, extra: 1 }, ['.extra']],
    [
      'undeclared field in an array item',
      { spec: { endpoints: [{ port: 'a' }, { port: 'b', bearerTokenFile: 'f' }] } },
      ['.spec.endpoints[1].bearerTokenFile'],
    ],
    ['map values keep any key', { spec: { labels: { a: 'b', c: 'd' } } }, []],
    ['preserve-unknown-fields keeps unknown fields', { spec: { raw: { anything: { deep: 1 } } } }, []],
    ['declared fields below preserve-unknown-fields are still pruned', { spec: { raw: { typed: { a: 'x', b: 'y' } } } }, ['.spec.raw.typed.b']],
    [
      'embedded resource keeps apiVersion/kind/metadata',
      { spec: { template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { x: 'a' } } } },
      [],
    ],
    [
      'embedded resource metadata keeps only ObjectMeta fields',
      { spec: { template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', bogus: 1 } } } },
      ['.spec.template.metadata.bogus'],
    ],
    ['root metadata keeps only ObjectMeta fields', { metadata: { name: 'a', foo: 'bar' } }, ['.metadata.foo']],
    ['status is pruned too', { status: { ready: true, phase: 'x' } }, ['.status.phase']],
    ['object where the schema has no properties loses all fields', { spec: { nested: { unknown: 1 } } }, ['.spec.nested.unknown']],
  ])('%s', (_name, patch, expected) => {
    const input = { ...base, ...patch };
    const before = JSON.stringify(input);
    const { pruned, removedPaths } = pruneObject(schema, input);
    expect(removedPaths).toEqual(expected);
    expect(JSON.stringify(input)).toBe(before); // never mutates
    if (expected.length === 0)
      expect(pruned).toBe(input); // no copy when nothing is pruned
    else expect(pruneObject(schema, pruned).removedPaths).toEqual([]);
  });

  it('a root that preserves unknown fields keeps them, but still trims metadata', () => {
    const open: JSONSchemaProps = {
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
      properties: { spec: { type: 'object', properties: { a: { type: 'string' } } } },
    };
    const { removedPaths } = pruneObject(open, { ...base, metadata: { name: 'a', junk: 1 }, extra: { any: 1 }, spec: { a: 'x', b: 'y' } });
    expect(removedPaths).toEqual(['.metadata.junk', '.spec.b']);
  });

  it('drops the field from the returned copy', () => {
    const { pruned } = pruneObject(schema, { ...base, spec: { endpoints: [{ port: 'a', junk: true }] } });
    expect(pruned).toEqual({ ...base, spec: { endpoints: [{ port: 'a' }] } });
  });
});

describe('applyDefaults', () => {
  it.each<[string, unknown, unknown]>([
    ['fills an absent property of an existing object', { mode: 'x' }, { mode: 'x', notNull: 'd', opt: 'd' }],
    [
      'fills array items',
      { endpoints: [{ port: 'a' }, { port: 'b', interval: '5s' }], mode: 'm', opt: 'o', notNull: 'n' },
      {
        endpoints: [
          { port: 'a', interval: '30s' },
          { port: 'b', interval: '5s' },
        ],
        mode: 'm',
        opt: 'o',
        notNull: 'n',
      },
    ],
    ['replaces null where null is not allowed, keeps it where nullable', { mode: 'm', opt: null, notNull: null }, { mode: 'm', opt: null, notNull: 'd' }],
    ['defaults inside a default', { mode: 'm', opt: 'o', notNull: 'n', nested: {} }, { mode: 'm', opt: 'o', notNull: 'n', nested: { inner: { level: 3 } } }],
  ])('%s', (_name, spec, expected) => {
    const input = { ...base, spec };
    const out = applyDefaults(schema, input) as { spec: unknown };
    expect(out.spec).toEqual(expected);
    expect(input.spec).toEqual(spec); // input untouched
  });

  it('does not create a missing parent', () => {
    const out = applyDefaults(schema, { ...base }) as Record<string, unknown>;
    expect(out.spec).toBeUndefined();
  });

  it('returns the same object when no default applies', () => {
    const input = { ...base, spec: { mode: 'm', opt: 'o', notNull: 'n' } };
    expect(applyDefaults(schema, input)).toBe(input);
  });
});

describe('admit (prune → default → validate)', () => {
  it('prunes and defaults before validating', () => {
    const result = admit(schema, { ...base, spec: { endpoints: [{ port: 'a', junk: 1 }] } });
    expect(result.removedPaths).toEqual(['.spec.endpoints[0].junk']);
    expect(result.issues).toEqual([]);
    expect((result.object as { spec: { mode: string } }).spec.mode).toBe('auto');
  });
});

describe('CRD helpers', () => {
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'things.example.com' },
    spec: {
      group: 'example.com',
      names: { kind: 'Thing', plural: 'things' },
      versions: [
        { name: 'v1alpha1', served: false, storage: false, schema: { openAPIV3Schema: { type: 'object' } } },
        { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema } },
      ],
    },
  } as KubeObject;

  it('finds the schema and flags of each version', () => {
    expect(schemaOf(crd, 'v1')).toBe(schema);
    expect(schemaOf(crd, 'v2')).toBeUndefined();
    expect(storageVersionOf(crd)).toBe('v1');
    expect(crdVersions(crd).map((v) => [v.name, v.served, v.storage])).toEqual([
      ['v1alpha1', false, false],
      ['v1', true, true],
    ]);
  });

  it('lists CEL rules with their schema paths', () => {
    const withRules: JSONSchemaProps = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          'x-kubernetes-validations': [{ rule: 'has(self.a)' }],
          properties: { list: { type: 'array', items: { type: 'object', 'x-kubernetes-validations': [{ rule: 'self.b > 0', message: 'b' }] } } },
        },
      },
    };
    expect(listValidationRules(withRules)).toEqual([
      { schemaPath: '.spec', rule: 'has(self.a)' },
      { schemaPath: '.spec.list[*]', rule: 'self.b > 0', message: 'b' },
    ]);
  });
});

describe('admit: nulls', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>, string[]]>([
    [
      'a null in a non-nullable field without default is dropped',
      { mode: 'm', opt: 'o', notNull: 'n', labels: null },
      { mode: 'm', opt: 'o', notNull: 'n' },
      [],
    ],
    ['a null in a non-nullable field with default gets the default', { mode: 'm', opt: 'o', notNull: null }, { mode: 'm', opt: 'o', notNull: 'd' }, []],
    ['a null in a nullable field stays', { mode: 'm', opt: null, notNull: 'n' }, { mode: 'm', opt: null, notNull: 'n' }, []],
    [
      'a null array item stays and is rejected',
      { mode: 'm', opt: 'o', notNull: 'n', endpoints: [null] },
      { mode: 'm', opt: 'o', notNull: 'n', endpoints: [null] },
      ['.spec.endpoints[0]: Invalid value: "null": spec.endpoints[0] in body must be of type object: "null"'],
    ],
  ])('%s', (_name, spec, expected, issues) => {
    const result = admit(schema, { ...base, spec });
    expect((result.object as { spec: unknown }).spec).toEqual(expected);
    expect(result.issues.map((i) => `${i.path}: ${i.reason}`)).toEqual(issues);
  });
});
