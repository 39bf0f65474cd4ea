// Combines the checks of several clusters into one CrdCompatibilityReport, the shape the
// GraphQL API exposes (field names of findings and affected objects are contract names).
// Pure: no cluster, no database.

import type { CrdFinding, Severity } from '../compat/types.ts';
import type { AffectedObject, NotCheckedRule, ObjectCheckResult } from './types.ts';
import { affectedCounts, findingKey, verdict } from './verdict.ts';

export interface ClusterCheckError {
  crdName?: string;
  message: string;
}

/** Everything checked in one cluster: schema findings against its live CRDs, and its objects. */
export interface ClusterCheck {
  clusterName: string;
  findings: CrdFinding[];
  objectChecks: ObjectCheckResult[];
  errors: ClusterCheckError[];
}

export interface ReportFinding extends CrdFinding {
  /** Severity from the schema comparison alone; `severity` is escalated when objects are affected. */
  schemaSeverity: Severity;
  /** Clusters where the live CRD leads to this finding. */
  clusters: string[];
  /** Existing objects that break because of it (0 for pure schema findings). */
  affectedObjectCount: number;
}

export interface ClusterVerdict {
  clusterName: string;
  compatible: boolean;
  requiresApproval: boolean;
  /** False when some CRD could not be compared or listed: such a cluster is never called compatible. */
  complete: boolean;
  objectsScanned: number;
  objectsBroken: number;
  breakingFindings: number;
  warningFindings: number;
  affectedObjects: number;
  notCheckedRules: number;
  errors: string[];
}

export interface CrdCompatibilityReport {
  compatible: boolean;
  requiresApproval: boolean;
  findings: ReportFinding[];
  affectedObjects: AffectedObject[];
  /** Affected-object entries counted but not kept (see maxAffectedObjects). */
  affectedObjectsTruncated: number;
  clusters: ClusterVerdict[];
  notChecked: NotCheckedRule[];
}

export function buildReport(checks: readonly ClusterCheck[]): CrdCompatibilityReport {
  const merged = new Map<string, ReportFinding>();
  const affectedObjects: AffectedObject[] = [];
  const notChecked: NotCheckedRule[] = [];
  const clusters: ClusterVerdict[] = [];
  let truncated = 0;

  for (const check of checks) {
    const objects = check.objectChecks.flatMap((c) => c.affected);
    const v = verdict(check.findings, objects);
    const counts = affectedCounts(objects);
    const escalated = new Set(v.breaking.findings);
    for (const f of check.findings) mergeFinding(merged, f, check.clusterName, escalated.has(f), counts.get(findingKey(f)) ?? 0);
    affectedObjects.push(...objects);
    const rules = check.objectChecks.flatMap((c) => c.notChecked);
    notChecked.push(...rules);
    truncated += check.objectChecks.reduce((n, c) => n + c.affectedTruncated, 0);
    const complete = check.errors.length === 0;
    const truncatedHere = check.objectChecks.some((c) => c.affectedTruncated > 0);
    clusters.push({
      clusterName: check.clusterName,
      compatible: v.compatible && complete && !truncatedHere,
      requiresApproval: v.requiresApproval || !complete,
      complete,
      objectsScanned: check.objectChecks.reduce((n, c) => n + c.objectsScanned, 0),
      objectsBroken: check.objectChecks.reduce((n, c) => n + c.objectsBroken, 0),
      breakingFindings: v.breaking.findings.length,
      warningFindings: v.warnings.findings.length,
      affectedObjects: objects.length,
      notCheckedRules: rules.length,
      errors: check.errors.map((e) => (e.crdName ? `${e.crdName}: ${e.message}` : e.message)),
    });
  }
  const compatible = clusters.every((c) => c.compatible);
  return {
    compatible,
    requiresApproval: clusters.some((c) => c.requiresApproval),
    findings: [...merged.values()],
    affectedObjects,
    affectedObjectsTruncated: truncated,
    clusters,
    notChecked,
  };
}

function mergeFinding(into: Map<string, ReportFinding>, f: CrdFinding, cluster: string, breaking: boolean, affected: number): void {
  const k = `${findingKey(f)}\n${f.oldValue}\n${f.newValue}`;
  const existing = into.get(k);
  if (!existing) {
    into.set(k, { ...f, severity: breaking ? 'BREAKING' : f.severity, schemaSeverity: f.severity, clusters: [cluster], affectedObjectCount: affected });
    return;
  }
  if (!existing.clusters.includes(cluster)) existing.clusters.push(cluster);
  existing.affectedObjectCount += affected;
  if (breaking) existing.severity = 'BREAKING';
}
