// apps/v1 StatefulSet: rolled out when the latest generation is observed, every replica is
// ready (and available), and a RollingUpdate has reached its partition — with no
// partition, currentRevision has caught up with updateRevision. With OnDelete nothing
// updates pods by itself, so only readiness counts.

import type { KubeObject } from '../types.ts';
import { generationPending, healthOf, plural, type Health, type HealthContext } from './types.ts';
import { notRolledOut } from './workload-pods.ts';

export function statefulSetHealth(obj: KubeObject, ctx: HealthContext = {}): Health {
  const desired: number = obj.spec?.replicas ?? 1;
  const status = obj.status ?? {};
  const ready: number = status.readyReplicas ?? 0;
  const available: number = status.availableReplicas ?? ready; // availableReplicas is newer than readyReplicas
  const updated: number = status.updatedReplicas ?? 0;
  const strategy = obj.spec?.updateStrategy?.type ?? 'RollingUpdate';
  const partition: number = obj.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;

  const pending = generationPending(obj, true);
  if (pending) return pending;

  if (strategy === 'RollingUpdate') {
    const target = Math.max(0, desired - partition);
    if (updated < target) {
      return notRolledOut(obj, ctx, `${updated} of ${plural(target, 'replica')} updated to revision ${status.updateRevision ?? '?'}, ${ready} ready`);
    }
    if (partition === 0 && status.updateRevision && status.currentRevision !== status.updateRevision && desired > 0) {
      return notRolledOut(obj, ctx, `rolling update to revision ${status.updateRevision} in progress; ${ready} of ${plural(desired, 'replica')} ready`);
    }
  }
  if (ready < desired) return notRolledOut(obj, ctx, `${ready} of ${plural(desired, 'replica')} ready`);
  if (available < desired) return notRolledOut(obj, ctx, `${available} of ${plural(desired, 'replica')} available`);
  const note = strategy === 'RollingUpdate' && partition > 0 ? ` (partition ${partition}: ${updated} updated)` : '';
  return healthOf(obj, 'HEALTHY', desired === 0 ? 'scaled to 0 replicas' : `${ready} of ${plural(desired, 'replica')} ready${note}`);
}
