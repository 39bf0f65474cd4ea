// Deployment: type, queries, mutations, subscriptions.
import { formatDuration } from '../../domain/duration.ts';
import type { DeploymentEventPayload } from '../../services/events.ts';
import { deploymentProgress } from '../../services/deployment-progress.ts';
import { actorOf, type GraphQLContext } from '../context.ts';
import { builder } from '../builder.ts';
import { CrdCompatibilityReportRef, storedReport } from './crd.ts';
import { ApprovalStatusEnum, ClusterDeploymentStatusEnum, DeploymentStatusEnum, DeploymentStrategyEnum, HealthStatusEnum, apiHealthStatus } from './scalars.ts';

const DeploymentEvent = builder.objectRef<DeploymentEventPayload>('DeploymentEvent').implement({
  description: 'One persisted step of a deployment. `sequence` counts 1, 2, 3… per deployment without gaps.',
  fields: (t) => ({
    sequence: t.exposeInt('sequence'),
    deploymentId: t.exposeID('deploymentId'),
    clusterName: t.exposeString('clusterName', { nullable: true, description: 'The cluster this step is about; null for the deployment as a whole.' }),
    status: t.exposeString('status', { description: 'Deployment status (deployment-level events) or cluster status at this step.' }),
    message: t.exposeString('message'),
    progress: t.exposeFloat('progress', { nullable: true, description: 'Share of the rollout done, 0–1.' }),
    timestamp: t.expose('timestamp', { type: 'DateTime' }),
  }),
});

builder.prismaObject('ClusterDeployment', {
  description: 'The state of one target cluster within a deployment.',
  fields: (t) => ({
    clusterName: t.exposeString('clusterName'),
    status: t.field({ type: ClusterDeploymentStatusEnum, resolve: (c) => c.status as never }),
    errorMessage: t.exposeString('errorMessage', { nullable: true }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true }),
    wave: t.exposeInt('wave', { description: 'Index of the wave (canary stage, rolling step) the cluster belongs to.' }),
    health: t.field({
      type: HealthStatusEnum,
      nullable: true,
      description: 'Operator health at the last check.',
      resolve: (c) => apiHealthStatus((c.healthCheckResult as { status?: string } | null)?.status),
    }),
    healthMessage: t.string({ nullable: true, resolve: (c) => (c.healthCheckResult as { message?: string } | null)?.message ?? null }),
    previousRevision: t.exposeInt('previousRevision', { nullable: true, description: 'Release revision before this deployment (the rollback target).' }),
    releaseRevision: t.exposeInt('releaseRevision', { nullable: true, description: 'Release revision this deployment recorded.' }),
  }),
});

