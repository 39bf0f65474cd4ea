// A HealthContext over a snapshot of live objects: the caller lists pods, services,
// endpoints and endpoint slices of the operator's namespaces once, and every check looks
// them up here without further API calls.

import type { KubeObject } from '../types.ts';
import type { CrashLoopRule, HealthContext } from './types.ts';

export interface SnapshotContextOptions {
  /** Clock for crash-loop windows and certificate expiry. Default: the system clock. */
  now?: () => Date;
  /** PEM serving certificate of a webhook service, when the caller knows it. */
  servingCertificate?: (namespace: string, serviceName: string) => string | undefined;
  /** Crash-loop rule. Default: 3 restarts within 5 minutes. */
  crashLoop?: CrashLoopRule;
}

const key = (namespace: string | undefined, name: string | undefined) => `${namespace ?? ''}/${name ?? ''}`;

function push<K, V>(map: Map<K, V[]>, k: K, v: V): void {
  const list = map.get(k);
  if (list) list.push(v);
  else map.set(k, [v]);
}

/** Indexes Pods, ReplicaSets, Services, Endpoints and EndpointSlices among `objects`; other kinds are ignored. */
export function healthContextFromObjects(objects: readonly KubeObject[], options: SnapshotContextOptions = {}): HealthContext {
  const pods = new Map<string, KubeObject[]>();
  const replicaSets = new Map<string, KubeObject[]>();
  const services = new Map<string, KubeObject>();
  const endpoints = new Map<string, KubeObject>();
  const slices = new Map<string, KubeObject[]>();
  for (const obj of objects) {
    const ns = obj.metadata.namespace;
    if (obj.apiVersion === 'v1' && obj.kind === 'Pod') push(pods, ns ?? '', obj);
    else if (obj.apiVersion === 'apps/v1' && obj.kind === 'ReplicaSet') push(replicaSets, ns ?? '', obj);
    else if (obj.apiVersion === 'v1' && obj.kind === 'Service') services.set(key(ns, obj.metadata.name), obj);
    else if (obj.apiVersion === 'v1' && obj.kind === 'Endpoints') endpoints.set(key(ns, obj.metadata.name), obj);
    else if (obj.kind === 'EndpointSlice' && obj.apiVersion.startsWith('discovery.k8s.io/')) {
      const service = obj.metadata.labels?.['kubernetes.io/service-name'];
      if (service) push(slices, key(ns, service), obj);
    }
  }
  return {
    ...(options.now ? { now: options.now } : {}),
    ...(options.servingCertificate ? { servingCertificate: options.servingCertificate } : {}),
    ...(options.crashLoop ? { crashLoop: options.crashLoop } : {}),
    pods: (namespace) => pods.get(namespace) ?? [],
    replicaSets: (namespace) => replicaSets.get(namespace) ?? [],
    service: (namespace, name) => services.get(key(namespace, name)),
    endpoints: (namespace, name) => endpoints.get(key(namespace, name)),
    endpointSlices: (namespace, serviceName) => slices.get(key(namespace, serviceName)) ?? [],
  };
}
