// The use cases, wired once in app.ts and shared by resolvers and the engine.
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { KubeClients } from '../kube/client-registry.ts';
import type { Renderer } from '../rollout/render.ts';
import type { SourceFence } from '../sources/fence.ts';
import type { SecretBox } from '../persistence/secret-box.ts';
import type { EventBus } from './events.ts';
import { ApprovalService } from './approvals.ts';
import { ClusterHealthService, type ClusterHealthReader } from './cluster-health.ts';
import type { Logger } from '../observability/logger.ts';
import { ClusterService, type ClusterProber } from './clusters.ts';
import { CrdService } from './crds.ts';
import { DeploymentStore } from './deployment-store.ts';
import { DeploymentService, type ApprovalNotices, type VersionChecker } from './deployments.ts';
import { OperatorService, type SourceVersionLister } from './operators.ts';
import { operatorHealth, type OperatorHealthReport } from './operator-health.ts';
import { Reads } from './reads.ts';

export interface ServiceDeps {
  prisma: PrismaClient;
  events: EventBus;
  secretBox: SecretBox;
  /** Which operator sources may be registered. */
  fence: SourceFence;
  probeCluster?: ClusterProber;
  listChartVersions?: SourceVersionLister;
  onClusterChanged?: (name: string) => void;
  checkVersion?: VersionChecker;
  approvalNotices?: ApprovalNotices;
  readClusterHealth?: ClusterHealthReader;
  /** Deadline of one cluster's health check, ms. */
  healthCheckTimeoutMs?: number;
  log: Logger;
  /** Cluster clients and a renderer, for the CRD compatibility check. */
  kube: KubeClients;
  renderer: Renderer;
}

export interface Services {
  /** The database client, for Pothos' Prisma plugin (src/api/builder.ts) to load relations. */
  prisma: PrismaClient;
  events: EventBus;
  clusters: ClusterService;
  operators: OperatorService;
  store: DeploymentStore;
  deployments: DeploymentService;
  approvals: ApprovalService;
  clusterHealth: ClusterHealthService;
  crds: CrdService;
  /** What the API reads. */
  reads: Reads;
  /** Reads an operator's health live on every cluster where it is installed, and records it. */
  operatorHealth(operatorName: string): Promise<OperatorHealthReport>;
}

export function createServices(deps: ServiceDeps): Services {
  const store = new DeploymentStore(deps.prisma, deps.events, deps.log);
  return {
    store,
    operatorHealth: (operatorName) => operatorHealth(deps.prisma, deps.kube, operatorName),
    deployments: new DeploymentService({
      prisma: deps.prisma,
      store,
      events: deps.events,
      checkVersion: deps.checkVersion,
      approvalNotices: deps.approvalNotices,
    }),
    approvals: new ApprovalService({ prisma: deps.prisma, store, events: deps.events }),
    clusterHealth: new ClusterHealthService({
      prisma: deps.prisma,
      events: deps.events,
      log: deps.log,
      read: deps.readClusterHealth ?? (async () => ({ healthStatus: 'UNKNOWN', healthMessage: 'health checks are not configured' })),
      timeoutMs: deps.healthCheckTimeoutMs,
    }),
    prisma: deps.prisma,
    events: deps.events,
    clusters: new ClusterService({
      prisma: deps.prisma,
      events: deps.events,
      secretBox: deps.secretBox,
      probe: deps.probeCluster,
      onClusterChanged: deps.onClusterChanged,
    }),
    operators: new OperatorService({ prisma: deps.prisma, events: deps.events, fence: deps.fence, listChartVersions: deps.listChartVersions }),
    crds: new CrdService({ prisma: deps.prisma, kube: deps.kube, renderer: deps.renderer }),
    reads: new Reads(deps.prisma),
  };
}
