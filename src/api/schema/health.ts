// Live health: operatorHealth (where an operator runs) and checkClusterHealth (on demand).
import type { ClusterOperatorHealth, OperatorHealthReport } from '../../services/operator-health.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { builder } from '../builder.ts';
import { apiHealthStatus, HealthStatusEnum } from './scalars.ts';

const OperatorClusterHealth = builder.objectRef<ClusterOperatorHealth>('OperatorClusterHealth').implement({
  fields: (t) => ({
    clusterName: t.exposeString('clusterName'),
    version: t.exposeString('version'),
    revision: t.exposeInt('revision'),
    status: t.field({ type: HealthStatusEnum, resolve: (c) => apiHealthStatus(c.status) }),
    message: t.exposeString('message', { description: 'What is wrong and where, with counts ("Deployment/ns/name: 0 of 1 replicas available").' }),
    objectCounts: t.field({ type: 'JSON', nullable: true, description: 'Objects of the release by health status.', resolve: (c) => c.counts ?? null }),
  }),
});

const OperatorHealth = builder.objectRef<OperatorHealthReport>('OperatorHealth').implement({
  description: 'Live health of an operator in every cluster where it is installed.',
  fields: (t) => ({
    operatorName: t.exposeString('operatorName'),
    status: t.field({
      type: HealthStatusEnum,
      description: 'The worst over the clusters (UNKNOWN when installed nowhere).',
      resolve: (h) => apiHealthStatus(h.status),
    }),
    clusters: t.field({ type: [OperatorClusterHealth], resolve: (h) => h.clusters }),
    checkedAt: t.expose('checkedAt', { type: 'DateTime' }),
  }),
});

builder.queryField('operatorHealth', (t) =>
  t.field({
    type: OperatorHealth,
    authScopes: { read: true },
    args: { operatorName: t.arg.string({ required: true }) },
    resolve: (_root, args, ctx) => ctx.services.operatorHealth(args.operatorName),
  }),
);

builder.mutationField('checkClusterHealth', (t) =>
  t.prismaField({
    type: 'Cluster',
    authScopes: { operate: true },
    args: { name: t.arg.string({ required: true }) },
    resolve: async (query, _root, args, ctx) => {
      await ctx.services.clusterHealth.check(args.name);
      const cluster = await ctx.services.reads.cluster(query, args.name);
      if (!cluster) throw new NotFoundError('cluster', args.name);
      return cluster;
    },
  }),
);
