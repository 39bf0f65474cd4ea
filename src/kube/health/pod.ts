// Pod health: crash loops, image and configuration errors (failed at once), scheduling
// and readiness (progressing). Also used by the workload checks on their pods.

import type { KubeObject } from '../types.ts';
import type { HealthStatus } from '../../domain/health.ts';
import { healthOf, conditionOf, nowOf, plural, type Health, type HealthContext } from './types.ts';

/** Waiting reasons that will not go away by waiting: the rollout has failed. */
const FAILED_WAITING_REASONS: ReadonlySet<string> = new Set([
  'ImagePullBackOff',
  'ErrImagePull',
  'ErrImageNeverPull',
  'InvalidImageName',
  'CreateContainerConfigError',
]);

const DEFAULT_CRASH_RESTARTS = 3;
const DEFAULT_CRASH_WINDOW_MS = 5 * 60_000;

interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  started?: boolean;
  state?: { waiting?: { reason?: string; message?: string }; running?: { startedAt?: string }; terminated?: Terminated };
  lastState?: { terminated?: Terminated };
}
interface Terminated {
  reason?: string;
  exitCode?: number;
  finishedAt?: string;
}

/** A pod's assessment without its subject, so workloads can quote it. */
export interface PodAssessment {
  status: HealthStatus;
  failed: boolean;
  detail: string;
}

function lastExit(c: ContainerStatus): string {
  const t = c.state?.terminated ?? c.lastState?.terminated;
  if (!t) return '';
  const parts = [t.reason, t.exitCode !== undefined ? `exit code ${t.exitCode}` : undefined].filter(Boolean);
  return parts.length ? `, last exit: ${parts.join(', ')}` : '';
}

/**
 * Whether a container is crash-looping. Kubernetes keeps only a restart count and the last
 * termination, so "N restarts within the window" is decided from what is certain:
 * - the kubelet says CrashLoopBackOff; or
 * - at least N restarts since the pod started, and it started within the window; or
 * - the last restart is within the window and the restart rate over the pod's life is at
 *   least N per window (a pod restarting every minute for an hour, caught while running).
 */
function isCrashLooping(c: ContainerStatus, podStartedAt: string | undefined, ctx: HealthContext): boolean {
  if (c.state?.waiting?.reason === 'CrashLoopBackOff') return true;
  const restarts = c.restartCount ?? 0;
  const threshold = ctx.crashLoop?.restarts ?? DEFAULT_CRASH_RESTARTS;
  const windowMs = ctx.crashLoop?.windowMs ?? DEFAULT_CRASH_WINDOW_MS;
  if (restarts < threshold) return false;
  const now = nowOf(ctx).getTime();
  const started = podStartedAt ? Date.parse(podStartedAt) : NaN;
  if (!Number.isNaN(started) && now - started <= windowMs) return true;
  const lastFinished = Date.parse(c.lastState?.terminated?.finishedAt ?? '');
  if (Number.isNaN(lastFinished) || now - lastFinished > windowMs || Number.isNaN(started)) return false;
  const lifetimeWindows = Math.max(1, (now - started) / windowMs);
  return restarts / lifetimeWindows >= threshold;
}

/** Assesses a pod; the detail has no subject (see podHealth for the full result). */
export function assessPod(pod: KubeObject, ctx: HealthContext = {}): PodAssessment {
  const status = pod.status ?? {};
  if (pod.metadata.deletionTimestamp) return { status: 'PROGRESSING', failed: false, detail: 'being deleted' };
  if (status.phase === 'Succeeded') return { status: 'HEALTHY', failed: false, detail: 'completed' };
  if (status.phase === 'Failed') {
    const why = [status.reason, status.message].filter(Boolean).join(': ');
    return { status: 'UNHEALTHY', failed: true, detail: `failed${why ? ` (${why})` : ''}` };
  }
  const init: ContainerStatus[] = status.initContainerStatuses ?? [];
  const main: ContainerStatus[] = status.containerStatuses ?? [];
  for (const [kind, list] of [
    ['init container', init],
    ['container', main],
  ] as const) {
    for (const c of list) {
      const waiting = c.state?.waiting;
      if (isCrashLooping(c, status.startTime, ctx)) {
        const reason = waiting?.reason === 'CrashLoopBackOff' ? ', CrashLoopBackOff' : '';
        return {
          status: 'UNHEALTHY',
          failed: true,
          detail: `${kind} ${c.name} crash-looping (${plural(c.restartCount ?? 0, 'restart')}${reason}${lastExit(c)})`,
        };
      }
      if (waiting?.reason && FAILED_WAITING_REASONS.has(waiting.reason)) {
        return {
          status: 'UNHEALTHY',
          failed: true,
          detail: `${kind} ${c.name} cannot start (${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''})`,
        };
      }
    }
  }
  const scheduled = conditionOf(pod, 'PodScheduled');
  if (scheduled?.status === 'False') {
    return {
      status: 'PROGRESSING',
      failed: false,
      detail: `not scheduled (${scheduled.reason ?? 'Pending'}${scheduled.message ? `: ${scheduled.message}` : ''})`,
    };
  }
  const initPending = init.find((c) => !c.ready && c.state?.terminated?.exitCode !== 0);
  if (initPending) {
    const why = initPending.state?.waiting?.reason ?? (initPending.state?.running ? 'running' : 'waiting');
    return { status: 'PROGRESSING', failed: false, detail: `init container ${initPending.name} not finished (${why})` };
  }
  if (conditionOf(pod, 'Ready')?.status === 'True') return { status: 'HEALTHY', failed: false, detail: 'ready' };
  const notReady = main.filter((c) => !c.ready);
  if (main.length === 0) return { status: 'PROGRESSING', failed: false, detail: `${status.phase ?? 'Pending'}, no container started yet` };
  const described = notReady.map((c) => {
    const why = c.state?.waiting?.reason ?? (c.state?.running ? 'running, not ready' : c.state?.terminated ? `terminated${lastExit(c)}` : 'waiting');
    return `${c.name} (${why})`;
  });
  return {
    status: 'PROGRESSING',
    failed: false,
    detail: `${main.length - notReady.length} of ${plural(main.length, 'container')} ready; not ready: ${described.join(', ') || 'pod Ready condition not True'}`,
  };
}

export function podHealth(pod: KubeObject, ctx: HealthContext = {}): Health {
  const a = assessPod(pod, ctx);
  return healthOf(pod, a.status, a.detail, a.failed);
}
