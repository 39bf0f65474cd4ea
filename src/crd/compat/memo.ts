// Comparisons remembered across the clusters of one check: a fleet mostly runs the same
// CRDs, so a target CRD is compared with each distinct live CRD once, not once per cluster
// (the schema diff of a large CRD costs tens of milliseconds).

import type { KubeObject } from '../../kube/types.ts';
import { deepEqual } from '../../domain/json.ts';
import { compareCrds } from './compare.ts';
import type { CompareOptions, CrdFinding } from './types.ts';

export interface Comparison {
  findings: CrdFinding[];
  /** The live CRD's versions are exactly the target's: no existing object can trip over the change. */
  sameVersions: boolean;
}

/** Distinct live variants remembered per target CRD; a fleet in more states than this is compared cluster by cluster. */
const MAX_VARIANTS = 8;

interface Variant extends Comparison {
  spec: unknown;
  storedVersions: unknown;
  includeInfo: boolean;
}

export class CompareMemo {
  private readonly byTarget = new WeakMap<KubeObject, Variant[]>();

  /** compareCrds(live, target), and whether their versions are equal; findings are fresh copies each time. */
  compare(live: KubeObject | undefined, target: KubeObject, options: CompareOptions = {}): Comparison {
    if (!live) return { findings: compareCrds(undefined, target, options), sameVersions: false };
    // Everything compareCrds reads of the live CRD, and the option that changes its answer. A
    // live CRD is matched by deep equality (cheaper than serialising it, and exact).
    const storedVersions = options.storedVersions ?? live.status?.storedVersions ?? null;
    const includeInfo = options.includeInfo === true;
    let variants = this.byTarget.get(target);
    if (!variants) this.byTarget.set(target, (variants = []));
    let found = variants.find((v) => v.includeInfo === includeInfo && deepEqual(v.storedVersions, storedVersions) && deepEqual(v.spec, live.spec ?? null));
    if (!found) {
      found = {
        spec: live.spec ?? null,
        storedVersions,
        includeInfo,
        findings: compareCrds(live, target, options),
        sameVersions: deepEqual(live.spec?.versions, target.spec?.versions),
      };
      if (variants.length < MAX_VARIANTS) variants.push(found);
    }
    return { findings: found.findings.map((f) => ({ ...f })), sameVersions: found.sameVersions };
  }
}
