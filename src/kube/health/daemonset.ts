// apps/v1 DaemonSet: rolled out when the latest generation is observed and every node
// that should run it runs an updated, available pod (OnDelete: available is enough).

import type { KubeObject } from '../types.ts';
import { generationPending, healthOf, plural, type Health, type HealthContext } from './types.ts';
import { notRolledOut } from './workload-pods.ts';

export function daemonSetHealth(obj: KubeObject, ctx: HealthContext = {}): Health {
  const status = obj.status ?? {};
  const desired: number = status.desiredNumberScheduled ?? 0;
  const updated: number = status.updatedNumberScheduled ?? 0;
  const available: number = status.numberAvailable ?? 0;
  const misscheduled: number = status.numberMisscheduled ?? 0;
  const onDelete = obj.spec?.updateStrategy?.type === 'OnDelete';

  const pending = generationPending(obj, true);
  if (pending) return pending;

  const nodes = (n: number) => plural(n, 'node');
  if (!onDelete && updated < desired) {
    return notRolledOut(obj, ctx, `${updated} of ${nodes(desired)} run the updated pod, ${available} available`);
  }
  if (available < desired) return notRolledOut(obj, ctx, `${available} of ${nodes(desired)} have an available pod`);
  const extra = misscheduled > 0 ? ` (${plural(misscheduled, 'pod')} on nodes that should not run it)` : '';
  return healthOf(obj, 'HEALTHY', desired === 0 ? 'no node to run on (0 scheduled)' : `${available} of ${nodes(desired)} available${extra}`);
}
