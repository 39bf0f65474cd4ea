// A step thread (src/step-threads.ts starts it): a worker thread of the replica that runs
// cluster steps — render, apply, wait healthy, record the release — so that their CPU
// (multi-MB request and answer bodies, health reads) never holds the API's event loop. It is
// composed like a replica with nothing but a step worker (src/rollout/step-worker.ts): its
// own database client (its own pool on PostgreSQL; the process's embedded database through a
// port), kube clients, renderer and deployment store; its commits reach the main thread and
// the other replicas through a replica bridge (NOTIFY on PostgreSQL, a MessagePort on the
// embedded database), which also brings it the steps its replica's drivers queue.
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import type { Config } from './config/index.ts';
import { KubeClients } from './kube/client-registry.ts';
import { checkWebhookUrls } from './notifications/index.ts';
import { createLogger } from './observability/logger.ts';
import { openThreadDatabase, type ThreadDatabase } from './persistence/database.ts';
import { createSecretBox } from './persistence/secret-box.ts';
import { engineSettings } from './rollout/engine.ts';
import { Renderer } from './rollout/render.ts';
import { StepWorker } from './rollout/step-worker.ts';
import { registeredKubeconfig } from './services/clusters.ts';
import { CrdGate } from './services/crd-gate.ts';
import { DeploymentStore } from './services/deployment-store.ts';
import { createEventBus } from './services/events.ts';
import { messagePortChannel, startReplicaBridge } from './services/replica-bridge.ts';
import { SourceFence } from './sources/fence.ts';

export interface StepThreadData {
  config: Config;
  encryptionKey: string;
  /** This thread's name in step claims and on the bridge. */
  replicaId: string;
  database: ThreadDatabase;
  /** Embedded database: the bridge's channel to the main thread (PostgreSQL: NOTIFY). */
  bridgePort?: MessagePort;
}

/** What the thread tells its parent. */
export type StepThreadMessage = { type: 'ready' };

const data = workerData as StepThreadData;
const { config } = data;
const control = parentPort!;
const log = createLogger(config.logLevel).child({ component: 'steps', thread: data.replicaId });

const db = await openThreadDatabase(data.database);
const fence = new SourceFence(config.sources);
const secretBox = createSecretBox(data.encryptionKey, config.encryption.keyId, config.encryption.previousKeys);
const events = createEventBus();
const kube = new KubeClients((name) => registeredKubeconfig(db.prisma, secretBox, name), {
  requestTimeoutMs: config.kube.requestTimeoutMs,
  maxResponseBytes: config.kube.maxResponseBytes,
});
const stop = new AbortController();
// A changed kubeconfig, announced by whichever thread or replica changed it.
void (async () => {
  for await (const c of events.subscribe('clusterUpdated', stop.signal)) kube.invalidate(c.name);
})();
const renderer = new Renderer({ prisma: db.prisma, fence, helmBin: config.sources.helmBin });
const store = new DeploymentStore(db.prisma, events, log);
const crdGate = new CrdGate({
  prisma: db.prisma,
  kube,
  store,
  notifications: checkWebhookUrls(config.notifications, fence),
  // A cluster step's check (beforeCluster) enqueues no notification; planning, on the main thread, does.
  notificationsEnqueued: () => {},
});
const bridge = await startReplicaBridge({
  ...(data.bridgePort ? { channel: messagePortChannel(data.bridgePort) } : { url: db.url! }),
  replicaId: data.replicaId,
  followDeployments: false,
  prisma: db.prisma,
  store,
  events,
  log,
});
// The driver is on the main thread (or another replica): it hears of the step's commits through the bridge.
const worker = new StepWorker({ prisma: db.prisma, store, events, kube, renderer, crdGate, log, settings: engineSettings(config.engine, data.replicaId) });
worker.start();
control.postMessage({ type: 'ready' } satisfies StepThreadMessage);

control.on('message', (m: { type: 'stop' }) => {
  if (m.type !== 'stop') return;
  void (async () => {
    // Running steps are handed back (queued, unclaimed) for the main thread's replica to take again when it starts.
    await worker.stop();
    stop.abort();
    await bridge.close();
    await kube.close();
    await db.close();
    data.bridgePort?.close();
    // Ends this thread only; the parent waits for its exit.
    process.exit(0);
  })().catch((err) => {
    log.error({ err }, 'step thread did not stop cleanly');
    process.exit(1);
  });
});
