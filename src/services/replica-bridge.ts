// Carries what one replica commits to the others (replicas sharing one PostgreSQL):
// deployment events and status changes, engine wake-ups, and cluster steps queued for any
// replica. A notification names what changed; the receiving replica reads the events
// from the table and republishes them on its own bus, so payloads stay small and nothing
// depends on a notification arriving (subscribers also read the table; step workers poll).
// Nothing here fails silently: a payload that is not ours is logged and counted, and a loop
// that fails is logged and restarted.
import type { MessagePort } from 'node:worker_threads';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { openPgChannel, type PgChannel } from '../persistence/pg-channel.ts';
import type { DeploymentStore } from './deployment-store.ts';
import type { DeploymentEventPayload, EventBus, EventMap } from './events.ts';

const CHANNEL = 'operator_manager_events';

type Message =
  | {
      origin: string;
      type: 'deployment';
      id: string;
      operatorName: string;
      status: string;
      from: number;
      to: number;
      /** Over a MessagePort, the events themselves (NOTIFY payloads stay small: the receiver reads them from the table). */
      events?: DeploymentEventPayload[];
    }
  | { origin: string; type: 'wake'; id?: string }
  | { origin: string; type: 'steps'; id: string }
  | { origin: string; type: 'cluster'; name: string };

export interface ReplicaBridge {
  /** Notifications ignored (malformed or of an unknown type), and loops restarted after a failure. */
  readonly stats: { ignored: number; restarts: number };
  close(): Promise<void>;
}

/** Longest part of an ignored payload quoted in the warning (a payload may be up to 8000 bytes). */
const QUOTED_PAYLOAD_CHARS = 200;

const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isSequence = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** The message a payload carries, or why it is not one. */
function parseMessage(raw: string): { message: Message } | { problem: string } {
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(raw);
  } catch {
    return { problem: 'not JSON' };
  }
  if (!m || typeof m !== 'object' || Array.isArray(m)) return { problem: 'not a JSON object' };
  if (!isText(m.origin)) return { problem: 'no origin' };
  switch (m.type) {
    case 'deployment':
      if (isText(m.id) && isText(m.operatorName) && isText(m.status) && isSequence(m.from) && isSequence(m.to)) return { message: m as Message };
      return { problem: 'deployment message without id, operatorName, status, from and to' };
    case 'wake':
      if (m.id === undefined || isText(m.id)) return { message: m as Message };
      return { problem: 'wake message with an id that is not a string' };
    case 'steps':
      if (isText(m.id)) return { message: m as Message };
      return { problem: 'steps message without id' };
    case 'cluster':
      if (isText(m.name)) return { message: m as Message };
      return { problem: 'cluster message without name' };
    default:
      return { problem: `unknown type ${JSON.stringify(m.type)?.slice(0, 40)}` };
  }
}

const quote = (raw: string) => (raw.length > QUOTED_PAYLOAD_CHARS ? `${raw.slice(0, QUOTED_PAYLOAD_CHARS)}… (${raw.length} characters)` : raw);

/**
 * Runs `loop` until `signal` aborts. A loop that fails, or ends while it should still run,
 * is logged as an error and started again after a backoff (doubling up to `maxDelayMs`,
 * back to `minDelayMs` once a run lasted a minute) — never silently ended.
 */
export async function superviseLoop(
  name: string,
  loop: () => Promise<void>,
  o: { signal: AbortSignal; log: Logger; onRestart?: () => void; minDelayMs?: number; maxDelayMs?: number },
): Promise<void> {
  const min = o.minDelayMs ?? 200;
  const max = o.maxDelayMs ?? 30_000;
  let delay = min;
  while (!o.signal.aborted) {
    const started = Date.now();
    try {
      await loop();
      if (o.signal.aborted) return;
      throw new Error('the loop ended while the bridge is open');
    } catch (err) {
      if (o.signal.aborted) return;
      if (Date.now() - started > 60_000) delay = min;
      o.log.error({ err, loop: name, retryInMs: delay }, 'replica bridge loop failed; restarting it');
      o.onRestart?.();
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, delay);
      function done() {
        clearTimeout(timer);
        o.signal.removeEventListener('abort', done);
        resolve();
      }
      o.signal.addEventListener('abort', done, { once: true });
    });
    delay = Math.min(delay * 2, max);
  }
}

/**
 * The bridge's channel between the main thread and a worker thread of the same process that
 * runs cluster steps on the embedded database (src/step-threads.ts): what NOTIFY carries
 * between replicas, over a MessagePort.
 */
export function messagePortChannel(port: MessagePort): (receive: (raw: string) => void) => Promise<PgChannel> {
  return async (receive) => {
    const onMessage = (m: unknown) => {
      if (typeof m === 'string') receive(m);
    };
    port.on('message', onMessage);
    return {
      send: async (payload) => port.postMessage(payload),
      close: async () => void port.off('message', onMessage),
    };
  };
}

