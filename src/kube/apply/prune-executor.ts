// Deletes what the previous release applied and the new one no longer has (planPrune
// decides which, never CRDs), in reverse apply order: each stage's objects together, the
// stages one after another. An object is deleted only when it still carries this
// operator's owner labels — something a person took over (removed our labels) stays — and
// only that very object (uid precondition), never one re-created under the same name.

import type { KubeClient } from '../client.ts';
import { KubeError } from '../errors.ts';
import { subjectOf, type ObjectRef } from '../types.ts';
import { forEachBounded } from './bounded.ts';
import { isOwnedBy } from './inventory.ts';
import { applyRank, planPrune, type PruneOptions } from './plan.ts';
import type { ChangeEntry } from './types.ts';

export interface PruneRun {
  /** Objects still present that were to be deleted (for the inventory to keep tracking them). */
  remaining: ObjectRef[];
  error?: Error;
}

export interface PruneExecutionOptions extends PruneOptions {
  operatorName: string;
  concurrency: number;
  signal?: AbortSignal;
  record: (entry: ChangeEntry) => void;
}

/** Consecutive refs of the same apply rank: deleted together. */
function groupsByRank(refs: readonly ObjectRef[]): ObjectRef[][] {
  const groups: ObjectRef[][] = [];
  let lastRank: number | undefined;
  for (const ref of refs) {
    const rank = applyRank(ref, ref.namespace !== undefined);
    if (rank !== lastRank) groups.push([]);
    groups[groups.length - 1]!.push(ref);
    lastRank = rank;
  }
  return groups;
}

export async function pruneObjects(
  client: KubeClient,
  previous: readonly ObjectRef[],
  next: readonly ObjectRef[],
  options: PruneExecutionOptions,
): Promise<PruneRun> {
  const plan = planPrune(previous, next, options.pruneNamespaces !== undefined ? { pruneNamespaces: options.pruneNamespaces } : {});
  for (const { ref, reason } of plan.kept) options.record({ subject: subjectOf(ref), action: 'skipped', message: `kept: ${reason}` });
  const done = new Set<ObjectRef>();
  let error: Error | undefined;
  const call = options.signal ? { signal: options.signal } : {};
  for (const group of groupsByRank(plan.prune)) {
    await forEachBounded(
      group,
      options.concurrency,
      async (ref) => {
        const subject = subjectOf(ref);
        try {
          const live = await client.get(ref, call);
          if (!live) {
            options.record({ subject, action: 'skipped', message: 'already deleted' });
          } else if (!isOwnedBy(live, options.operatorName)) {
            options.record({
              subject,
              action: 'skipped',
              message: `not pruned: no longer labelled as managed by operator-manager for ${options.operatorName}`,
            });
          } else {
            const deleted = await client.delete(ref, {
              ...call,
              propagationPolicy: 'Background',
              ...(live.metadata.uid ? { preconditions: { uid: live.metadata.uid } } : {}),
            });
            options.record({ subject, action: deleted ? 'pruned' : 'skipped', ...(deleted ? {} : { message: 'already deleted' }) });
          }
          done.add(ref);
        } catch (err) {
          // A 409 on the uid precondition: someone re-created it since we looked; not ours to delete.
          if (err instanceof KubeError && err.kind === 'CONFLICT') {
            options.record({ subject, action: 'skipped', message: 'not pruned: re-created since it was read' });
            done.add(ref);
            return;
          }
          options.record({ subject, action: 'failed', message: (err as Error).message });
          error ??= err as Error;
        }
      },
      () => error !== undefined,
    );
    if (error) break;
  }
  return { remaining: plan.prune.filter((ref) => !done.has(ref)), ...(error ? { error } : {}) };
}
