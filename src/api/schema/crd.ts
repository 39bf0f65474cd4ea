// CRD safety in the API: the CRD registry (crds, crd, deprecateCrd, reactivateCrd), the
// compatibility check (validateCrdCompatibility → CrdCompatibilityReport; the field names of
// CrdFinding and AffectedObject are part of the contract in schema.graphql), the report a deployment
// keeps (Deployment.crdReport) and what was sent about an approval (Approval.notifications).
// Stored reports are JSON written by an earlier version, so their resolvers read leniently.
import {
  AFFECTED_CATEGORIES,
  CHANGE_TYPES,
  SEVERITIES,
  type AffectedObject,
  type ClusterCrdVerdict,
  type CrdReport,
  type NotCheckedRule,
  type ReportFinding,
} from '../../services/crd-check.ts';
import type { CrdSummary } from '../../services/crd-registry.ts';
import type { CrdView } from '../../services/crds.ts';
import type { CrdVersion } from '../../services/reads.ts';
import { actorOf, type GraphQLContext } from '../context.ts';
import { builder } from '../builder.ts';

const CrdChangeTypeEnum = builder.enumType('CrdChangeType', {
  values: CHANGE_TYPES,
  description: 'What changed between the live CRD and the target CRD.',
});
const CrdFindingSeverityEnum = builder.enumType('CrdFindingSeverity', {
  values: SEVERITIES,
  description: 'BREAKING needs an ADMIN approval before any cluster is touched; WARNING is shown on the deployment; INFO is informational.',
});
const AffectedObjectCategoryEnum = builder.enumType('AffectedObjectCategory', {
  values: AFFECTED_CATEGORIES,
  description:
    'INVALID: the target schema rejects the object; DATA_LOSS: a field would be pruned; UNSERVED_VERSION: its API version goes away; NOT_CHECKED: a CEL rule applies that was not evaluated.',
});

const CrdFinding = builder.objectRef<ReportFinding>('CrdFinding').implement({
  description: 'One schema change between the live CRD (or the recorded previous version) and the target CRD.',
  fields: (t) => ({
    crdName: t.exposeString('crdName'),
    version: t.exposeString('version', { description: "API version compared; '' for CRD-level findings." }),
    fieldPath: t.exposeString('fieldPath', {
      description: "Schema path (`.spec.endpoints[*].port`, map values `{*}`); '' for CRD- and version-level findings.",
    }),
    changeType: t.field({ type: CrdChangeTypeEnum, resolve: (f) => f.changeType }),
    severity: t.field({ type: CrdFindingSeverityEnum, description: 'Escalated to BREAKING when an existing object is affected.', resolve: (f) => f.severity }),
    schemaSeverity: t.field({
      type: CrdFindingSeverityEnum,
      description: 'Severity from the schema comparison alone.',
      resolve: (f) => f.schemaSeverity ?? f.severity,
    }),
    oldValue: t.exposeString('oldValue', { nullable: true }),
    newValue: t.exposeString('newValue', { nullable: true }),
    message: t.exposeString('message'),
    clusters: t.stringList({ description: 'Clusters where the live CRD leads to this finding.', resolve: (f) => f.clusters ?? [] }),
    affectedObjectCount: t.int({ description: 'Existing objects that break because of it.', resolve: (f) => f.affectedObjectCount ?? 0 }),
  }),
});

