// Releases: what is installed where, and every query of the releases table. The newest
// DEPLOYED release of (operator, cluster) is the current one; its predecessor is what a
// rollback returns to. The engine records them; services read them.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../domain/json.ts';
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

/** The newest release a deployment recorded on a cluster (of `version`, when given): a re-run after a crash reuses it. */
export function deploymentRelease(db: Db, deploymentId: string, clusterId: string, version?: string): Promise<Release | null> {
  return db.release.findFirst({ where: { deploymentId, clusterId, ...(version !== undefined ? { version } : {}) }, orderBy: { revision: 'desc' } });
}

/** What a cluster step reads of the releases of (operator, cluster) before it applies. */
type StepRelease = Pick<Release, 'id' | 'revision' | 'status' | 'version' | 'deploymentId' | 'health' | 'inventory'>;

export interface StepReleases {
  /** The newest release this deployment recorded there of `version` (a re-run after a crash reuses it). */
  own: StepRelease | null;
  /** The release the step replaces: at `previousRevision` when known; else, unless `own` exists, the current one. */
  previous: StepRelease | null;
  /** The revision a new release there would get. */
  nextRevision: number;
}

/**
 * deploymentRelease, releaseAt/currentRelease and nextRevision of a cluster step in one
 * statement: the candidate rows (this deployment's of `version`, the DEPLOYED ones, the one
 * at `previousRevision`) beside the highest revision of (operator, cluster).
 */
export async function stepReleases(
  db: Db,
  q: { operatorId: string; clusterId: string; deploymentId: string; version: string; previousRevision: number | null },
): Promise<StepReleases> {
  const rows = await db.$queryRaw<Array<StepRelease & { top: number | null }>>`
    SELECT top.n AS top, r.release_id AS id, r.revision, r.status, r.version, r.deployment_id AS "deploymentId", r.health, r.inventory
    FROM (SELECT max(revision)::int AS n FROM releases WHERE operator_id = ${q.operatorId} AND cluster_id = ${q.clusterId}) AS top
    LEFT JOIN releases r ON r.operator_id = ${q.operatorId} AND r.cluster_id = ${q.clusterId}
      AND ((r.deployment_id = ${q.deploymentId} AND r.version = ${q.version}) OR r.status = 'DEPLOYED' OR r.revision = ${q.previousRevision ?? -1})
    ORDER BY r.revision DESC NULLS LAST`;
  const found = rows.filter((r) => r.id !== null);
  const own = found.find((r) => r.deploymentId === q.deploymentId && r.version === q.version) ?? null;
  const previous =
    q.previousRevision != null
      ? (found.find((r) => r.revision === q.previousRevision) ?? null)
      : own
        ? null
        : (found.find((r) => r.status === 'DEPLOYED') ?? null);
  const strip = (r: (typeof found)[number] | null): StepRelease | null => {
    if (!r) return null;
    const { top: _top, ...release } = r;
    return release;
  };
  return { own: strip(own), previous: strip(previous), nextRevision: (rows[0]?.top ?? 0) + 1 };
}

