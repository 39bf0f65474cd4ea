// Use cases of CRD safety: the CRD registry (what each operator version ships, history
// kept, deprecation by an ADMIN) and validateCrdCompatibility, the check the planning gate
// runs, on demand. The check changes nothing in any cluster; it records the target's CRDs
// in the registry like any render does.
import { NotFoundError, ValidationError, ValidationErrors } from '../domain/errors.ts';
import { maxLengthProblem } from '../domain/names.ts';
import { compareVersions, parseVersion, versionProblem } from '../domain/version.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { KubeClients } from '../kube/client-registry.ts';
import { isCrd, type KubeObject } from '../kube/types.ts';
import type { Renderer } from '../rollout/render.ts';
import { recordAudit } from './audit.ts';
import { installedReleases } from '../persistence/releases.ts';
import type { Actor } from './context.ts';
import { checkCrdCompatibility, clusterToCheck, type ClusterToCheck, type CrdReport } from './crd-check.ts';
import { CRD_SUMMARY_SELECT, recordCrds, type CrdSummary } from './crd-registry.ts';

export interface CrdServiceDeps {
  prisma: PrismaClient;
  kube: KubeClients;
  renderer: Renderer;
}

/** A CRD as the registry knows it: its newest record, and every operator version that ships it. */
export interface CrdView extends CrdSummary {
  /** Every record of this CRD name (one per operator version), newest operator version first. */
  history: CrdSummary[];
}

const MAX_CLUSTERS = 500;
const MAX_TEXT = 10_000;

export class CrdService {
  constructor(private readonly deps: CrdServiceDeps) {}

