// StatefulSet controller: pods <name>-0…n-1 created in order (OrderedReady) or all at
// once (Parallel), rolling updates from the highest ordinal one pod at a time, and the
// revision bookkeeping (currentRevision/updateRevision) that rollout status reads.
import type { KubeObject } from '../../kube/types.ts';
import { podFromTemplate, type NodePool } from './pods.ts';
import { controllerOf, isPodReady, isTerminating, templateHash, type ControllerRuntime } from './runtime.ts';

const REVISION_LABEL = 'controller-revision-hash';

export function startStatefulSetController(rt: ControllerRuntime, nodes: NodePool): void {
  const statefulsets = rt.rt('apps', 'statefulsets');
  const pods = rt.rt('', 'pods');

  const sync = (namespace: string, name: string) => {
    const sts = rt.store.get('apps/statefulsets', namespace, name);
    if (!sts || isTerminating(sts)) return;
    const desired: number = sts.spec?.replicas ?? 1;
    const updateRevision = `${name}-${templateHash(sts.spec?.template)}`;
    const ordered = sts.spec?.podManagementPolicy !== 'Parallel';
    const byOrdinal = new Map<number, KubeObject>();
    for (const p of rt.owned(sts.metadata.uid!, '/pods')) {
      const ordinal = Number(p.metadata.name!.slice(name.length + 1));
      if (!isTerminating(p)) byOrdinal.set(ordinal, p);
    }
    // scale down from the highest ordinal
    for (const [ordinal, p] of byOrdinal) {
      if (ordinal >= desired) {
        rt.api.delete(pods, namespace, p.metadata.name!);
        byOrdinal.delete(ordinal);
      }
    }
    // create missing pods; OrderedReady waits for every lower ordinal to be Ready
    for (let i = 0; i < desired; i++) {
      if (byOrdinal.has(i)) {
        if (ordered && !isPodReady(byOrdinal.get(i)!)) break;
        continue;
      }
      const podName = `${name}-${i}`;
      const pod = podFromTemplate(sts, sts.spec.template, podName, nodes.pick(), {
        [REVISION_LABEL]: updateRevision,
        'statefulset.kubernetes.io/pod-name': podName,
        'apps.kubernetes.io/pod-index': String(i),
      });
      pod.spec.hostname = podName;
      if (sts.spec.serviceName) pod.spec.subdomain = sts.spec.serviceName;
      byOrdinal.set(i, rt.api.create(pods, namespace, pod, { manager: 'kube-controller-manager' }));
      if (ordered) break;
    }
    // rolling update: replace the highest outdated pod once all pods are ready
    const partition: number = sts.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
    const all = [...byOrdinal.entries()].sort((a, b) => b[0] - a[0]);
    if (sts.spec?.updateStrategy?.type !== 'OnDelete' && all.length === desired && all.every(([, p]) => isPodReady(p))) {
      const outdated = all.find(([ordinal, p]) => ordinal >= partition && p.metadata.labels?.[REVISION_LABEL] !== updateRevision);
      if (outdated) {
        rt.api.delete(pods, namespace, outdated[1].metadata.name!);
        byOrdinal.delete(outdated[0]);
      }
    }

    const podsNow = [...byOrdinal.values()];
    const ready = podsNow.filter(isPodReady).length;
    const updated = podsNow.filter((p) => p.metadata.labels?.[REVISION_LABEL] === updateRevision).length;
    const previousCurrent: string | undefined = sts.status?.currentRevision;
    const rolledOut = updated === desired && ready === desired;
    const currentRevision = rolledOut || !previousCurrent ? updateRevision : previousCurrent;
    const current = podsNow.filter((p) => p.metadata.labels?.[REVISION_LABEL] === currentRevision).length;
    const status: Record<string, unknown> = {
      observedGeneration: sts.metadata.generation,
      replicas: podsNow.length,
      readyReplicas: ready,
      currentReplicas: current,
      updatedReplicas: updated,
      availableReplicas: ready,
      currentRevision,
      updateRevision,
      collisionCount: 0,
    };
    for (const k of ['readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas']) if (status[k] === 0) delete status[k];
    rt.writeStatus(statefulsets, sts, status);
  };

  const enqueue = (namespace: string, name: string) => rt.queue(`sts:${namespace}/${name}`, () => sync(namespace, name));
  rt.watch('apps/statefulsets', (ev) => {
    if (ev.type !== 'DELETED') enqueue(ev.object.metadata.namespace!, ev.object.metadata.name!);
  });
  rt.watch('/pods', (ev) => {
    const owner = controllerOf(ev.object);
    if (owner?.kind === 'StatefulSet') enqueue(ev.object.metadata.namespace!, owner.name);
  });
}
