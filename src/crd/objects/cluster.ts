// One cluster's whole check: compare each target CRD with the live one, then stream the
// existing custom resources of each CRD that exists live through the object checker.
// Per-CRD failures (a listing that errors) are recorded beside the results, never thrown.

import type { KubeObject } from '../../kube/types.ts';
import { CompareMemo } from '../compat/memo.ts';
import type { CompareOptions, CrdFinding } from '../compat/types.ts';
import { crdName } from '../structural/crd-schema.ts';
import { checkObjects, type ObjectSource } from './check.ts';
import type { ClusterCheck, ClusterCheckError } from './report.ts';
import type { ObjectCheckResult } from './types.ts';

export interface ClusterSource {
  clusterName: string;
  /** The CRDs installed in the cluster now (with status.storedVersions). */
  liveCrds: readonly KubeObject[];
  /** The custom resources of a live CRD, as objects or pages (e.g. list calls with `limit`/`continue`). */
  listObjects(liveCrd: KubeObject): ObjectSource;
}

export interface CheckClusterOptions extends CompareOptions {
  maxAffectedObjects?: number;
  /** Comparisons shared by the clusters of one check (see CompareMemo). Default: one for this cluster. */
  memo?: CompareMemo;
}

export async function checkCluster(targetCrds: readonly KubeObject[], source: ClusterSource, options: CheckClusterOptions = {}): Promise<ClusterCheck> {
  const liveByName = new Map(source.liveCrds.map((c) => [crdName(c), c]));
  const findings: CrdFinding[] = [];
  const objectChecks: ObjectCheckResult[] = [];
  const errors: ClusterCheckError[] = [];
  const memo = options.memo ?? new CompareMemo();
  for (const target of targetCrds) {
    const name = crdName(target);
    const live = liveByName.get(name);
    try {
      const { findings: crdFindings, sameVersions } = memo.compare(live, target, options);
      findings.push(...crdFindings);
      if (!live || sameVersions) continue; // nothing for objects to trip over
      objectChecks.push(
        await checkObjects(target, crdFindings, source.listObjects(live), {
          clusterName: source.clusterName,
          live,
          ...(options.maxAffectedObjects !== undefined ? { maxAffectedObjects: options.maxAffectedObjects } : {}),
        }),
      );
    } catch (err) {
      errors.push({ crdName: name, message: err instanceof Error ? err.message : String(err) });
    }
  }
  return { clusterName: source.clusterName, findings, objectChecks, errors };
}
