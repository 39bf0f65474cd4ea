// Shapes of a CRD's openAPIV3Schema (apiextensions.k8s.io/v1 JSONSchemaProps) as far as a
// structural schema uses them, and of the issues validation reports.

/** One `x-kubernetes-validations` entry: a CEL rule. We list these; we never evaluate them. */
export interface ValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
  fieldPath?: string;
  optionalOldSelf?: boolean;
}

type SchemaType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';

export interface JSONSchemaProps {
  type?: SchemaType | string;
  description?: string;
  title?: string;
  properties?: Record<string, JSONSchemaProps>;
  /** Structural schemas allow a single schema for all items (never a tuple). */
  items?: JSONSchemaProps;
  required?: string[];
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  /** OpenAPI v3.0: booleans that make minimum/maximum exclusive. */
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minProperties?: number;
  maxProperties?: number;
  additionalProperties?: boolean | JSONSchemaProps;
  nullable?: boolean;
  default?: unknown;
  example?: unknown;
  /** Value validations only (structural schemas forbid types and defaults inside them). */
  allOf?: JSONSchemaProps[];
  anyOf?: JSONSchemaProps[];
  oneOf?: JSONSchemaProps[];
  not?: JSONSchemaProps;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map' | string;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'granular' | 'atomic' | string;
  'x-kubernetes-validations'?: ValidationRule[];
}

/** A validation failure, worded like the API server's field errors. */
export interface SchemaIssue {
  /** Where in the object: `.spec.endpoints[0].port`; map entries as `[key]`. */
  path: string;
  /** `Required value`, `Unsupported value: "foo": supported values: "a", "b"`, … */
  reason: string;
}

/** A SchemaIssue with what a caller needs to tie it to a schema change. */
export interface DetailedSchemaIssue extends SchemaIssue {
  /** The schema node: `.spec.endpoints[*].port`; array items `[*]`, map values `{*}`. */
  schemaPath: string;
  /** The schema keyword that failed: `type`, `required`, `enum`, `pattern`, `maxLength`, … */
  keyword: string;
}

/** A CEL rule that applies to a value the object has and that nobody evaluated. */
export interface UncheckedRule {
  path: string;
  schemaPath: string;
  rule: string;
  message?: string;
}
