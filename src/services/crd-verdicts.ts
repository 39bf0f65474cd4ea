// What the planning gate makes of a CRD report (pure): which clusters block, which
// approved report already covers the current one, and the warnings a deployment shows.
import { isBreakingObject, type AffectedObject } from '../crd/index.ts';
import type { ClusterCrdVerdict, CrdReport } from './crd-check.ts';

/**
 * Clusters that stop the rollout for approval. A reachable cluster blocks when its check
 * requires approval (breaking, or incomplete: a listing failed). A cluster whose CRDs could
 * not be read blocks only when the recorded baseline already shows a breaking change: it
 * cannot be touched either, so its own step fails at preflight (src/rollout/cluster-step.ts).
 */
export function blockingClusters(report: Pick<CrdReport, 'clusters'>): ClusterCrdVerdict[] {
  return report.clusters.filter((c) => (c.reachable ? c.requiresApproval : c.breakingFindings > 0));
}

/**
 * What an approval of a report approves: its breaking findings, its broken objects and its
 * incomplete clusters, as keys. Read defensively: stored reports are JSON.
 */
function breakingKeys(report: unknown): Set<string> {
  const keys = new Set<string>();
  const r = (report ?? {}) as Partial<CrdReport>;
  for (const f of Array.isArray(r.findings) ? r.findings : []) {
    if (f?.severity === 'BREAKING') keys.add(['F', f.crdName, f.version, f.fieldPath, f.changeType, f.oldValue, f.newValue].join('\n'));
  }
  for (const o of Array.isArray(r.affectedObjects) ? r.affectedObjects : []) {
    if (o && isBreakingObject(o as AffectedObject)) keys.add(['O', o.clusterName, o.kind, o.namespace ?? '', o.name, o.fieldPath, o.category].join('\n'));
  }
  for (const c of Array.isArray(r.clusters) ? r.clusters : []) {
    if (c && c.reachable !== false && c.complete === false) keys.add(['C', c.clusterName].join('\n'));
  }
  // Entries beyond the cap were counted, not kept: an approval covers them only as a count.
  if ((r.affectedObjectsTruncated ?? 0) > 0) keys.add(`T\n${r.affectedObjectsTruncated}`);
  return keys;
}

/** True when everything breaking in `report` was already in the approved report. */
export function coveredBy(report: CrdReport, approvedDetails: unknown): boolean {
  const approved = breakingKeys(approvedDetails);
  for (const key of breakingKeys(report)) if (!approved.has(key)) return false;
  return true;
}

const MAX_WARNINGS = 200;

/** Lines for `deployment.warnings`: non-breaking findings, unreachable clusters, rules not evaluated. */
export function warningsOf(report: CrdReport): string[] {
  const lines: string[] = [];
  for (const c of report.clusters) {
    if (!c.reachable)
      lines.push(`CRD check: ${c.clusterName} could not be read during planning; its custom resources were not checked (${c.errors.join('; ')})`);
  }
  for (const f of report.findings) {
    if (f.severity !== 'WARNING') continue;
    const where = [f.crdName, f.version, f.fieldPath].filter(Boolean).join(' ');
    lines.push(`CRD ${where}: ${f.changeType}: ${f.message}`);
  }
  for (const rule of report.notChecked) {
    lines.push(
      `CRD ${rule.crdName} ${rule.version} ${rule.schemaPath}: validation rule not evaluated for ${rule.objectCount} object(s) in ${rule.clusterName}: ${rule.rule}`,
    );
  }
  if (lines.length <= MAX_WARNINGS) return lines;
  return [...lines.slice(0, MAX_WARNINGS - 1), `… and ${lines.length - MAX_WARNINGS + 1} more (see crdReport)`];
}

/** One line about a report for deployment events and approval messages. */
export function summaryOf(report: CrdReport): string {
  const breaking = report.findings.filter((f) => f.severity === 'BREAKING').length;
  const warnings = report.findings.filter((f) => f.severity === 'WARNING').length;
  const broken = new Set(report.affectedObjects.filter(isBreakingObject).map((o) => `${o.clusterName}/${o.kind}/${o.namespace ?? ''}/${o.name}`)).size;
  const scanned = report.clusters.reduce((n, c) => n + c.objectsScanned, 0);
  return `${breaking} breaking finding(s), ${broken} object(s) that would break, ${warnings} warning(s); ${scanned} custom resource(s) checked in ${report.clusters.length} cluster(s)`;
}