builder.prismaObject('Deployment', {
  description: 'A rollout of one operator version across clusters.',
  fields: (t) => ({
    id: t.exposeID('id'),
    operatorName: t.exposeString('operatorName'),
    targetVersion: t.exposeString('targetVersion'),
    previousVersion: t.exposeString('previousVersion', { nullable: true }),
    strategy: t.field({ type: DeploymentStrategyEnum, resolve: (d) => d.strategy as never }),
    status: t.field({ type: DeploymentStatusEnum, resolve: (d) => d.status as never }),
    approvalStatus: t.field({ type: ApprovalStatusEnum, resolve: (d) => d.approvalStatus as never }),
    targetClusters: t.exposeStringList('targetClusters', { description: 'In rollout order.' }),
    clusters: t.relation('clusters', { query: { orderBy: [{ wave: 'asc' }, { position: 'asc' }] } }),
    initiatedBy: t.exposeString('initiatedBy'),
    approvedBy: t.exposeString('approvedBy', { nullable: true }),
    approvedAt: t.expose('approvedAt', { type: 'DateTime', nullable: true }),
    errorMessage: t.exposeString('errorMessage', { nullable: true }),
    rollbackReason: t.exposeString('rollbackReason', { nullable: true }),
    warnings: t.exposeStringList('warnings', { description: 'Findings that do not block (e.g. CRD changes no existing object breaks).' }),
    crdReport: t.field({
      type: CrdCompatibilityReportRef,
      nullable: true,
      description: 'The CRD compatibility report of planning (null before planning, or when the target ships no CRD).',
      resolve: (d) => storedReport(d.crdReport),
    }),
    autoRollbackEnabled: t.exposeBoolean('autoRollbackEnabled'),
    strategyConfig: t.expose('strategyConfig', { type: 'JSON', nullable: true, description: 'The resolved configuration, defaults included.' }),
    helmValues: t.expose('helmValues', { type: 'JSON', nullable: true }),
    requestedAction: t.exposeString('requestedAction', {
      nullable: true,
      description: 'CANCEL, ROLLBACK or PROMOTE (Blue-Green switch allowed) while the engine carries it out.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true }),
    rolledBackAt: t.expose('rolledBackAt', { type: 'DateTime', nullable: true }),
    duration: t.string({
      nullable: true,
      description: 'ISO-8601 time from start to end (or to now while running).',
      select: { startedAt: true, completedAt: true },
      resolve: (d) => (d.startedAt ? formatDuration((d.completedAt ?? new Date()).getTime() - d.startedAt.getTime()) : null),
    }),
    successRate: t.float({
      description: 'Share of target clusters that completed, 0–1.',
      select: { clusters: { select: { status: true } } },
      resolve: (d) => (d.clusters.length ? d.clusters.filter((c) => c.status === 'COMPLETED').length / d.clusters.length : 0),
    }),
    events: t.field({
      type: [DeploymentEvent],
      args: { afterSequence: t.arg.int({ defaultValue: 0 }), first: t.arg.int({ defaultValue: 500 }) },
      resolve: (d, args, ctx) => ctx.services.store.eventsAfter(d.id, args.afterSequence ?? 0, Math.min(Math.max(args.first ?? 500, 1), 1000)),
    }),
    approvals: t.relation('approvals', { query: { orderBy: { createdAt: 'asc' } } }),
  }),
});

builder.queryFields((t) => ({
  deployments: t.prismaConnection(
    {
      type: 'Deployment',
      cursor: 'id',
      authScopes: { read: true },
      args: { operatorName: t.arg.string(), status: t.arg({ type: DeploymentStatusEnum }) },
      totalCount: (_root, args, ctx) => ctx.services.reads.deploymentCount(args),
      resolve: (query, _root, args, ctx) => ctx.services.reads.deployments(query, args),
    },
    { name: 'DeploymentConnection' },
    { name: 'DeploymentEdge' },
  ),
  deployment: t.prismaField({
    type: 'Deployment',
    nullable: true,
    authScopes: { read: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) => ctx.services.reads.deployment(query, String(args.id)),
  }),
}));

const DirectConfigInput = builder.inputType('DirectConfigInput', {
  fields: (t) => ({
    parallelClusters: t.int({ description: 'Clusters deployed at once [10].' }),
    skipHealthChecks: t.boolean({ description: 'Do not wait for the operator to become healthy [false].' }),
  }),
});
const RollingConfigInput = builder.inputType('RollingConfigInput', {
  fields: (t) => ({
    clusterOrder: t.stringList({ description: 'Order of clusters [by environment, then name].' }),
    validationPeriod: t.string({ description: 'ISO-8601; watch each cluster this long after it is healthy [PT5M].' }),
    pauseBetweenClusters: t.string({ description: 'ISO-8601 [PT0S].' }),
  }),
});
const CanaryConfigInput = builder.inputType('CanaryConfigInput', {
  fields: (t) => ({
    initialPercentage: t.int({ description: 'Share of clusters in the first stage [10].' }),
    incrementPercentage: t.int({ description: 'Added by every further stage [20].' }),
    evaluationPeriod: t.string({ description: 'ISO-8601; how long each stage is sampled [PT5M].' }),
    successThreshold: t.float({ description: 'Share of healthy samples a stage needs, 0–1 [0.95].' }),
    healthCheckInterval: t.string({ description: 'ISO-8601; time between samples [PT30S].' }),
  }),
});
const BlueGreenConfigInput = builder.inputType('BlueGreenConfigInput', {
  fields: (t) => ({
    blueNamespace: t.string(),
    greenNamespace: t.string(),
    validationPeriod: t.string({ description: 'ISO-8601 [PT10M].' }),
    autoSwitch: t.boolean({ description: '[true]' }),
    switchMonitoringPeriod: t.string({ description: 'ISO-8601 [PT5M].' }),
    retentionPeriod: t.string({ description: 'ISO-8601 [PT24H].' }),
  }),
});
const StrategyConfigInput = builder.inputType('StrategyConfigInput', {
  description: 'Settings of the chosen strategy; only its own section may be given.',
  fields: (t) => ({
    direct: t.field({ type: DirectConfigInput }),
    rolling: t.field({ type: RollingConfigInput }),
    canary: t.field({ type: CanaryConfigInput }),
    blueGreen: t.field({ type: BlueGreenConfigInput }),
  }),
});
const CreateDeploymentInput = builder.inputType('CreateDeploymentInput', {
  fields: (t) => ({
    operatorName: t.string({ required: true }),
    targetVersion: t.string({ required: true }),
    strategy: t.field({ type: DeploymentStrategyEnum, required: true }),
    targetClusters: t.stringList({ required: true }),
    strategyConfig: t.field({ type: StrategyConfigInput }),
    helmValues: t.field({ type: 'JSON' }),
    autoRollbackEnabled: t.boolean({ defaultValue: true }),
  }),
});

/** The deployment a use case returned, loaded again with what the operation selects. */
const reload = (ctx: GraphQLContext, query: object, d: { id: string }) => ctx.services.reads.existingDeployment(query, d.id);

builder.mutationFields((t) => ({
  createDeployment: t.prismaField({
    type: 'Deployment',
    authScopes: { operate: true },
    args: { input: t.arg({ type: CreateDeploymentInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => reload(ctx, query, await ctx.services.deployments.create(actorOf(ctx), input)),
  }),
  cancelDeployment: t.prismaField({
    type: 'Deployment',
    authScopes: { operate: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _root, { id }, ctx) => reload(ctx, query, await ctx.services.deployments.cancel(actorOf(ctx), String(id))),
  }),
  promoteDeployment: t.prismaField({
    type: 'Deployment',
    description: 'Allows the switch of a Blue-Green deployment created with autoSwitch false (it waits after validation until then).',
    authScopes: { operate: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _root, { id }, ctx) => reload(ctx, query, await ctx.services.deployments.promote(actorOf(ctx), String(id))),
  }),
  rollbackDeployment: t.prismaField({
    type: 'Deployment',
    authScopes: { admin: true },
    args: { id: t.arg.id({ required: true }), reason: t.arg.string() },
    resolve: async (query, _root, { id, reason }, ctx) => reload(ctx, query, await ctx.services.deployments.rollback(actorOf(ctx), String(id), reason)),
  }),
}));

builder.subscriptionFields((t) => ({
  deploymentProgress: t.field({
    type: DeploymentEvent,
    description: 'Persisted events after `afterSequence` (all when omitted), then live ones; completes when the deployment has ended.',
    authScopes: { read: true },
    args: { deploymentId: t.arg.id({ required: true }), afterSequence: t.arg.int() },
    subscribe: (_root, args, ctx) => {
      actorOf(ctx);
      return deploymentProgress(ctx.services, String(args.deploymentId), args.afterSequence ?? 0);
    },
    resolve: (event) => event,
  }),
  deploymentUpdated: t.prismaField({
    type: 'Deployment',
    description: 'Every change of a deployment (of one operator, or all), for dashboards.',
    authScopes: { read: true },
    args: { operatorName: t.arg.string() },
    subscribe: async function* (_root, args, ctx) {
      actorOf(ctx);
      for await (const u of ctx.services.events.subscribe('deploymentUpdated')) {
        if (!args.operatorName || u.operatorName === args.operatorName) yield u;
      }
    },
    resolve: (query, update, _args, ctx) => ctx.services.reads.existingDeployment(query, (update as { id: string }).id),
  }),
}));
