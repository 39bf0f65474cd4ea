// The API server's write path for a custom resource, in its order: prune undeclared
// fields, drop nulls of non-nullable fields without default, apply defaults, validate. What the sandbox needs to accept or reject a write.

import { applyDefaults, dropNonNullableNulls } from './defaults.ts';
import { pruneObject } from './prune.ts';
import type { JSONSchemaProps, SchemaIssue } from './types.ts';
import { validateObject } from './validate.ts';

export interface AdmitResult {
  /** The object as the server would store it (pruned and defaulted). */
  object: unknown;
  removedPaths: string[];
  /** Empty when the write is accepted. */
  issues: SchemaIssue[];
}

export function admit(schema: JSONSchemaProps, obj: unknown): AdmitResult {
  const { pruned, removedPaths } = pruneObject(schema, obj);
  const object = applyDefaults(schema, dropNonNullableNulls(schema, pruned));
  return { object, removedPaths, issues: validateObject(schema, object) };
}
