// Pods: how controllers create them, and a simulated scheduler + kubelet that moves
// each pod through its life on a timer, honouring the per-workload behaviour
// annotation (crashloop, never-ready, slow-start:<duration>, image-pull-error).
import type { KubeObject } from '../../kube/types.ts';
import { parseDuration } from '../faults.ts';
import { randomSuffix } from '../objects.ts';
import { clone } from '../store.ts';
import { nowIso, ownerReference, type ControllerRuntime } from './runtime.ts';

export const BEHAVIOR_ANNOTATION = 'sandbox.operator-manager.io/behavior';

type Behavior =
  | { kind: 'normal' }
  | { kind: 'crashloop' }
  | { kind: 'never-ready' }
  | { kind: 'image-pull-error' }
  | { kind: 'slow-start'; readyAfterMs: number };

function parseBehavior(text: string | undefined): Behavior {
  const value = (text ?? '').trim();
  if (value === 'crashloop' || value === 'never-ready' || value === 'image-pull-error') return { kind: value };
  if (value.startsWith('slow-start:')) {
    try {
      return { kind: 'slow-start', readyAfterMs: parseDuration(value.slice('slow-start:'.length)) };
    } catch {
      return { kind: 'normal' };
    }
  }
  return { kind: 'normal' };
}

/** A pod for `owner` from its template, already bound to `nodeName` (the scheduler's work). */
export function podFromTemplate(owner: KubeObject, template: any, name: string, nodeName: string, extraLabels: Record<string, string> = {}): KubeObject {
  const t = clone(template ?? {});
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: owner.metadata.namespace,
      labels: { ...t.metadata?.labels, ...extraLabels },
      ...(t.metadata?.annotations ? { annotations: t.metadata.annotations } : {}),
      ownerReferences: [ownerReference(owner)],
    },
    spec: { ...t.spec, nodeName },
  };
}

export const generatedPodName = (base: string) => `${base}-${randomSuffix()}`;

/** Round-robin placement over the cluster's nodes. */
export class NodePool {
  private next = 0;
  constructor(readonly names: string[]) {}
  pick(): string {
    const name = this.names[this.next % this.names.length]!;
    this.next++;
    return name;
  }
}

type ContainerState = Record<string, unknown>;

interface Phase {
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  ready: boolean;
  started: boolean;
  state: (containerName: string, image: string) => ContainerState;
  restartCount?: number;
  lastState?: ContainerState;
  reason?: string;
}

let podIpCounter = 0;
const nextPodIp = () => {
  podIpCounter++;
  return `10.244.${(podIpCounter >> 8) & 255}.${podIpCounter & 255}`;
};

function condition(type: string, status: boolean, previous: any[] | undefined, reason?: string) {
  const value = status ? 'True' : 'False';
  const old = previous?.find((c) => c.type === type);
  return {
    type,
    status: value,
    lastProbeTime: null,
    lastTransitionTime: old?.status === value ? old.lastTransitionTime : nowIso(),
    ...(reason && !status ? { reason } : {}),
  };
}

function statusFor(pod: KubeObject, p: Phase, nodeIp: string): any {
  const prev = pod.status ?? {};
  const notReadyReason = p.phase === 'Succeeded' || p.phase === 'Failed' ? 'PodCompleted' : 'ContainersNotReady';
  const running = p.phase !== 'Pending';
  return {
    phase: p.phase,
    conditions: [
      condition('Initialized', true, prev.conditions),
      condition('Ready', p.ready, prev.conditions, notReadyReason),
      condition('ContainersReady', p.ready, prev.conditions, notReadyReason),
      condition('PodScheduled', true, prev.conditions),
    ],
    hostIP: nodeIp,
    ...(running ? { podIP: prev.podIP ?? nextPodIp() } : {}),
    ...(running && prev.podIP ? { podIPs: [{ ip: prev.podIP }] } : {}),
    startTime: prev.startTime ?? nowIso(),
    qosClass: 'BestEffort',
    containerStatuses: (pod.spec?.containers ?? []).map((c: any) => ({
      name: c.name,
      image: c.image,
      imageID: running ? `docker-pullable://${c.image}` : '',
      ...(running ? { containerID: `containerd://${pod.metadata.uid?.replace(/-/g, '')}${c.name}`.slice(0, 77) } : {}),
      ready: p.ready,
      started: p.started,
      restartCount: p.restartCount ?? 0,
      state: p.state(c.name, c.image),
      ...(p.lastState ? { lastState: p.lastState } : { lastState: {} }),
    })),
  };
}

