// Use cases of operators: register (source checked), update, delete.
import { ConflictError, NotFoundError, ValidationErrors } from '../domain/errors.ts';
import { TERMINAL_DEPLOYMENT_STATUSES } from '../domain/model.ts';
import { dns1123LabelProblem, urlProblem } from '../domain/names.ts';
import { latestVersion, sortVersionsDescending, versionProblem } from '../domain/version.ts';
import type { SourceFence } from '../sources/fence.ts';
import { expandManifestUrl, manifestUrlTemplateProblem } from '../sources/manifest-url.ts';
import type { Operator, Prisma, PrismaClient } from '../generated/prisma/client.ts';
import { clustersRunning, deleteReleasesOf, releaseCount } from '../persistence/releases.ts';
import { recordAudit } from './audit.ts';
import type { EventBus } from './events.ts';
import type { Actor } from './context.ts';
import { checkLabels, checkText, checkValues, LIMITS } from './input.ts';
import { conflictOnDuplicate } from './prisma-errors.ts';

export interface OperatorSource {
  chartRepository?: string | null;
  chartName?: string | null;
  manifestUrlTemplate?: string | null;
}

export interface RegisterOperatorInput extends OperatorSource {
  name: string;
  description?: string | null;
  namespace: string;
  currentVersion?: string | null;
  /** Versions offered by a manifest-URL source (a Helm repository lists its own). */
  versions?: string[] | null;
  labels?: unknown;
  defaultValues?: unknown;
}

export interface UpdateOperatorInput extends OperatorSource {
  description?: string | null;
  namespace?: string | null;
  versions?: string[] | null;
  labels?: unknown;
  defaultValues?: unknown;
}

/** Versions a source offers (Helm repository index); throws a ValidationError when it cannot be read. */
export type SourceVersionLister = (source: Required<Pick<OperatorSource, 'chartRepository' | 'chartName'>>) => Promise<string[]>;

export interface OperatorServiceDeps {
  prisma: PrismaClient;
  events: EventBus;
  /** Which manifest URLs and chart repositories may be registered (the same fence reads them later). */
  fence: SourceFence;
  /** Reads chart versions at registration; absent = not checked. */
  listChartVersions?: SourceVersionLister;
}

const MAX_VERSIONS = 500;

/** Checks the source fields as they will be after the change; exactly one kind of source, one the fence lets through. */
function checkSource(errors: ValidationErrors, s: OperatorSource, fence: SourceFence): void {
  const helm = !!(s.chartRepository || s.chartName);
  const manifest = !!s.manifestUrlTemplate;
  if (helm && manifest) {
    errors.add('input.manifestUrlTemplate', 'give either chartRepository + chartName or manifestUrlTemplate, not both');
    return;
  }
  if (!helm && !manifest) {
    errors.add('input.manifestUrlTemplate', 'an operator needs a source: chartRepository + chartName, or manifestUrlTemplate');
    return;
  }
  if (helm) {
    if (!s.chartRepository) errors.add('input.chartRepository', 'is required with chartName');
    else {
      errors.check('input.chartRepository', urlProblem(s.chartRepository, { allowFile: true }) ?? fence.checkUrl(s.chartRepository));
      checkText(errors, 'input.chartRepository', s.chartRepository, LIMITS.url);
    }
    if (!s.chartName) errors.add('input.chartName', 'is required with chartRepository');
    else if (!/^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/.test(s.chartName) || s.chartName.length > 253) {
      errors.add('input.chartName', 'must be a chart name: lower-case letters, digits, "-", "_", "."');
    }
  } else {
    const t = s.manifestUrlTemplate!;
    checkText(errors, 'input.manifestUrlTemplate', t, LIMITS.url);
    const templateProblem = manifestUrlTemplateProblem(t);
    if (!/\{(version|bareVersion|vVersion)\}/.test(t))
      errors.add('input.manifestUrlTemplate', 'must contain the placeholder {version} (or {bareVersion} / {vVersion})');
    else if (templateProblem) errors.add('input.manifestUrlTemplate', templateProblem);
    else {
      // Expanded with a sample version: scheme, host and path are what the fence judges.
      const sample = expandManifestUrl(t, '0.0.0');
      errors.check('input.manifestUrlTemplate', urlProblem(sample) ?? fence.checkUrl(sample));
    }
  }
}

