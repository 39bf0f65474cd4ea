// The use cases, wired once in app.ts and shared by resolvers and the engine.
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { SecretBox } from '../persistence/secret-box.ts';
import type { EventBus } from './events.ts';
import { ClusterService, type ClusterProber } from './clusters.ts';
import { OperatorService, type SourceVersionLister } from './operators.ts';

export interface ServiceDeps {
  prisma: PrismaClient;
  events: EventBus;
  secretBox: SecretBox;
  probeCluster?: ClusterProber;
  listChartVersions?: SourceVersionLister;
  onClusterChanged?: (name: string) => void;
}

export interface Services {
  prisma: PrismaClient;
  events: EventBus;
  clusters: ClusterService;
  operators: OperatorService;
}

export function createServices(deps: ServiceDeps): Services {
  return {
    prisma: deps.prisma,
    events: deps.events,
    clusters: new ClusterService({
      prisma: deps.prisma,
      events: deps.events,
      secretBox: deps.secretBox,
      probe: deps.probeCluster,
      onClusterChanged: deps.onClusterChanged,
    }),
    operators: new OperatorService({ prisma: deps.prisma, events: deps.events, listChartVersions: deps.listChartVersions }),
  };
}
