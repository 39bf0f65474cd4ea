import { describe, expect, it } from 'vitest';
import { validateObject, validateObjectDetailed, type JSONSchemaProps } from '../../../src/crd/structural/validate.ts';

// Wrap a field schema as `.spec.x` of a resource so paths read like real ones.
const at = (x: JSONSchemaProps): JSONSchemaProps => ({
  type: 'object',
  properties: { spec: { type: 'object', properties: { x } } },
});
const obj = (x: unknown) => ({ apiVersion: 'g/v1', kind: 'K', metadata: { name: 'a' }, spec: { x } });

describe('validateObject: one keyword a line', () => {
  it.each<[string, JSONSchemaProps, unknown, string[]]>([
    ['type integer ok', { type: 'integer' }, 3, []],
    ['type integer rejects string', { type: 'integer' }, 'three', ['.spec.x: Invalid value: "string": spec.x in body must be of type integer: "string"']],
    ['type integer rejects fraction', { type: 'integer' }, 1.5, ['.spec.x: Invalid value: "number": spec.x in body must be of type integer: "number"']],
    ['type number accepts integer', { type: 'number' }, 2, []],
    ['type string rejects object', { type: 'string' }, { a: 1 }, ['.spec.x: Invalid value: "object": spec.x in body must be of type string: "object"']],
    ['type array rejects object', { type: 'array' }, {}, ['.spec.x: Invalid value: "object": spec.x in body must be of type array: "object"']],
    ['type boolean rejects string', { type: 'boolean' }, 'true', ['.spec.x: Invalid value: "string": spec.x in body must be of type boolean: "string"']],
    ['null rejected when not nullable', { type: 'string' }, null, ['.spec.x: Invalid value: "null": spec.x in body must be of type string: "null"']],
    ['null accepted when nullable', { type: 'string', nullable: true }, null, []],
    ['int-or-string accepts int', { 'x-kubernetes-int-or-string': true }, 8080, []],
    ['int-or-string accepts string', { 'x-kubernetes-int-or-string': true }, 'http', []],
    [
      'int-or-string rejects bool',
      { 'x-kubernetes-int-or-string': true },
      true,
      ['.spec.x: Invalid value: "boolean": spec.x in body must be of type integer-or-string: "boolean"'],
    ],
    ['enum ok', { type: 'string', enum: ['a', 'b'] }, 'a', []],
    ['enum rejects', { type: 'string', enum: ['a', 'b'] }, 'foo', ['.spec.x: Unsupported value: "foo": supported values: "a", "b"']],
    ['enum keeps "=" as a string', { type: 'string', enum: ['=', '!='] }, '=', []],
    ['pattern ok', { type: 'string', pattern: '^[a-z]+$' }, 'abc', []],
    ['pattern rejects', { type: 'string', pattern: '^[a-z]+$' }, 'ABC', [`.spec.x: Invalid value: "ABC": spec.x in body should match '^[a-z]+$'`]],
    ['pattern with RE2 (?i) flag', { type: 'string', pattern: '(?i)^[a-z]+$' }, 'ABC', []],
    ['pattern with RE2 (?i) inside a group', { type: 'string', pattern: '^((?i)sun|mon)day$' }, 'Monday', []],
    [
      'pattern with RE2 (?i) still rejects',
      { type: 'string', pattern: '^((?i)sun|mon)day$' },
      'Friday',
      [`.spec.x: Invalid value: "Friday": spec.x in body should match '^((?i)sun|mon)day$'`],
    ],
    ['format date-time ok', { type: 'string', format: 'date-time' }, '2024-01-02T03:04:05Z', []],
    [
      'format date-time rejects',
      { type: 'string', format: 'date-time' },
      'yesterday',
      ['.spec.x: Invalid value: "yesterday": spec.x in body must be of type date-time: "yesterday"'],
    ],
    [
      'format ipv4 rejects',
      { type: 'string', format: 'ipv4' },
      '300.1.1.1',
      ['.spec.x: Invalid value: "300.1.1.1": spec.x in body must be of type ipv4: "300.1.1.1"'],
    ],
    [
      'format byte rejects',
      { type: 'string', format: 'byte' },
      'not base64!',
      ['.spec.x: Invalid value: "not base64!": spec.x in body must be of type byte: "not base64!"'],
    ],
    ['format int32 is only a hint', { type: 'integer', format: 'int32' }, 2 ** 40, []],
    ['unknown format is only a hint', { type: 'string', format: 'made-up' }, 'anything', []],
    ['minimum ok at bound', { type: 'integer', minimum: 1 }, 1, []],
    ['minimum rejects', { type: 'integer', minimum: 1 }, 0, ['.spec.x: Invalid value: 0: spec.x in body should be greater than or equal to 1']],
    [
      'exclusiveMinimum rejects bound',
      { type: 'integer', minimum: 1, exclusiveMinimum: true },
      1,
      ['.spec.x: Invalid value: 1: spec.x in body should be greater than 1'],
    ],
    ['maximum rejects', { type: 'number', maximum: 10 }, 10.5, ['.spec.x: Invalid value: 10.5: spec.x in body should be less than or equal to 10']],
    [
      'exclusiveMaximum rejects bound',
      { type: 'integer', maximum: 10, exclusiveMaximum: true },
      10,
      ['.spec.x: Invalid value: 10: spec.x in body should be less than 10'],
    ],
    ['multipleOf rejects', { type: 'integer', multipleOf: 5 }, 12, ['.spec.x: Invalid value: 12: spec.x in body should be a multiple of 5']],
    ['minLength rejects', { type: 'string', minLength: 1 }, '', ['.spec.x: Invalid value: "": spec.x in body should be at least 1 chars long']],
    ['maxLength counts characters, not bytes', { type: 'string', maxLength: 2 }, 'éé', []],
    ['maxLength rejects', { type: 'string', maxLength: 2 }, 'abc', ['.spec.x: Too long: may not be more than 2 bytes']],
    [
      'minItems rejects',
      { type: 'array', minItems: 1, items: { type: 'string' } },
      [],
      ['.spec.x: Invalid value: 0: spec.x in body should have at least 1 items'],
    ],
    ['maxItems rejects', { type: 'array', maxItems: 1, items: { type: 'string' } }, ['a', 'b'], ['.spec.x: Too many: 2: must have at most 1 items']],
    ['uniqueItems rejects', { type: 'array', uniqueItems: true, items: { type: 'string' } }, ['a', 'a'], ['.spec.x[1]: Duplicate value: "a"']],
    [
      'list-type set rejects duplicates',
      { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
      ['a', 'b', 'a'],
      ['.spec.x[2]: Duplicate value: "a"'],
    ],
    [
      'list-type map rejects duplicate keys',
      {
        type: 'array',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
        items: { type: 'object', properties: { name: { type: 'string' }, v: { type: 'integer' } } },
      },
      [
        { name: 'a', v: 1 },
        { name: 'a', v: 2 },
      ],
      ['.spec.x[1]: Duplicate value: {"name":"a"}'],
    ],
    [
      'items are validated with their index',
      { type: 'array', items: { type: 'integer' } },
      [1, 'two'],
      ['.spec.x[1]: Invalid value: "string": spec.x[1] in body must be of type integer: "string"'],
    ],
    ['required rejects', { type: 'object', required: ['port'], properties: { port: { type: 'integer' } } }, {}, ['.spec.x.port: Required value']],
    [
      'minProperties rejects',
      { type: 'object', minProperties: 1, additionalProperties: { type: 'string' } },
      {},
      ['.spec.x: Invalid value: 0: spec.x in body should have at least 1 properties'],
    ],
    [
      'maxProperties rejects',
      { type: 'object', maxProperties: 1, additionalProperties: { type: 'string' } },
      { a: '1', b: '2' },
      ['.spec.x: Too many: 2: must have at most 1 items'],
    ],
    [
      'map values use [key] paths',
      { type: 'object', additionalProperties: { type: 'string' } },
      { app: 1 },
      ['.spec.x[app]: Invalid value: "integer": spec.x[app] in body must be of type string: "integer"'],
    ],
    [
      'additionalProperties false forbids',
      { type: 'object', additionalProperties: false, properties: {} },
      { a: 1 },
      ['.spec.x.a: Forbidden: spec.x.a is a forbidden property'],
    ],
    [
      'allOf applies every schema',
      { type: 'integer', allOf: [{ minimum: 1 }, { maximum: 3 }] },
      5,
      ['.spec.x: Invalid value: 5: spec.x in body should be less than or equal to 3'],
    ],
    ['anyOf ok when one matches', { type: 'object', anyOf: [{ required: ['a'] }, { required: ['b'] }] }, { b: 1 }, []],
    [
      'anyOf rejects when none matches',
      { type: 'object', anyOf: [{ required: ['a'] }, { required: ['b'] }] },
      {},
      ['.spec.x: Invalid value: "object": spec.x in body must validate at least one schema (anyOf)'],
    ],
    [
      'oneOf rejects two matches',
      { type: 'object', oneOf: [{ required: ['a'] }, { required: ['b'] }] },
      { a: 1, b: 2 },
      ['.spec.x: Invalid value: "object": spec.x in body must validate one and only one schema (oneOf)'],
    ],
    ['not rejects a match', { type: 'string', not: { enum: ['x'] } }, 'x', ['.spec.x: Invalid value: "x": spec.x in body must not validate the schema (not)']],
    ['preserve-unknown-fields accepts anything', { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, { any: { thing: [1] } }, []],
    [
      'embedded resource needs apiVersion and kind',
      { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
      { metadata: {} },
      ['.spec.x.apiVersion: Required value: must not be empty', '.spec.x.kind: Required value: must not be empty'],
    ],
  ])('%s', (_name, schema, value, expected) => {
    const issues = validateObject(at(schema), obj(value)).map((i) => `${i.path}: ${i.reason}`);
    expect(issues).toEqual(expected);
  });
});

describe('validateObjectDetailed', () => {
  it('gives the schema path and keyword that failed', () => {
    const schema = at({ type: 'array', items: { type: 'object', properties: { port: { type: 'integer', maximum: 5 } } } });
    const { issues } = validateObjectDetailed(schema, obj([{ port: 1 }, { port: 9 }]));
    expect(issues).toEqual([expect.objectContaining({ path: '.spec.x[1].port', schemaPath: '.spec.x[*].port', keyword: 'maximum' })]);
  });

  it('lists CEL rules on values the object has as unchecked, never as passed', () => {
    const rule = { rule: 'self.min <= self.max', message: 'min must not exceed max' };
    const schema = at({ type: 'object', 'x-kubernetes-validations': [rule], properties: { min: { type: 'integer' }, max: { type: 'integer' } } });
    expect(validateObjectDetailed(schema, obj({ min: 5, max: 1 })).unchecked).toEqual([
      { path: '.spec.x', schemaPath: '.spec.x', rule: rule.rule, message: rule.message },
    ]);
    expect(validateObjectDetailed(schema, { apiVersion: 'g/v1', kind: 'K', metadata: {}, spec: {} }).unchecked).toEqual([]);
  });

  it('reports a pattern JavaScript cannot compile as unchecked', () => {
    const schema = at({ type: 'string', pattern: '(?P<name>[a-z]+' });
    const result = validateObjectDetailed(schema, obj('abc'));
    expect(result.issues).toEqual([]);
    expect(result.unchecked).toHaveLength(1);
  });
});
