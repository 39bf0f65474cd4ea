// A typed in-process event bus. Services and the engine publish through it after the
// change is committed; GraphQL subscriptions consume it. Across replicas, a PostgreSQL
// LISTEN/NOTIFY bridge republishes remote events into each process's bus.
import { EventEmitter, on } from 'node:events';

/** One persisted step of a deployment, as subscribers receive it. */
export interface DeploymentEventPayload {
  deploymentId: string;
  /** Per-deployment sequence: 1, 2, 3… without gaps. */
  sequence: number;
  clusterName: string | null;
  status: string;
  message: string;
  progress: number | null;
  timestamp: Date;
}

export interface EventMap {
  /** A cluster's registration, settings or health changed. */
  clusterUpdated: { name: string /** Republished from another replica (not sent on again). */; remote?: boolean };
  /** An operator's registration or versions changed. */
  operatorUpdated: { name: string };
  /** A deployment event was committed. */
  deploymentEvent: DeploymentEventPayload;
  /** A deployment's status (or anything a dashboard shows) changed. */
  deploymentUpdated: { id: string; operatorName: string; status: string };
  /** Something the engine waits for happened (created, approved, cancel requested…). */
  engineWake: { deploymentId?: string; remote?: boolean };
  /** A deployment's driver queued cluster steps; every replica's step worker may take them (src/rollout/step-queue.ts). */
  stepsQueued: { deploymentId: string; remote?: boolean };
}

type Topic = keyof EventMap;

export interface EventBus {
  publish<K extends Topic>(topic: K, payload: EventMap[K]): void;
  /** Events of a topic from now on, until the signal aborts or the consumer returns. */
  subscribe<K extends Topic>(topic: K, signal?: AbortSignal): AsyncIterableIterator<EventMap[K]>;
}

export function createEventBus(): EventBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    publish(topic, payload) {
      emitter.emit(topic, payload);
    },
    async *subscribe(topic, signal) {
      try {
        for await (const [payload] of on(emitter, topic, { signal })) yield payload;
      } catch (err) {
        if ((err as Error).name !== 'AbortError') throw err;
      }
    },
  };
}