/** Simulated kube-scheduler + kubelet for every pod of the cluster. */
export function startKubelet(rt: ControllerRuntime, nodes: NodePool, nodeIps: Map<string, string>): void {
  const pods = rt.rt('', 'pods');
  const { podReadyDelayMs, crashLoopIntervalMs, jobPodDurationMs } = rt.timing;

  const write = (pod: KubeObject, p: Phase) => {
    const live = rt.store.get('/pods', pod.metadata.namespace, pod.metadata.name!);
    if (!live || live.metadata.uid !== pod.metadata.uid) return undefined;
    return rt.writeStatus(pods, live, statusFor(live, p, nodeIps.get(live.spec?.nodeName) ?? '172.18.0.2'), 'kubelet');
  };
  const timer = (pod: KubeObject, ms: number, fn: () => void) => rt.after(`pod:${pod.metadata.uid}`, ms, fn);

  const lifecycle = (pod: KubeObject) => {
    const startedAt = nowIso();
    const runningState = () => ({ running: { startedAt } });
    const behavior = parseBehavior(pod.metadata.annotations?.[BEHAVIOR_ANNOTATION]);
    const runsToCompletion = pod.spec?.restartPolicy === 'Never' || pod.spec?.restartPolicy === 'OnFailure';
    write(pod, { phase: 'Pending', ready: false, started: false, state: () => ({ waiting: { reason: 'ContainerCreating' } }) });

    const crash = (restarts: number) => {
      if (runsToCompletion) {
        write(pod, {
          phase: 'Failed',
          ready: false,
          started: false,
          state: () => ({ terminated: { exitCode: 1, reason: 'Error', startedAt, finishedAt: nowIso() } }),
        });
        return;
      }
      write(pod, {
        phase: 'Running',
        ready: false,
        started: false,
        restartCount: restarts,
        lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt, finishedAt: nowIso() } },
        state: (name) => ({ waiting: { reason: 'CrashLoopBackOff', message: `back-off 10s restarting failed container=${name} pod=${pod.metadata.name}` } }),
      });
      timer(pod, crashLoopIntervalMs, () => crash(restarts + 1));
    };
    const imagePull = (reason: 'ErrImagePull' | 'ImagePullBackOff') => {
      write(pod, {
        phase: 'Pending',
        ready: false,
        started: false,
        state: (_n, image) => ({
          waiting: { reason, message: reason === 'ErrImagePull' ? `failed to pull image "${image}": not found` : `Back-off pulling image "${image}"` },
        }),
      });
      if (reason === 'ErrImagePull') timer(pod, crashLoopIntervalMs, () => imagePull('ImagePullBackOff'));
    };
    const ready = () => {
      write(pod, { phase: 'Running', ready: true, started: true, state: runningState });
      if (runsToCompletion) {
        timer(pod, jobPodDurationMs, () =>
          write(pod, {
            phase: 'Succeeded',
            ready: false,
            started: false,
            state: () => ({ terminated: { exitCode: 0, reason: 'Completed', startedAt, finishedAt: nowIso() } }),
          }),
        );
      }
    };
    const runningNotReady = () => write(pod, { phase: 'Running', ready: false, started: true, state: runningState });

    switch (behavior.kind) {
      case 'crashloop':
        return timer(pod, podReadyDelayMs, () => crash(1));
      case 'image-pull-error':
        return timer(pod, podReadyDelayMs, () => imagePull('ErrImagePull'));
      case 'never-ready':
        return timer(pod, podReadyDelayMs, runningNotReady);
      case 'slow-start':
        if (behavior.readyAfterMs <= podReadyDelayMs) return timer(pod, behavior.readyAfterMs, ready);
        return timer(pod, podReadyDelayMs, () => {
          runningNotReady();
          timer(pod, behavior.readyAfterMs - podReadyDelayMs, ready);
        });
      default:
        return timer(pod, podReadyDelayMs, ready);
    }
  };

  rt.watch('/pods', (ev) => {
    const pod = ev.object;
    if (ev.type === 'DELETED') return rt.cancel(`pod:${pod.metadata.uid}`);
    if (ev.type === 'MODIFIED') {
      // Changing the behaviour annotation of a live pod (a test making it crash, say) restarts its life with it.
      const before = ev.previous?.metadata.annotations?.[BEHAVIOR_ANNOTATION];
      const after = pod.metadata.annotations?.[BEHAVIOR_ANNOTATION];
      if (before !== after && pod.spec?.nodeName && !pod.metadata.deletionTimestamp) rt.queue(`pod:${pod.metadata.uid}`, () => lifecycle(pod));
      return;
    }
    rt.queue(`pod:${pod.metadata.uid}`, () => {
      let live = rt.store.get('/pods', pod.metadata.namespace, pod.metadata.name!);
      if (!live || live.metadata.uid !== pod.metadata.uid) return;
      if (!live.spec?.nodeName) {
        const bound = clone(live);
        bound.spec.nodeName = nodes.pick();
        live = rt.api.update(pods, live.metadata.namespace, live.metadata.name!, bound, { manager: 'kube-scheduler' });
      }
      lifecycle(live);
    });
  });
}
