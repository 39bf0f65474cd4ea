// Which older CRDs a rollback may re-apply (docs/crd-safety.md, "Rollback never loses data"): the
// compatibility check run in reverse — the older CRD is the target, the live (newer) one
// and the custom resources that exist now are what it is checked against (the caller reads
// them: src/rollout/cluster-step.ts). An older CRD is re-applied only when no existing
// object would become invalid or lose data under it and no served or stored version would
// go away; otherwise the newer CRD stays, with the reason.
import type { KubeObject } from '../kube/types.ts';
import type { ClusterCheck } from './objects/report.ts';
import type { AffectedObject } from './objects/types.ts';
import { isBreakingObject } from './objects/verdict.ts';
import { crdName } from './structural/crd-schema.ts';

export interface CrdRollbackDecision {
  /** Older CRDs safe to re-apply. */
  restore: KubeObject[];
  /** Older CRDs not re-applied: the newer live CRD stays. */
  keep: Array<{ name: string; reason: string }>;
}

/** Splits the older CRDs into those safe to re-apply and those to keep newer, given the check of them against the cluster. */
export function decideCrdRollback(olderCrds: readonly KubeObject[], check: ClusterCheck): CrdRollbackDecision {
  const decision: CrdRollbackDecision = { restore: [], keep: [] };
  for (const crd of olderCrds) {
    const name = crdName(crd);
    const reason = whyKeep(name, check);
    if (reason) decision.keep.push({ name, reason });
    else decision.restore.push(crd);
  }
  return decision;
}

function whyKeep(name: string, check: ClusterCheck): string | undefined {
  const error = check.errors.find((e) => e.crdName === name);
  if (error) return `its objects could not be checked (${error.message})`;
  const objectCheck = check.objectChecks.find((c) => c.crdName === name);
  const broken = (objectCheck?.affected ?? []).filter(isBreakingObject);
  if (broken.length > 0 || (objectCheck?.affectedTruncated ?? 0) > 0) {
    const objects = new Set(broken.map((o) => `${o.namespace ? `${o.namespace}/` : ''}${o.name}`));
    return `the older schema would ${describe(broken)} for ${objects.size}${objectCheck?.affectedTruncated ? '+' : ''} existing object(s) (e.g. ${examples(broken)})`;
  }
  const finding = check.findings.find((f) => f.crdName === name && f.severity === 'BREAKING');
  if (finding) return finding.message;
  return undefined;
}

function describe(broken: readonly AffectedObject[]): string {
  const kinds = new Set(broken.map((o) => o.category));
  const parts = [
    kinds.has('DATA_LOSS') ? 'prune data' : '',
    kinds.has('INVALID') ? 'reject data' : '',
    kinds.has('UNSERVED_VERSION') ? 'stop serving the version' : '',
  ].filter(Boolean);
  return parts.join(' and ') || 'break data';
}

function examples(broken: readonly AffectedObject[]): string {
  return broken
    .slice(0, 3)
    .map((o) => `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name} ${o.fieldPath}`)
    .join('; ');
}

/** The part of a rollback event about CRDs: what went back, what stayed and why. */
export function describeCrdRollback(decision: CrdRollbackDecision, keptCount: number): string {
  const parts: string[] = [];
  if (decision.restore.length) parts.push(`re-applied ${decision.restore.length} older CRD(s)`);
  if (keptCount) {
    const why = decision.keep.map((k) => `${k.name}: ${k.reason}`).join('; ');
    parts.push(`kept ${keptCount} newer CRD(s) so no custom resource is lost${why ? ` (${why})` : ''}`);
  }
  return parts.length ? `; ${parts.join('; ')}` : '';
}
