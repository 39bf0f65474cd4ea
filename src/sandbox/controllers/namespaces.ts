// Namespace lifecycle: every new namespace gets its "default" ServiceAccount; a
// namespace being deleted (Terminating) is emptied of every object, then removed once
// no finalizer holds it.
import { NAMESPACE_KEY } from '../api.ts';
import type { ControllerRuntime } from './runtime.ts';

export function startNamespaceController(rt: ControllerRuntime): void {
  const serviceaccounts = rt.rt('', 'serviceaccounts');

  const finalize = (name: string) => {
    const ns = rt.store.get(NAMESPACE_KEY, undefined, name);
    if (!ns?.metadata.deletionTimestamp) return;
    for (const key of rt.store.keys()) {
      if (key === NAMESPACE_KEY) continue;
      for (const obj of rt.store.list(key, name)) rt.store.remove(key, name, obj.metadata.name!);
    }
    // Finalizers of other components keep the (now empty) namespace Terminating until they are removed.
    if (!ns.metadata.finalizers?.length) rt.store.remove(NAMESPACE_KEY, undefined, name);
  };

  rt.watch(NAMESPACE_KEY, (ev) => {
    const name = ev.object.metadata.name!;
    if (ev.type === 'ADDED') {
      rt.queue(`ns-sa:${name}`, () => {
        if (!rt.store.get('/serviceaccounts', name, 'default') && rt.store.get(NAMESPACE_KEY, undefined, name)) {
          rt.api.create(
            serviceaccounts,
            name,
            { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } },
            { manager: 'kube-controller-manager' },
          );
        }
      });
    }
    if (ev.type === 'MODIFIED' && ev.object.metadata.deletionTimestamp) rt.queue(`ns-finalize:${name}`, () => finalize(name));
  });
}