export async function startReplicaBridge(o: {
  /** PostgreSQL: LISTEN/NOTIFY on this database; or `channel`. */
  url?: string;
  /**
   * Another channel (messagePortChannel), instead of PostgreSQL's: between threads of one
   * process, so commits carry their events (no payload limit) rather than making the other side read them.
   */
  channel?: (receive: (raw: string) => void) => Promise<PgChannel>;
  /** Republish other replicas' deployment commits here (default true; a step thread has no subscriber and no driver to tell). */
  followDeployments?: boolean;
  replicaId: string;
  prisma: PrismaClient;
  store: DeploymentStore;
  events: EventBus;
  log: Logger;
  metrics?: Pick<Metrics, 'replicaNotificationsIgnored' | 'replicaLoopRestarts'>;
}): Promise<ReplicaBridge> {
  const stop = new AbortController();
  const stats = { ignored: 0, restarts: 0 };
  const receive = async (raw: string) => {
    const parsed = parseMessage(raw);
    if ('problem' in parsed) {
      // Someone else on the channel, or a replica of another version: say so, never silently.
      stats.ignored++;
      o.metrics?.replicaNotificationsIgnored.inc();
      o.log.warn({ channel: CHANNEL, problem: parsed.problem, payload: quote(raw) }, 'replica notification ignored');
      return;
    }
    const m = parsed.message;
    if (m.origin === o.replicaId) return;
    if (m.type === 'wake') o.events.publish('engineWake', { deploymentId: m.id, remote: true });
    else if (m.type === 'steps') o.events.publish('stepsQueued', { deploymentId: m.id, remote: true });
    else if (m.type === 'cluster') o.events.publish('clusterUpdated', { name: m.name, remote: true });
    else if (m.type === 'deployment') {
      if (o.followDeployments === false) return;
      // Events in the message only from a thread of this process; from NOTIFY (anyone with database access may send one), read from the table.
      if (o.channel && Array.isArray(m.events)) for (const e of m.events) o.events.publish('deploymentEvent', { ...e, timestamp: new Date(e.timestamp) });
      else if (m.to >= m.from) {
        const rows = await o.prisma.deploymentEvent.findMany({
          where: { deploymentId: m.id, sequence: { gte: m.from, lte: m.to } },
          orderBy: { sequence: 'asc' },
          select: { deploymentId: true, sequence: true, clusterName: true, status: true, message: true, progress: true, timestamp: true },
        });
        for (const e of rows) o.events.publish('deploymentEvent', e);
      }
      o.events.publish('deploymentUpdated', { id: m.id, operatorName: m.operatorName, status: m.status });
      o.events.publish('engineWake', { deploymentId: m.id, remote: true });
    }
  };
  const onRaw = (raw: string) => void receive(raw).catch((err) => o.log.warn({ err }, 'replica notification not handled'));
  if (!o.channel && !o.url) throw new Error('a replica bridge needs a PostgreSQL URL or a channel');
  const channel: PgChannel = o.channel ? await o.channel(onRaw) : await openPgChannel(o.url!, CHANNEL, onRaw, o.log);
  const send = (m: Message) => channel.send(JSON.stringify(m)).catch((err) => o.log.debug({ err }, 'notification not sent'));

  o.store.onCommit(async ({ deploymentId, operatorName, status, events }) => {
    const seqs = events.map((e) => e.sequence);
    await send({
      origin: o.replicaId,
      type: 'deployment',
      id: deploymentId,
      operatorName,
      status,
      from: seqs.length ? Math.min(...seqs) : 1,
      to: seqs.length ? Math.max(...seqs) : 0,
      ...(o.channel ? { events } : {}),
    });
  });
  // Local wake-ups and cluster changes travel too (a deployment created on one replica, driven by another).
  const supervision = {
    signal: stop.signal,
    log: o.log,
    onRestart: () => {
      stats.restarts++;
      o.metrics?.replicaLoopRestarts.inc();
    },
  };
  /** Sends this replica's own events of `topic` on (not the ones republished from elsewhere). */
  const forward = <K extends 'engineWake' | 'stepsQueued' | 'clusterUpdated'>(topic: K, message: (payload: EventMap[K]) => Message) =>
    superviseLoop(
      topic,
      async () => {
        for await (const payload of o.events.subscribe(topic, stop.signal)) if (!payload.remote) await send(message(payload));
      },
      supervision,
    );
  const loops = [
    forward('engineWake', (w) => ({ origin: o.replicaId, type: 'wake', id: w.deploymentId })),
    forward('stepsQueued', (q) => ({ origin: o.replicaId, type: 'steps', id: q.deploymentId })),
    forward('clusterUpdated', (c) => ({ origin: o.replicaId, type: 'cluster', name: c.name })),
  ];

  return {
    stats,
    async close() {
      stop.abort();
      await Promise.all(loops);
      await channel.close();
    },
  };
}
