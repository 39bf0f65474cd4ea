// Looks up the schema finding that explains a problem found on an object, so the report can
// say why an object breaks and escalate the finding to BREAKING (see verdict.ts).

import type { ChangeType, CrdFinding } from '../compat/types.ts';

/** Which change types can explain a failed validation keyword. */
const CAUSES: Record<string, readonly ChangeType[]> = {
  type: ['TYPE_CHANGED', 'INT_OR_STRING_REMOVED', 'CONSTRAINT_TIGHTENED'],
  required: ['FIELD_NEWLY_REQUIRED'],
  enum: ['ENUM_VALUE_REMOVED', 'CONSTRAINT_TIGHTENED'],
  pattern: ['PATTERN_CHANGED'],
  format: ['FORMAT_CHANGED'],
  'x-kubernetes-list-type': ['LIST_TYPE_CHANGED'],
  'x-kubernetes-list-map-keys': ['LIST_TYPE_CHANGED'],
  uniqueItems: ['CONSTRAINT_TIGHTENED'],
  'x-kubernetes-embedded-resource': ['EMBEDDED_RESOURCE_CHANGED'],
  anyOf: ['VALUE_VALIDATION_CHANGED'],
  oneOf: ['VALUE_VALIDATION_CHANGED'],
  not: ['VALUE_VALIDATION_CHANGED'],
  additionalProperties: ['FIELD_REMOVED'],
};
const CONSTRAINT: readonly ChangeType[] = ['CONSTRAINT_TIGHTENED'];
const LIST_KEYWORDS = new Set(['x-kubernetes-list-type', 'x-kubernetes-list-map-keys', 'uniqueItems']);

export class FindingIndex {
  private readonly byPath = new Map<string, CrdFinding[]>();
  private readonly byVersion = new Map<string, CrdFinding>();

  constructor(findings: readonly CrdFinding[]) {
    for (const f of findings) {
      if (f.fieldPath) {
        const k = `${f.version}\n${f.fieldPath}`;
        const list = this.byPath.get(k);
        if (list) list.push(f);
        else this.byPath.set(k, [f]);
      } else if (f.changeType === 'VERSION_REMOVED' || f.changeType === 'VERSION_NOT_SERVED') {
        this.byVersion.set(f.version, f);
      }
    }
  }

  versionFinding(version: string): CrdFinding | undefined {
    return this.byVersion.get(version);
  }

  /** The FIELD_REMOVED (or PRESERVE_UNKNOWN_FIELDS_REMOVED above it) that makes pruning drop a field. */
  removal(version: string, schemaPath: string): CrdFinding | undefined {
    const exact = this.byPath.get(`${version}\n${schemaPath}`)?.find((f) => f.changeType === 'FIELD_REMOVED');
    if (exact) return exact;
    for (let p = parentOf(schemaPath); p !== undefined; p = parentOf(p)) {
      const f = this.byPath.get(`${version}\n${p}`)?.find((x) => x.changeType === 'PRESERVE_UNKNOWN_FIELDS_REMOVED');
      if (f) return f;
    }
    return undefined;
  }

  /** The finding at the failing schema node whose change type explains the failed keyword. */
  cause(version: string, schemaPath: string, keyword: string): CrdFinding | undefined {
    const types = CAUSES[keyword] ?? CONSTRAINT;
    // Duplicates are reported on the repeated item; the list type belongs to the list.
    const at = LIST_KEYWORDS.has(keyword) && schemaPath.endsWith('[*]') ? schemaPath.slice(0, -3) : schemaPath;
    return this.byPath.get(`${version}\n${at}`)?.find((f) => types.includes(f.changeType));
  }
}

function parentOf(path: string): string | undefined {
  if (path === '') return undefined;
  const m = /^(.*)(\.[^.[{]+|\[\*\]|\{\*\})$/.exec(path);
  return m ? m[1] : undefined;
}
