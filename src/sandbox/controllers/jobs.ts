// Job controller: runs up to `parallelism` pods until `completions` succeeded, counts
// failures against backoffLimit, and writes the Complete / Failed conditions.
import { generatedPodName, podFromTemplate, type NodePool } from './pods.ts';
import { controllerOf, isPodReady, isTerminating, nowIso, type ControllerRuntime } from './runtime.ts';

export function startJobController(rt: ControllerRuntime, nodes: NodePool): void {
  const jobs = rt.rt('batch', 'jobs');
  const pods = rt.rt('', 'pods');

  const sync = (namespace: string, name: string) => {
    const job = rt.store.get('batch/jobs', namespace, name);
    if (!job || isTerminating(job)) return;
    const finished = (job.status?.conditions ?? []).some((c: any) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
    const owned = rt.owned(job.metadata.uid!, '/pods');
    const succeeded = owned.filter((p) => p.status?.phase === 'Succeeded').length;
    const failed = owned.filter((p) => p.status?.phase === 'Failed').length;
    let active = owned.filter((p) => !isTerminating(p) && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
    const completions: number = job.spec?.completions ?? 1;
    const backoffLimit: number = job.spec?.backoffLimit ?? 6;
    const failedNow = failed > backoffLimit;
    const completeNow = succeeded >= completions;

    if (!finished && !failedNow && !completeNow && !job.spec?.suspend) {
      const wanted = Math.min(job.spec?.parallelism ?? 1, completions - succeeded);
      for (let i = active.length; i < wanted; i++) {
        const pod = podFromTemplate(job, job.spec.template, generatedPodName(name), nodes.pick());
        active = [...active, rt.api.create(pods, namespace, pod, { manager: 'kube-controller-manager' })];
      }
    }
    if (failedNow || completeNow) for (const p of active) rt.api.delete(pods, namespace, p.metadata.name!);

    const status: Record<string, unknown> = {
      startTime: job.status?.startTime ?? nowIso(),
      ...(succeeded ? { succeeded } : {}),
      ...(failed ? { failed } : {}),
      ...(!completeNow && !failedNow && active.length ? { active: active.length } : {}),
      ready: active.filter(isPodReady).length,
      terminating: 0,
      uncountedTerminatedPods: {},
    };
    const conditions = [...(job.status?.conditions ?? [])];
    if (completeNow && !finished) {
      status.completionTime = nowIso();
      conditions.push({
        type: 'SuccessCriteriaMet',
        status: 'True',
        lastProbeTime: nowIso(),
        lastTransitionTime: nowIso(),
        reason: 'CompletionsReached',
        message: 'Reached expected number of succeeded pods',
      });
      conditions.push({
        type: 'Complete',
        status: 'True',
        lastProbeTime: nowIso(),
        lastTransitionTime: nowIso(),
        reason: 'CompletionsReached',
        message: 'Reached expected number of succeeded pods',
      });
    } else if (failedNow && !finished) {
      conditions.push({
        type: 'Failed',
        status: 'True',
        lastProbeTime: nowIso(),
        lastTransitionTime: nowIso(),
        reason: 'BackoffLimitExceeded',
        message: 'Job has reached the specified backoff limit',
      });
    } else if (job.status?.completionTime) status.completionTime = job.status.completionTime;
    if (conditions.length) status.conditions = conditions;
    rt.writeStatus(jobs, job, status);
  };

  const enqueue = (namespace: string, name: string) => rt.queue(`job:${namespace}/${name}`, () => sync(namespace, name));
  rt.watch('batch/jobs', (ev) => {
    if (ev.type !== 'DELETED') enqueue(ev.object.metadata.namespace!, ev.object.metadata.name!);
  });
  rt.watch('/pods', (ev) => {
    const owner = controllerOf(ev.object);
    if (owner?.kind === 'Job') enqueue(ev.object.metadata.namespace!, owner.name);
  });
}
