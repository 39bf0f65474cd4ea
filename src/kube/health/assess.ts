// Health of one object (its kind's check, else the generic one) and of an operator: the
// worst over its inventory, with every object's result so a timeout can name each object
// still not healthy.

import { identityKey } from '../apply/inventory.ts';
import { subjectOf, type KubeObject, type ObjectRef } from '../types.ts';
import { genericHealth } from './generic.ts';
import { checkFor, defaultHealthChecks, type HealthRegistry } from './registry.ts';
import { HEALTH_ORDER, healthRank, type HealthStatus } from '../../domain/health.ts';
import { worst, type Health, type HealthContext } from './types.ts';

/** Assesses one object; a check that throws gives UNKNOWN instead of breaking the whole assessment. */
export function assessObjectHealth(obj: KubeObject, ctx: HealthContext = {}, registry: HealthRegistry = defaultHealthChecks): Health {
  try {
    return checkFor(obj, registry)?.(obj, ctx) ?? genericHealth(obj);
  } catch (err) {
    const subject = subjectOf(obj);
    return { status: 'UNKNOWN', subject, message: `${subject}: could not assess health (${(err as Error).message})` };
  }
}

export interface OperatorHealthOptions extends HealthContext {
  /** Checks per kind. Default: defaultHealthChecks. */
  registry?: HealthRegistry;
  /**
   * The operator's inventory: objects of it that are not among the live objects are
   * reported UNHEALTHY ("not found in the cluster"). Default: only the given objects count.
   */
  inventory?: readonly ObjectRef[];
  /** How many object messages the summary quotes. Default 3. */
  summaryLimit?: number;
  /**
   * Objects of the inventory known healthy without being read (waitForHealthy's `settled`):
   * each counts as present and HEALTHY, with a message saying why it was not read.
   */
  settled?: readonly ObjectRef[];
}

export interface OperatorHealth extends Health {
  /** One result per object, worst first (ties keep input order). */
  results: Health[];
  /** How many objects are in each status. */
  counts: Record<HealthStatus, number>;
}

/** The worst health over an operator's objects, a summary message, and every object's result. */
export function assessOperatorHealth(objects: readonly KubeObject[], options: OperatorHealthOptions = {}): OperatorHealth {
  const { registry = defaultHealthChecks, inventory, summaryLimit = 3, settled = [], ...ctx } = options;
  const results = objects.map((obj) => assessObjectHealth(obj, ctx, registry));
  for (const ref of settled) {
    const subject = subjectOf(ref);
    results.push({ status: 'HEALTHY', subject, message: `${subject}: unchanged since the last healthy release (not read again)` });
  }
  if (inventory) {
    const live = new Set([
      ...objects.map((o) => identityKey({ apiVersion: o.apiVersion, kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name ?? '' })),
      ...settled.map(identityKey),
    ]);
    for (const ref of inventory) {
      if (live.has(identityKey(ref))) continue;
      const subject = subjectOf(ref);
      results.push({ status: 'UNHEALTHY', subject, message: `${subject}: not found in the cluster` });
    }
  }
  const ordered = results
    .map((r, i) => ({ r, i }))
    .sort((a, b) => healthRank(b.r.status) - healthRank(a.r.status) || Number(!!b.r.failed) - Number(!!a.r.failed) || a.i - b.i)
    .map(({ r }) => r);
  const counts = Object.fromEntries(HEALTH_ORDER.map((s) => [s, 0])) as Record<HealthStatus, number>;
  for (const r of results) counts[r.status]++;
  const failed = results.some((r) => r.failed);
  if (results.length === 0) return { status: 'UNKNOWN', message: 'no objects to assess', results, counts };
  const top = worst(ordered)!;
  const notHealthy = ordered.filter((r) => r.status !== 'HEALTHY');
  if (notHealthy.length === 0) {
    return { status: 'HEALTHY', message: `all ${results.length} objects healthy`, results: ordered, counts };
  }
  const quoted = notHealthy.slice(0, summaryLimit).map((r) => r.message);
  const rest = notHealthy.length - quoted.length;
  const message = `${notHealthy.length} of ${results.length} objects not healthy: ${quoted.join('; ')}${rest > 0 ? `; and ${rest} more` : ''}`;
  return { status: top.status, message, ...(failed ? { failed: true } : {}), results: ordered, counts };
}
