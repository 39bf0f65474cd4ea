// What the engine needs from the rest of the process, stated as interfaces; the
// composition root (src/app.ts) fills them. The engine imports nothing from services/ or
// api/: a test over the import graph (test/architecture.test.ts) keeps it so.
import type { Deployment, Prisma, PrismaClient } from '../generated/prisma/client.ts';
import type { KubeClients } from '../kube/client-registry.ts';
import type { KubeObject } from '../kube/types.ts';
import type { Logger } from '../observability/logger.ts';
import type { Renderer } from './render.ts';

export type Tx = Prisma.TransactionClient;

/** One step of a deployment as its event stream records it. */
export interface NewEvent {
  clusterName?: string | null;
  status: string;
  message: string;
  progress?: number | null;
}

/** A change of a deployment: its row, its per-cluster rows and the events that describe it, written together. */
export interface Transition {
  /** Fields of the deployment row to change. */
  deployment?: Prisma.DeploymentUpdateInput;
  /** Per-cluster rows to change, by cluster name. */
  clusters?: Record<string, Prisma.ClusterDeploymentUpdateInput>;
  events?: NewEvent[];
  /** Writes to other tables that belong to the same commit (a cluster's release), run first in its transaction. */
  also?: (tx: Tx) => Promise<unknown>;
  /**
   * A write that depends only on what is committed, run after every `also` of the transaction
   * and once per key however many transitions of a group commit ask for it (the operator's
   * current version, counted over its releases).
   */
  afterAlso?: { key: string; write: (tx: Tx) => Promise<void> };
}

/**
 * Commits transitions atomically (events numbered per deployment without gaps) and
 * publishes them afterwards (src/services/deployment-store.ts). `guard` runs first inside
 * the transaction: it may throw to abort, or return a transition decided from what it read.
 * Transitions of cluster rows alone (no guard, no change of the deployment row) may share a
 * transaction with others of the same deployment committed at the same time.
 */
export interface DeploymentTransitions {
  // biome-ignore lint/suspicious/noConfusingVoidType: a guard that decides nothing just returns
  commit(deploymentId: string, transition: Transition, guard?: (tx: Tx) => Promise<Transition | void>): Promise<unknown>;
}

/**
 * Wake-ups (src/services/events.ts; across replicas through the replica bridge): something a
 * driver waits for happened (created, approved, cancel requested…), or a driver queued
 * cluster steps that any replica's step worker may take (src/rollout/step-queue.ts).
 */
interface WakeUps {
  subscribe(topic: 'engineWake', signal?: AbortSignal): AsyncIterable<{ deploymentId?: string }>;
  subscribe(topic: 'stepsQueued', signal?: AbortSignal): AsyncIterable<{ deploymentId: string }>;
  publish(topic: 'stepsQueued', payload: { deploymentId: string }): void;
}

/** The CRD compatibility gate of planning (src/services/crd-gate.ts, docs/crd-safety.md). */
export interface CrdPlanningGate {
  /**
   * Records the target's CRDs and checks them against the deployment's clusters. Returns
   * true when the rollout may start; false when the deployment now waits for approval (or
   * changed status meanwhile).
   */
  beforeRollout(deployment: Deployment, target: { objects: readonly KubeObject[] }, signal: AbortSignal): Promise<boolean>;
  /**
   * Right before a cluster's step: a cluster that could not be read during planning is
   * checked now. Returns why the step must not apply (an unapproved breaking change), or
   * undefined when it may.
   */
  beforeCluster(deployment: Deployment, clusterName: string, target: { objects: readonly KubeObject[] }, signal: AbortSignal): Promise<string | undefined>;
}

export interface EngineSettings {
  /** This replica's name in leases. */
  replicaId: string;
  leaseTtlMs: number;
  /** How often to look for work without a wake-up. */
  pollIntervalMs: number;
  maxConcurrentDeployments: number;
  /** How long a cluster step waits for the operator to become healthy. */
  healthTimeoutMs: number;
  /** Cluster steps this replica runs at once, for any deployment (src/rollout/step-worker.ts). */
  stepConcurrency: number;
}

export interface EngineDeps {
  /** The engine's own tables (leases, releases, scheduled tasks) and the deployments it reads. */
  prisma: PrismaClient;
  store: DeploymentTransitions;
  events: WakeUps;
  kube: KubeClients;
  /** Renders (and stores) manifests; shared with the services so a render is memoised once per process. */
  renderer: Renderer;
  /** None: no CRD check. */
  crdGate?: CrdPlanningGate;
  log: Logger;
  settings: EngineSettings;
}
