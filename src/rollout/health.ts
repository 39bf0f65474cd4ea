// Health as the engine records it: a sample is healthy or not, with a sentence saying why.
import type { HealthStatus } from '../domain/health.ts';
import type { WaitForHealthyResult } from '../kube/health/wait-healthy.ts';

export interface HealthSample {
  healthy: boolean;
  status: HealthStatus;
  message: string;
  /** A clear failure (crash loop, image pull error, deadline exceeded). */
  failed: boolean;
}

/** The sample a wait ended with (src/kube/health/wait-healthy.ts), its message saying how it ended. */
export function sampleOfWait(r: WaitForHealthyResult): HealthSample {
  const message =
    r.outcome === 'healthy'
      ? r.message
      : r.outcome === 'failed'
        ? `failed: ${r.message}`
        : `not healthy after ${Math.round(r.elapsedMs / 100) / 10} s: ${r.message}`;
  return { healthy: r.outcome === 'healthy', status: r.status, message, failed: r.outcome === 'failed' };
}
