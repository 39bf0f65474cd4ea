// What the engine needs from the rest of the process, wired in app.ts.
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { KubeClients } from '../kube/client-registry.ts';
import type { Logger } from '../observability/logger.ts';
import type { CrdPlanningGate } from '../services/crd-gate.ts';
import type { DeploymentStore } from '../services/deployment-store.ts';
import type { EventBus } from '../services/events.ts';
import type { Renderer } from './render.ts';

export interface EngineSettings {
  /** This replica's name in leases. */
  replicaId: string;
  leaseTtlMs: number;
  /** How often to look for work without a wake-up. */
  pollIntervalMs: number;
  maxConcurrentDeployments: number;
  /** How long a cluster step waits for the operator to become healthy. */
  healthTimeoutMs: number;
}

export interface EngineDeps {
  prisma: PrismaClient;
  store: DeploymentStore;
  events: EventBus;
  kube: KubeClients;
  /** Renders (and stores) manifests; shared with the services so a render is memoised once per process. */
  renderer: Renderer;
  /** CRD compatibility gate of planning (docs/crd-safety.md); none = no CRD check. */
  crdGate?: CrdPlanningGate;
  log: Logger;
  settings: EngineSettings;
}
