// v1 PersistentVolumeClaim: Bound is usable, Pending waits for a volume, Lost lost its volume.

import type { KubeObject } from '../types.ts';
import { healthOf, type Health } from './types.ts';

export function pvcHealth(obj: KubeObject): Health {
  const phase: string | undefined = obj.status?.phase;
  if (phase === 'Bound') return healthOf(obj, 'HEALTHY', `bound to volume ${obj.spec?.volumeName ?? '?'}`);
  if (phase === 'Lost') return healthOf(obj, 'UNHEALTHY', `its volume ${obj.spec?.volumeName ?? '?'} is lost`, true);
  return healthOf(obj, 'PROGRESSING', `waiting to be bound (phase ${phase ?? 'Pending'}, storage class ${obj.spec?.storageClassName ?? 'default'})`);
}
