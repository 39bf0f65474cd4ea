// v1 Service: a LoadBalancer is usable once the cloud has given it an address; other
// types are ready when they exist (their backends are judged through their workloads).

import type { KubeObject } from '../types.ts';
import { healthOf, type Health } from './types.ts';

export function serviceHealth(obj: KubeObject): Health {
  if (obj.spec?.type !== 'LoadBalancer') return healthOf(obj, 'HEALTHY', `${obj.spec?.type ?? 'ClusterIP'} service`);
  const ingress: Array<{ ip?: string; hostname?: string }> = obj.status?.loadBalancer?.ingress ?? [];
  const addresses = ingress.map((i) => i.ip ?? i.hostname).filter(Boolean);
  if (addresses.length === 0) return healthOf(obj, 'PROGRESSING', 'waiting for a load balancer address');
  return healthOf(obj, 'HEALTHY', `load balancer at ${addresses.join(', ')}`);
}
