import { describe, expect, it } from 'vitest';
import { compareCrds, compareCrdSets } from '../../../src/crd/compat/compare.ts';
import type { JSONSchemaProps } from '../../../src/crd/structural/types.ts';
import type { KubeObject } from '../../../src/kube/types.ts';

interface VersionSpec {
  name: string;
  served?: boolean;
  storage?: boolean;
  deprecated?: boolean;
  x?: JSONSchemaProps;
}

function crd(versions: VersionSpec[], extra: { scope?: string; kind?: string; storedVersions?: string[] } = {}): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: extra.scope ?? 'Namespaced',
      names: { kind: extra.kind ?? 'Widget', plural: 'widgets' },
      versions: versions.map((v) => ({
        name: v.name,
        served: v.served ?? true,
        storage: v.storage ?? false,
        ...(v.deprecated ? { deprecated: true } : {}),
        schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { x: v.x ?? { type: 'string' } } } } } },
      })),
    },
    status: { storedVersions: extra.storedVersions ?? [] },
  };
}
const one = (x: JSONSchemaProps) => crd([{ name: 'v1', storage: true, x }]);
type Row = [string, string, string, string | null, string | null];
const rows = (live: KubeObject, target: KubeObject, includeInfo = false): Row[] =>
  compareCrds(live, target, { includeInfo }).map((f) => [f.changeType, f.severity, f.fieldPath, f.oldValue, f.newValue]);

