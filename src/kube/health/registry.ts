// Per-kind checks keyed "group/Kind" (the core group is written "core": "core/Pod").

import { groupOf, type KubeObject } from '../types.ts';
import { crdHealth } from './crd.ts';
import { daemonSetHealth } from './daemonset.ts';
import { deploymentHealth } from './deployment.ts';
import { jobHealth } from './job.ts';
import { podHealth } from './pod.ts';
import { pvcHealth } from './pvc.ts';
import { replicaSetHealth } from './replicaset.ts';
import { serviceHealth } from './service.ts';
import { statefulSetHealth } from './statefulset.ts';
import type { HealthCheck } from './types.ts';
import { webhookConfigurationHealth } from './webhook.ts';

/** "apps/Deployment", "core/Pod", "apiextensions.k8s.io/CustomResourceDefinition". */
export function healthKey(ref: { apiVersion: string; kind: string }): string {
  return `${groupOf(ref.apiVersion) || 'core'}/${ref.kind}`;
}

export type HealthRegistry = ReadonlyMap<string, HealthCheck>;

export const defaultHealthChecks: HealthRegistry = new Map<string, HealthCheck>([
  ['apps/Deployment', deploymentHealth],
  ['apps/StatefulSet', statefulSetHealth],
  ['apps/DaemonSet', daemonSetHealth],
  ['apps/ReplicaSet', replicaSetHealth],
  ['core/Pod', podHealth],
  ['core/Service', serviceHealth],
  ['core/PersistentVolumeClaim', pvcHealth],
  ['batch/Job', jobHealth],
  ['apiextensions.k8s.io/CustomResourceDefinition', crdHealth],
  ['admissionregistration.k8s.io/ValidatingWebhookConfiguration', webhookConfigurationHealth],
  ['admissionregistration.k8s.io/MutatingWebhookConfiguration', webhookConfigurationHealth],
]);

/** The default checks with some added or replaced (e.g. for an operator's own custom resources). */
export function createHealthRegistry(overrides: Record<string, HealthCheck> = {}): HealthRegistry {
  return new Map([...defaultHealthChecks, ...Object.entries(overrides)]);
}

export function checkFor(obj: KubeObject, registry: HealthRegistry = defaultHealthChecks): HealthCheck | undefined {
  return registry.get(healthKey(obj));
}
