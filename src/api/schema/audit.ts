// auditEvents (ADMIN): who did what to which object, newest first.
import { builder } from '../builder.ts';

builder.prismaObject('AuditEvent', {
  fields: (t) => ({
    id: t.id({ resolve: (e) => e.id.toString() }),
    actor: t.exposeString('actor', { description: 'The `sub` of the caller.' }),
    action: t.exposeString('action', { description: 'The mutation, e.g. registerCluster.' }),
    targetType: t.exposeString('targetType'),
    targetName: t.exposeString('targetName', { nullable: true }),
    requestId: t.exposeString('requestId', { nullable: true }),
    details: t.expose('details', { type: 'JSON', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

type AuditArgs = { actor?: string | null; action?: string | null; targetType?: string | null; targetName?: string | null };
const filterOf = (a: AuditArgs) => ({
  actor: a.actor ?? undefined,
  action: a.action ?? undefined,
  targetType: a.targetType ?? undefined,
  targetName: a.targetName ?? undefined,
});

builder.queryField('auditEvents', (t) =>
  t.prismaConnection(
    {
      type: 'AuditEvent',
      cursor: 'id',
      totalCount: (_root, args, ctx) => ctx.services.reads.auditEventCount(filterOf(args)),
      authScopes: { admin: true },
      args: {
        actor: t.arg.string(),
        action: t.arg.string(),
        targetType: t.arg.string(),
        targetName: t.arg.string(),
      },
      resolve: (query, _root, args, ctx) => ctx.services.reads.auditEvents(query, filterOf(args)),
    },
    { name: 'AuditEventConnection' },
    { name: 'AuditEventEdge' },
  ),
);
