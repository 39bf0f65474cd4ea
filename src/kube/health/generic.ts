// The fallback for every kind without its own check, in the spirit of kstatus: an object
// being deleted or whose latest generation is not yet observed is progressing; standard
// conditions decide the rest (Stalled: failed; Reconciling / Ready=False: progressing;
// Degraded: degraded); an object with no status to read is healthy because it exists.

import type { KubeObject } from '../types.ts';
import { conditionOf, describeCondition, generationPending, healthOf, type Health } from './types.ts';

export function genericHealth(obj: KubeObject): Health {
  if (obj.metadata.deletionTimestamp) return healthOf(obj, 'PROGRESSING', 'being deleted');
  const pending = generationPending(obj, false);
  if (pending) return pending;

  const stalled = conditionOf(obj, 'Stalled');
  if (stalled?.status === 'True') return healthOf(obj, 'UNHEALTHY', `stalled (${describeCondition(stalled)})`, true);
  const failedCondition = conditionOf(obj, 'Failed');
  if (failedCondition?.status === 'True') return healthOf(obj, 'UNHEALTHY', `failed (${describeCondition(failedCondition)})`);
  const degraded = conditionOf(obj, 'Degraded');
  if (degraded?.status === 'True') return healthOf(obj, 'DEGRADED', `degraded (${describeCondition(degraded)})`);
  const reconciling = conditionOf(obj, 'Reconciling');
  if (reconciling?.status === 'True') return healthOf(obj, 'PROGRESSING', `reconciling (${describeCondition(reconciling)})`);

  for (const type of ['Ready', 'Available']) {
    const c = conditionOf(obj, type);
    if (!c) continue;
    if (c.status === 'True') return healthOf(obj, 'HEALTHY', type.toLowerCase());
    return healthOf(obj, 'PROGRESSING', `not ${type.toLowerCase()} (${describeCondition(c)})`);
  }
  const phase = obj.status?.phase;
  if (phase === 'Failed' || phase === 'Error') return healthOf(obj, 'UNHEALTHY', `phase ${phase}${obj.status?.message ? `: ${obj.status.message}` : ''}`);
  return healthOf(obj, 'HEALTHY', obj.status && Object.keys(obj.status).length > 0 ? 'no condition reports a problem' : 'present');
}
