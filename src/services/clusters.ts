// Use cases of clusters: register (kubeconfig checked, encrypted, cluster probed), update, delete.
import type { HealthStatus } from '../domain/health.ts';
import { ENVIRONMENTS, TERMINAL_DEPLOYMENT_STATUSES, type Environment } from '../domain/model.ts';
import { ConflictError, NotFoundError, ValidationErrors } from '../domain/errors.ts';
import { dns1123LabelProblem } from '../domain/names.ts';
import type { Cluster, Prisma, PrismaClient } from '../generated/prisma/client.ts';
import { checkKubeconfig, KubeconfigError, type CheckedKubeconfig } from '../kube/kubeconfig.ts';
import type { SecretBox } from '../persistence/secret-box.ts';
import { operatorsWithReleasesOn, refreshOperatorVersion } from '../persistence/releases.ts';
import { recordAudit } from './audit.ts';
import type { EventBus } from './events.ts';
import type { Actor } from './context.ts';
import { checkLabels, checkText, LIMITS } from './input.ts';
import { conflictOnDuplicate } from './prisma-errors.ts';

/** The decrypted kubeconfig of a registered cluster, by name: what kube clients are built from (never returned by the API). */
export async function registeredKubeconfig(prisma: PrismaClient, secretBox: SecretBox, name: string): Promise<string> {
  const cluster = await prisma.cluster.findUnique({ where: { name }, select: { kubeconfigEncrypted: true, kubeconfigKeyId: true } });
  if (!cluster) throw new NotFoundError('cluster', name);
  return secretBox.open({ keyId: cluster.kubeconfigKeyId, ciphertext: cluster.kubeconfigEncrypted });
}

export interface RegisterClusterInput {
  name: string;
  description?: string | null;
  environment: Environment;
  kubeconfig: string;
  labels?: unknown;
  /** Register without contacting the cluster (its health stays UNKNOWN). */
  skipConnectivityCheck?: boolean | null;
}

export interface UpdateClusterInput {
  description?: string | null;
  environment?: Environment | null;
  kubeconfig?: string | null;
  labels?: unknown;
  isEnabled?: boolean | null;
  skipConnectivityCheck?: boolean | null;
}

/** What a successful connectivity probe learns about a cluster. */
export interface ClusterProbe {
  kubernetesVersion?: string;
  nodeCount?: number;
  healthStatus: HealthStatus;
  healthMessage?: string;
}

/** Contacts a cluster with a checked kubeconfig; throws a ValidationError saying why it cannot. */
export type ClusterProber = (kubeconfig: CheckedKubeconfig, clusterName: string) => Promise<ClusterProbe>;

export interface ClusterServiceDeps {
  prisma: PrismaClient;
  events: EventBus;
  secretBox: SecretBox;
  /** Connectivity check at registration; absent = not checked. */
  probe?: ClusterProber;
  /** Called when a cluster's kubeconfig changes or it is deleted (drop cached clients). */
  onClusterChanged?: (name: string) => void;
}

function parseKubeconfig(errors: ValidationErrors, field: string, text: string): CheckedKubeconfig | undefined {
  try {
    return checkKubeconfig(text);
  } catch (err) {
    if (err instanceof KubeconfigError) {
      errors.add(field, err.message);
      return undefined;
    }
    throw err;
  }
}

function checkEnvironment(errors: ValidationErrors, field: string, env: unknown): void {
  if (!(ENVIRONMENTS as readonly unknown[]).includes(env)) errors.add(field, `must be one of ${ENVIRONMENTS.join(', ')}`);
}

export class ClusterService {
  constructor(private readonly deps: ClusterServiceDeps) {}

  async get(name: string): Promise<Cluster> {
    const cluster = await this.deps.prisma.cluster.findUnique({ where: { name } });
    if (!cluster) throw new NotFoundError('cluster', name);
    return cluster;
  }

  /** The decrypted kubeconfig of a cluster (for the kube layer only; never returned by the API). */
  kubeconfigOf(cluster: Pick<Cluster, 'kubeconfigEncrypted' | 'kubeconfigKeyId'>): string {
    return this.deps.secretBox.open({ keyId: cluster.kubeconfigKeyId, ciphertext: cluster.kubeconfigEncrypted });
  }

  private async probeOrSkip(kubeconfig: CheckedKubeconfig, name: string, skip: boolean | null | undefined): Promise<ClusterProbe | undefined> {
    if (skip || !this.deps.probe) return undefined;
    return this.deps.probe(kubeconfig, name);
  }

