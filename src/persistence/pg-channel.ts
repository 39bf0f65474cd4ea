// A PostgreSQL LISTEN/NOTIFY channel: how replicas sharing one database tell each other
// that something was committed. One dedicated connection listens (reconnecting with
// backoff); notifications are sent through the same connection.
import pg from 'pg';
import type { Logger } from '../observability/logger.ts';

export interface PgChannel {
  send(payload: string): Promise<void>;
  close(): Promise<void>;
}

/** PostgreSQL drops notifications over 8000 bytes; callers keep payloads small. */
export const MAX_NOTIFY_BYTES = 7900;

export async function openPgChannel(url: string, channel: string, onMessage: (payload: string) => void, log: Logger): Promise<PgChannel> {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`bad channel name ${channel}`);
  let client: pg.Client | undefined;
  let closed = false;
  let retryMs = 200;

  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url });
    c.on('notification', (msg) => {
      if (msg.channel === channel && msg.payload) onMessage(msg.payload);
    });
    c.on('error', (err) => {
      log.warn({ err }, 'notification connection failed; reconnecting');
      if (client === c) client = undefined;
      c.end().catch(() => {});
      scheduleReconnect();
    });
    await c.connect();
    await c.query(`LISTEN ${channel}`);
    client = c;
    retryMs = 200;
  };
  const scheduleReconnect = () => {
    if (closed) return;
    const t = setTimeout(() => connect().catch(() => scheduleReconnect()), retryMs);
    t.unref();
    retryMs = Math.min(retryMs * 2, 10_000);
  };
  await connect();

  return {
    async send(payload) {
      if (!client) throw new Error('notification connection is down');
      await client.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    async close() {
      closed = true;
      const c = client;
      client = undefined;
      await c?.end().catch(() => {});
    },
  };
}
