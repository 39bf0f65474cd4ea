// Health of Kubernetes objects (docs/operating.md, "Clusters and health"): the shapes every per-kind check shares,
// the order of statuses, and the context through which a check sees related objects.

import { healthRank, type HealthStatus } from '../../domain/health.ts';
import { subjectOf, type KubeObject } from '../types.ts';

export interface Health {
  status: HealthStatus;
  /** What a person can act on, starting with the subject: "Deployment/ns/x: 2 of 3 replicas available". */
  message: string;
  /** Clearly failed (crash loop, image pull error, deadline exceeded…): stop waiting at once. */
  failed?: boolean;
  /** "Kind/namespace/name" of the object assessed. */
  subject?: string;
}

/** The worst of some results (a failed one wins a tie); undefined for none. */
export function worst<T extends Health>(results: Iterable<T>): T | undefined {
  let found: T | undefined;
  for (const r of results) {
    if (!found) found = r;
    else {
      const byRank = healthRank(r.status) - healthRank(found.status);
      if (byRank > 0 || (byRank === 0 && r.failed && !found.failed)) found = r;
    }
  }
  return found;
}

/** Pod crash-loop rule: at least `restarts` restarts within `windowMs` (by default 3 in 5 minutes, docs/operating.md). */
export interface CrashLoopRule {
  /** Default 3. */
  restarts?: number;
  /** Default 5 minutes. */
  windowMs?: number;
}

/**
 * What a check may look up besides the object itself. The caller fills it from the
 * cluster (see healthContextFromObjects); every lookup is optional and a check that
 * needs a missing one says so instead of guessing.
 */
export interface HealthContext {
  /** Current time, for crash-loop windows and certificate expiry. Default: the system clock. */
  now?: () => Date;
  /** Pods of a namespace, so workloads can report their pods' failures at once. */
  pods?: (namespace: string) => readonly KubeObject[];
  /**
   * ReplicaSets of a namespace, so a Deployment is judged by the pods of its current
   * revision only (old pods that crash-loop are on their way out, not a failed rollout).
   */
  replicaSets?: (namespace: string) => readonly KubeObject[];
  /** A Service by namespace and name (webhook backends). */
  service?: (namespace: string, name: string) => KubeObject | undefined;
  /** The v1 Endpoints of a Service. */
  endpoints?: (namespace: string, name: string) => KubeObject | undefined;
  /** The EndpointSlices of a Service (label kubernetes.io/service-name). */
  endpointSlices?: (namespace: string, serviceName: string) => readonly KubeObject[];
  /**
   * The PEM serving certificate a webhook Service presents, when the caller can tell (from
   * its TLS secret or a handshake); undefined when unknown.
   */
  servingCertificate?: (namespace: string, serviceName: string) => string | undefined;
  /** Crash-loop rule; default 3 restarts within 5 minutes. */
  crashLoop?: CrashLoopRule;
}

/** A per-kind check: undefined means "no opinion" and the generic check decides. */
export type HealthCheck = (obj: KubeObject, ctx: HealthContext) => Health | undefined;

export function nowOf(ctx: HealthContext): Date {
  return ctx.now?.() ?? new Date();
}

/** Builds a result whose message starts with the object's subject. */
export function healthOf(obj: KubeObject, status: HealthStatus, detail: string, failed = false): Health {
  const subject = subjectOf(obj);
  return { status, message: `${subject}: ${detail}`, subject, ...(failed ? { failed: true } : {}) };
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown' | string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export function conditionOf(obj: KubeObject, type: string): Condition | undefined {
  const conditions: unknown = obj.status?.conditions;
  if (!Array.isArray(conditions)) return undefined;
  return conditions.find((c): c is Condition => typeof c === 'object' && c !== null && c.type === type);
}

/** "reason: message" of a condition, whichever parts it has. */
export function describeCondition(c: Condition): string {
  return [c.reason, c.message].filter(Boolean).join(': ') || `${c.type}=${c.status}`;
}

/** "1 replica" / "3 replicas". */
export function plural(n: number, word: string, pluralWord = `${word}s`): string {
  return `${n} ${n === 1 ? word : pluralWord}`;
}

/**
 * The controller has not yet seen the latest spec, so the status describes an older one.
 * `requireObserved`: a missing status.observedGeneration also means "not yet seen" (true for
 * built-in workloads, whose controllers always set it; many custom resources never do).
 */
export function generationPending(obj: KubeObject, requireObserved: boolean): Health | undefined {
  const generation = obj.metadata.generation;
  const observed = obj.status?.observedGeneration;
  if (typeof generation !== 'number') return undefined;
  if (typeof observed !== 'number') {
    return requireObserved ? healthOf(obj, 'PROGRESSING', 'not yet observed by its controller (no status.observedGeneration)') : undefined;
  }
  if (observed < generation) {
    return healthOf(obj, 'PROGRESSING', `waiting for the controller to observe generation ${generation} (status is for generation ${observed})`);
  }
  return undefined;
}
