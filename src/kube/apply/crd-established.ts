// Waits until applied CustomResourceDefinitions are Established, so the custom resources
// of later stages can be served. The apply answer is looked at first: a server that
// establishes quickly (or a CRD that was already established) costs no extra request.
// A CRD whose names are refused (NamesAccepted=False) fails at once: waiting will not help.

import type { KubeClient } from '../client.ts';
import { sleep } from '../client-retry.ts';
import { KubeError } from '../errors.ts';
import { conditionOf, describeCondition } from '../health/types.ts';
import { subjectOf, type KubeObject } from '../types.ts';
import { forEachBounded } from './bounded.ts';
import { describeDuration } from './durations.ts';

export class CrdNotEstablishedError extends Error {
  constructor(
    message: string,
    /** The CRDs still not Established ("CustomResourceDefinition/name"). */
    readonly subjects: string[],
  ) {
    super(message);
    this.name = 'CrdNotEstablishedError';
  }
}

export interface WaitEstablishedOptions {
  timeoutMs: number;
  /** First poll interval; grows ×1.5 up to 2 s. */
  pollMs: number;
  concurrency: number;
  signal?: AbortSignal;
}

const isEstablished = (crd: KubeObject) => conditionOf(crd, 'Established')?.status === 'True';

function namesRefused(crd: KubeObject): string | undefined {
  const names = conditionOf(crd, 'NamesAccepted');
  return names?.status === 'False' ? describeCondition(names) : undefined;
}

/**
 * Resolves when every CRD is Established; throws CrdNotEstablishedError naming those that
 * are not when names are refused or `timeoutMs` passes. Returns the number of polls made.
 */
export async function waitForCrdsEstablished(client: KubeClient, applied: readonly KubeObject[], options: WaitEstablishedOptions): Promise<number> {
  const deadline = Date.now() + options.timeoutMs;
  let pending = applied.filter((crd) => !isEstablished(crd));
  let interval = options.pollMs;
  let polls = 0;
  while (pending.length > 0) {
    const refused = pending.map((crd) => [crd, namesRefused(crd)] as const).filter(([, why]) => why);
    if (refused.length > 0) {
      throw new CrdNotEstablishedError(
        `CustomResourceDefinitions not accepted: ${refused.map(([crd, why]) => `${crd.metadata.name} (${why})`).join('; ')}`,
        refused.map(([crd]) => subjectOf(crd)),
      );
    }
    if (Date.now() >= deadline) {
      throw new CrdNotEstablishedError(
        `timed out after ${describeDuration(options.timeoutMs)} waiting for CustomResourceDefinitions to be Established: ${pending.map((c) => c.metadata.name).join(', ')}`,
        pending.map((crd) => subjectOf(crd)),
      );
    }
    try {
      await sleep(Math.min(interval, Math.max(0, deadline - Date.now())), options.signal);
    } catch {
      throw new KubeError({
        kind: 'ABORTED',
        clusterName: client.clusterName,
        detail: 'cancelled while waiting for CustomResourceDefinitions to be Established',
      });
    }
    interval = Math.min(2_000, interval * 1.5);
    polls++;
    const latest = new Map<string, KubeObject>();
    await forEachBounded(pending, options.concurrency, async (crd) => {
      const live = await client.get({ apiVersion: crd.apiVersion, kind: crd.kind, name: crd.metadata.name! }, options.signal ? { signal: options.signal } : {});
      if (live) latest.set(crd.metadata.name!, live);
    });
    pending = pending.map((crd) => latest.get(crd.metadata.name!) ?? crd).filter((crd) => !isEstablished(crd));
  }
  return polls;
}
