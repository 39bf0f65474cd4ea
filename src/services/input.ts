// Shared rules for inputs that come from outside: sizes of strings and JSON, label maps.
import type { ValidationErrors } from '../domain/errors.ts';

export const LIMITS = {
  description: 2000,
  labelsBytes: 16 * 1024,
  labelEntries: 64,
  labelKey: 253,
  labelValue: 253,
  valuesBytes: 256 * 1024,
  url: 2048,
  reason: 2000,
} as const;

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '');
}

/** A JSON object of string values (like Kubernetes labels); returns the cleaned map. */
export function checkLabels(errors: ValidationErrors, field: string, value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    errors.add(field, 'must be a JSON object of string values');
    return undefined;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > LIMITS.labelEntries) errors.add(field, `must have at most ${LIMITS.labelEntries} entries (got ${entries.length})`);
  if (jsonBytes(value) > LIMITS.labelsBytes) errors.add(field, `must be at most ${LIMITS.labelsBytes / 1024} KiB of JSON`);
  for (const [k, v] of entries) {
    if (!k || k.length > LIMITS.labelKey) errors.add(field, `key "${k.slice(0, 40)}" must be 1-${LIMITS.labelKey} characters`);
    if (typeof v !== 'string') errors.add(field, `value of "${k.slice(0, 40)}" must be a string`);
    else if (v.length > LIMITS.labelValue) errors.add(field, `value of "${k.slice(0, 40)}" must be at most ${LIMITS.labelValue} characters`);
  }
  return value as Record<string, string>;
}

/** A JSON object (Helm-style values) below the size limit. */
export function checkValues(errors: ValidationErrors, field: string, value: unknown): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    errors.add(field, 'must be a JSON object');
    return undefined;
  }
  const bytes = jsonBytes(value);
  if (bytes > LIMITS.valuesBytes) errors.add(field, `must be at most ${LIMITS.valuesBytes / 1024} KiB of JSON (got ${Math.ceil(bytes / 1024)} KiB)`);
  return value as Record<string, unknown>;
}

export function checkText(errors: ValidationErrors, field: string, value: string | null | undefined, max: number): void {
  if (value != null && value.length > max) errors.add(field, `must be at most ${max} characters (got ${value.length})`);
}
