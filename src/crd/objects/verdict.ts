// The verdict of CRD safety (docs/crd-safety.md). Breaking: an existing object would become invalid or lose
// data, an API version is removed or no longer served, a stored version is dropped (and
// the few CRD changes the API server refuses outright, see compat/types.ts). A field-level
// finding is a warning unless an existing object is affected by it, in which case it is
// escalated to breaking. Everything else is a warning. INFO findings are neither.

import type { CrdFinding } from '../compat/types.ts';
import type { AffectedObject } from './types.ts';

export interface Verdict {
  compatible: boolean;
  requiresApproval: boolean;
  breaking: { findings: CrdFinding[]; objects: AffectedObject[] };
  warnings: { findings: CrdFinding[]; objects: AffectedObject[] };
}

/** True for entries that make an upgrade breaking on their own. */
export function isBreakingObject(o: AffectedObject): boolean {
  return o.category !== 'NOT_CHECKED' && !o.preexisting;
}

/** `crdName version fieldPath changeType`: how a finding and the objects it affects meet. */
export function findingKey(f: { crdName: string; version: string; fieldPath: string; changeType: string }): string {
  return `${f.crdName}\n${f.version}\n${f.fieldPath}\n${f.changeType}`;
}

function objectFindingKey(o: AffectedObject): string | undefined {
  if (!o.changeType) return undefined;
  const version = o.apiVersion.slice(o.apiVersion.indexOf('/') + 1);
  const fieldPath = o.category === 'UNSERVED_VERSION' ? '' : o.schemaPath;
  return findingKey({ crdName: o.crdName, version, fieldPath, changeType: o.changeType });
}

/** Findings keyed by findingKey, counting the breaking objects each one affects. */
export function affectedCounts(objects: Iterable<AffectedObject>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const o of objects) {
    if (!isBreakingObject(o)) continue;
    const k = objectFindingKey(o);
    if (k) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

export function verdict(findings: readonly CrdFinding[], objects: readonly AffectedObject[]): Verdict {
  const counts = affectedCounts(objects);
  const out: Verdict = {
    compatible: true,
    requiresApproval: false,
    breaking: { findings: [], objects: [] },
    warnings: { findings: [], objects: [] },
  };
  for (const f of findings) {
    if (f.severity === 'BREAKING' || counts.has(findingKey(f))) out.breaking.findings.push(f);
    else if (f.severity === 'WARNING') out.warnings.findings.push(f);
  }
  for (const o of objects) (isBreakingObject(o) ? out.breaking.objects : out.warnings.objects).push(o);
  const breaking = out.breaking.findings.length > 0 || out.breaking.objects.length > 0;
  out.compatible = !breaking;
  out.requiresApproval = breaking;
  return out;
}
