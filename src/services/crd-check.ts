// The CRD compatibility check of an operator version against live clusters (docs/crd-safety.md):
// for each cluster, the target's CRDs are compared with the live ones (or, where a cluster
// has none, with the CRDs recorded for the version installed there) and every existing
// custom resource of a changed CRD is listed in pages and checked. Used by the API
// (validateCrdCompatibility) and by the planning gate, so both say the same thing.
//
// What the installed release's inventory records of each CRD it applied (the digest of the
// body sent, the generation and storedVersions in the answer) spares reading CRDs that are
// live as that apply left them (same generation, from one metadata-only list per cluster):
// - a target CRD identical to it is not compared at all: nothing changes, no custom resource
//   can break (a re-apply of a bundle with megabytes of CRDs costs that one list);
// - otherwise, when the CRD recorded for the installed version is exactly what was applied
//   (same digest), it stands in for the live one, with the recorded storedVersions: compared
//   once for the whole fleet (CompareMemo), never read back from each cluster.
import { setMaxListeners } from 'node:events';
import { buildReport, checkCluster, CompareMemo, type ClusterCheck, type ClusterVerdict, type CrdCompatibilityReport, type CrdFinding } from '../crd/index.ts';
import { crdName } from '../crd/structural/crd-schema.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { identityKey, refOf } from '../kube/apply/inventory.ts';
import { liveVersions } from '../kube/apply/live-versions.ts';
import { ownerLabels, plannedObject } from '../kube/apply/plan.ts';
import type { AppliedRecord, InventoryEntry } from '../kube/apply/types.ts';
import { appliedDigest } from '../kube/body.ts';
import type { KubeClient } from '../kube/client.ts';
import type { KubeClients } from '../kube/client-registry.ts';
import { crdClusterSource } from '../kube/crds.ts';
import type { KubeObject } from '../kube/types.ts';
import { parseManifestsOffLoop } from '../sources/yaml-pool.ts';
import { recordCrds, recordedCrds } from './crd-registry.ts';

// The vocabulary of reports, as the API shows it.
export {
  AFFECTED_CATEGORIES,
  CHANGE_TYPES,
  SEVERITIES,
  type AffectedObject,
  type NotCheckedRule,
  type ReportFinding,
} from '../crd/index.ts';

export interface CrdCheckDeps {
  prisma: PrismaClient;
  kube: KubeClients;
}

export interface ClusterToCheck {
  name: string;
  /** The operator's current release there, if any: its CRDs are the baseline when the cluster shows none. */
  release?: { version: string; manifestDigest: string; inventory?: readonly InventoryEntry[] };
}

/** A cluster to check with the operator's current release there (if any). */
export function clusterToCheck(name: string, release?: { version: string; manifestDigest: string; inventory: unknown } | null): ClusterToCheck {
  if (!release) return { name };
  return {
    name,
    release: { version: release.version, manifestDigest: release.manifestDigest, inventory: (release.inventory as InventoryEntry[] | null) ?? [] },
  };
}

export interface CrdCheckRequest {
  operatorName: string;
  targetVersion: string;
  /** The CRDs the target version installs. */
  targetCrds: readonly KubeObject[];
  clusters: readonly ClusterToCheck[];
  /** Custom resources per list call. Default 500: memory is bounded by it, not by the object count. */
  pageSize?: number;
  /** Clusters checked at once. Default 4. */
  concurrency?: number;
  signal?: AbortSignal;
}

export interface ClusterCrdVerdict extends ClusterVerdict {
  /** False when the cluster's CRDs could not be read at all (connection, TLS, credentials): only the recorded baseline was compared. */
  reachable: boolean;
}

/** The report the API returns and deployments keep (`deployments.crd_report`, approval details). */
export interface CrdReport extends Omit<CrdCompatibilityReport, 'clusters'> {
  operatorName: string;
  targetVersion: string;
  checkedAt: string;
  clusters: ClusterCrdVerdict[];
}

