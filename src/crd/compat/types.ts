// The findings of a CRD comparison. Field names of CrdFinding are part of the public API
// contract (CrdFinding in schema.graphql): crdName, version, fieldPath, changeType, severity,
// oldValue, newValue, message.

export const CHANGE_TYPES = [
  // CRD and version level
  'CRD_ADDED', // INFO: no live CRD of that name
  'CRD_REMOVED', // WARNING: the target release no longer ships it (CRDs are never pruned)
  'SCOPE_CHANGED', // BREAKING: spec.scope is immutable, the API server rejects the update
  'KIND_CHANGED', // BREAKING: every client and manifest that uses the old kind breaks
  'VERSION_ADDED', // INFO
  'VERSION_REMOVED', // BREAKING when the live CRD served it
  'VERSION_NOT_SERVED', // BREAKING
  'VERSION_DEPRECATED', // WARNING: clients start to get deprecation warnings
  'STORAGE_VERSION_CHANGED', // WARNING: new writes are stored in another version
  'STORED_VERSION_DROPPED', // BREAKING: a version in live status.storedVersions is removed or unserved
  // field level (WARNING at schema level; Part 3 makes them BREAKING through an affected object)
  'FIELD_REMOVED',
  'FIELD_ADDED', // INFO
  'TYPE_CHANGED',
  'FIELD_NEWLY_REQUIRED',
  'ENUM_VALUE_REMOVED',
  'ENUM_VALUE_ADDED', // INFO
  'CONSTRAINT_TIGHTENED', // minimum/maximum, exclusive*, lengths, items, properties, multipleOf, nullable, enum added, uniqueItems
  'CONSTRAINT_RELAXED', // INFO
  'PATTERN_CHANGED', // added or changed
  'FORMAT_CHANGED', // added or changed to a format the API server checks
  'PRESERVE_UNKNOWN_FIELDS_REMOVED',
  'INT_OR_STRING_REMOVED',
  'EMBEDDED_RESOURCE_CHANGED',
  'LIST_TYPE_CHANGED', // x-kubernetes-list-type or list-map-keys
  'MAP_TYPE_CHANGED',
  'VALIDATION_RULE_ADDED', // a new CEL rule: existing objects cannot be checked against it
  'VALIDATION_RULE_REMOVED', // INFO
  'VALUE_VALIDATION_CHANGED', // allOf/anyOf/oneOf/not differ
  'DEFAULT_CHANGED', // changed or removed: existing objects read differently
  'DEFAULT_ADDED', // INFO
] as const;

export type ChangeType = (typeof CHANGE_TYPES)[number];

export const SEVERITIES = ['BREAKING', 'WARNING', 'INFO'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface CrdFinding {
  /** `servicemonitors.monitoring.coreos.com`. */
  crdName: string;
  /** The API version compared (`v1`); `''` for CRD-level findings (scope, kind, CRD added/removed). */
  version: string;
  /** Schema path of the field (`.spec.endpoints[*].port`, map values `{*}`); `''` for CRD/version-level findings. */
  fieldPath: string;
  changeType: ChangeType;
  severity: Severity;
  /** The live value, rendered as text (strings bare, others as JSON); null when absent. */
  oldValue: string | null;
  newValue: string | null;
  /** One sentence a platform engineer can act on. */
  message: string;
}

export interface CompareOptions {
  /** Also report INFO findings (fields added, constraints relaxed, …). Default false: they are noise in a gate. */
  includeInfo?: boolean;
  /** Overrides the live CRD's `status.storedVersions` (e.g. when read separately). */
  storedVersions?: readonly string[];
}

/** Renders a schema value for oldValue/newValue. */
export function show(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  return typeof v === 'string' ? v : JSON.stringify(v);
}
