// Deployment controller: one ReplicaSet per pod template (pod-template-hash), old
// ReplicaSets scaled down once the new one is available (or at once for Recreate), and
// the status the real controller writes, including the Progressing deadline.
import type { KubeObject } from '../../kube/types.ts';
import { clone } from '../store.ts';
import { controllerOf, isTerminating, nowIso, ownerReference, resolveIntOrPercent, templateHash, type ControllerRuntime } from './runtime.ts';

const REVISION = 'deployment.kubernetes.io/revision';

interface Condition {
  type: string;
  status: string;
  lastUpdateTime: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

function nextCondition(previous: Condition | undefined, type: string, status: string, reason: string, message: string, progressed: boolean): Condition {
  const now = nowIso();
  const same = previous && previous.status === status && previous.reason === reason;
  return {
    type,
    status,
    lastUpdateTime: same && !progressed ? previous.lastUpdateTime : now,
    lastTransitionTime: previous && previous.status === status ? previous.lastTransitionTime : now,
    reason,
    message,
  };
}

export function startDeploymentController(rt: ControllerRuntime): void {
  const deployments = rt.rt('apps', 'deployments');
  const replicasets = rt.rt('apps', 'replicasets');

  const sync = (namespace: string, name: string) => {
    const d = rt.store.get('apps/deployments', namespace, name);
    if (!d || isTerminating(d)) return;
    const desired: number = d.spec?.replicas ?? 1;
    const hash = templateHash(d.spec?.template);
    const all = rt.owned(d.metadata.uid!, 'apps/replicasets');
    let current = all.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
    const created = !current;
    if (!current) current = rt.api.create(replicasets, namespace, newReplicaSet(d, hash, all), { manager: 'kube-controller-manager' });
    else if (current.spec?.replicas !== desired && !d.spec?.paused) current = scale(rt, replicasets, current, desired);
    const old = all.filter((rs) => rs !== current && rs.metadata.uid !== current!.metadata.uid);

    const available = (rs: KubeObject) => rs.status?.availableReplicas ?? 0;
    const newAvailable = available(current) >= desired && (current.status?.replicas ?? 0) >= desired;
    if ((newAvailable || d.spec?.strategy?.type === 'Recreate') && !d.spec?.paused) {
      for (const rs of old) if ((rs.spec?.replicas ?? 0) !== 0) scale(rt, replicasets, rs, 0);
    }

    const sets = [current, ...old];
    const sum = (f: (rs: KubeObject) => number) => sets.reduce((s, rs) => s + f(rs), 0);
    const replicas = sum((rs) => rs.status?.replicas ?? 0);
    const updatedReplicas = current.status?.replicas ?? 0;
    const readyReplicas = sum((rs) => rs.status?.readyReplicas ?? 0);
    const availableReplicas = sum(available);
    const unavailableReplicas = Math.max(0, sum((rs) => rs.spec?.replicas ?? 0) - availableReplicas, desired - availableReplicas);

    const previous: Condition[] = d.status?.conditions ?? [];
    const prevAvailable = previous.find((c) => c.type === 'Available');
    const prevProgressing = previous.find((c) => c.type === 'Progressing');
    const maxUnavailable =
      d.spec?.strategy?.type === 'Recreate' ? 0 : resolveIntOrPercent(d.spec?.strategy?.rollingUpdate?.maxUnavailable ?? '25%', desired, false);
    const availableCondition =
      availableReplicas >= desired - maxUnavailable
        ? nextCondition(prevAvailable, 'Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', false)
        : nextCondition(prevAvailable, 'Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', false);

    const rsName = current.metadata.name!;
    const complete = updatedReplicas === desired && replicas === desired && availableReplicas >= desired;
    const counts = [replicas, updatedReplicas, readyReplicas, availableReplicas].join('/');
    const progressed =
      counts !== [d.status?.replicas ?? 0, d.status?.updatedReplicas ?? 0, d.status?.readyReplicas ?? 0, d.status?.availableReplicas ?? 0].join('/') || created;
    let progressing: Condition;
    if (complete) {
      progressing = nextCondition(
        prevProgressing,
        'Progressing',
        'True',
        'NewReplicaSetAvailable',
        `ReplicaSet "${rsName}" has successfully progressed.`,
        false,
      );
    } else if (created) {
      progressing = nextCondition(prevProgressing, 'Progressing', 'True', 'NewReplicaSetCreated', `Created new replica set "${rsName}"`, true);
    } else if (prevProgressing?.reason === 'ProgressDeadlineExceeded' && !progressed) {
      progressing = prevProgressing;
    } else {
      const base = nextCondition(prevProgressing, 'Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${rsName}" is progressing.`, progressed);
      const deadlineMs = (d.spec?.progressDeadlineSeconds ?? 600) * 1000;
      const since = Date.parse(base.lastUpdateTime);
      if (Date.now() - since >= deadlineMs) {
        progressing = nextCondition(
          prevProgressing,
          'Progressing',
          'False',
          'ProgressDeadlineExceeded',
          `ReplicaSet "${rsName}" has timed out progressing.`,
          false,
        );
      } else {
        progressing = base;
        rt.after(`deploy-deadline:${d.metadata.uid}`, since + deadlineMs - Date.now() + 5, () => enqueue(d));
      }
    }
    if (complete) rt.cancel(`deploy-deadline:${d.metadata.uid}`);

    const status: Record<string, unknown> = {
      observedGeneration: d.metadata.generation,
      replicas,
      updatedReplicas,
      readyReplicas,
      availableReplicas,
      unavailableReplicas,
      conditions: [availableCondition, progressing],
    };
    for (const k of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas']) if (status[k] === 0) delete status[k];
    rt.writeStatus(deployments, d, status);
  };

  const enqueue = (d: KubeObject) => rt.queue(`deploy:${d.metadata.namespace}/${d.metadata.name}`, () => sync(d.metadata.namespace!, d.metadata.name!));
  rt.watch('apps/deployments', (ev) => {
    if (ev.type === 'DELETED') rt.cancel(`deploy-deadline:${ev.object.metadata.uid}`);
    else enqueue(ev.object);
  });
  rt.watch('apps/replicasets', (ev) => {
    const owner = controllerOf(ev.object);
    if (owner?.kind === 'Deployment')
      enqueue({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { namespace: ev.object.metadata.namespace, name: owner.name } });
  });
}

function scale(rt: ControllerRuntime, replicasets: ReturnType<ControllerRuntime['rt']>, rs: KubeObject, replicas: number): KubeObject {
  const next = clone(rs);
  next.spec.replicas = replicas;
  return rt.api.update(replicasets, rs.metadata.namespace, rs.metadata.name!, next, { manager: 'kube-controller-manager' });
}

function newReplicaSet(d: KubeObject, hash: string, existing: KubeObject[]): KubeObject {
  const template = clone(d.spec.template ?? {});
  template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, 'pod-template-hash': hash } };
  const revision = Math.max(0, ...existing.map((rs) => Number(rs.metadata.annotations?.[REVISION] ?? 0))) + 1;
  const selector = clone(d.spec.selector ?? {});
  selector.matchLabels = { ...selector.matchLabels, 'pod-template-hash': hash };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      labels: { ...template.metadata.labels },
      annotations: { [REVISION]: String(revision), 'deployment.kubernetes.io/desired-replicas': String(d.spec?.replicas ?? 1) },
      ownerReferences: [ownerReference(d)],
    },
    spec: { replicas: d.spec?.replicas ?? 1, selector, template, minReadySeconds: d.spec?.minReadySeconds ?? 0 },
  };
}
