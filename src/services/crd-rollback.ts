// Which older CRDs a rollback may re-apply (docs/crd-safety.md, "Rollback never loses data"): the
// compatibility check run in reverse — the older CRD is the target, the live (newer) one
// and the custom resources that exist now are what it is checked against. An older CRD is
// re-applied only when no existing object would become invalid or lose data under it and
// no served or stored version would go away; otherwise the newer CRD stays, with the reason.
import { setMaxListeners } from 'node:events';
import { checkCluster, isBreakingObject, type AffectedObject } from '../crd/index.ts';
import { crdName, isCrd } from '../crd/structural/crd-schema.ts';
import type { KubeClient } from '../kube/client.ts';
import { crdClusterSource } from '../kube/crds.ts';
import type { KubeObject } from '../kube/types.ts';

export interface CrdRollbackDecision {
  /** Older CRDs safe to re-apply. */
  restore: KubeObject[];
  /** Older CRDs not re-applied: the newer live CRD stays. */
  keep: Array<{ name: string; reason: string }>;
}

export async function decideCrdRollback(
  client: KubeClient,
  olderObjects: readonly KubeObject[],
  options: { signal?: AbortSignal; pageSize?: number } = {},
): Promise<CrdRollbackDecision> {
  const older = olderObjects.filter(isCrd);
  if (older.length === 0) return { restore: [], keep: [] };
  // Every older CRD is read at once under this signal: many listeners by design.
  const signal = options.signal ? AbortSignal.any([options.signal]) : undefined;
  if (signal) setMaxListeners(0, signal);
  const source = await crdClusterSource(
    client,
    older.map((c) => crdName(c)),
    { pageSize: options.pageSize ?? 500, ...(signal ? { signal } : {}) },
  );
  const check = await checkCluster(older, source);
  const decision: CrdRollbackDecision = { restore: [], keep: [] };
  for (const crd of older) {
    const name = crdName(crd);
    const reason = whyKeep(name, check);
    if (reason) decision.keep.push({ name, reason });
    else decision.restore.push(crd);
  }
  return decision;
}

function whyKeep(name: string, check: Awaited<ReturnType<typeof checkCluster>>): string | undefined {
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
