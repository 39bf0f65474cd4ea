// Checks the custom resources that exist in a cluster against a target CRD, one object
// at a time: memory is bounded by the page the caller's listing holds, never by the
// object count. For each object, in the API server's order: its API version must still be
// served; pruning must not drop a field it has (data loss); the pruned and defaulted
// object must validate. CEL rules are listed as not checked.

import type { KubeObject } from '../../kube/types.ts';
import type { CrdFinding } from '../compat/types.ts';
import { applyDefaults, dropNonNullableNulls } from '../structural/defaults.ts';
import { crdKind, crdName, crdVersions, type CrdVersion } from '../structural/crd-schema.ts';
import { pruneObjectDetailed } from '../structural/prune.ts';
import { validateObjectDetailed } from '../structural/validate.ts';
import type { JSONSchemaProps } from '../structural/types.ts';
import { FindingIndex } from './finding-index.ts';
import { NotCheckedTally } from './not-checked.ts';
import type { AffectedObject, CheckObjectsOptions, ObjectCheckResult } from './types.ts';

export type ObjectSource = AsyncIterable<KubeObject | readonly KubeObject[]> | Iterable<KubeObject | readonly KubeObject[]>;

/** Objects one by one from a source of objects or of pages of objects. */
async function* eachObject(source: ObjectSource): AsyncGenerator<KubeObject> {
  for await (const item of source as AsyncIterable<KubeObject | readonly KubeObject[]>) {
    if (Array.isArray(item)) yield* item as readonly KubeObject[];
    else yield item as KubeObject;
  }
}

export async function checkObjects(
  target: KubeObject,
  findings: readonly CrdFinding[],
  objects: ObjectSource,
  options: CheckObjectsOptions,
): Promise<ObjectCheckResult> {
  const checker = new ObjectChecker(target, findings, options);
  for await (const obj of eachObject(objects)) checker.check(obj);
  return checker.result();
}

/** The per-object logic, usable without async iteration (the sandbox, tests). */
class ObjectChecker {
  private readonly name: string;
  private readonly kind: string;
  private readonly group: string;
  private readonly targetVersions: Map<string, CrdVersion>;
  private readonly liveVersions: Map<string, CrdVersion>;
  private readonly findings: FindingIndex;
  private readonly tally: NotCheckedTally;
  private readonly max: number;
  private readonly out: ObjectCheckResult;

  constructor(
    target: KubeObject,
    findings: readonly CrdFinding[],
    private readonly options: CheckObjectsOptions,
  ) {
    this.name = crdName(target);
    this.kind = crdKind(target);
    this.group = String(target.spec?.group ?? '');
    this.targetVersions = new Map(crdVersions(target).map((v) => [v.name, v]));
    this.liveVersions = new Map(options.live ? crdVersions(options.live).map((v) => [v.name, v]) : []);
    this.findings = new FindingIndex(findings);
    this.tally = new NotCheckedTally(options.clusterName, this.name);
    this.max = options.maxAffectedObjects ?? 1000;
    this.out = {
      clusterName: options.clusterName,
      crdName: this.name,
      objectsScanned: 0,
      objectsSkipped: 0,
      objectsBroken: 0,
      affected: [],
      affectedTruncated: 0,
      notChecked: [],
    };
  }

  check(obj: KubeObject): void {
    const apiVersion = String(obj.apiVersion ?? '');
    const slash = apiVersion.indexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    const version = apiVersion.slice(slash + 1);
    if (obj.kind !== this.kind || group !== this.group) {
      this.out.objectsSkipped++;
      return;
    }
    this.out.objectsScanned++;
    const entries: AffectedObject[] = [];
    const add = (e: Omit<AffectedObject, 'clusterName' | 'kind' | 'namespace' | 'name' | 'crdName' | 'apiVersion'>) =>
      entries.push({
        clusterName: this.options.clusterName,
        kind: obj.kind,
        namespace: obj.metadata?.namespace ?? null,
        name: obj.metadata?.name ?? '',
        crdName: this.name,
        apiVersion,
        ...e,
      });

    const tv = this.targetVersions.get(version);
    if (!tv?.served) {
      const finding = this.findings.versionFinding(version);
      add({
        fieldPath: '.apiVersion',
        schemaPath: '.apiVersion',
        category: 'UNSERVED_VERSION',
        changeType: finding?.changeType,
        reason: `${apiVersion} is ${tv ? 'no longer served' : 'removed'} by the target CRD; the object must be read and written through a served version`,
      });
    } else if (tv.schema) {
      this.checkAgainst(tv, obj, version, add);
    }
    this.keep(entries);
  }

