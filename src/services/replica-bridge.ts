// Carries what one replica commits to the others (DESIGN §2 multi-replica): deployment
// events and status changes, and engine wake-ups. A notification names what changed; the
// receiving replica reads the events from the table and republishes them on its own bus,
// so payloads stay small and nothing depends on a notification arriving (subscribers also
// read the table).
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Logger } from '../observability/logger.ts';
import { openPgChannel, type PgChannel } from '../persistence/pg-channel.ts';
import type { DeploymentStore } from './deployment-store.ts';
import type { EventBus } from './events.ts';

const CHANNEL = 'operator_manager_events';

type Message =
  | { origin: string; type: 'deployment'; id: string; operatorName: string; status: string; from: number; to: number }
  | { origin: string; type: 'wake'; id?: string }
  | { origin: string; type: 'cluster'; name: string };

export interface ReplicaBridge {
  close(): Promise<void>;
}

export async function startReplicaBridge(o: { url: string; replicaId: string; prisma: PrismaClient; store: DeploymentStore; events: EventBus; log: Logger }): Promise<ReplicaBridge> {
  const stop = new AbortController();
  const receive = async (raw: string) => {
    let m: Message;
    try {
      m = JSON.parse(raw) as Message;
    } catch {
      return;
    }
    if (m.origin === o.replicaId) return;
    if (m.type === 'wake') o.events.publish('engineWake', { deploymentId: m.id, remote: true });
    else if (m.type === 'cluster') o.events.publish('clusterUpdated', { name: m.name, remote: true });
    else if (m.type === 'deployment') {
      if (m.to >= m.from) {
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
  const channel: PgChannel = await openPgChannel(o.url, CHANNEL, (raw) => void receive(raw).catch((err) => o.log.warn({ err }, 'replica notification not handled')), o.log);
  const send = (m: Message) => channel.send(JSON.stringify(m)).catch((err) => o.log.debug({ err }, 'notification not sent'));

  o.store.onCommit(async ({ deploymentId, operatorName, status, events }) => {
    const seqs = events.map((e) => e.sequence);
    await send({ origin: o.replicaId, type: 'deployment', id: deploymentId, operatorName, status, from: seqs.length ? Math.min(...seqs) : 1, to: seqs.length ? Math.max(...seqs) : 0 });
  });
  // Local wake-ups and cluster changes travel too (a deployment created on one replica, driven by another).
  void (async () => {
    for await (const w of o.events.subscribe('engineWake', stop.signal)) if (!w.remote) await send({ origin: o.replicaId, type: 'wake', id: w.deploymentId });
  })().catch(() => {});
  void (async () => {
    for await (const c of o.events.subscribe('clusterUpdated', stop.signal)) if (!c.remote) await send({ origin: o.replicaId, type: 'cluster', name: c.name });
  })().catch(() => {});

  return {
    async close() {
      stop.abort();
      await channel.close();
    },
  };
}