interface ClusterOutcome {
  check: ClusterCheck;
  reachable: boolean;
}

export async function checkCrdCompatibility(deps: CrdCheckDeps, given: CrdCheckRequest): Promise<CrdReport> {
  // Every CRD of every cluster is read at once under this signal: many listeners by design.
  const signal = given.signal ? AbortSignal.any([given.signal]) : undefined;
  if (signal) setMaxListeners(0, signal);
  const req = { ...given, ...(signal ? { signal } : {}) };
  const baselines = new BaselineCache(deps.prisma, req.operatorName);
  const memo = new CompareMemo();
  const outcomes = await mapBounded(req.clusters, req.concurrency ?? 4, (c) => checkOneCluster(deps, req, c, baselines, memo));
  const report = buildReport(outcomes.map((o) => o.check));
  return {
    operatorName: req.operatorName,
    targetVersion: req.targetVersion,
    checkedAt: new Date().toISOString(),
    ...report,
    clusters: report.clusters.map((v, i) => ({ ...v, reachable: outcomes[i]!.reachable })),
  };
}

async function checkOneCluster(
  deps: CrdCheckDeps,
  req: CrdCheckRequest,
  cluster: ClusterToCheck,
  baselines: BaselineCache,
  memo: CompareMemo,
): Promise<ClusterOutcome> {
  const names = new Set(req.targetCrds.map((c) => crdName(c)));
  const baseline = cluster.release ? await baselines.of(cluster.release.version, cluster.release.manifestDigest) : new Map<string, KubeObject>();
  const removed = removedCrdFindings(names, baseline);
  let source: Awaited<ReturnType<typeof crdClusterSource>>;
  let targetCrds = req.targetCrds;
  try {
    const client = await deps.kube.get(cluster.name);
    const known = await knownFromRelease(client, req, cluster, baseline);
    if (known.unchanged.size > 0) targetCrds = targetCrds.filter((t) => !known.unchanged.has(crdName(t)));
    if (targetCrds.length === 0) return { reachable: true, check: { clusterName: cluster.name, findings: removed, objectChecks: [], errors: [] } };
    const standing = new Set(known.standIns.map((c) => crdName(c)));
    const read = await crdClusterSource(
      client,
      targetCrds.map((c) => crdName(c)).filter((name) => !standing.has(name)),
      { pageSize: req.pageSize ?? 500, ...(req.signal ? { signal: req.signal } : {}) },
    );
    source = { ...read, liveCrds: [...read.liveCrds, ...known.standIns] };
  } catch (err) {
    req.signal?.throwIfAborted();
    // Nothing could be read: the recorded baseline is all there is to compare with.
    const findings = req.targetCrds.flatMap((t) => memo.compare(baseline.get(crdName(t)), t).findings);
    const message = `CRDs not readable, custom resources not checked: ${err instanceof Error ? err.message : String(err)}`;
    return { reachable: false, check: { clusterName: cluster.name, findings: [...findings, ...removed], objectChecks: [], errors: [{ message }] } };
  }
  const live = new Set(source.liveCrds.map((c) => crdName(c)));
  const fallback = [...baseline.values()].filter((c) => names.has(crdName(c)) && !live.has(crdName(c)));
  const check = await checkCluster(
    targetCrds,
    { ...source, liveCrds: [...source.liveCrds, ...fallback], listObjects: (crd) => readingAhead(source.listObjects(crd)) },
    { memo },
  );
  check.findings.push(...removed);
  return { reachable: true, check };
}

/**
 * What the installed release's inventory tells of the target CRDs on a cluster, for those
 * live as its apply left them (see the file comment): the names of the ones that do not
 * change, and stand-ins for the live ones that do.
 */
