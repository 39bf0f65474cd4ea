// Releases: what is installed where. The newest DEPLOYED release of (operator, cluster) is
// the current one; its predecessor is what a rollback returns to.
import type { Prisma, PrismaClient, Release } from '../generated/prisma/client.ts';
import type { ObjectRef } from '../kube/types.ts';

type Db = PrismaClient | Prisma.TransactionClient;

export function currentRelease(db: Db, operatorId: string, clusterId: string): Promise<Release | null> {
  return db.release.findFirst({ where: { operatorId, clusterId, status: 'DEPLOYED' }, orderBy: { revision: 'desc' } });
}

export function releaseAt(db: Db, operatorId: string, clusterId: string, revision: number): Promise<Release | null> {
  return db.release.findUnique({ where: { operatorId_clusterId_revision: { operatorId, clusterId, revision } } });
}

export async function nextRevision(db: Db, operatorId: string, clusterId: string): Promise<number> {
  const top = await db.release.findFirst({ where: { operatorId, clusterId }, orderBy: { revision: 'desc' }, select: { revision: true } });
  return (top?.revision ?? 0) + 1;
}

export const inventoryOfRelease = (r: Pick<Release, 'inventory'> | null | undefined): ObjectRef[] => (r?.inventory as unknown as ObjectRef[] | undefined) ?? [];

export interface NewRelease {
  operatorId: string;
  operatorName: string;
  clusterId: string;
  clusterName: string;
  version: string;
  revision: number;
  namespace: string;
  inventory: ObjectRef[];
  manifestDigest: string;
  values: Record<string, unknown>;
  valuesDigest: string;
  deploymentId: string;
  health?: string;
  healthMessage?: string;
  /** Blue-Green: the color the release runs as (absent: uncolored). */
  color?: string | null;
}

/** Records a release as the current one; earlier DEPLOYED releases become SUPERSEDED (or `previousStatus`). */
export async function recordRelease(tx: Prisma.TransactionClient, r: NewRelease, previousStatus = 'SUPERSEDED'): Promise<Release> {
  await tx.release.updateMany({
    where: { operatorId: r.operatorId, clusterId: r.clusterId, status: 'DEPLOYED', revision: { lt: r.revision } },
    data: { status: previousStatus },
  });
  return tx.release.upsert({
    where: { operatorId_clusterId_revision: { operatorId: r.operatorId, clusterId: r.clusterId, revision: r.revision } },
    create: { ...r, inventory: r.inventory as unknown as Prisma.InputJsonValue, values: r.values as Prisma.InputJsonValue, status: 'DEPLOYED' },
    update: { status: 'DEPLOYED', inventory: r.inventory as unknown as Prisma.InputJsonValue, health: r.health, healthMessage: r.healthMessage },
  });
}

/** The operator's currentVersion: the version most of its current releases run; ties go to the newest release. */
export async function refreshOperatorVersion(db: Db, operatorId: string): Promise<void> {
  const releases = await db.release.findMany({ where: { operatorId, status: 'DEPLOYED' }, orderBy: [{ clusterId: 'asc' }, { revision: 'desc' }] });
  const current = new Map<string, Release>();
  for (const r of releases) if (!current.has(r.clusterId)) current.set(r.clusterId, r);
  const counts = new Map<string, { n: number; at: number }>();
  for (const r of current.values()) {
    const c = counts.get(r.version) ?? { n: 0, at: 0 };
    counts.set(r.version, { n: c.n + 1, at: Math.max(c.at, r.createdAt.getTime()) });
  }
  const best = [...counts.entries()].sort((a, b) => b[1].n - a[1].n || b[1].at - a[1].at)[0];
  await db.operator.update({ where: { id: operatorId }, data: { deployedClusterCount: current.size, ...(best ? { currentVersion: best[0] } : {}) } });
}
