// Operator: type, queries and mutations.
import { actorOf } from '../context.ts';
import { builder } from '../builder.ts';

builder.prismaObject('Operator', {
  description: 'A Kubernetes operator that Operator Manager installs, from a Helm repository or a manifest URL.',
  fields: (t) => ({
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    namespace: t.exposeString('namespace'),
    chartRepository: t.exposeString('chartRepository', { nullable: true }),
    chartName: t.exposeString('chartName', { nullable: true }),
    manifestUrlTemplate: t.exposeString('manifestUrlTemplate', { nullable: true }),
    currentVersion: t.exposeString('currentVersion', { nullable: true, description: 'The version most clusters run (kept by the engine).' }),
    latestVersion: t.exposeString('latestVersion', { nullable: true }),
    versions: t.exposeStringList('versions', { description: 'Versions the source offers, newest first.' }),
    labels: t.expose('labels', { type: 'JSON', nullable: true }),
    defaultValues: t.expose('defaultValues', { type: 'JSON', nullable: true }),
    installedClusterCount: t.exposeInt('deployedClusterCount', { description: 'Clusters where the operator is installed (kept by the engine).' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  operators: t.prismaConnection(
    {
      type: 'Operator',
      cursor: 'name',
      totalCount: (_root, _args, ctx) => ctx.services.reads.operatorCount(),
      authScopes: { read: true },
      resolve: (query, _root, _args, ctx) => ctx.services.reads.operators(query),
    },
    { name: 'OperatorConnection' },
    { name: 'OperatorEdge' },
  ),
  operator: t.prismaField({
    type: 'Operator',
    nullable: true,
    authScopes: { read: true },
    args: { name: t.arg.string({ required: true }) },
    resolve: (query, _root, args, ctx) => ctx.services.reads.operator(query, args.name),
  }),
}));

const RegisterOperatorInput = builder.inputType('RegisterOperatorInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: 'DNS-1123 label, unique.' }),
    description: t.string(),
    namespace: t.string({ required: true, description: 'Namespace the operator is installed into (DNS-1123 label).' }),
    chartRepository: t.string({ description: 'Helm repository URL (with chartName).' }),
    chartName: t.string(),
    manifestUrlTemplate: t.string({ description: 'http(s):// or file:// URL of a manifest bundle with {version} in it.' }),
    currentVersion: t.string({ description: 'Semantic version, optional leading v.' }),
    versions: t.stringList({ description: 'Versions a manifest-URL source offers (Helm repositories list their own).' }),
    labels: t.field({ type: 'JSON' }),
    defaultValues: t.field({ type: 'JSON', description: 'Helm values used by every deployment unless overridden.' }),
  }),
});

const UpdateOperatorInput = builder.inputType('UpdateOperatorInput', {
  fields: (t) => ({
    description: t.string(),
    namespace: t.string(),
    chartRepository: t.string(),
    chartName: t.string(),
    manifestUrlTemplate: t.string(),
    versions: t.stringList(),
    labels: t.field({ type: 'JSON' }),
    defaultValues: t.field({ type: 'JSON' }),
  }),
});

builder.mutationFields((t) => ({
  registerOperator: t.prismaField({
    type: 'Operator',
    authScopes: { operate: true },
    args: { input: t.arg({ type: RegisterOperatorInput, required: true }) },
    resolve: (_query, _root, { input }, ctx) => ctx.services.operators.register(actorOf(ctx), input),
  }),
  updateOperator: t.prismaField({
    type: 'Operator',
    authScopes: { operate: true },
    args: { name: t.arg.string({ required: true }), input: t.arg({ type: UpdateOperatorInput, required: true }) },
    resolve: (_query, _root, { name, input }, ctx) => ctx.services.operators.update(actorOf(ctx), name, input),
  }),
  deleteOperator: t.boolean({
    authScopes: { admin: true },
    args: { name: t.arg.string({ required: true }) },
    resolve: (_root, { name }, ctx) => ctx.services.operators.delete(actorOf(ctx), name),
  }),
}));