  private checkAgainst(
    tv: CrdVersion,
    obj: KubeObject,
    version: string,
    add: (e: Omit<AffectedObject, 'clusterName' | 'kind' | 'namespace' | 'name' | 'crdName' | 'apiVersion'>) => void,
  ): void {
    const schema = tv.schema!;
    const liveSchema = this.liveVersions.get(version)?.schema;
    const { pruned, removed } = pruneObjectDetailed(schema, obj);
    if (removed.length) {
      // A field the live schema prunes too cannot exist in a stored object: not caused by the upgrade.
      const liveRemoved = liveSchema ? new Set(pruneObjectDetailed(liveSchema, obj).removed.map((r) => r.path)) : new Set<string>();
      for (const r of removed) {
        if (liveRemoved.has(r.path)) continue;
        const finding = this.findings.removal(version, r.schemaPath);
        const renamed = finding?.newValue ? `; possibly renamed to ${finding.fieldPath.replace(/[^.]+$/, finding.newValue)}` : '';
        add({
          fieldPath: r.path,
          schemaPath: r.schemaPath,
          category: 'DATA_LOSS',
          changeType: finding?.changeType,
          reason: `${r.path} is not declared by the target schema: the API server would prune it and its data would be lost${renamed}`,
        });
      }
    }
    const { issues, unchecked } = validateObjectDetailed(schema, asStored(schema, pruned));
    if (issues.length) {
      const before = new Set(liveSchema ? liveIssues(liveSchema, obj) : []);
      for (const issue of issues) {
        const preexisting = before.has(`${issue.path}\n${issue.reason}`);
        add({
          fieldPath: issue.path,
          schemaPath: issue.schemaPath,
          category: 'INVALID',
          reason: issue.reason,
          changeType: this.findings.cause(version, issue.schemaPath, issue.keyword)?.changeType,
          ...(preexisting ? { preexisting } : {}),
        });
      }
    }
    for (const u of unchecked) {
      this.tally.add(version, u, obj);
      if (this.options.listNotCheckedObjects) {
        add({ fieldPath: u.path, schemaPath: u.schemaPath, category: 'NOT_CHECKED', reason: `not checked: ${u.rule}${u.message ? ` (${u.message})` : ''}` });
      }
    }
  }

  private keep(entries: AffectedObject[]): void {
    if (entries.some((e) => e.category !== 'NOT_CHECKED' && !e.preexisting)) this.out.objectsBroken++;
    for (const e of entries) {
      if (this.out.affected.length < this.max) this.out.affected.push(e);
      else this.out.affectedTruncated++;
    }
  }

  result(): ObjectCheckResult {
    return { ...this.out, notChecked: this.tally.rules() };
  }
}

/** The issues the live server would report for the object: `path\nreason` keys. */
function liveIssues(liveSchema: JSONSchemaProps, obj: KubeObject): string[] {
  const { pruned } = pruneObjectDetailed(liveSchema, obj);
  return validateObjectDetailed(liveSchema, asStored(liveSchema, pruned)).issues.map((i) => `${i.path}\n${i.reason}`);
}

/** What the server makes of a pruned object before validating it: nulls dropped, defaults applied. */
function asStored(schema: JSONSchemaProps, pruned: unknown): unknown {
  return applyDefaults(schema, dropNonNullableNulls(schema, pruned));
}