  async register(actor: Actor, input: RegisterClusterInput): Promise<Cluster> {
    const errors = new ValidationErrors();
    errors.check('input.name', dns1123LabelProblem(input.name));
    checkText(errors, 'input.description', input.description, LIMITS.description);
    checkEnvironment(errors, 'input.environment', input.environment);
    const labels = checkLabels(errors, 'input.labels', input.labels);
    const kubeconfig = parseKubeconfig(errors, 'input.kubeconfig', input.kubeconfig);
    errors.throwIfAny();
    if (await this.deps.prisma.cluster.findUnique({ where: { name: input.name }, select: { id: true } })) {
      throw new ConflictError(`cluster "${input.name}" already exists`);
    }
    const probe = await this.probeOrSkip(kubeconfig!, input.name, input.skipConnectivityCheck);
    const sealed = this.deps.secretBox.seal(kubeconfig!.yaml);
    return conflictOnDuplicate(
      () =>
        this.deps.prisma.$transaction(async (tx) => {
          const cluster = await tx.cluster.create({
            data: {
              name: input.name,
              description: input.description ?? null,
              environment: input.environment,
              kubeconfigEncrypted: sealed.ciphertext,
              kubeconfigKeyId: sealed.keyId,
              apiServerUrl: kubeconfig!.apiServerUrl,
              tlsInsecure: kubeconfig!.tlsInsecure,
              labels: labels ?? {},
              ...probeFields(probe),
            },
          });
          await recordAudit(tx, actor, {
            action: 'registerCluster',
            targetType: 'Cluster',
            targetName: cluster.name,
            details: { environment: cluster.environment, apiServerUrl: cluster.apiServerUrl, connectivityChecked: !!probe },
          });
          return cluster;
        }),
      `cluster "${input.name}" already exists`,
    ).then((cluster) => {
      this.deps.events.publish('clusterUpdated', { name: cluster.name });
      return cluster;
    });
  }

  async update(actor: Actor, name: string, input: UpdateClusterInput): Promise<Cluster> {
    const errors = new ValidationErrors();
    checkText(errors, 'input.description', input.description, LIMITS.description);
    if (input.environment != null) checkEnvironment(errors, 'input.environment', input.environment);
    const labels = checkLabels(errors, 'input.labels', input.labels);
    const kubeconfig = input.kubeconfig != null ? parseKubeconfig(errors, 'input.kubeconfig', input.kubeconfig) : undefined;
    errors.throwIfAny();
    const existing = await this.get(name);
    const data: Prisma.ClusterUpdateInput = {};
    if (input.description !== undefined) data.description = input.description;
    if (input.environment != null) data.environment = input.environment;
    if (labels !== undefined) data.labels = labels;
    if (input.isEnabled != null) data.isEnabled = input.isEnabled;
    if (kubeconfig) {
      const probe = await this.probeOrSkip(kubeconfig, name, input.skipConnectivityCheck);
      const sealed = this.deps.secretBox.seal(kubeconfig.yaml);
      Object.assign(data, {
        kubeconfigEncrypted: sealed.ciphertext,
        kubeconfigKeyId: sealed.keyId,
        apiServerUrl: kubeconfig.apiServerUrl,
        tlsInsecure: kubeconfig.tlsInsecure,
        ...(probe ? probeFields(probe) : { healthStatus: 'UNKNOWN', healthMessage: null, lastHealthCheckAt: null }),
      });
    }
    const updated = await this.deps.prisma.$transaction(async (tx) => {
      const cluster = await tx.cluster.update({ where: { id: existing.id }, data });
      const changed = Object.keys(input).filter((k) => (input as Record<string, unknown>)[k] !== undefined && k !== 'kubeconfig');
      await recordAudit(tx, actor, {
        action: 'updateCluster',
        targetType: 'Cluster',
        targetName: name,
        details: { changed: kubeconfig ? [...changed, 'kubeconfig'] : changed },
      });
      return cluster;
    });
    if (kubeconfig) this.deps.onClusterChanged?.(name);
    this.deps.events.publish('clusterUpdated', { name });
    return updated;
  }

  async delete(actor: Actor, name: string): Promise<boolean> {
    const cluster = await this.get(name);
    const active = await this.deps.prisma.deployment.findFirst({
      where: { targetClusters: { has: name }, status: { notIn: [...TERMINAL_DEPLOYMENT_STATUSES] } },
      select: { id: true },
    });
    if (active) throw new ConflictError(`cluster "${name}" is targeted by active deployment ${active.id}; cancel it first`);
    await this.deps.prisma.$transaction(async (tx) => {
      const installed = await operatorsWithReleasesOn(tx, cluster.id);
      await tx.cluster.delete({ where: { id: cluster.id } });
      // Its releases went with it: the operators' installed counts and current versions change.
      for (const operatorId of installed) await refreshOperatorVersion(tx, operatorId);
      await recordAudit(tx, actor, { action: 'deleteCluster', targetType: 'Cluster', targetName: name });
    });
    this.deps.onClusterChanged?.(name);
    this.deps.events.publish('clusterUpdated', { name });
    return true;
  }
}

function probeFields(probe: ClusterProbe | undefined) {
  if (!probe) return {};
  return {
    kubernetesVersion: probe.kubernetesVersion ?? null,
    nodeCount: probe.nodeCount ?? null,
    healthStatus: probe.healthStatus,
    healthMessage: probe.healthMessage ?? null,
    lastHealthCheckAt: new Date(),
  };
}

/** The current release of each operator installed on a cluster (newest DEPLOYED revision). */
