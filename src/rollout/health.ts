// Health as the engine uses it: a sample is healthy or not, with a sentence saying why.
import type { KubeClient } from '../kube/client.ts';
import { waitForHealthy } from '../kube/health/wait-healthy.ts';
import type { ObjectRef } from '../kube/types.ts';

export interface HealthSample {
  healthy: boolean;
  /** HEALTHY | PROGRESSING | DEGRADED | UNHEALTHY | UNKNOWN (kube health statuses). */
  status: string;
  message: string;
  /** A clear failure (crash loop, image pull error, deadline exceeded). */
  failed: boolean;
}

/** Waits until the operator is healthy; fails at once on a clear failure; names what is not ready on timeout. */
export async function waitUntilHealthy(
  client: KubeClient,
  inventory: readonly ObjectRef[],
  options: {
    namespace: string;
    timeoutMs: number;
    signal: AbortSignal;
    intervalMs?: number;
    /**
     * Keep waiting through clear failures until the timeout (rollbacks: the pods of the
     * release being replaced may still crash-loop for a moment after the good one is back).
     */
    patient?: boolean;
  },
): Promise<HealthSample> {
  const intervalMs = options.intervalMs ?? Math.min(2000, Math.max(100, Math.floor(options.timeoutMs / 20)));
  const deadline = Date.now() + options.timeoutMs;
  let r = await waitForHealthy(client, inventory, { namespace: options.namespace, timeoutMs: options.timeoutMs, intervalMs, signal: options.signal });
  while (options.patient && r.outcome === 'failed' && Date.now() + intervalMs < deadline) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    options.signal.throwIfAborted();
    r = await waitForHealthy(client, inventory, {
      namespace: options.namespace,
      timeoutMs: Math.max(1, deadline - Date.now()),
      intervalMs,
      signal: options.signal,
    });
  }
  const message =
    r.outcome === 'healthy'
      ? r.message
      : r.outcome === 'failed'
        ? `failed: ${r.message}`
        : `not healthy after ${Math.round(r.elapsedMs / 100) / 10} s: ${r.message}`;
  return { healthy: r.outcome === 'healthy', status: r.status, message, failed: r.outcome === 'failed' };
}
