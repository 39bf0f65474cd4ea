// ReplicaSet controller: keeps spec.replicas pods alive and reports how many are ready.
import type { KubeObject } from '../../kube/types.ts';
import { generatedPodName, podFromTemplate, type NodePool } from './pods.ts';
import { controllerOf, isPodReady, isTerminating, type ControllerRuntime } from './runtime.ts';

export function startReplicaSetController(rt: ControllerRuntime, nodes: NodePool): void {
  const replicasets = rt.rt('apps', 'replicasets');
  const pods = rt.rt('', 'pods');

  const sync = (namespace: string, name: string) => {
    const rs = rt.store.get('apps/replicasets', namespace, name);
    if (!rs || isTerminating(rs)) return;
    const owned = rt.owned(rs.metadata.uid!, '/pods').filter((p) => !isTerminating(p));
    const desired = rs.spec?.replicas ?? 1;
    for (let i = owned.length; i < desired; i++) {
      const pod = podFromTemplate(rs, rs.spec.template, generatedPodName(name), nodes.pick());
      owned.push(rt.api.create(pods, namespace, pod, { manager: 'kube-controller-manager' }));
    }
    if (owned.length > desired) {
      // Like the real controller: not-ready pods go first, then the newest.
      const victims = [...owned]
        .sort(
          (a, b) => Number(isPodReady(a)) - Number(isPodReady(b)) || String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)),
        )
        .slice(0, owned.length - desired);
      for (const v of victims) rt.api.delete(pods, namespace, v.metadata.name!);
      owned.splice(0, owned.length, ...owned.filter((p) => !victims.includes(p)));
    }
    const ready = owned.filter(isPodReady).length;
    const status: Record<string, unknown> = {
      replicas: owned.length,
      fullyLabeledReplicas: owned.length,
      observedGeneration: rs.metadata.generation,
    };
    if (ready > 0) {
      status.readyReplicas = ready;
      status.availableReplicas = ready;
    }
    rt.writeStatus(replicasets, rs, status);
  };

  const enqueue = (obj: KubeObject) => rt.queue(`rs:${obj.metadata.namespace}/${obj.metadata.name}`, () => sync(obj.metadata.namespace!, obj.metadata.name!));
  rt.watch('apps/replicasets', (ev) => {
    if (ev.type !== 'DELETED') enqueue(ev.object);
  });
  rt.watch('/pods', (ev) => {
    const owner = controllerOf(ev.object);
    if (owner?.kind === 'ReplicaSet')
      enqueue({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { namespace: ev.object.metadata.namespace, name: owner.name } });
  });
}
