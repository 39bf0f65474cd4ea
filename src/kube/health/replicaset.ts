// apps/v1 ReplicaSet (one applied directly; those of a Deployment are judged through it).

import type { KubeObject } from '../types.ts';
import { conditionOf, describeCondition, generationPending, healthOf, plural, type Health, type HealthContext } from './types.ts';
import { notRolledOut } from './workload-pods.ts';

export function replicaSetHealth(obj: KubeObject, ctx: HealthContext = {}): Health {
  const desired: number = obj.spec?.replicas ?? 1;
  const available: number = obj.status?.availableReplicas ?? 0;
  const counts = `${available} of ${plural(desired, 'replica')} available`;
  const pending = generationPending(obj, true);
  if (pending) return pending;
  const failure = conditionOf(obj, 'ReplicaFailure');
  if (failure?.status === 'True') return healthOf(obj, 'UNHEALTHY', `cannot create pods (${describeCondition(failure)}); ${counts}`);
  if (available < desired) return notRolledOut(obj, ctx, counts);
  return healthOf(obj, 'HEALTHY', desired === 0 ? 'scaled to 0 replicas' : counts);
}
