// Health assessment of Kubernetes objects: one check per kind, a generic fallback, and
// the worst over an operator's inventory.

export * from './types.ts';
export { assessObjectHealth, assessOperatorHealth } from './assess.ts';
export { healthContextFromObjects } from './context.ts';
export { createHealthRegistry, healthKey } from './registry.ts';