async function knownFromRelease(
  client: KubeClient,
  req: CrdCheckRequest,
  cluster: ClusterToCheck,
  baseline: ReadonlyMap<string, KubeObject>,
): Promise<{ unchanged: Set<string>; standIns: KubeObject[] }> {
  const result = { unchanged: new Set<string>(), standIns: [] as KubeObject[] };
  const records = new Map<string, AppliedRecord>();
  for (const e of cluster.release?.inventory ?? [])
    if (e.kind === 'CustomResourceDefinition' && e.applied?.generation !== undefined) records.set(e.name, e.applied);
  const candidates = req.targetCrds.filter((t) => records.has(crdName(t)));
  if (candidates.length === 0) return result;
  const live = await liveVersions(client, candidates, { operatorName: req.operatorName, concurrency: 1, ...(req.signal ? { signal: req.signal } : {}) });
  const labels = ownerLabels(req.operatorName);
  const digestOf = (crd: KubeObject) => appliedDigest(plannedObject(crd, labels, undefined));
  for (const t of candidates) {
    const name = crdName(t);
    const record = records.get(name)!;
    if (live.get(identityKey(refOf(t)))?.generation !== record.generation) continue; // changed since, or gone: read it
    if (record.digest === digestOf(t)) result.unchanged.add(name);
    else {
      const installed = baseline.get(name);
      if (installed && record.storedVersions && record.digest === digestOf(installed)) {
        result.standIns.push({ ...installed, status: { storedVersions: record.storedVersions } });
      }
    }
  }
  return result;
}

/** CRDs the installed version has and the target no longer ships: kept installed (never pruned), unmaintained. */
function removedCrdFindings(targetNames: ReadonlySet<string>, baseline: ReadonlyMap<string, KubeObject>): CrdFinding[] {
  return [...baseline.keys()]
    .filter((name) => !targetNames.has(name))
    .map((name) => ({
      crdName: name,
      version: '',
      fieldPath: '',
      changeType: 'CRD_REMOVED' as const,
      severity: 'WARNING' as const,
      oldValue: name,
      newValue: null,
      message: `${name} is not in the target release; it stays installed (CRDs are never pruned) but nothing maintains it`,
    }));
}

/**
 * CRDs recorded per installed operator version. A version rendered before the registry
 * existed is recorded on first use from the release's stored manifests.
 */
class BaselineCache {
  private readonly byVersion = new Map<string, Promise<Map<string, KubeObject>>>();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly operatorName: string,
  ) {}

  of(version: string, manifestDigest: string): Promise<Map<string, KubeObject>> {
    let found = this.byVersion.get(version);
    if (!found) {
      found = this.load(version, manifestDigest);
      this.byVersion.set(version, found);
    }
    return found;
  }

  private async load(version: string, manifestDigest: string): Promise<Map<string, KubeObject>> {
    const recorded = await recordedCrds(this.prisma, this.operatorName, version);
    if (recorded.size > 0) return recorded;
    const rendered = await this.prisma.renderedManifest.findUnique({ where: { digest: manifestDigest }, select: { manifests: true } });
    if (!rendered) return recorded;
    await recordCrds(this.prisma, this.operatorName, version, await parseManifestsOffLoop(rendered.manifests, { source: `${this.operatorName} ${version}` }));
    return recordedCrds(this.prisma, this.operatorName, version);
  }
}

/**
 * The pages of a listing with the next one requested while the current one is checked:
 * the cluster serialises page n+1 while this process validates page n. At most two pages
 * are held, so memory stays bounded by the page size.
 */
async function* readingAhead<T>(pages: AsyncIterable<T>): AsyncGenerator<T> {
  const it = pages[Symbol.asyncIterator]();
  let next = it.next();
  try {
    for (;;) {
      const current = await next;
      if (current.done) return;
      next = it.next();
      // A failure of the page read ahead surfaces when that page is awaited, not unhandled meanwhile.
      next.catch(() => undefined);
      yield current.value;
    }
  } finally {
    await it.return?.();
  }
}

/** `fn` over `items`, at most `limit` at a time, results in input order. */
async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
