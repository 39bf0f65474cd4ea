// Blue-Green on the engine side: what the engine remembers per cluster between phases (in
// deployments.engine_state.blueGreen, so a restart keeps it), and the two color variants
// of a cluster rebuilt from it — the color serving before the deployment ("from") and the
// color it installs ("to"). The pure rules live in manifests.ts and switch-plan.ts.
import type { Prisma, Release } from '../../generated/prisma/client.ts';
import { scopesFromDiscovery } from '../../kube/apply/executor.ts';
import { inventoryOf } from '../../kube/apply/inventory.ts';
import type { KubeClient } from '../../kube/client.ts';
import type { ObjectRef } from '../../kube/types.ts';
import type { RolloutContext } from '../cluster-context.ts';
import { colorVariant, nextColor, type Color, type ColorVariant } from './manifests.ts';
import type { BlueGreenWave } from '../strategies/types.ts';

/** The installation serving before this deployment touched the cluster. */
export interface ServingColor {
  color: Color;
  namespace: string;
  revision: number;
  version: string;
  manifestDigest: string;
}

/** What the engine keeps per cluster of a Blue-Green deployment. */
export interface ClusterColors {
  /** The color serving before; absent when nothing was installed. */
  from?: ServingColor;
  /** The color this deployment installs, and the release revision it becomes at the switch. */
  to: { color: Color; namespace: string; revision: number };
  /**
   * Live replica counts of `from`'s workloads ("Deployment/ns/name" → n), read before the
   * switch scaled them down: a switch back restores them (an HPA or a person may have
   * changed them since the manifests were applied).
   */
  savedReplicas?: Record<string, number>;
  /** When traffic (webhooks, replicas) moved to `to` and its release was recorded (ISO-8601). */
  switchedAt?: string;
  /** When service went back to `from` (ISO-8601). */
  switchedBackAt?: string;
}

type Db = Prisma.TransactionClient | RolloutContext['deps']['prisma'];

async function readColors(db: Db, deploymentId: string): Promise<Record<string, ClusterColors>> {
  const d = await db.deployment.findUniqueOrThrow({ where: { id: deploymentId }, select: { engineState: true } });
  return ((d.engineState as { blueGreen?: Record<string, ClusterColors> } | null)?.blueGreen ?? {}) as Record<string, ClusterColors>;
}

export async function colorsOf(db: Db, deploymentId: string, clusterName: string): Promise<ClusterColors | undefined> {
  return (await readColors(db, deploymentId))[clusterName];
}

/**
 * Merges `change` into the cluster's entry of engine_state.blueGreen. Only the driver that
 * holds the deployment's lease writes engine_state, so read-modify-write is safe; call it
 * inside the transaction that commits the step it belongs to when there is one.
 */
export async function saveColors(db: Db, deploymentId: string, clusterName: string, change: Partial<ClusterColors>): Promise<ClusterColors> {
  const d = await db.deployment.findUniqueOrThrow({ where: { id: deploymentId }, select: { engineState: true } });
  const state = (d.engineState ?? {}) as { blueGreen?: Record<string, ClusterColors> };
  const entry = { ...state.blueGreen?.[clusterName], ...change } as ClusterColors;
  const engineState = { ...state, blueGreen: { ...state.blueGreen, [clusterName]: entry } };
  await db.deployment.update({ where: { id: deploymentId }, data: { engineState: engineState as unknown as Prisma.InputJsonValue } });
  return entry;
}

/** The color of a release: an uncolored one (installed by another strategy) counts as blue. */
export const colorOfRelease = (r: Pick<Release, 'color'>): Color => (r.color === 'green' ? 'green' : 'blue');

/** The color to install next to the serving release: the other one; blue when nothing is installed. */
export const colorToInstall = (serving: Pick<Release, 'color'> | null): Color => (serving ? nextColor(colorOfRelease(serving)) : 'blue');

export const namespaceOfColor = (color: Color, wave: BlueGreenWave): string => (color === 'blue' ? wave.blueNamespace : wave.greenNamespace);

/** The variant this deployment installs on a cluster (CRD conversion stays with the serving color until the switch). */
export async function targetVariant(
  ctx: RolloutContext,
  client: KubeClient,
  wave: BlueGreenWave,
  colors: Pick<ClusterColors, 'from' | 'to'>,
): Promise<ColorVariant> {
  return colorVariant(ctx.target.objects, {
    color: colors.to.color,
    operatorNamespace: ctx.operator.namespace,
    blueNamespace: wave.blueNamespace,
    greenNamespace: wave.greenNamespace,
    ...(colors.from ? { liveNamespace: colors.from.namespace } : {}),
    isNamespaced: await scopesFromDiscovery(client, ctx.target.objects, ctx.signal),
  });
}

/**
 * The variant serving before, rebuilt from its release's stored manifests: the same
 * objects as they were applied (an uncolored installation is "blue" in its own namespace).
 */
export async function servingVariant(ctx: RolloutContext, client: KubeClient, wave: BlueGreenWave, from: ServingColor): Promise<ColorVariant> {
  const objects = await ctx.renderer.objectsOf(from.manifestDigest);
  return colorVariant(objects, {
    color: from.color,
    operatorNamespace: ctx.operator.namespace,
    blueNamespace: from.color === 'blue' ? from.namespace : wave.blueNamespace,
    greenNamespace: from.color === 'green' ? from.namespace : wave.greenNamespace,
    isNamespaced: await scopesFromDiscovery(client, objects, ctx.signal),
  });
}

/** What a color's release tracks: its own objects, the shared ones it applied, and (once switched) the routing. */
export function colorInventory(variant: ColorVariant, { routed }: { routed: boolean }): ObjectRef[] {
  return inventoryOf([...variant.install, ...variant.shared, ...(routed ? variant.routing : [])]);
}

/** Subject of the retirement task of one color of one operator on one cluster. */
export const retirementSubject = (operatorName: string, clusterName: string, color: Color) => `${operatorName}/${clusterName}/${color}`;