function checkVersions(errors: ValidationErrors, field: string, versions: string[] | null | undefined): string[] | undefined {
  if (versions == null) return undefined;
  if (versions.length > MAX_VERSIONS) errors.add(field, `must list at most ${MAX_VERSIONS} versions`);
  for (const v of versions.slice(0, MAX_VERSIONS)) {
    const problem = versionProblem(v);
    if (problem) errors.add(field, `"${v.slice(0, 60)}": ${problem}`);
  }
  return sortVersionsDescending([...new Set(versions)]);
}

export class OperatorService {
  constructor(private readonly deps: OperatorServiceDeps) {}

  async get(name: string): Promise<Operator> {
    const operator = await this.deps.prisma.operator.findUnique({ where: { name } });
    if (!operator) throw new NotFoundError('operator', name);
    return operator;
  }

  private async sourceVersions(source: OperatorSource, declared: string[] | undefined): Promise<string[] | undefined> {
    if (source.manifestUrlTemplate || !this.deps.listChartVersions) return declared;
    return sortVersionsDescending(await this.deps.listChartVersions({ chartRepository: source.chartRepository!, chartName: source.chartName! }));
  }

  async register(actor: Actor, input: RegisterOperatorInput): Promise<Operator> {
    const errors = new ValidationErrors();
    errors.check('input.name', dns1123LabelProblem(input.name));
    errors.check('input.namespace', dns1123LabelProblem(input.namespace));
    checkText(errors, 'input.description', input.description, LIMITS.description);
    checkSource(errors, input, this.deps.fence);
    if (input.currentVersion != null) errors.check('input.currentVersion', versionProblem(input.currentVersion));
    const declared = checkVersions(errors, 'input.versions', input.versions);
    const labels = checkLabels(errors, 'input.labels', input.labels);
    const defaultValues = checkValues(errors, 'input.defaultValues', input.defaultValues);
    errors.throwIfAny();
    if (await this.deps.prisma.operator.findUnique({ where: { name: input.name }, select: { id: true } })) {
      throw new ConflictError(`operator "${input.name}" already exists`);
    }
    const versions = (await this.sourceVersions(input, declared)) ?? [];
    if (input.currentVersion && !versions.includes(input.currentVersion)) versions.push(input.currentVersion);
    const sorted = sortVersionsDescending(versions);
    return conflictOnDuplicate(
      () =>
        this.deps.prisma.$transaction(async (tx) => {
          const operator = await tx.operator.create({
            data: {
              name: input.name,
              description: input.description ?? null,
              namespace: input.namespace,
              chartRepository: input.chartRepository || null,
              chartName: input.chartName || null,
              manifestUrlTemplate: input.manifestUrlTemplate || null,
              currentVersion: input.currentVersion ?? null,
              versions: sorted,
              latestVersion: latestVersion(sorted) ?? null,
              versionsRefreshedAt: new Date(),
              labels: labels ?? {},
              defaultValues: (defaultValues ?? {}) as Prisma.InputJsonValue,
            },
          });
          await recordAudit(tx, actor, { action: 'registerOperator', targetType: 'Operator', targetName: operator.name });
          return operator;
        }),
      `operator "${input.name}" already exists`,
    ).then((operator) => {
      this.deps.events.publish('operatorUpdated', { name: operator.name });
      return operator;
    });
  }

