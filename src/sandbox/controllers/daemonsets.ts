// DaemonSet controller: one pod per node, outdated pods replaced one at a time
// (maxUnavailable 1), and the node-count based status rollout status reads.
import type { KubeObject } from '../../kube/types.ts';
import { generatedPodName, podFromTemplate, type NodePool } from './pods.ts';
import { controllerOf, isPodReady, isTerminating, templateHash, type ControllerRuntime } from './runtime.ts';

const REVISION_LABEL = 'controller-revision-hash';

export function startDaemonSetController(rt: ControllerRuntime, nodes: NodePool): void {
  const daemonsets = rt.rt('apps', 'daemonsets');
  const pods = rt.rt('', 'pods');

  const sync = (namespace: string, name: string) => {
    const ds = rt.store.get('apps/daemonsets', namespace, name);
    if (!ds || isTerminating(ds)) return;
    const hash = templateHash(ds.spec?.template);
    const byNode = new Map<string, KubeObject>();
    for (const p of rt.owned(ds.metadata.uid!, '/pods')) if (!isTerminating(p)) byNode.set(p.spec?.nodeName, p);
    for (const node of nodes.names) {
      if (byNode.has(node)) continue;
      const pod = podFromTemplate(ds, ds.spec.template, generatedPodName(name), node, {
        [REVISION_LABEL]: hash,
        'pod-template-generation': String(ds.metadata.generation ?? 1),
      });
      byNode.set(node, rt.api.create(pods, namespace, pod, { manager: 'kube-controller-manager' }));
    }
    const all = [...byNode.values()];
    if (ds.spec?.updateStrategy?.type !== 'OnDelete' && all.every(isPodReady)) {
      const outdated = all.find((p) => p.metadata.labels?.[REVISION_LABEL] !== hash);
      if (outdated) {
        rt.api.delete(pods, namespace, outdated.metadata.name!);
        byNode.delete(outdated.spec?.nodeName);
      }
    }
    const current = [...byNode.values()];
    const desired = nodes.names.length;
    const ready = current.filter(isPodReady).length;
    const status: Record<string, unknown> = {
      currentNumberScheduled: current.length,
      desiredNumberScheduled: desired,
      numberMisscheduled: 0,
      numberReady: ready,
      observedGeneration: ds.metadata.generation,
      updatedNumberScheduled: current.filter((p) => p.metadata.labels?.[REVISION_LABEL] === hash).length,
      numberAvailable: ready,
      numberUnavailable: desired - ready,
    };
    for (const k of ['updatedNumberScheduled', 'numberAvailable', 'numberUnavailable']) if (status[k] === 0) delete status[k];
    rt.writeStatus(daemonsets, ds, status);
  };

  const enqueue = (namespace: string, name: string) => rt.queue(`ds:${namespace}/${name}`, () => sync(namespace, name));
  rt.watch('apps/daemonsets', (ev) => {
    if (ev.type !== 'DELETED') enqueue(ev.object.metadata.namespace!, ev.object.metadata.name!);
  });
  rt.watch('/pods', (ev) => {
    const owner = controllerOf(ev.object);
    if (owner?.kind === 'DaemonSet') enqueue(ev.object.metadata.namespace!, owner.name);
  });
}
