import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/types.ts';
import { startSandbox, type Sandbox, type SandboxCluster } from '../../src/sandbox/index.ts';
import { clientsFor, deployment } from './helpers.ts';
import { eventually } from '../helpers/eventually.ts';

const condition = (obj: KubeObject | undefined, type: string) => (obj?.status?.conditions ?? []).find((c: any) => c.type === type);

describe('sandbox simulated controllers', () => {
  let fleet: Sandbox;
  let c: SandboxCluster;
  let api: ReturnType<typeof clientsFor>;
  const deploy = (name: string) => c.objects.get('apps/v1', 'Deployment', 'work', name);
  const podsOf = (prefix: string) => c.objects.list('v1', 'Pod', 'work').filter((p) => p.metadata.name!.startsWith(`${prefix}-`));

  beforeAll(async () => {
    fleet = await startSandbox({ clusters: [{ name: 'work' }], tls: false, podReadyDelayMs: 60, crashLoopIntervalMs: 80, jobPodDurationMs: 60 });
    c = fleet.cluster('work');
    api = clientsFor(c);
    await api.core.createNamespace({ body: { metadata: { name: 'work' } } });
  });
  afterAll(() => fleet?.stop());

  it('rolls a Deployment out through a ReplicaSet to Ready pods, writing the status a real controller writes', async () => {
    await api.apps.createNamespacedDeployment({ namespace: 'work', body: deployment('web', { replicas: 3 }) as any });
    const early = await eventually(() => deploy('web')?.status?.observedGeneration === 1 && deploy('web'), 2000, 'observedGeneration');
    expect(early.status.availableReplicas ?? 0).toBeLessThan(3);
    expect(condition(early, 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable' });

    const done = await eventually(() => deploy('web')?.status?.availableReplicas === 3 && deploy('web'), 3000, 'available replicas');
    expect(done.status).toMatchObject({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
    expect(done.status.unavailableReplicas).toBeUndefined();
    expect(condition(done, 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable' });
    expect(condition(done, 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable' });

    const rs = c.objects.list('apps/v1', 'ReplicaSet', 'work').filter((r) => r.metadata.name!.startsWith('web-'));
    expect(rs).toHaveLength(1);
    expect(rs[0]!.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Deployment', name: 'web', controller: true });
    const pods = podsOf('web');
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.metadata.labels?.['pod-template-hash']).toBe(rs[0]!.metadata.labels?.['pod-template-hash']);
      expect(c.nodeNames).toContain(p.spec.nodeName);
      expect(p.status).toMatchObject({
        phase: 'Running',
        containerStatuses: [{ name: 'main', ready: true, restartCount: 0, state: { running: expect.any(Object) } }],
      });
      expect(condition(p, 'Ready')?.status).toBe('True');
    }
  });

  it('replaces pods on a template change and scales the old ReplicaSet down', async () => {
    const before = new Set(podsOf('web').map((p) => p.metadata.name));
    await api.apps.patchNamespacedDeployment({
      name: 'web',
      namespace: 'work',
      body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'nginx:1.27' }],
    });
    const rolled = await eventually(
      () => {
        const d = deploy('web');
        return (
          d?.status?.observedGeneration === 2 &&
          d.status.updatedReplicas === 3 &&
          d.status.replicas === 3 &&
          d.status.availableReplicas === 3 &&
          condition(d, 'Progressing')?.reason === 'NewReplicaSetAvailable' &&
          d
        );
      },
      4000,
      'rollout of generation 2',
    );
    expect(rolled.metadata.generation).toBe(2);
    await eventually(() => podsOf('web').length === 3, 2000, 'old pods gone');
    const after = podsOf('web');
    expect(after.every((p) => p.spec.containers[0].image === 'nginx:1.27' && !before.has(p.metadata.name))).toBe(true);
    const sets = c.objects.list('apps/v1', 'ReplicaSet', 'work').filter((r) => r.metadata.name!.startsWith('web-'));
    expect(sets.map((r) => r.spec.replicas).sort()).toEqual([0, 3]);
  });

  it('scales through the scale subresource and garbage-collects ReplicaSets and pods with the Deployment', async () => {
    await api.apps.patchNamespacedDeploymentScale({ name: 'web', namespace: 'work', body: [{ op: 'replace', path: '/spec/replicas', value: 1 }] });
    await eventually(() => podsOf('web').length === 1 && deploy('web')?.status?.replicas === 1, 3000, 'scale down');
    await api.apps.deleteNamespacedDeployment({ name: 'web', namespace: 'work' });
    await eventually(() => podsOf('web').length === 0 && c.objects.list('apps/v1', 'ReplicaSet', 'work').length === 0, 3000, 'garbage collection');
  });

  it('crashloop: restarts climb, CrashLoopBackOff, never Ready', async () => {
    await api.apps.createNamespacedDeployment({ namespace: 'work', body: deployment('crashy', { behavior: 'crashloop' }) as any });
    const pod = await eventually(
      () => {
        const p = podsOf('crashy')[0];
        return (p?.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 3 && p;
      },
      3000,
      'restarts',
    );
    const cs = pod.status.containerStatuses[0];
    expect(cs.state.waiting.reason).toBe('CrashLoopBackOff');
    expect(cs.lastState.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(cs.ready).toBe(false);
    expect(condition(pod, 'Ready')?.status).toBe('False');
    expect(deploy('crashy')?.status?.availableReplicas).toBeUndefined();
    expect(deploy('crashy')?.status?.unavailableReplicas).toBe(1);
  });

  it('makes a running pod crash when its behaviour annotation changes', async () => {
    await api.apps.createNamespacedDeployment({ namespace: 'work', body: deployment('healthy') as any });
    await eventually(() => deploy('healthy')?.status?.availableReplicas === 1, 3000, 'healthy deployment');
    const pod = podsOf('healthy')[0]!;
    c.objects.put({ ...pod, metadata: { ...pod.metadata, annotations: { 'sandbox.operator-manager.io/behavior': 'crashloop' } } });
    await eventually(() => (podsOf('healthy')[0]?.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 2, 3000, 'restarts of the running pod');
    await eventually(() => deploy('healthy')?.status?.availableReplicas === undefined, 2000, 'deployment loses availability');
  });

  it('never-ready: Running but not Ready; ProgressDeadlineExceeded after spec.progressDeadlineSeconds', async () => {
    const body: any = deployment('stuck', { behavior: 'never-ready' });
    body.spec.progressDeadlineSeconds = 1;
    await api.apps.createNamespacedDeployment({ namespace: 'work', body });
    const pod = await eventually(() => podsOf('stuck')[0]?.status?.phase === 'Running' && podsOf('stuck')[0], 2000, 'running pod');
    expect(pod.status.containerStatuses[0]).toMatchObject({ ready: false, started: true, state: { running: expect.any(Object) } });
    const d = await eventually(
      () => condition(deploy('stuck'), 'Progressing')?.reason === 'ProgressDeadlineExceeded' && deploy('stuck'),
      4000,
      'progress deadline',
    );
    expect(condition(d, 'Progressing')).toMatchObject({ status: 'False', message: expect.stringContaining('has timed out progressing') });
  });

  it('slow-start:<duration>: Ready only after the duration', async () => {
    const started = Date.now();
    await api.apps.createNamespacedDeployment({ namespace: 'work', body: deployment('slow', { behavior: 'slow-start:600ms' }) as any });
    await eventually(() => podsOf('slow')[0]?.status?.phase === 'Running', 2000, 'running');
    expect(condition(podsOf('slow')[0], 'Ready')?.status).toBe('False');
    await eventually(() => deploy('slow')?.status?.availableReplicas === 1, 3000, 'ready after slow start');
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
  });

  it('image-pull-error: ErrImagePull then ImagePullBackOff, pod stays Pending', async () => {
    await api.apps.createNamespacedDeployment({
      namespace: 'work',
      body: deployment('pull', { behavior: 'image-pull-error', image: 'registry.invalid/nope:1' }) as any,
    });
    const pod = await eventually(
      () => podsOf('pull')[0]?.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff' && podsOf('pull')[0],
      3000,
      'image pull back-off',
    );
    expect(pod.status.phase).toBe('Pending');
    expect(pod.status.containerStatuses[0].state.waiting.message).toContain('registry.invalid/nope:1');
  });

  it('StatefulSet: ordered pods, revisions and readiness', async () => {
    const sts = { ...deployment('db', { replicas: 3 }), kind: 'StatefulSet' } as any;
    sts.spec.serviceName = 'db';
    await api.apps.createNamespacedStatefulSet({ namespace: 'work', body: sts });
    const done = await eventually(
      () => {
        const s = c.objects.get('apps/v1', 'StatefulSet', 'work', 'db');
        return s?.status?.readyReplicas === 3 && s;
      },
      4000,
      'statefulset ready',
    );
    expect(
      podsOf('db')
        .map((p) => p.metadata.name)
        .sort(),
    ).toEqual(['db-0', 'db-1', 'db-2']);
    expect(done.status).toMatchObject({ replicas: 3, currentReplicas: 3, updatedReplicas: 3, observedGeneration: 1 });
    expect(done.status.currentRevision).toBe(done.status.updateRevision);

    await api.apps.patchNamespacedStatefulSet({
      name: 'db',
      namespace: 'work',
      body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'postgres:17' }],
    });
    const updated = await eventually(
      () => {
        const s = c.objects.get('apps/v1', 'StatefulSet', 'work', 'db');
        return s?.status?.observedGeneration === 2 && s.status.updatedReplicas === 3 && s.status.readyReplicas === 3 && s;
      },
      6000,
      'statefulset rolling update',
    );
    expect(updated.status.updateRevision).not.toBe(done.status.updateRevision);
    expect(updated.status.currentRevision).toBe(updated.status.updateRevision);
  });

  it('DaemonSet: one pod per node and node-count status', async () => {
    await api.apps.createNamespacedDaemonSet({
      namespace: 'work',
      body: { ...deployment('agent'), kind: 'DaemonSet', spec: { ...deployment('agent').spec, replicas: undefined } } as any,
    });
    const ds = await eventually(
      () => {
        const d = c.objects.get('apps/v1', 'DaemonSet', 'work', 'agent');
        return d?.status?.numberReady === 3 && d;
      },
      3000,
      'daemonset ready',
    );
    expect(ds.status).toMatchObject({
      desiredNumberScheduled: 3,
      currentNumberScheduled: 3,
      updatedNumberScheduled: 3,
      numberAvailable: 3,
      observedGeneration: 1,
    });
    expect(new Set(podsOf('agent').map((p) => p.spec.nodeName)).size).toBe(3);
  });

  it('Job: runs to completion', async () => {
    await api.core.createNamespace({ body: { metadata: { name: 'batch' } } });
    await clientsFor(c)
      .kc.makeApiClient((await import('@kubernetes/client-node')).BatchV1Api)
      .createNamespacedJob({
        namespace: 'batch',
        body: { metadata: { name: 'once' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'run', image: 'busybox' }] } } } },
      });
    const job = await eventually(
      () => {
        const j = c.objects.get('batch/v1', 'Job', 'batch', 'once');
        return condition(j, 'Complete')?.status === 'True' && j;
      },
      3000,
      'job completion',
    );
    expect(job.status).toMatchObject({ succeeded: 1, completionTime: expect.any(String) });
  });

  it('Endpoints list the ready pods a Service selects', async () => {
    await api.apps.createNamespacedDeployment({ namespace: 'work', body: deployment('api', { replicas: 2 }) as any });
    await api.core.createNamespacedService({
      namespace: 'work',
      body: { metadata: { name: 'api' }, spec: { selector: { app: 'api' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } },
    });
    const ep = await eventually(
      () => {
        const e = c.objects.get('v1', 'Endpoints', 'work', 'api') as any;
        return e?.subsets?.[0]?.addresses?.length === 2 && e;
      },
      3000,
      'endpoints',
    );
    expect(ep.subsets[0].ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect(ep.subsets[0].addresses[0].targetRef.kind).toBe('Pod');
  });
});
