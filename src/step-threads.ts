// Step threads (ENGINE_STEP_THREADS): worker threads of this replica that take its cluster
// steps (src/step-thread.ts), so the main thread only routes — the API, subscriptions, the
// drivers that decide each deployment's course. Each thread claims steps like a replica of
// its own; on the embedded database it reaches the database through a port of the database's
// thread and talks to the main thread over a replica bridge on a MessagePort; on PostgreSQL it
// has its own pool and bridge, as any replica. A thread that fails is logged and started again.
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import type { Config } from './config/index.ts';
import type { Logger } from './observability/logger.ts';
import type { Database, ThreadDatabase } from './persistence/database.ts';
import type { DeploymentStore } from './services/deployment-store.ts';
import type { EventBus } from './services/events.ts';
import { messagePortChannel, startReplicaBridge, type ReplicaBridge } from './services/replica-bridge.ts';
import type { StepThreadData, StepThreadMessage } from './step-thread.ts';

/** Connections of a step thread's own pool on PostgreSQL. */
const THREAD_POOL_SIZE = 5;
/** Wait before a failed thread is started again. */
const RESTART_DELAY_MS = 1000;

export interface StepThreads {
  stop(): Promise<void>;
}

interface Options {
  count: number;
  config: Config;
  encryptionKey: string;
  /** This replica's name; thread i is `<replicaId>/steps-<i>`. */
  replicaId: string;
  db: Database;
  store: DeploymentStore;
  events: EventBus;
  log: Logger;
}

export async function startStepThreads(o: Options): Promise<StepThreads> {
  const threads = Array.from({ length: o.count }, (_, i) => new StepThread(o, `${o.replicaId}/steps-${i + 1}`));
  await Promise.all(threads.map((t) => t.start()));
  return { stop: async () => void (await Promise.all(threads.map((t) => t.stop()))) };
}

class StepThread {
  private worker: Worker | undefined;
  private bridge: ReplicaBridge | undefined;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly o: Options,
    private readonly replicaId: string,
  ) {}

  async start(): Promise<void> {
    const { o } = this;
    const transfer: MessagePort[] = [];
    let database: ThreadDatabase;
    let bridgePort: MessagePort | undefined;
    if (o.db.url) database = { url: o.db.url, poolSize: THREAD_POOL_SIZE };
    else {
      const port = await o.db.connectThread!();
      database = { port };
      const channel = new MessageChannel();
      bridgePort = channel.port2;
      // The main thread's end of the bridge: what NOTIFY would carry between replicas.
      this.bridge = await startReplicaBridge({
        channel: messagePortChannel(channel.port1),
        replicaId: o.replicaId,
        prisma: o.db.prisma,
        store: o.store,
        events: o.events,
        log: o.log.child({ component: 'replicas', thread: this.replicaId }),
      });
      transfer.push(port, bridgePort);
    }
    const data: StepThreadData = {
      config: o.config,
      encryptionKey: o.encryptionKey,
      replicaId: this.replicaId,
      database,
      ...(bridgePort ? { bridgePort } : {}),
    };
    const entry = import.meta.url.endsWith('.ts') ? './step-thread-tsx.mjs' : './step-thread.js';
    const worker = new Worker(new URL(entry, import.meta.url), { workerData: data, transferList: transfer });
    this.worker = worker;
    await new Promise<void>((resolve, reject) => {
      const onMessage = (m: StepThreadMessage) => {
        if (m.type !== 'ready') return;
        worker.off('message', onMessage);
        resolve();
      };
      worker.on('message', onMessage);
      worker.once('exit', (code) => reject(new Error(`step thread ${this.replicaId} exited with ${code} before it was ready`)));
      worker.once('error', reject);
    });
    worker.on('error', (err) => o.log.error({ err, thread: this.replicaId }, 'step thread failed'));
    worker.once('exit', (code) => void this.exited(code));
  }

  private async exited(code: number): Promise<void> {
    this.worker = undefined;
    await this.bridge?.close();
    this.bridge = undefined;
    if (this.stopping) return;
    this.o.log.error({ thread: this.replicaId, code }, 'step thread stopped unexpectedly; starting it again');
    this.restartTimer = setTimeout(() => {
      this.start().catch((err) => this.o.log.error({ err, thread: this.replicaId }, 'step thread could not be started again'));
    }, RESTART_DELAY_MS);
    this.restartTimer.unref();
  }

  /** Asks the thread to hand its running steps back and close, and waits until it has. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage({ type: 'stop' });
    await exited;
  }
}