  async update(actor: Actor, name: string, input: UpdateOperatorInput): Promise<Operator> {
    const existing = await this.get(name);
    const errors = new ValidationErrors();
    if (input.namespace != null) errors.check('input.namespace', dns1123LabelProblem(input.namespace));
    checkText(errors, 'input.description', input.description, LIMITS.description);
    const sourceChanged = input.chartRepository !== undefined || input.chartName !== undefined || input.manifestUrlTemplate !== undefined;
    const source: OperatorSource = {
      chartRepository: input.chartRepository !== undefined ? input.chartRepository : existing.chartRepository,
      chartName: input.chartName !== undefined ? input.chartName : existing.chartName,
      manifestUrlTemplate: input.manifestUrlTemplate !== undefined ? input.manifestUrlTemplate : existing.manifestUrlTemplate,
    };
    if (sourceChanged) checkSource(errors, source, this.deps.fence);
    const declared = checkVersions(errors, 'input.versions', input.versions);
    const labels = checkLabels(errors, 'input.labels', input.labels);
    const defaultValues = checkValues(errors, 'input.defaultValues', input.defaultValues);
    errors.throwIfAny();
    if (input.namespace != null && input.namespace !== existing.namespace) {
      const installed = await releaseCount(this.deps.prisma, existing.id);
      if (installed > 0) throw new ConflictError(`operator "${name}" is installed in ${installed} release(s); its namespace cannot change`);
    }
    const data: Prisma.OperatorUpdateInput = {};
    if (input.description !== undefined) data.description = input.description;
    if (input.namespace != null) data.namespace = input.namespace;
    if (labels !== undefined) data.labels = labels;
    if (defaultValues !== undefined) data.defaultValues = defaultValues as Prisma.InputJsonValue;
    if (sourceChanged) {
      data.chartRepository = source.chartRepository || null;
      data.chartName = source.chartName || null;
      data.manifestUrlTemplate = source.manifestUrlTemplate || null;
    }
    if (sourceChanged || declared) {
      const versions = (await this.sourceVersions(source, declared ?? existing.versions)) ?? [];
      const sorted = sortVersionsDescending(
        existing.currentVersion && !versions.includes(existing.currentVersion) ? [...versions, existing.currentVersion] : versions,
      );
      data.versions = sorted;
      data.latestVersion = latestVersion(sorted) ?? null;
      data.versionsRefreshedAt = new Date();
    }
    const updated = await this.deps.prisma.$transaction(async (tx) => {
      const operator = await tx.operator.update({ where: { id: existing.id }, data });
      await recordAudit(tx, actor, {
        action: 'updateOperator',
        targetType: 'Operator',
        targetName: name,
        details: { changed: Object.keys(input).filter((k) => (input as Record<string, unknown>)[k] !== undefined) },
      });
      return operator;
    });
    this.deps.events.publish('operatorUpdated', { name });
    return updated;
  }

  /**
   * Re-reads the versions of every Helm-repository operator (latestVersion kept current).
   * A repository that cannot be read keeps its last known versions; the error is returned.
   */
  async refreshVersions(): Promise<Array<{ operator: string; error?: string; added: string[] }>> {
    if (!this.deps.listChartVersions) return [];
    const operators = await this.deps.prisma.operator.findMany({ where: { chartRepository: { not: null }, chartName: { not: null } } });
    const results = [];
    for (const op of operators) {
      try {
        const listed = await this.deps.listChartVersions({ chartRepository: op.chartRepository!, chartName: op.chartName! });
        const versions = sortVersionsDescending([...new Set([...listed, ...(op.currentVersion ? [op.currentVersion] : [])])]);
        const added = versions.filter((v) => !op.versions.includes(v));
        await this.deps.prisma.operator.update({
          where: { id: op.id },
          data: { versions, latestVersion: latestVersion(versions) ?? null, versionsRefreshedAt: new Date() },
        });
        if (added.length) this.deps.events.publish('operatorUpdated', { name: op.name });
        results.push({ operator: op.name, added });
      } catch (err) {
        results.push({ operator: op.name, error: (err as Error).message, added: [] });
      }
    }
    return results;
  }

  async delete(actor: Actor, name: string): Promise<boolean> {
    const operator = await this.get(name);
    const active = await this.deps.prisma.deployment.findFirst({
      where: { operatorId: operator.id, status: { notIn: [...TERMINAL_DEPLOYMENT_STATUSES] } },
      select: { id: true },
    });
    if (active) throw new ConflictError(`operator "${name}" has active deployment ${active.id}; cancel it first`);
    const installedOn = await clustersRunning(this.deps.prisma, operator.id);
    if (installedOn.length > 0) {
      throw new ConflictError(`operator "${name}" is installed on ${installedOn.join(', ')}; it cannot be deleted while installed`);
    }
    await this.deps.prisma.$transaction(async (tx) => {
      await tx.deployment.deleteMany({ where: { operatorId: operator.id } });
      await deleteReleasesOf(tx, operator.id);
      await tx.operator.delete({ where: { id: operator.id } });
      await recordAudit(tx, actor, { action: 'deleteOperator', targetType: 'Operator', targetName: name });
    });
    this.deps.events.publish('operatorUpdated', { name });
    return true;
  }
}