  /** Every recorded CRD (of one operator, or all), one entry per name, by name. */
  async list(operatorName?: string | null): Promise<CrdView[]> {
    const rows = await this.deps.prisma.crd.findMany({ where: operatorName ? { operatorName } : undefined, select: CRD_SUMMARY_SELECT });
    const byName = new Map<string, CrdSummary[]>();
    for (const row of rows) byName.set(row.name, [...(byName.get(row.name) ?? []), row]);
    return [...byName.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, history]) => viewOf(history));
  }

  async get(name: string): Promise<CrdView | null> {
    const rows = await this.deps.prisma.crd.findMany({ where: { name }, select: CRD_SUMMARY_SELECT });
    return rows.length ? viewOf(rows) : null;
  }

  /** Marks a CRD (every record of its name) DEPRECATED with a reason and a migration guide (ADMIN). */
  async deprecate(actor: Actor, input: { name: string; reason: string; migrationGuide?: string | null }): Promise<CrdView> {
    const errors = new ValidationErrors();
    if (!input.reason.trim()) errors.add('input.reason', 'must not be empty');
    errors.check('input.reason', maxLengthProblem(input.reason, 2000));
    if (input.migrationGuide != null) errors.check('input.migrationGuide', maxLengthProblem(input.migrationGuide, MAX_TEXT));
    errors.throwIfAny();
    return this.setStatus(actor, input.name, 'deprecateCrd', {
      status: 'DEPRECATED',
      deprecatedAt: new Date(),
      deprecationReason: input.reason.trim(),
      migrationGuide: input.migrationGuide?.trim() || null,
    });
  }

  /** Undoes a deprecation (ADMIN). */
  async reactivate(actor: Actor, name: string): Promise<CrdView> {
    return this.setStatus(actor, name, 'reactivateCrd', { status: 'ACTIVE', deprecatedAt: null, deprecationReason: null, migrationGuide: null });
  }

  private async setStatus(
    actor: Actor,
    name: string,
    action: string,
    data: { status: string; deprecatedAt: Date | null; deprecationReason: string | null; migrationGuide: string | null },
  ): Promise<CrdView> {
    await this.deps.prisma.$transaction(async (tx) => {
      const { count } = await tx.crd.updateMany({ where: { name }, data });
      if (count === 0) throw new NotFoundError('CRD', name);
      await recordAudit(tx, actor, { action, targetType: 'Crd', targetName: name, details: { status: data.status, reason: data.deprecationReason } });
    });
    return (await this.get(name))!;
  }

  /**
   * validateCrdCompatibility: the report of upgrading `operatorName` to `targetVersion` on
   * `clusters` (omitted: every cluster where the operator is installed). Renders the
   * target with the operator's default values.
   */
  async validateCompatibility(
    actor: Actor,
    input: { operatorName: string; targetVersion: string; clusters?: readonly string[] | null },
    signal?: AbortSignal,
  ): Promise<CrdReport> {
    const { prisma } = this.deps;
    const errors = new ValidationErrors();
    errors.check('targetVersion', versionProblem(input.targetVersion));
    const operator = await prisma.operator.findUnique({ where: { name: input.operatorName } });
    if (!operator) errors.add('operatorName', `operator "${input.operatorName}" is not registered`);
    const names = input.clusters ?? undefined;
    if (names) {
      if (names.length === 0) errors.add('clusters', 'must name at least one cluster, or be omitted for every cluster where the operator is installed');
      if (names.length > MAX_CLUSTERS) errors.add('clusters', `must name at most ${MAX_CLUSTERS} clusters`);
      const duplicates = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
      if (duplicates.length) errors.add('clusters', `names ${duplicates.join(', ')} more than once`);
    }
    errors.throwIfAny();

    const releases = await installedReleases(prisma, { operatorId: operator!.id });
    let targets: ClusterToCheck[];
    if (names) {
      const rows = await prisma.cluster.findMany({ where: { name: { in: [...names] } }, select: { id: true, name: true, isEnabled: true } });
      const missing = names.filter((n) => !rows.some((r) => r.name === n));
      if (missing.length) throw new ValidationError(`clusters: unknown cluster(s): ${missing.join(', ')}`, ['clusters']);
      const disabled = rows.filter((r) => !r.isEnabled).map((r) => r.name);
      if (disabled.length) throw new ValidationError(`clusters: disabled cluster(s): ${disabled.join(', ')}`, ['clusters']);
      targets = names.map((n) => {
        return clusterToCheck(
          n,
          releases.find((r) => r.clusterId === rows.find((c) => c.name === n)!.id),
        );
      });
    } else {
      const enabled = new Set((await prisma.cluster.findMany({ where: { isEnabled: true }, select: { id: true } })).map((c) => c.id));
      targets = releases.filter((r) => enabled.has(r.clusterId)).map((r) => clusterToCheck(r.clusterName, r));
    }

    let objects: KubeObject[];
    try {
      objects = (await this.deps.renderer.render(operator!, input.targetVersion, operator!.defaultValues as Record<string, unknown>)).objects;
    } catch (err) {
      throw new ValidationError(`targetVersion: could not render ${operator!.name} ${input.targetVersion}: ${(err as Error).message}`, ['targetVersion']);
    }
    await recordCrds(prisma, operator!.name, input.targetVersion, objects);
    await recordAudit(prisma, actor, {
      action: 'validateCrdCompatibility',
      targetType: 'Operator',
      targetName: operator!.name,
      details: { targetVersion: input.targetVersion, clusters: targets.map((t) => t.name) },
    });
    return checkCrdCompatibility(this.deps, {
      operatorName: operator!.name,
      targetVersion: input.targetVersion,
      targetCrds: objects.filter(isCrd),
      clusters: targets,
      ...(signal ? { signal } : {}),
    });
  }
}

/** Newest operator version first (semantic versions; anything else after them, by record time). */
function byOperatorVersionDesc(a: CrdSummary, b: CrdSummary): number {
  const va = parseVersion(a.operatorVersion);
  const vb = parseVersion(b.operatorVersion);
  if (va && vb) return compareVersions(vb, va) || b.createdAt.getTime() - a.createdAt.getTime();
  if (va || vb) return va ? -1 : 1;
  return b.createdAt.getTime() - a.createdAt.getTime();
}

function viewOf(rows: CrdSummary[]): CrdView {
  const history = [...rows].sort(byOperatorVersionDesc);
  return { ...history[0]!, history };
}
