// What the API reads: each list and lookup with its filter and order, in one place. The
// GraphQL layer passes its selection through (`selection`: Pothos' select/include, and the
// cursor, take and skip of a connection), so one query loads what an operation asks for.
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import { crdVersions, type CrdVersion } from '../crd/structural/crd-schema.ts';
import { notificationsOf, type NotificationRecord } from '../notifications/query.ts';
import { auditWhere, type AuditQuery } from './audit.ts';
import { definitionOf } from './crd-registry.ts';

export type { CrdVersion } from '../crd/structural/crd-schema.ts';
export type { NotificationRecord } from '../notifications/query.ts';
export { NOTIFICATION_CHANNELS } from '../notifications/outbox.ts';

/** What the caller may add to a query: which fields and relations, and the page. */
type Selection<Args> = Omit<Args, 'where' | 'orderBy'>;

export interface DeploymentFilter {
  operatorName?: string | null;
  status?: string | null;
}

const deploymentsWhere = (f: DeploymentFilter): Prisma.DeploymentWhereInput => ({ operatorName: f.operatorName ?? undefined, status: f.status ?? undefined });
const clustersWhere = (environment?: string | null): Prisma.ClusterWhereInput | undefined => (environment ? { environment } : undefined);

export class Reads {
  constructor(private readonly prisma: PrismaClient) {}

  clusters(selection: Selection<Prisma.ClusterFindManyArgs>, environment?: string | null) {
    return this.prisma.cluster.findMany({ ...selection, where: clustersWhere(environment), orderBy: { name: 'asc' } });
  }

  clusterCount(environment?: string | null) {
    return this.prisma.cluster.count({ where: clustersWhere(environment) });
  }

  cluster(selection: Selection<Prisma.ClusterFindUniqueArgs>, name: string) {
    return this.prisma.cluster.findUnique({ ...selection, where: { name } });
  }

  operators(selection: Selection<Prisma.OperatorFindManyArgs>) {
    return this.prisma.operator.findMany({ ...selection, orderBy: { name: 'asc' } });
  }

  operatorCount() {
    return this.prisma.operator.count();
  }

  operator(selection: Selection<Prisma.OperatorFindUniqueArgs>, name: string) {
    return this.prisma.operator.findUnique({ ...selection, where: { name } });
  }

  /** Newest first. */
  deployments(selection: Selection<Prisma.DeploymentFindManyArgs>, filter: DeploymentFilter) {
    return this.prisma.deployment.findMany({ ...selection, where: deploymentsWhere(filter), orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
  }

  deploymentCount(filter: DeploymentFilter) {
    return this.prisma.deployment.count({ where: deploymentsWhere(filter) });
  }

  deployment(selection: Selection<Prisma.DeploymentFindUniqueArgs>, id: string) {
    return this.prisma.deployment.findUnique({ ...selection, where: { id } });
  }

  /** A deployment that must exist (one a use case just returned, or one an event names). */
  existingDeployment(selection: Selection<Prisma.DeploymentFindUniqueArgs>, id: string) {
    return this.prisma.deployment.findUniqueOrThrow({ ...selection, where: { id } });
  }

  /** Newest first, at most 500. */
  approvals(selection: Selection<Prisma.ApprovalFindManyArgs>, status?: string | null) {
    return this.prisma.approval.findMany({ ...selection, where: status ? { status } : undefined, orderBy: { createdAt: 'desc' }, take: 500 });
  }

  /** Newest first. */
  auditEvents(selection: Selection<Prisma.AuditEventFindManyArgs>, filter: AuditQuery) {
    return this.prisma.auditEvent.findMany({ ...selection, where: auditWhere(filter), orderBy: { id: 'desc' } });
  }

  auditEventCount(filter: AuditQuery) {
    return this.prisma.auditEvent.count({ where: auditWhere(filter) });
  }

  /** What was sent about an approval, targets without credentials. */
  notificationsOf(approvalId: string): Promise<NotificationRecord[]> {
    return notificationsOf(this.prisma, approvalId);
  }

  /** The API versions of the CRD a registry row recorded, as the operator version shipped it (none when the row is gone). */
  async crdVersions(rowId: string): Promise<CrdVersion[]> {
    const crd = await definitionOf(this.prisma, rowId);
    return crd ? crdVersions(crd) : [];
  }
}