describe('compareCrds: field-level changes, one a line', () => {
  const obj = (properties: Record<string, JSONSchemaProps>, more: JSONSchemaProps = {}): JSONSchemaProps => ({ type: 'object', properties, ...more });
  it.each<[string, JSONSchemaProps, JSONSchemaProps, Row[]]>([
    ['no change', { type: 'string' }, { type: 'string', description: 'docs only' }, []],
    [
      'field removed',
      obj({ a: { type: 'string' }, b: { type: 'integer' } }),
      obj({ a: { type: 'string' } }),
      [['FIELD_REMOVED', 'WARNING', '.spec.x.b', 'b', null]],
    ],
    [
      'field renamed (same schema, similar name)',
      obj({ proxyURL: { type: 'string' } }),
      obj({ proxyUrl: { type: 'string', description: 'd' } }),
      [['FIELD_REMOVED', 'WARNING', '.spec.x.proxyURL', 'proxyURL', 'proxyUrl']],
    ],
    [
      'unrelated scalar is no rename',
      obj({ proxyURL: { type: 'string' } }),
      obj({ noProxy: { type: 'string' } }),
      [['FIELD_REMOVED', 'WARNING', '.spec.x.proxyURL', 'proxyURL', null]],
    ],
    ['removed under preserve-unknown-fields is only info', obj({ a: { type: 'string' } }), obj({}, { 'x-kubernetes-preserve-unknown-fields': true }), []],
    ['type changed', { type: 'string' }, { type: 'integer' }, [['TYPE_CHANGED', 'WARNING', '.spec.x', 'string', 'integer']]],
    [
      'newly required',
      obj({ a: { type: 'string' } }),
      obj({ a: { type: 'string' } }, { required: ['a'] }),
      [['FIELD_NEWLY_REQUIRED', 'WARNING', '.spec.x.a', null, 'a']],
    ],
    ['enum value removed', { type: 'string', enum: ['a', 'b'] }, { type: 'string', enum: ['a'] }, [['ENUM_VALUE_REMOVED', 'WARNING', '.spec.x', 'b', null]]],
    ['enum added', { type: 'string' }, { type: 'string', enum: ['a'] }, [['CONSTRAINT_TIGHTENED', 'WARNING', '.spec.x', null, '["a"]']]],
    ['minimum raised', { type: 'integer', minimum: 0 }, { type: 'integer', minimum: 1 }, [['CONSTRAINT_TIGHTENED', 'WARNING', '.spec.x', '0', '1']]],
    ['minimum lowered is info', { type: 'integer', minimum: 1 }, { type: 'integer', minimum: 0 }, []],
    ['maximum added', { type: 'integer' }, { type: 'integer', maximum: 65535 }, [['CONSTRAINT_TIGHTENED', 'WARNING', '.spec.x', null, '65535']]],
    [
      'exclusiveMinimum added',
      { type: 'integer', minimum: 0 },
      { type: 'integer', minimum: 0, exclusiveMinimum: true },
      [['CONSTRAINT_TIGHTENED', 'WARNING', '.spec.x', 'false', 'true']],
    ],
    [
      'exclusiveMaximum added',
      { type: 'integer', maximum: 9 },
      { type: 'integer', maximum: 9, exclusiveMaximum: true },
      [['CONSTRAINT_TIGHTENED', 'WARNING', '.spec.x', 'false', 'true']],
    ],
    ['minLength added', { type: 'string' }, { type: 'string', minLength: 1 }, [['CONSTRAINT_TIGHTENED', 'WARNING', '.spec.x', null, '1']]],
    ['maxLength lowered', { type: 'string', maxLength: 63 }, { type: 'string', maxLength: 10 }, [['CONSTRAINT_TIGHTENED', 'WARNING', '.spec.x', '63', '10']]],
    [
      'minItems added',
      { type: 'array', items: { type: 'string' } },
      { type: 'array', minItems: 1, items: { type: 'string' } },
      [['CONSTRAINT_TIGHTENED', 'WARNING', '.spec.x', null, '1']],
    ],
    [
      'maxItems lowered',
      { type: 'array', maxItems: 5, items: { type: 'string' } },
      { type: 'array', maxItems: 2, items: { type: 'string' } },
      [['CONSTRAINT_TIGHTENED', 'WARNING', '.spec.x', '5', '2']],
    ],
    [
      'minProperties added',
      { type: 'object', additionalProperties: { type: 'string' } },
      { type: 'object', minProperties: 1, additionalProperties: { type: 'string' } },
      [['CONSTRAINT_TIGHTENED', 'WARNING', '.spec.x', null, '1']],
    ],
    [
      'maxProperties added',
      { type: 'object', additionalProperties: { type: 'string' } },
      { type: 'object', maxProperties: 3, additionalProperties: { type: 'string' } },
      [['CONSTRAINT_TIGHTENED', 'WARNING', '.spec.x', null, '3']],
    ],
    [
      'uniqueItems added',
      { type: 'array', items: { type: 'string' } },
      { type: 'array', uniqueItems: true, items: { type: 'string' } },
      [['CONSTRAINT_TIGHTENED', 'WARNING', '.spec.x', 'false', 'true']],
    ],
    ['nullable removed', { type: 'string', nullable: true }, { type: 'string' }, [['CONSTRAINT_TIGHTENED', 'WARNING', '.spec.x', 'true', 'false']]],
    ['multipleOf added', { type: 'integer' }, { type: 'integer', multipleOf: 5 }, [['CONSTRAINT_TIGHTENED', 'WARNING', '.spec.x', null, '5']]],
    ['pattern added', { type: 'string' }, { type: 'string', pattern: '^a' }, [['PATTERN_CHANGED', 'WARNING', '.spec.x', null, '^a']]],
    ['pattern changed', { type: 'string', pattern: '^a' }, { type: 'string', pattern: '^b' }, [['PATTERN_CHANGED', 'WARNING', '.spec.x', '^a', '^b']]],
    ['format added', { type: 'string' }, { type: 'string', format: 'date-time' }, [['FORMAT_CHANGED', 'WARNING', '.spec.x', null, 'date-time']]],
    ['format hint int32 ignored', { type: 'integer' }, { type: 'integer', format: 'int32' }, []],
    [
      'preserve-unknown-fields removed',
      { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      { type: 'object' },
      [['PRESERVE_UNKNOWN_FIELDS_REMOVED', 'WARNING', '.spec.x', 'true', null]],
    ],
    [
      'int-or-string removed',
      { 'x-kubernetes-int-or-string': true },
      { type: 'integer' },
      [['INT_OR_STRING_REMOVED', 'WARNING', '.spec.x', 'int-or-string', 'integer']],
    ],
    [
      'list type atomic → set',
      { type: 'array', items: { type: 'string' } },
      { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
      [['LIST_TYPE_CHANGED', 'WARNING', '.spec.x', 'atomic', 'set']],
    ],
    [
      'list map keys changed',
      { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: obj({ name: { type: 'string' } }) },
      { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['id'], items: obj({ name: { type: 'string' } }) },
      [['LIST_TYPE_CHANGED', 'WARNING', '.spec.x', '["name"]', '["id"]']],
    ],
    [
      'map type changed',
      { type: 'object', additionalProperties: { type: 'string' } },
      { type: 'object', 'x-kubernetes-map-type': 'atomic', additionalProperties: { type: 'string' } },
      [['MAP_TYPE_CHANGED', 'WARNING', '.spec.x', 'granular', 'atomic']],
    ],
    [
      'CEL rule added',
      { type: 'string' },
      { type: 'string', 'x-kubernetes-validations': [{ rule: 'self != ""' }] },
      [['VALIDATION_RULE_ADDED', 'WARNING', '.spec.x', null, 'self != ""']],
    ],
    ['default changed', { type: 'string', default: 'a' }, { type: 'string', default: 'b' }, [['DEFAULT_CHANGED', 'WARNING', '.spec.x', 'a', 'b']]],
    [
      'anyOf added',
      obj({ a: { type: 'string' } }),
      obj({ a: { type: 'string' } }, { anyOf: [{ required: ['a'] }] }),
      [['VALUE_VALIDATION_CHANGED', 'WARNING', '.spec.x', null, '[{"required":["a"]}]']],
    ],
    [
      'array items compared with [*]',
      { type: 'array', items: obj({ port: { type: 'integer' } }) },
      { type: 'array', items: obj({ port: { type: 'string' } }) },
      [['TYPE_CHANGED', 'WARNING', '.spec.x[*].port', 'integer', 'string']],
    ],
    [
      'map values compared with {*}',
      { type: 'object', additionalProperties: { type: 'string' } },
      { type: 'object', additionalProperties: { type: 'string', maxLength: 5 } },
      [['CONSTRAINT_TIGHTENED', 'WARNING', '.spec.x{*}', null, '5']],
    ],
  ])('%s', (_name, liveX, targetX, expected) => {
    expect(rows(one(liveX), one(targetX))).toEqual(expected);
  });

  it('INFO findings appear only on request', () => {
    const live = one({ type: 'object', properties: {} });
    const target = one({ type: 'object', properties: { added: { type: 'string' } } });
    expect(rows(live, target)).toEqual([]);
    expect(rows(live, target, true)).toEqual([['FIELD_ADDED', 'INFO', '.spec.x.added', null, 'added']]);
  });
});

describe('compareCrds: versions and CRD-level changes', () => {
  const v1 = { name: 'v1', storage: true };
  it.each<[string, KubeObject, KubeObject, Row[]]>([
    ['version removed', crd([{ name: 'v1beta1' }, v1]), crd([v1]), [['VERSION_REMOVED', 'BREAKING', '', 'v1beta1', null]]],
    [
      'version no longer served',
      crd([{ name: 'v1beta1' }, v1]),
      crd([{ name: 'v1beta1', served: false }, v1]),
      [['VERSION_NOT_SERVED', 'BREAKING', '', 'served', 'not served']],
    ],
    [
      'storage version changed',
      crd([{ name: 'v1beta1', storage: true }, { name: 'v1' }]),
      crd([{ name: 'v1beta1' }, v1]),
      [['STORAGE_VERSION_CHANGED', 'WARNING', '', 'v1beta1', 'v1']],
    ],
    [
      'stored version no longer served',
      crd([{ name: 'v1alpha1' }, v1], { storedVersions: ['v1alpha1', 'v1'] }),
      crd([{ name: 'v1alpha1', served: false }, v1]),
      [
        ['VERSION_NOT_SERVED', 'BREAKING', '', 'served', 'not served'],
        ['STORED_VERSION_DROPPED', 'BREAKING', '', 'v1alpha1', 'not served'],
      ],
    ],
    [
      'stored version removed from spec.versions',
      crd([{ name: 'v1alpha1', served: false }, v1], { storedVersions: ['v1alpha1'] }),
      crd([v1]),
      [['STORED_VERSION_DROPPED', 'BREAKING', '', 'v1alpha1', null]],
    ],
    ['version deprecated', crd([v1]), crd([{ ...v1, deprecated: true }]), [['VERSION_DEPRECATED', 'WARNING', '', null, 'deprecated']]],
    ['scope changed', crd([v1]), crd([v1], { scope: 'Cluster' }), [['SCOPE_CHANGED', 'BREAKING', '', 'Namespaced', 'Cluster']]],
    ['kind changed', crd([v1]), crd([v1], { kind: 'Gadget' }), [['KIND_CHANGED', 'BREAKING', '', 'Widget', 'Gadget']]],
  ])('%s', (_name, live, target, expected) => {
    expect(rows(live, target)).toEqual(expected);
  });

  it('a new CRD has nothing to compare', () => {
    expect(compareCrds(undefined, crd([v1]))).toEqual([]);
    expect(compareCrds(undefined, crd([v1]), { includeInfo: true }).map((f) => f.changeType)).toEqual(['CRD_ADDED']);
  });

  it('compareCrdSets reports a CRD the target release no longer ships', () => {
    const other = { ...crd([v1]), metadata: { name: 'gadgets.example.com' } };
    expect(compareCrdSets([crd([v1]), other], [crd([v1])]).map((f) => [f.crdName, f.changeType])).toEqual([['gadgets.example.com', 'CRD_REMOVED']]);
  });

  it('every finding carries the contract fields', () => {
    const [f] = compareCrds(crd([{ name: 'v1beta1' }, v1]), crd([v1]));
    expect(Object.keys(f!).sort()).toEqual(['changeType', 'crdName', 'fieldPath', 'message', 'newValue', 'oldValue', 'severity', 'version']);
    expect(f!.crdName).toBe('widgets.example.com');
    expect(f!.message).toMatch(/v1beta1/);
  });
});
