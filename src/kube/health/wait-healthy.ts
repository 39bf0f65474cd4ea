// Waiting for an operator to become healthy after an apply (docs/rollouts.md, step 4): poll the
// live health until HEALTHY; stop at once when an object has clearly failed — waiting out
// the timeout on a known failure is what docs/rollouts.md rules out — and on timeout name every
// object that is still not healthy, with its own message.

import type { KubeClient } from '../client.ts';
import { sleep } from '../client-retry.ts';
import { KubeError } from '../errors.ts';
import { describeDuration } from '../apply/durations.ts';
import { groupKindOf, subjectOf, type KubeObject, type ObjectRef } from '../types.ts';
import { assessObjectHealth, type OperatorHealth } from './assess.ts';
import { identityKey, refOf } from '../apply/inventory.ts';
import { readLiveHealth, type ReadHealthOptions } from './live.ts';

export interface WaitForHealthyOptions extends Omit<ReadHealthOptions, 'reuse' | 'settled'> {
  /** Give up after this long. Default 5 minutes. */
  timeoutMs?: number;
  /**
   * Longest time between polls. Default a twentieth of the timeout, between 100 ms and 2 s.
   * Polls start 100 ms apart (or this, if shorter) and back off ×1.5 up to it: a rollout that
   * is ready a moment after the apply is seen ready a moment after, not a whole interval later.
   */
  intervalMs?: number;
  /**
   * Keep waiting through clear failures until the timeout (a rollback: the pods of the
   * release being replaced may still crash-loop for a moment after the good one is back);
   * the outcome is then 'failed' when the last assessment still was.
   */
  patient?: boolean;
  /** Called with every assessment (progress events: "2 of 5 objects not healthy…"). */
  onProgress?: (health: OperatorHealth) => void;
  /**
   * Live objects the caller has just read (the answers of the apply before the wait): those
   * of stable kinds that are healthy are not read again — after an upgrade, the CRDs alone
   * would be megabytes read back a moment after the apply answered with them.
   */
  fresh?: readonly KubeObject[];
  /**
   * Objects the apply did not send because they were live exactly as the previous release
   * applied them, when that release was last seen healthy: those of stable kinds (below) are
   * reported healthy without being read — their health cannot have changed without a change
   * to them. Objects of other kinds are read as usual.
   */
  settled?: readonly ObjectRef[];
}

type WaitOutcome = 'healthy' | 'failed' | 'timeout';

/** The first pause between polls (see intervalMs). */
const FIRST_PAUSE_MS = 100;

export interface WaitForHealthyResult extends OperatorHealth {
  outcome: WaitOutcome;
  elapsedMs: number;
  polls: number;
}

// Kinds whose health does not change once healthy (nothing but a new apply changes them):
// read once, not on every poll — CRDs alone can be megabytes.
const STABLE_KINDS = new Set([
  'apiextensions.k8s.io/CustomResourceDefinition',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'rbac.authorization.k8s.io/Role',
  'rbac.authorization.k8s.io/RoleBinding',
  '/ServiceAccount',
  '/ConfigMap',
  '/Secret',
]);

const isStable = (o: { apiVersion: string; kind: string }) => STABLE_KINDS.has(groupKindOf(o));

/**
 * Polls until the operator is healthy, has clearly failed, or the timeout passes. Read
 * errors (cluster briefly unreachable) do not end the wait; they are reported if the
 * timeout comes first. An aborted signal rejects with KubeError ABORTED.
 */
export async function waitForHealthy(client: KubeClient, inventory: readonly ObjectRef[], options: WaitForHealthyOptions = {}): Promise<WaitForHealthyResult> {
  const {
    timeoutMs = 300_000,
    intervalMs = Math.min(2_000, Math.max(100, Math.floor(timeoutMs / 20))),
    onProgress,
    patient = false,
    fresh = [],
    settled = [],
    ...readOptions
  } = options;
  const stableSettled = settled.filter(isStable);
  const started = Date.now();
  const deadline = started + timeoutMs;
  const reuse = new Map<string, KubeObject>();
  for (const obj of fresh) {
    if (isStable(obj) && assessObjectHealth(obj, {}, readOptions.registry).status === 'HEALTHY') reuse.set(identityKey(refOf(obj)), obj);
  }
  let last: OperatorHealth | undefined;
  let lastError: Error | undefined;
  let polls = 0;
  let pause = Math.min(intervalMs, FIRST_PAUSE_MS);
  const done = (outcome: WaitOutcome, health: OperatorHealth): WaitForHealthyResult => ({ ...health, outcome, elapsedMs: Date.now() - started, polls });

  for (;;) {
    polls++;
    try {
      const { health, objects } = await readLiveHealth(client, inventory, { ...readOptions, reuse, settled: stableSettled });
      last = health;
      lastError = undefined;
      onProgress?.(health);
      if (health.status === 'HEALTHY') return done('healthy', health);
      if (health.failed && !patient) return done('failed', health);
      rememberStable(health, objects, reuse);
    } catch (err) {
      if (err instanceof KubeError && err.kind === 'ABORTED') throw err;
      if (options.signal?.aborted) throw abortError(client, options.signal);
      lastError = err as Error;
    }
    const left = deadline - Date.now();
    if (left <= 0) return last?.failed && !lastError ? done('failed', last) : done('timeout', timedOut(last, lastError, timeoutMs, inventory.length));
    try {
      await sleep(Math.min(pause, left), options.signal);
    } catch {
      throw abortError(client, options.signal!);
    }
    pause = Math.min(intervalMs, pause * 1.5);
  }
}

/** Objects of stable kinds that were healthy are not read again (see STABLE_KINDS). */
function rememberStable(health: OperatorHealth, objects: readonly KubeObject[], reuse: Map<string, KubeObject>): void {
  const healthy = new Set(health.results.filter((r) => r.status === 'HEALTHY').map((r) => r.subject));
  for (const obj of objects) if (isStable(obj) && healthy.has(subjectOf(obj))) reuse.set(identityKey(refOf(obj)), obj);
}

function timedOut(last: OperatorHealth | undefined, lastError: Error | undefined, timeoutMs: number, total: number): OperatorHealth {
  const after = `timed out after ${describeDuration(timeoutMs)}`;
  if (!last) {
    return {
      status: 'UNKNOWN',
      message: `${after}: health could not be read (${lastError?.message ?? 'no answer'})`,
      results: [],
      counts: { HEALTHY: 0, PROGRESSING: 0, UNKNOWN: total, DEGRADED: 0, UNHEALTHY: 0 },
    };
  }
  const waiting = last.results.filter((r) => r.status !== 'HEALTHY');
  const readError = lastError ? `; last read failed: ${lastError.message}` : '';
  return {
    ...last,
    message: `${after} waiting for ${waiting.length} of ${last.results.length} objects to become healthy: ${waiting.map((r) => r.message).join('; ')}${readError}`,
  };
}

function abortError(client: KubeClient, signal: AbortSignal): KubeError {
  return new KubeError({
    kind: 'ABORTED',
    clusterName: client.clusterName,
    detail: signal.reason instanceof Error ? signal.reason.message : 'wait for healthy cancelled',
  });
}
