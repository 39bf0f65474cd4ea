// Blue-Green: the switch between colors and the retirement of the old one, as data the
// engine applies. Pure.
//
// A switch from color A to color B, in three steps (the engine waits for B's workloads to
// be ready after step 1):
//   1. scaleUp    B's workloads to their replica counts, B's DaemonSets unparked — a no-op
//                 right after B was installed; on a switch back it brings A's old pods back;
//   2. route      server-side apply B's webhook configurations and APIServices (one live
//                 object per name, now calling B's services), and merge-patch CRD conversion
//                 webhooks (and their cert-manager CA injection) to B's namespace;
//   3. scaleDown  A's Deployments/StatefulSets/ReplicaSets to 0 replicas; A's DaemonSets
//                 parked with a node selector no node carries (a DaemonSet cannot scale).
// Switching back is the same function with the colors swapped: nothing is redeployed, A's
// objects were kept (scaled down) for the retention period.

import { inventoryOf, refOf } from '../../kube/apply/inventory.ts';
import { groupKindOf, groupOf, subjectOf, type KubeObject, type ObjectRef } from '../../kube/types.ts';
import { conversionNamespaceOf, movedCaInjection, type ColorVariant } from './manifests.ts';

/** Node-selector key that parks a DaemonSet of the color that is not serving. */
export const PARKED_NODE_SELECTOR = 'operator-manager.io/parked';

/** A JSON merge patch (application/merge-patch+json) for one object. */
export interface MergePatch {
  ref: ObjectRef;
  /** "Kind/namespace/name", for change entries and messages. */
  subject: string;
  patch: Record<string, unknown>;
}

export interface SwitchOptions {
  /** The color taking over: its workloads (install), webhooks (routing) and CRDs (shared). */
  to: Pick<ColorVariant, 'namespace' | 'install' | 'routing' | 'shared'>;
  /** The color handing over: its workloads are scaled down. */
  from: Pick<ColorVariant, 'namespace' | 'install'>;
  /**
   * Replica counts to give `to`'s workloads, by subject ("Deployment/ns/name"): on a switch
   * back, what the engine read before it scaled them down (an HPA or a person may have
   * changed them). Default: the manifests' spec.replicas, 1 when absent.
   */
  replicas?: Readonly<Record<string, number>>;
}

export interface SwitchPlan {
  scaleUp: MergePatch[];
  route: KubeObject[];
  conversion: MergePatch[];
  scaleDown: MergePatch[];
}

const SCALABLE = new Set(['apps/Deployment', 'apps/StatefulSet', 'apps/ReplicaSet']);
const DAEMON_SET = 'apps/DaemonSet';

function patchOf(obj: KubeObject, patch: Record<string, unknown>): MergePatch {
  return { ref: refOf(obj), subject: subjectOf(obj), patch };
}

const parkPatch = (parked: boolean) => ({ spec: { template: { spec: { nodeSelector: { [PARKED_NODE_SELECTOR]: parked ? 'true' : null } } } } });

/** The workloads among `objects` (what a switch scales). */
export function workloadsOf(objects: readonly KubeObject[]): KubeObject[] {
  return objects.filter((o) => SCALABLE.has(groupKindOf(o)) || groupKindOf(o) === DAEMON_SET);
}

export function planSwitch({ to, from, replicas = {} }: SwitchOptions): SwitchPlan {
  const scaleUp = workloadsOf(to.install).map((w) => {
    if (groupKindOf(w) === DAEMON_SET) return patchOf(w, parkPatch(false));
    const count = replicas[subjectOf(w)] ?? (typeof w.spec?.replicas === 'number' ? w.spec.replicas : 1);
    return patchOf(w, { spec: { replicas: count } });
  });
  const scaleDown = workloadsOf(from.install).map((w) => patchOf(w, groupKindOf(w) === DAEMON_SET ? parkPatch(true) : { spec: { replicas: 0 } }));
  const colors = new Set([from.namespace, to.namespace]);
  const conversion = to.shared
    .filter((crd) => crd.kind === 'CustomResourceDefinition' && colors.has(conversionNamespaceOf(crd) ?? ''))
    .map((crd) => {
      const annotations = movedCaInjection(crd, colors, to.namespace);
      return patchOf(crd, {
        ...(Object.keys(annotations).length ? { metadata: { annotations } } : {}),
        spec: { conversion: { webhook: { clientConfig: { service: { namespace: to.namespace } } } } },
      });
    });
  return { scaleUp, route: to.routing.map((o) => structuredClone(o)), conversion, scaleDown };
}

/**
 * What to delete when a color is retired (retentionPeriod after the switch): its own
 * objects only — never `shared` ones (CRDs…) nor `routing` ones (one live object per
 * name, now serving the other color), and not its Namespace (prune keeps namespaces too:
 * deleting one deletes whatever else lives in it).
 */
export function retirementRefs(variant: Pick<ColorVariant, 'install'>): ObjectRef[] {
  return inventoryOf(variant.install.filter((o) => !(o.kind === 'Namespace' && groupOf(o.apiVersion) === '')));
}
