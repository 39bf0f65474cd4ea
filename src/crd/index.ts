// Public API of CRD safety (docs/crd-safety.md). Pure: nothing here talks to a cluster or a database.
//   structural/  validate, prune and default custom resources like the API server
//   compat/      compare a live CRD with a target CRD → findings
//   objects/     check existing custom resources → affected objects, verdict, report

export * from './structural/validate.ts';
export { CompareMemo } from './compat/memo.ts';
export { CHANGE_TYPES, SEVERITIES, type CrdFinding } from './compat/types.ts';
export { checkCluster } from './objects/cluster.ts';
export { isBreakingObject } from './objects/verdict.ts';
export {
  buildReport,
  type ClusterCheck,
  type ClusterVerdict,
  type CrdCompatibilityReport,
  type ReportFinding,
} from './objects/report.ts';
export {
  AFFECTED_CATEGORIES,
  type AffectedObject,
  type NotCheckedRule,
} from './objects/types.ts';