const AffectedObjectRef = builder.objectRef<AffectedObject>('AffectedObject').implement({
  description: 'An existing custom resource that the target CRD would reject, prune or stop serving.',
  fields: (t) => ({
    clusterName: t.exposeString('clusterName'),
    kind: t.exposeString('kind'),
    namespace: t.string({ nullable: true, description: 'Null for cluster-scoped objects.', resolve: (o) => o.namespace ?? null }),
    name: t.exposeString('name'),
    fieldPath: t.exposeString('fieldPath', { description: 'Object path of the offending field (`.spec.endpoints[0].port`).' }),
    reason: t.exposeString('reason'),
    category: t.field({ type: AffectedObjectCategoryEnum, resolve: (o) => o.category }),
    crdName: t.exposeString('crdName'),
    apiVersion: t.exposeString('apiVersion'),
    changeType: t.field({
      type: CrdChangeTypeEnum,
      nullable: true,
      description: 'The schema change that causes it, when known.',
      resolve: (o) => o.changeType ?? null,
    }),
    preexisting: t.boolean({
      description: 'The object already fails the live schema this way: the upgrade does not cause it.',
      resolve: (o) => o.preexisting === true,
    }),
  }),
});

const ClusterCrdVerdictRef = builder.objectRef<ClusterCrdVerdict>('ClusterCrdVerdict').implement({
  description: 'The verdict for one cluster.',
  fields: (t) => ({
    clusterName: t.exposeString('clusterName'),
    compatible: t.exposeBoolean('compatible'),
    requiresApproval: t.exposeBoolean('requiresApproval'),
    complete: t.exposeBoolean('complete', { description: 'False when some CRD could not be compared or its objects listed: never called compatible then.' }),
    reachable: t.boolean({
      description: "False when the cluster's CRDs could not be read at all; only the recorded previous version was compared.",
      resolve: (v) => v.reachable !== false,
    }),
    objectsScanned: t.exposeInt('objectsScanned'),
    objectsBroken: t.exposeInt('objectsBroken'),
    breakingFindings: t.exposeInt('breakingFindings'),
    warningFindings: t.exposeInt('warningFindings'),
    affectedObjects: t.exposeInt('affectedObjects'),
    notCheckedRules: t.exposeInt('notCheckedRules'),
    errors: t.exposeStringList('errors'),
  }),
});

const NotCheckedRuleRef = builder.objectRef<NotCheckedRule>('NotCheckedRule').implement({
  description: 'A validation rule (CEL) that applies to existing objects and was not evaluated: listed, never passed silently.',
  fields: (t) => ({
    clusterName: t.exposeString('clusterName'),
    crdName: t.exposeString('crdName'),
    version: t.exposeString('version'),
    schemaPath: t.exposeString('schemaPath'),
    rule: t.exposeString('rule'),
    message: t.string({ nullable: true, resolve: (r) => r.message ?? null }),
    objectCount: t.exposeInt('objectCount'),
    sampleObjects: t.exposeStringList('sampleObjects', { description: 'A few `namespace/name` examples.' }),
  }),
});

export const CrdCompatibilityReportRef = builder.objectRef<CrdReport>('CrdCompatibilityReport').implement({
  description:
    'What upgrading an operator would do to the CRDs and custom resources of each cluster. Breaking (requiresApproval): an existing object would become invalid or lose data, a served API version is removed or unserved, or a version in status.storedVersions is dropped.',
  fields: (t) => ({
    operatorName: t.string({ nullable: true, resolve: (r) => r.operatorName ?? null }),
    targetVersion: t.string({ nullable: true, resolve: (r) => r.targetVersion ?? null }),
    checkedAt: t.field({ type: 'DateTime', nullable: true, resolve: (r) => r.checkedAt ?? null }),
    compatible: t.exposeBoolean('compatible'),
    requiresApproval: t.exposeBoolean('requiresApproval'),
    findings: t.field({
      type: [CrdFinding],
      description: 'BREAKING and WARNING findings (INFO additions are left out), merged across clusters.',
      args: { severity: t.arg({ type: CrdFindingSeverityEnum }) },
      resolve: (r, args) => (r.findings ?? []).filter((f) => !args.severity || f.severity === args.severity),
    }),
    affectedObjects: t.field({ type: [AffectedObjectRef], resolve: (r) => r.affectedObjects ?? [] }),
    affectedObjectsTruncated: t.int({
      description: 'Affected-object entries counted but not kept (at most 1000 per CRD and cluster are kept).',
      resolve: (r) => r.affectedObjectsTruncated ?? 0,
    }),
    clusters: t.field({ type: [ClusterCrdVerdictRef], resolve: (r) => r.clusters ?? [] }),
    notChecked: t.field({
      type: [NotCheckedRuleRef],
      description: 'Rules not evaluated; clusters not (fully) checked show complete: false with their errors.',
      resolve: (r) => r.notChecked ?? [],
    }),
  }),
});

