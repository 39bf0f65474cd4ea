// A PostgreSQL LISTEN/NOTIFY channel: how replicas sharing one database tell each other
// that something was committed. One dedicated connection listens (reconnecting with
// backoff); notifications are sent through the same connection, one at a time (pg's
// queue of concurrent queries on one client is deprecated and goes away in pg 9).
//
// A connection counts as lost on whichever comes first of its 'error' and 'end' events or
// a failed connect/LISTEN, and only once: every loss starts exactly one reconnect, so a
// connection lost while it was being opened never leaves a second listener behind.
import pg from 'pg';
import type { Logger } from '../observability/logger.ts';

export interface PgChannel {
  send(payload: string): Promise<void>;
  close(): Promise<void>;
}

export async function openPgChannel(url: string, channel: string, onMessage: (payload: string) => void, log: Logger): Promise<PgChannel> {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`bad channel name ${channel}`);
  let client: pg.Client | undefined;
  let closed = false;
  let retryMs = 200;
  let retryTimer: NodeJS.Timeout | undefined;
  /** The last send: the next one starts when it has settled. */
  let sending: Promise<unknown> = Promise.resolve();

  const connect = async (): Promise<void> => {
    // keepAlive: a connection whose peer vanished without a word is noticed by the OS.
    const c = new pg.Client({ connectionString: url, keepAlive: true });
    let lost = false;
    const onLost = (err?: unknown) => {
      if (lost) return;
      lost = true;
      if (client === c) client = undefined;
      c.end().catch(() => {});
      if (closed) return;
      log.warn({ ...(err ? { err } : {}), retryInMs: retryMs }, 'notification connection lost; reconnecting');
      scheduleReconnect();
    };
    c.on('notification', (msg) => {
      if (msg.channel === channel && msg.payload) onMessage(msg.payload);
    });
    c.on('error', onLost);
    c.on('end', () => onLost());
    try {
      await c.connect();
      await c.query(`LISTEN ${channel}`);
    } catch (err) {
      onLost(err);
      throw err;
    }
    if (lost) return;
    if (closed) {
      await c.end().catch(() => {});
      return;
    }
    client = c;
    retryMs = 200;
  };
  const scheduleReconnect = () => {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      connect().catch(() => {}); // a failure has scheduled the next attempt
    }, retryMs);
    retryTimer.unref();
    retryMs = Math.min(retryMs * 2, 10_000);
  };
  try {
    await connect();
  } catch (err) {
    // Opening fails as a whole: nothing keeps trying behind the caller's back.
    closed = true;
    clearTimeout(retryTimer);
    throw err;
  }

  return {
    send(payload) {
      const sent = sending.then(async () => {
        if (!client) throw new Error('notification connection is down');
        await client.query('SELECT pg_notify($1, $2)', [channel, payload]);
      });
      sending = sent.catch(() => {});
      return sent;
    },
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      const c = client;
      client = undefined;
      await c?.end().catch(() => {});
    },
  };
}
