// What checking existing custom resources reports. AffectedObject's clusterName, kind,
// namespace, name, fieldPath and reason are part of the public API contract (AffectedObject in schema.graphql).

import type { ChangeType } from '../compat/types.ts';

export const AFFECTED_CATEGORIES = [
  'INVALID', // the target schema rejects the object (after pruning and defaulting, as the server does)
  'DATA_LOSS', // the target schema no longer declares a field the object has: the server prunes it
  'UNSERVED_VERSION', // the object's API version is removed or no longer served
  'NOT_CHECKED', // a rule applies that we cannot evaluate (CEL); listed, never passed silently
] as const;
type AffectedCategory = (typeof AFFECTED_CATEGORIES)[number];

export interface AffectedObject {
  clusterName: string;
  kind: string;
  /** Null for cluster-scoped objects. */
  namespace: string | null;
  name: string;
  /** Object path of the offending field (`.spec.endpoints[0].port`); `.apiVersion` for UNSERVED_VERSION. */
  fieldPath: string;
  reason: string;
  category: AffectedCategory;
  crdName: string;
  apiVersion: string;
  /** Schema path of the field (`.spec.endpoints[*].port`), to tie it to a finding. */
  schemaPath: string;
  /** The schema change that causes it, when one is known. */
  changeType?: ChangeType;
  /** The object already fails the live schema the same way: the upgrade does not cause it. */
  preexisting?: boolean;
}

/** A rule that applies to existing objects and that nothing evaluated, with how many objects it touches. */
export interface NotCheckedRule {
  clusterName: string;
  crdName: string;
  version: string;
  schemaPath: string;
  rule: string;
  message?: string;
  objectCount: number;
  /** Up to a few `namespace/name` examples. */
  sampleObjects: string[];
}

export interface ObjectCheckResult {
  clusterName: string;
  crdName: string;
  objectsScanned: number;
  /** Objects of another group or kind that the listing returned (ignored). */
  objectsSkipped: number;
  /** Distinct objects with at least one INVALID, DATA_LOSS or UNSERVED_VERSION entry not pre-existing. */
  objectsBroken: number;
  affected: AffectedObject[];
  /** Entries beyond `maxAffectedObjects`, counted but not kept (memory stays bounded). */
  affectedTruncated: number;
  notChecked: NotCheckedRule[];
}

export interface CheckObjectsOptions {
  clusterName: string;
  /** The live CRD, to tell problems the upgrade causes from problems objects already have. */
  live?: import('../../kube/types.ts').KubeObject;
  /** Cap on kept AffectedObject entries per CRD and cluster. Default 1000. */
  maxAffectedObjects?: number;
  /** Also emit one NOT_CHECKED AffectedObject per object and rule (default false: aggregated in notChecked). */
  listNotCheckedObjects?: boolean;
}
