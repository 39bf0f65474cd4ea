// Endpoints controller: for every Service with a selector, the ready (addresses) and
// not-ready (notReadyAddresses) pods it selects, on the service's target ports.
import type { KubeObject } from '../../kube/types.ts';
import { mapSelectorMatches } from '../selectors.ts';
import { clone } from '../store.ts';
import { isPodReady, isTerminating, type ControllerRuntime } from './runtime.ts';

function targetPort(port: any, pod: KubeObject): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(String(target))) return Number(target);
  for (const c of pod.spec?.containers ?? []) for (const p of c.ports ?? []) if (p.name === target) return p.containerPort;
  return undefined;
}

export function startEndpointsController(rt: ControllerRuntime): void {
  const endpoints = rt.rt('', 'endpoints');

  const sync = (namespace: string, name: string) => {
    const svc = rt.store.get('/services', namespace, name);
    const existing = rt.store.get('/endpoints', namespace, name);
    if (!svc?.spec?.selector || Object.keys(svc.spec.selector).length === 0) {
      if (!svc && existing) rt.api.delete(endpoints, namespace, name);
      return;
    }
    const selected = rt.store
      .list('/pods', namespace)
      .filter((p) => !isTerminating(p) && p.status?.podIP && mapSelectorMatches(svc.spec.selector, p.metadata.labels));
    const subsetsByPorts = new Map<string, { addresses: object[]; notReadyAddresses: object[]; ports: object[] }>();
    for (const pod of selected) {
      const ports = (svc.spec.ports ?? []).map((p: any) => ({ ...(p.name ? { name: p.name } : {}), port: targetPort(p, pod), protocol: p.protocol ?? 'TCP' }));
      const key = JSON.stringify(ports);
      let subset = subsetsByPorts.get(key);
      if (!subset) subsetsByPorts.set(key, (subset = { addresses: [], notReadyAddresses: [], ports }));
      const address = {
        ip: pod.status.podIP,
        nodeName: pod.spec?.nodeName,
        targetRef: { kind: 'Pod', namespace, name: pod.metadata.name, uid: pod.metadata.uid },
      };
      (isPodReady(pod) ? subset.addresses : subset.notReadyAddresses).push(address);
    }
    const subsets = [...subsetsByPorts.values()].map((s) => ({
      ...(s.addresses.length ? { addresses: s.addresses } : {}),
      ...(s.notReadyAddresses.length ? { notReadyAddresses: s.notReadyAddresses } : {}),
      ports: s.ports,
    }));
    const desired: KubeObject = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name, namespace, labels: { ...svc.metadata.labels } },
      ...(subsets.length ? { subsets } : {}),
    };
    if (!existing) rt.api.create(endpoints, namespace, desired, { manager: 'kube-controller-manager' });
    else {
      const next = clone(existing);
      next.metadata.labels = desired.metadata.labels;
      if (subsets.length) next.subsets = subsets;
      else delete next.subsets;
      rt.api.update(endpoints, namespace, name, next, { manager: 'kube-controller-manager' });
    }
  };

  const enqueue = (namespace: string, name: string) => rt.queue(`ep:${namespace}/${name}`, () => sync(namespace, name));
  rt.watch('/services', (ev) => enqueue(ev.object.metadata.namespace!, ev.object.metadata.name!));
  rt.watch('/pods', (ev) => {
    const ns = ev.object.metadata.namespace!;
    for (const svc of rt.store.list('/services', ns)) {
      const sel = svc.spec?.selector;
      if (mapSelectorMatches(sel, ev.object.metadata.labels) || (ev.previous && mapSelectorMatches(sel, ev.previous.metadata.labels))) {
        enqueue(ns, svc.metadata.name!);
      }
    }
  });
}