/** The current release of each (operator, cluster) matching `where`, by operator then cluster name. */
export async function installedReleases(db: Db, where: { clusterId?: string; operatorId?: string }): Promise<Release[]> {
  const rows = await db.release.findMany({
    where: { ...where, status: 'DEPLOYED' },
    orderBy: [{ operatorName: 'asc' }, { clusterName: 'asc' }, { revision: 'desc' }],
  });
  const seen = new Set<string>();
  return rows.filter((r) => {
    const key = `${r.operatorId}/${r.clusterId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Operators with any release on a cluster (current or not). */
export async function operatorsWithReleasesOn(db: Db, clusterId: string): Promise<string[]> {
  const rows = await db.release.findMany({ where: { clusterId }, select: { operatorId: true }, distinct: ['operatorId'] });
  return rows.map((r) => r.operatorId);
}

/** How many releases an operator has, current or not. */
export function releaseCount(db: Db, operatorId: string): Promise<number> {
  return db.release.count({ where: { operatorId } });
}

/** Clusters where an operator has a DEPLOYED release. */
export async function clustersRunning(db: Db, operatorId: string): Promise<string[]> {
  const rows = await db.release.findMany({ where: { operatorId, status: 'DEPLOYED' }, select: { clusterName: true }, distinct: ['clusterName'] });
  return rows.map((r) => r.clusterName);
}

export async function deleteReleasesOf(tx: Prisma.TransactionClient, operatorId: string): Promise<void> {
  await tx.release.deleteMany({ where: { operatorId } });
}

/** Records the health last read of a release. */
export async function recordReleaseHealth(db: Db, id: string, health: string, healthMessage: string): Promise<void> {
  await db.release.update({ where: { id }, data: { health, healthMessage } });
}

/** Marks rolled back: one release by id, or every DEPLOYED release a deployment recorded on a cluster. */
export async function markRolledBack(tx: Prisma.TransactionClient, which: { id: string } | { deploymentId: string; clusterName: string }): Promise<void> {
  if ('id' in which) await tx.release.update({ where: { id: which.id }, data: { status: 'ROLLED_BACK' } });
  else await tx.release.updateMany({ where: { ...which, status: 'DEPLOYED' }, data: { status: 'ROLLED_BACK' } });
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
  /** The values it was rendered with (their digest is recorded beside them). */
  values: Record<string, unknown>;
  deploymentId: string;
  health?: string;
  healthMessage?: string;
  /** Blue-Green: the color the release runs as (absent: uncolored). */
  color?: string | null;
}

/** sha256 of the values' canonical JSON: equal values, equal digests. */
const valuesDigest = (values: unknown) => `sha256:${createHash('sha256').update(canonicalJson(values)).digest('hex')}`;

/** Records a release as the current one; earlier DEPLOYED releases become SUPERSEDED (or `previousStatus`). */
export async function recordRelease(tx: Prisma.TransactionClient, r: NewRelease, previousStatus = 'SUPERSEDED'): Promise<Release> {
  await tx.release.updateMany({
    where: { operatorId: r.operatorId, clusterId: r.clusterId, status: 'DEPLOYED', revision: { lt: r.revision } },
    data: { status: previousStatus },
  });
  return tx.release.upsert({
    where: { operatorId_clusterId_revision: { operatorId: r.operatorId, clusterId: r.clusterId, revision: r.revision } },
    create: {
      ...r,
      inventory: r.inventory as unknown as Prisma.InputJsonValue,
      values: r.values as Prisma.InputJsonValue,
      valuesDigest: valuesDigest(r.values),
      status: 'DEPLOYED',
    },
    update: { status: 'DEPLOYED', inventory: r.inventory as unknown as Prisma.InputJsonValue, health: r.health, healthMessage: r.healthMessage },
  });
}

/** The operator's currentVersion: the version most of its current releases run; ties go to the newest release. */
export async function refreshOperatorVersion(db: Db, operatorId: string): Promise<void> {
  // Counted in the database: one row per version, however many clusters (this runs once per cluster step).
  const versions = await db.$queryRaw<Array<{ version: string; clusters: number }>>`
    SELECT version, count(*)::int AS clusters, max(created_at) AS newest
    FROM (
      SELECT DISTINCT ON (cluster_id) version, created_at FROM releases
      WHERE operator_id = ${operatorId} AND status = 'DEPLOYED'
      ORDER BY cluster_id, revision DESC
    ) AS current_releases
    GROUP BY version
    ORDER BY clusters DESC, newest DESC`;
  const deployedClusterCount = versions.reduce((sum, v) => sum + v.clusters, 0);
  await db.operator.update({ where: { id: operatorId }, data: { deployedClusterCount, ...(versions[0] ? { currentVersion: versions[0].version } : {}) } });
}
