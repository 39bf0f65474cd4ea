// Numeric and size constraints, one table row per keyword: a bound that appears or moves
// inwards rejects values that used to be valid (CONSTRAINT_TIGHTENED); the opposite is INFO.

import type { JSONSchemaProps } from '../structural/types.ts';
import { change, where, type FieldChange } from './change.ts';

type Bound = 'minimum' | 'minLength' | 'minItems' | 'minProperties' | 'maximum' | 'maxLength' | 'maxItems' | 'maxProperties';

const BOUNDS: ReadonlyArray<{ keyword: Bound; lower: boolean; what: string }> = [
  { keyword: 'minimum', lower: true, what: 'minimum' },
  { keyword: 'maximum', lower: false, what: 'maximum' },
  { keyword: 'minLength', lower: true, what: 'minimum length' },
  { keyword: 'maxLength', lower: false, what: 'maximum length' },
  { keyword: 'minItems', lower: true, what: 'minimum item count' },
  { keyword: 'maxItems', lower: false, what: 'maximum item count' },
  { keyword: 'minProperties', lower: true, what: 'minimum property count' },
  { keyword: 'maxProperties', lower: false, what: 'maximum property count' },
];

const SWITCHES: ReadonlyArray<{ keyword: 'exclusiveMinimum' | 'exclusiveMaximum' | 'uniqueItems'; what: string }> = [
  { keyword: 'exclusiveMinimum', what: 'minimum became exclusive' },
  { keyword: 'exclusiveMaximum', what: 'maximum became exclusive' },
  { keyword: 'uniqueItems', what: 'items must now be unique' },
];

export function diffConstraints(o: JSONSchemaProps, n: JSONSchemaProps, path: string, emit: (c: FieldChange) => void): void {
  for (const { keyword, lower, what } of BOUNDS) {
    const a = o[keyword];
    const b = n[keyword];
    if (a === b) continue;
    const tighter = b !== undefined && (a === undefined || (lower ? b > a : b < a));
    const label = `${what} of ${where(path)}`;
    const message = a === undefined ? `${label} set to ${b}` : b === undefined ? `${label} (${a}) removed` : `${label} changed from ${a} to ${b}`;
    emit(change(path, tighter ? 'CONSTRAINT_TIGHTENED' : 'CONSTRAINT_RELAXED', tighter ? 'WARNING' : 'INFO', a, b, message));
  }
  for (const { keyword, what } of SWITCHES) {
    const a = o[keyword] === true;
    const b = n[keyword] === true;
    if (a === b) continue;
    emit(
      change(
        path,
        b ? 'CONSTRAINT_TIGHTENED' : 'CONSTRAINT_RELAXED',
        b ? 'WARNING' : 'INFO',
        a,
        b,
        b ? `${where(path)}: ${what}` : `${where(path)}: ${keyword} removed`,
      ),
    );
  }
  if (o.nullable === true && n.nullable !== true) {
    emit(change(path, 'CONSTRAINT_TIGHTENED', 'WARNING', true, false, `${where(path)} no longer accepts null`));
  } else if (o.nullable !== true && n.nullable === true) {
    emit(change(path, 'CONSTRAINT_RELAXED', 'INFO', false, true, `${where(path)} now accepts null`));
  }
  if (n.multipleOf !== undefined && n.multipleOf !== o.multipleOf) {
    // Still satisfied by every old value when the old step is a multiple of the new one.
    const compatible = o.multipleOf !== undefined && Number.isInteger(o.multipleOf / n.multipleOf);
    emit(
      change(
        path,
        compatible ? 'CONSTRAINT_RELAXED' : 'CONSTRAINT_TIGHTENED',
        compatible ? 'INFO' : 'WARNING',
        o.multipleOf,
        n.multipleOf,
        `${where(path)} must now be a multiple of ${n.multipleOf}`,
      ),
    );
  }
}
