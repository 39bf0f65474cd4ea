// Approval: type, queries, decisions (what was sent about one: notification.ts).
import { actorOf } from '../context.ts';
import { builder } from '../builder.ts';
import { CrdCompatibilityReportRef, storedReport } from './crd.ts';
import { ApprovalKindEnum, ApprovalStatusEnum, EnvironmentEnum } from './scalars.ts';

builder.prismaObject('Approval', {
  description: 'A decision a deployment waits for: a PRODUCTION deployment, or a breaking CRD change.',
  fields: (t) => ({
    id: t.exposeID('id'),
    kind: t.field({ type: ApprovalKindEnum, resolve: (a) => a.kind as never }),
    status: t.field({ type: ApprovalStatusEnum, resolve: (a) => a.status as never }),
    deploymentId: t.exposeID('deploymentId', { nullable: true }),
    deployment: t.relation('deployment', { nullable: true }),
    environment: t.field({ type: EnvironmentEnum, nullable: true, resolve: (a) => a.environment as never }),
    requestedBy: t.exposeString('requestedBy'),
    decidedBy: t.exposeString('decidedBy', { nullable: true }),
    decidedAt: t.expose('decidedAt', { type: 'DateTime', nullable: true }),
    comment: t.exposeString('comment', { nullable: true }),
    details: t.expose('details', { type: 'JSON', nullable: true, description: 'What the approver decides on (e.g. the CRD compatibility report).' }),
    crdReport: t.field({
      type: CrdCompatibilityReportRef,
      nullable: true,
      description: 'For CRD_CHANGE: the report the approver decides on (also in `details`).',
      resolve: (a) => (a.kind === 'CRD_CHANGE' ? storedReport(a.details) : null),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryField('approvals', (t) =>
  t.prismaField({
    type: ['Approval'],
    authScopes: { read: true },
    args: { status: t.arg({ type: ApprovalStatusEnum }) },
    resolve: (query, _root, args, ctx) => ctx.services.reads.approvals(query, args.status),
  }),
);

builder.mutationFields((t) => ({
  approve: t.prismaField({
    type: 'Approval',
    authScopes: { approve: true },
    args: { id: t.arg.id({ required: true }), comment: t.arg.string() },
    resolve: (_query, _root, { id, comment }, ctx) => ctx.services.approvals.approve(actorOf(ctx), String(id), comment),
  }),
  reject: t.prismaField({
    type: 'Approval',
    authScopes: { approve: true },
    args: { id: t.arg.id({ required: true }), reason: t.arg.string({ required: true }) },
    resolve: (_query, _root, { id, reason }, ctx) => ctx.services.approvals.reject(actorOf(ctx), String(id), reason),
  }),
}));
