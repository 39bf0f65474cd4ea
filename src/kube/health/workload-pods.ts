// The pods of a workload, found through its label selector in the context, so that a
// workload whose pods crash-loop is reported failed at once rather than "0 of 1 available".

import type { KubeObject } from '../types.ts';
import { assessPod, type PodAssessment } from './pod.ts';
import { healthOf, type Health, type HealthContext } from './types.ts';

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | string; values?: string[] }>;
}

/** Kubernetes label-selector semantics; an empty selector matches everything. */
function matchesSelector(labels: Record<string, string> | undefined, selector: LabelSelector): boolean {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(l, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(l[e.key]!)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(l[e.key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false; // an operator we do not know matches nothing, as the API server would reject it
    }
  }
  return true;
}

const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

/**
 * The label that marks pods of the workload's current revision, when it can be known:
 * a Deployment's current ReplicaSet (same revision annotation, owned by it) gives its
 * pod-template-hash; a StatefulSet's status.updateRevision is its pods' controller-revision-hash.
 */
function currentRevisionLabel(workload: KubeObject, ctx: HealthContext): [string, string] | undefined {
  if (workload.kind === 'StatefulSet' && typeof workload.status?.updateRevision === 'string') {
    return ['controller-revision-hash', workload.status.updateRevision];
  }
  if (workload.kind !== 'Deployment' || !ctx.replicaSets || !workload.metadata.namespace) return undefined;
  const revision = workload.metadata.annotations?.[REVISION_ANNOTATION];
  if (!revision) return undefined;
  const owned = ctx
    .replicaSets(workload.metadata.namespace)
    .filter((rs) =>
      (rs.metadata.ownerReferences ?? []).some(
        (o) => o.kind === 'Deployment' && (workload.metadata.uid ? o.uid === workload.metadata.uid : o.name === workload.metadata.name),
      ),
    );
  const hash = owned.find((rs) => rs.metadata.annotations?.[REVISION_ANNOTATION] === revision)?.metadata.labels?.['pod-template-hash'];
  return hash ? ['pod-template-hash', hash] : undefined;
}

/**
 * Pods of a workload (spec.selector in its namespace), narrowed to its current revision
 * when that can be told; undefined when the context has no pod lookup.
 */
function podsOf(workload: KubeObject, ctx: HealthContext): KubeObject[] | undefined {
  const selector: LabelSelector | undefined = workload.spec?.selector;
  const namespace = workload.metadata.namespace;
  if (!ctx.pods || !selector || !namespace) return undefined;
  const hasTerms = Object.keys(selector.matchLabels ?? {}).length > 0 || (selector.matchExpressions ?? []).length > 0;
  if (!hasTerms) return undefined; // an empty selector would claim every pod of the namespace
  const selected = ctx.pods(namespace).filter((p) => matchesSelector(p.metadata.labels, selector));
  const current = currentRevisionLabel(workload, ctx);
  if (!current) return selected;
  const [label, value] = current;
  // Pods without the label at all (simulated or unusual controllers) are kept, not guessed away.
  return selected.filter((p) => p.metadata.labels?.[label] === undefined || p.metadata.labels[label] === value);
}

interface PodFindings {
  /** The first pod that has clearly failed, with its assessment. */
  failure?: { pod: KubeObject; assessment: PodAssessment; others: number };
  /** A short hint about pods that are not ready yet ("pod x: 0 of 1 containers ready…"). */
  waiting?: string;
}

/**
 * Looks at the live pods of a workload: the first clear failure (crash loop, image pull,
 * config error) and a hint about pods not ready. Pods already terminated (evicted, or
 * finished) are ignored: the controller replaces them.
 */
function inspectWorkloadPods(workload: KubeObject, ctx: HealthContext): PodFindings {
  const pods = podsOf(workload, ctx);
  if (!pods) return {};
  const live = pods.filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
  const assessed = live.map((pod) => ({ pod, assessment: assessPod(pod, ctx) }));
  const failures = assessed.filter((a) => a.assessment.failed);
  const findings: PodFindings = {};
  if (failures.length > 0) findings.failure = { ...failures[0]!, others: failures.length - 1 };
  const notReady = assessed.find((a) => a.assessment.status !== 'HEALTHY');
  if (notReady) findings.waiting = `pod ${notReady.pod.metadata.name}: ${notReady.assessment.detail}`;
  return findings;
}

/** "pod x-1: container y crash-looping (…) (and 2 more failing pods)". */
function describePodFailure(failure: NonNullable<PodFindings['failure']>): string {
  const more = failure.others > 0 ? ` (and ${failure.others} more failing pod${failure.others === 1 ? '' : 's'})` : '';
  return `pod ${failure.pod.metadata.name}: ${failure.assessment.detail}${more}`;
}

/**
 * Result for a workload that is not rolled out yet: failed at once when one of its pods
 * has clearly failed, otherwise progressing, with a hint about a pod not ready.
 */
export function notRolledOut(workload: KubeObject, ctx: HealthContext, detail: string): Health {
  const pods = inspectWorkloadPods(workload, ctx);
  if (pods.failure) return healthOf(workload, 'UNHEALTHY', `${describePodFailure(pods.failure)}; ${detail}`, true);
  return healthOf(workload, 'PROGRESSING', pods.waiting ? `${detail} (${pods.waiting})` : detail);
}
