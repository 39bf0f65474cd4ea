// Public API of CRD safety (docs/crd-safety.md). Pure: nothing here talks to a cluster or a database.
//   structural/  validate, prune and default custom resources like the API server
//   compat/      compare a live CRD with a target CRD → findings
//   objects/     check existing custom resources → affected objects, verdict, report

export * from './structural/validate.ts';
export { compareCrds, compareCrdSets } from './compat/compare.ts';
export { diffSchemas } from './compat/schema-diff.ts';
export { CHANGE_TYPES, SEVERITIES, type ChangeType, type Severity, type CrdFinding, type CompareOptions } from './compat/types.ts';
export { checkObjects, eachObject, ObjectChecker, type ObjectSource } from './objects/check.ts';
export { checkCluster, type ClusterSource, type CheckClusterOptions } from './objects/cluster.ts';
export { verdict, isBreakingObject, type Verdict } from './objects/verdict.ts';
export {
  buildReport,
  type ClusterCheck,
  type ClusterCheckError,
  type ClusterVerdict,
  type CrdCompatibilityReport,
  type ReportFinding,
} from './objects/report.ts';
export {
  AFFECTED_CATEGORIES,
  type AffectedCategory,
  type AffectedObject,
  type CheckObjectsOptions,
  type NotCheckedRule,
  type ObjectCheckResult,
} from './objects/types.ts';
