// batch/v1 Job: Complete (or SuccessCriteriaMet) is healthy, Failed (or FailureTarget) has
// failed for good; otherwise it runs, and its pods may already show a failure.

import type { KubeObject } from '../types.ts';
import { conditionOf, describeCondition, healthOf, type Health, type HealthContext } from './types.ts';
import { notRolledOut } from './workload-pods.ts';

export function jobHealth(obj: KubeObject, ctx: HealthContext = {}): Health {
  const status = obj.status ?? {};
  const succeeded: number = status.succeeded ?? 0;
  const completions: number = obj.spec?.completions ?? 1;
  const failed = [conditionOf(obj, 'Failed'), conditionOf(obj, 'FailureTarget')].find((c) => c?.status === 'True');
  if (failed) return healthOf(obj, 'UNHEALTHY', `failed (${describeCondition(failed)}); ${succeeded} of ${completions} completions succeeded`, true);
  const complete = [conditionOf(obj, 'Complete'), conditionOf(obj, 'SuccessCriteriaMet')].find((c) => c?.status === 'True');
  if (complete) return healthOf(obj, 'HEALTHY', `completed (${succeeded} of ${completions} succeeded)`);
  if (obj.spec?.suspend) return healthOf(obj, 'PROGRESSING', 'suspended (spec.suspend)');
  return notRolledOut(obj, ctx, `running: ${status.active ?? 0} active, ${succeeded} of ${completions} completions succeeded, ${status.failed ?? 0} failed`);
}
