// apps/v1 Deployment: rolled out when the controller has observed the latest generation
// and updated = available = desired replicas with no old replica left (what
// `kubectl rollout status` waits for). ProgressDeadlineExceeded and failing pods fail at once.

import type { KubeObject } from '../types.ts';
import { conditionOf, describeCondition, generationPending, healthOf, plural, type Health, type HealthContext } from './types.ts';
import { notRolledOut } from './workload-pods.ts';

export function deploymentHealth(obj: KubeObject, ctx: HealthContext = {}): Health {
  const desired: number = obj.spec?.replicas ?? 1;
  const status = obj.status ?? {};
  const updated: number = status.updatedReplicas ?? 0;
  const available: number = status.availableReplicas ?? 0;
  const total: number = status.replicas ?? 0;
  const counts = `${available} of ${plural(desired, 'replica')} available`;

  const pending = generationPending(obj, true);
  if (pending) return pending;

  const progressing = conditionOf(obj, 'Progressing');
  if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded') {
    return healthOf(obj, 'UNHEALTHY', `progress deadline exceeded (${describeCondition(progressing)}); ${counts}`, true);
  }
  const replicaFailure = conditionOf(obj, 'ReplicaFailure');
  if (replicaFailure?.status === 'True') {
    return healthOf(obj, 'UNHEALTHY', `cannot create pods (${describeCondition(replicaFailure)}); ${counts}`);
  }
  if (obj.spec?.paused) return healthOf(obj, 'PROGRESSING', `rollout paused (spec.paused); ${counts}`);

  if (updated < desired) return notRolledOut(obj, ctx, `${updated} of ${plural(desired, 'replica')} updated, ${available} available`);
  if (total > updated) {
    return notRolledOut(obj, ctx, `${plural(total - updated, 'old replica')} pending termination (${updated} of ${plural(desired, 'replica')} updated)`);
  }
  if (available < desired) return notRolledOut(obj, ctx, counts);
  return healthOf(obj, 'HEALTHY', desired === 0 ? 'scaled to 0 replicas' : counts);
}
