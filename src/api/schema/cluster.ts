// Cluster: type, queries and mutations. Never exposes a kubeconfig.
import { actorOf } from '../context.ts';
import { builder } from '../builder.ts';
import { EnvironmentEnum, HealthStatusEnum, apiHealthStatus } from './scalars.ts';

const InstalledOperator = builder.prismaObject('Release', {
  name: 'InstalledOperator',
  description: 'The current release of an operator on a cluster.',
  fields: (t) => ({
    operatorName: t.exposeString('operatorName'),
    clusterName: t.exposeString('clusterName'),
    version: t.exposeString('version'),
    revision: t.exposeInt('revision'),
    namespace: t.exposeString('namespace'),
    health: t.field({ type: HealthStatusEnum, nullable: true, resolve: (r) => apiHealthStatus(r.health) }),
    healthMessage: t.exposeString('healthMessage', { nullable: true }),
    installedAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.prismaObject('Cluster', {
  description: 'A registered Kubernetes cluster. Its kubeconfig is stored encrypted and never returned.',
  fields: (t) => ({
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    environment: t.field({ type: EnvironmentEnum, resolve: (c) => c.environment as never }),
    apiServerUrl: t.exposeString('apiServerUrl'),
    tlsVerified: t.boolean({
      description: 'False when the kubeconfig disables TLS verification or the server is plain http://.',
      resolve: (c) => !c.tlsInsecure,
    }),
    kubernetesVersion: t.exposeString('kubernetesVersion', { nullable: true }),
    nodeCount: t.exposeInt('nodeCount', { nullable: true }),
    healthStatus: t.field({ type: HealthStatusEnum, resolve: (c) => apiHealthStatus(c.healthStatus) }),
    healthMessage: t.exposeString('healthMessage', { nullable: true }),
    lastHealthCheckAt: t.expose('lastHealthCheckAt', { type: 'DateTime', nullable: true }),
    labels: t.expose('labels', { type: 'JSON', nullable: true }),
    isEnabled: t.exposeBoolean('isEnabled'),
    registeredAt: t.expose('registeredAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    // A relation, so a page of clusters reads the releases of all of them in one statement
    // (Pothos loads it with the clusters' own query), not one statement per cluster.
    operators: t.relation('releases', {
      type: InstalledOperator,
      description: 'What is installed on this cluster.',
      // The current release of each operator: the newest DEPLOYED revision of each.
      query: { where: { status: 'DEPLOYED' }, orderBy: [{ operatorName: 'asc' }, { revision: 'desc' }], distinct: ['operatorId'] },
    }),
  }),
});

builder.queryFields((t) => ({
  clusters: t.prismaConnection(
    {
      type: 'Cluster',
      cursor: 'name',
      totalCount: (_root, args, ctx) => ctx.services.reads.clusterCount(args.environment),
      authScopes: { read: true },
      args: { environment: t.arg({ type: EnvironmentEnum, required: false }) },
      resolve: (query, _root, args, ctx) => ctx.services.reads.clusters(query, args.environment),
    },
    { name: 'ClusterConnection' },
    { name: 'ClusterEdge' },
  ),
  cluster: t.prismaField({
    type: 'Cluster',
    nullable: true,
    authScopes: { read: true },
    args: { name: t.arg.string({ required: true }) },
    resolve: (query, _root, args, ctx) => ctx.services.reads.cluster(query, args.name),
  }),
}));

const RegisterClusterInput = builder.inputType('RegisterClusterInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: 'DNS-1123 label, unique.' }),
    description: t.string(),
    environment: t.field({ type: EnvironmentEnum, required: true }),
    kubeconfig: t.string({ required: true, description: 'The kubeconfig, as raw YAML or base64. Stored encrypted; never returned.' }),
    labels: t.field({ type: 'JSON', description: 'Object of string values.' }),
    skipConnectivityCheck: t.boolean({ description: 'Register without contacting the cluster.' }),
  }),
});

const UpdateClusterInput = builder.inputType('UpdateClusterInput', {
  fields: (t) => ({
    description: t.string(),
    environment: t.field({ type: EnvironmentEnum }),
    kubeconfig: t.string(),
    labels: t.field({ type: 'JSON' }),
    isEnabled: t.boolean(),
    skipConnectivityCheck: t.boolean(),
  }),
});

builder.mutationFields((t) => ({
  registerCluster: t.prismaField({
    type: 'Cluster',
    authScopes: { admin: true },
    args: { input: t.arg({ type: RegisterClusterInput, required: true }) },
    resolve: (_query, _root, { input }, ctx) => ctx.services.clusters.register(actorOf(ctx), input),
  }),
  updateCluster: t.prismaField({
    type: 'Cluster',
    authScopes: { admin: true },
    args: { name: t.arg.string({ required: true }), input: t.arg({ type: UpdateClusterInput, required: true }) },
    resolve: (_query, _root, { name, input }, ctx) => ctx.services.clusters.update(actorOf(ctx), name, input),
  }),
  deleteCluster: t.boolean({
    authScopes: { admin: true },
    args: { name: t.arg.string({ required: true }) },
    resolve: (_root, { name }, ctx) => ctx.services.clusters.delete(actorOf(ctx), name),
  }),
}));

interface ClusterChangeShape {
  name: string;
}

const ClusterChange = builder.objectRef<ClusterChangeShape>('ClusterChange').implement({
  description: 'A cluster was registered, changed (settings or health) or deleted.',
  fields: (t) => ({
    name: t.exposeString('name'),
    cluster: t.prismaField({
      type: 'Cluster',
      nullable: true,
      description: 'The cluster now; null when it was deleted.',
      resolve: (query, change, _args, ctx) => ctx.services.reads.cluster(query, change.name),
    }),
  }),
});

builder.subscriptionField('clusterUpdated', (t) =>
  t.field({
    type: ClusterChange,
    description: 'Changes of every cluster, or of the one named.',
    authScopes: { read: true },
    args: { name: t.arg.string() },
    subscribe: async function* (_root, args, ctx) {
      for await (const change of ctx.services.events.subscribe('clusterUpdated')) {
        if (!args.name || change.name === args.name) yield change;
      }
    },
    resolve: (change) => change,
  }),
);
