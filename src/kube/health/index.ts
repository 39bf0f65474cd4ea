// Health assessment of Kubernetes objects: one check per kind, a generic fallback, and
// the worst over an operator's inventory.

export * from './types.ts';
export { assessObjectHealth, assessOperatorHealth, type OperatorHealth, type OperatorHealthOptions } from './assess.ts';
export { healthContextFromObjects, type SnapshotContextOptions } from './context.ts';
export { checkFor, createHealthRegistry, defaultHealthChecks, healthKey, type HealthRegistry } from './registry.ts';
export { certificateProblem, daysUntilExpiry, parseCertificates } from './certificates.ts';
export { assessPod, FAILED_WAITING_REASONS, isCrashLooping, podHealth, type PodAssessment } from './pod.ts';
export { matchesSelector, podsOf, type LabelSelector } from './workload-pods.ts';
export { deploymentHealth } from './deployment.ts';
export { statefulSetHealth } from './statefulset.ts';
export { daemonSetHealth } from './daemonset.ts';
export { replicaSetHealth } from './replicaset.ts';
export { jobHealth } from './job.ts';
export { crdHealth } from './crd.ts';
export { webhookConfigurationHealth, readyEndpointCount } from './webhook.ts';
export { serviceHealth } from './service.ts';
export { pvcHealth } from './pvc.ts';
export { genericHealth } from './generic.ts';