/** A stored report (JSON column) as the API type, or null when there is none. */
export function storedReport(value: unknown): CrdReport | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const r = value as Partial<CrdReport>;
  return typeof r.compatible === 'boolean' ? (r as CrdReport) : null;
}

// ---------------------------------------------------------------- the registry

/** One version of a recorded CRD; `deprecated` and `schema` are read from the stored definition when asked for. */
interface CrdVersionRow {
  rowId: string;
  name: string;
  served: boolean;
  storage: boolean;
}

const versionLists = new WeakMap<GraphQLContext, Map<string, Promise<CrdVersion[]>>>();

/** The versions of a registry row's stored CRD, loaded once per request. */
function versionsOfRow(ctx: GraphQLContext, rowId: string): Promise<CrdVersion[]> {
  let cache = versionLists.get(ctx);
  if (!cache) versionLists.set(ctx, (cache = new Map()));
  let found = cache.get(rowId);
  if (!found) cache.set(rowId, (found = ctx.services.reads.crdVersions(rowId)));
  return found;
}

const versionOf = async (ctx: GraphQLContext, v: CrdVersionRow) => (await versionsOfRow(ctx, v.rowId)).find((x) => x.name === v.name);

const versionsOf = (row: CrdSummary): CrdVersionRow[] =>
  row.versions.map((name) => ({ rowId: row.id, name, served: row.servedVersions.includes(name), storage: row.storageVersion === name }));

const CrdStatusEnum = builder.enumType('CrdStatus', { values: ['ACTIVE', 'DEPRECATED'] as const });

const CrdVersionRef = builder.objectRef<CrdVersionRow>('CrdVersion').implement({
  description: 'One API version of a CRD.',
  fields: (t) => ({
    name: t.exposeString('name'),
    served: t.exposeBoolean('served'),
    storage: t.exposeBoolean('storage'),
    deprecated: t.boolean({
      description: 'Marked deprecated in the CRD itself (clients get warnings).',
      resolve: async (v, _a, ctx) => (await versionOf(ctx, v))?.deprecated ?? false,
    }),
    deprecationWarning: t.string({ nullable: true, resolve: async (v, _a, ctx) => (await versionOf(ctx, v))?.deprecationWarning ?? null }),
    schema: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The openAPIV3Schema of this version.',
      resolve: async (v, _a, ctx) => (await versionOf(ctx, v))?.schema ?? null,
    }),
  }),
});

const CrdRecordRef = builder.objectRef<CrdSummary>('CrdRecord').implement({
  description: 'A CRD as one operator version ships it.',
  fields: (t) => ({
    operatorName: t.exposeString('operatorName'),
    operatorVersion: t.exposeString('operatorVersion'),
    schemaDigest: t.string({ nullable: true, description: 'Digest of the CRD as shipped: equal digests, identical CRDs.', resolve: (r) => r.schemaDigest }),
    storageVersion: t.string({ nullable: true, resolve: (r) => r.storageVersion }),
    versions: t.field({ type: [CrdVersionRef], resolve: versionsOf }),
    recordedAt: t.field({ type: 'DateTime', resolve: (r) => r.createdAt }),
  }),
});

