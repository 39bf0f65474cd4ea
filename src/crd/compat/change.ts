// Building blocks shared by the field-level comparisons.

import { show, type ChangeType, type CrdFinding, type Severity } from './types.ts';

/** A finding before it is tagged with its CRD and version. */
export type FieldChange = Omit<CrdFinding, 'crdName' | 'version'>;

export function change(fieldPath: string, changeType: ChangeType, severity: Severity, oldValue: unknown, newValue: unknown, message: string): FieldChange {
  return { fieldPath, changeType, severity, oldValue: show(oldValue), newValue: show(newValue), message };
}

/** How messages name a schema path. */
export const where = (path: string) => (path === '' ? 'the resource root' : path);
