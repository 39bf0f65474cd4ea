// The CRD registry: every CRD of every operator version the engine renders, one row per
// (CRD name, operator, operator version), history kept. The row holds the CRD as shipped
// (canonical JSON, so identical CRDs share a digest): the schema of each version, and the
// baseline a compatibility check uses when a cluster has no live CRD to compare with.
import { createHash } from 'node:crypto';
import { crdName, crdVersions } from '../crd/structural/crd-schema.ts';
import { isCrd } from '../kube/types.ts';
import type { Crd, Prisma, PrismaClient } from '../generated/prisma/client.ts';
import type { KubeObject } from '../kube/types.ts';
import { canonicalJson } from '../domain/json.ts';

type Db = PrismaClient | Prisma.TransactionClient;

/** Columns of a registry row without the (large) definition. */
export const CRD_SUMMARY_SELECT = {
  id: true,
  name: true,
  group: true,
  versions: true,
  scope: true,
  operatorName: true,
  operatorVersion: true,
  schemaDigest: true,
  kind: true,
  plural: true,
  storageVersion: true,
  servedVersions: true,
  status: true,
  deprecatedAt: true,
  deprecationReason: true,
  migrationGuide: true,
  createdAt: true,
} as const satisfies Prisma.CrdSelect;

export type CrdSummary = Omit<Crd, 'schemaDefinition' | 'schemaVersion' | 'approvalStatus' | 'approvedBy' | 'approvedAt'>;

/** What is kept of a CRD: identity and spec; status, uid and other server-side fields are not part of a release. */
function storedForm(crd: KubeObject): KubeObject {
  const { name, labels, annotations } = crd.metadata ?? {};
  return {
    apiVersion: crd.apiVersion,
    kind: crd.kind,
    metadata: { name, ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) },
    spec: crd.spec,
  };
}

function definitionDigest(definition: string): string {
  return `sha256:${createHash('sha256').update(definition).digest('hex')}`;
}

/**
 * Records the CRDs among a rendered operator version's objects. Idempotent: a row whose
 * digest is unchanged is left alone. A CRD an ADMIN deprecated stays deprecated in the
 * rows of newer operator versions. Returns how many rows were written.
 */
export async function recordCrds(db: Db, operatorName: string, operatorVersion: string, objects: readonly KubeObject[]): Promise<number> {
  const crds = objects.filter(isCrd);
  if (crds.length === 0) return 0;
  const names = crds.map((c) => crdName(c));
  const existing = await db.crd.findMany({
    where: { name: { in: names }, operatorName },
    select: { name: true, operatorVersion: true, schemaDigest: true, status: true, deprecatedAt: true, deprecationReason: true, migrationGuide: true },
  });
  let written = 0;
  for (const crd of crds) {
    const name = crdName(crd);
    const definition = canonicalJson(storedForm(crd));
    const digest = definitionDigest(definition);
    const same = existing.find((r) => r.name === name && r.operatorVersion === operatorVersion);
    if (same?.schemaDigest === digest) continue;
    const versions = crdVersions(crd);
    const deprecated = existing.find((r) => r.name === name && r.status === 'DEPRECATED');
    const columns = {
      group: String(crd.spec?.group ?? ''),
      versions: versions.map((v) => v.name),
      scope: String(crd.spec?.scope ?? 'Namespaced'),
      schemaDefinition: definition,
      schemaDigest: digest,
      kind: crd.spec?.names?.kind ?? null,
      plural: crd.spec?.names?.plural ?? null,
      storageVersion: versions.find((v) => v.storage)?.name ?? null,
      servedVersions: versions.filter((v) => v.served).map((v) => v.name),
    };
    await db.crd.upsert({
      where: { name_operatorName_operatorVersion: { name, operatorName, operatorVersion } },
      create: {
        name,
        operatorName,
        operatorVersion,
        ...columns,
        ...(deprecated
          ? {
              status: 'DEPRECATED',
              deprecatedAt: deprecated.deprecatedAt,
              deprecationReason: deprecated.deprecationReason,
              migrationGuide: deprecated.migrationGuide,
            }
          : {}),
      },
      update: columns,
    });
    written++;
  }
  return written;
}

/** The CRDs recorded for one operator version (as shipped), by name. */
export async function recordedCrds(db: Db, operatorName: string, operatorVersion: string): Promise<Map<string, KubeObject>> {
  const rows = await db.crd.findMany({ where: { operatorName, operatorVersion }, select: { name: true, schemaDefinition: true } });
  return new Map(rows.map((r) => [r.name, JSON.parse(r.schemaDefinition) as KubeObject]));
}

/** The CRD of one registry row, as shipped. */
export async function definitionOf(db: Db, rowId: string): Promise<KubeObject | undefined> {
  const row = await db.crd.findUnique({ where: { id: rowId }, select: { schemaDefinition: true } });
  return row ? (JSON.parse(row.schemaDefinition) as KubeObject) : undefined;
}