const CrdRef = builder.objectRef<CrdView>('Crd').implement({
  description: 'A CustomResourceDefinition shipped by an operator, as recorded whenever an operator version is rendered.',
  fields: (t) => ({
    name: t.exposeString('name'),
    group: t.exposeString('group'),
    kind: t.string({ nullable: true, resolve: (c) => c.kind }),
    plural: t.string({ nullable: true, resolve: (c) => c.plural }),
    scope: t.exposeString('scope', { description: 'Namespaced or Cluster.' }),
    operatorName: t.exposeString('operatorName', { description: 'The operator of the newest record.' }),
    latestOperatorVersion: t.string({ description: 'The newest operator version that ships it.', resolve: (c) => c.operatorVersion }),
    operatorVersions: t.stringList({
      description: 'Every recorded operator version that ships it, newest first.',
      resolve: (c) => c.history.map((h) => h.operatorVersion),
    }),
    versions: t.field({ type: [CrdVersionRef], description: 'API versions in the newest record.', resolve: (c) => versionsOf(c) }),
    storageVersion: t.string({ nullable: true, resolve: (c) => c.storageVersion }),
    schemaDigest: t.string({ nullable: true, resolve: (c) => c.schemaDigest }),
    status: t.field({ type: CrdStatusEnum, resolve: (c) => (c.status === 'DEPRECATED' ? 'DEPRECATED' : 'ACTIVE') }),
    deprecatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (c) => c.deprecatedAt }),
    deprecationReason: t.string({ nullable: true, resolve: (c) => c.deprecationReason }),
    migrationGuide: t.string({ nullable: true, resolve: (c) => c.migrationGuide }),
    history: t.field({ type: [CrdRecordRef], description: 'One record per operator version, newest first.', resolve: (c) => c.history }),
  }),
});

const DeprecateCrdInput = builder.inputType('DeprecateCrdInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: 'CRD name (`servicemonitors.monitoring.coreos.com`).' }),
    reason: t.string({ required: true, description: 'Why it is deprecated (≤ 2000 characters).' }),
    migrationGuide: t.string({ description: 'What users should do instead (≤ 10000 characters, Markdown welcome).' }),
  }),
});

builder.queryFields((t) => ({
  crds: t.field({
    type: [CrdRef],
    authScopes: { read: true },
    description: 'Recorded CRDs (of one operator, or all), one entry per name.',
    args: { operatorName: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.crds.list(args.operatorName),
  }),
  crd: t.field({
    type: CrdRef,
    nullable: true,
    authScopes: { read: true },
    args: { name: t.arg.string({ required: true }) },
    resolve: (_root, args, ctx) => ctx.services.crds.get(args.name),
  }),
}));

builder.mutationFields((t) => ({
  validateCrdCompatibility: t.field({
    type: CrdCompatibilityReportRef,
    // Reads clusters and changes nothing in them (it records the target's CRDs in the registry, as any render does).
    authScopes: { read: true },
    description:
      'Checks upgrading an operator to targetVersion against the CRDs and custom resources of `clusters` (omitted: every cluster where the operator is installed). Changes nothing in any cluster.',
    args: { operatorName: t.arg.string({ required: true }), targetVersion: t.arg.string({ required: true }), clusters: t.arg.stringList() },
    resolve: (_root, args, ctx) => ctx.services.crds.validateCompatibility(actorOf(ctx), args),
  }),
  deprecateCrd: t.field({
    type: CrdRef,
    authScopes: { admin: true },
    description: 'Marks a CRD DEPRECATED (every record of its name, and the records of later operator versions) with a reason and a migration guide.',
    args: { input: t.arg({ type: DeprecateCrdInput, required: true }) },
    resolve: (_root, { input }, ctx) => ctx.services.crds.deprecate(actorOf(ctx), input),
  }),
  reactivateCrd: t.field({
    type: CrdRef,
    authScopes: { admin: true },
    description: 'Undoes deprecateCrd.',
    args: { name: t.arg.string({ required: true }) },
    resolve: (_root, { name }, ctx) => ctx.services.crds.reactivate(actorOf(ctx), name),
  }),
}));
