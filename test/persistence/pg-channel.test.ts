// The LISTEN/NOTIFY channel against a real PostgreSQL (in a database of its own, so that
// terminating its connections touches nobody else): it listens again after losing its
// connection, however it is lost, with exactly one listener, and sends in order.
import net from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.ts';
import { openPgChannel } from '../../src/persistence/pg-channel.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.ts';
import { capturingLogger } from '../helpers/logs.ts';
import { eventually } from '../helpers/eventually.ts';

const CHANNEL = 'channel_test';

/** A TCP proxy to the database: the channel's connections go through it, counted, and can be cut. */
async function startProxy(databaseUrl: string) {
  const target = new URL(databaseUrl);
  const sockets = new Set<net.Socket>();
  let opened = 0;
  const server = net.createServer((client) => {
    opened += 1;
    const upstream = net.connect(Number(target.port), target.hostname);
    sockets.add(client);
    client.on('close', () => {
      sockets.delete(client);
      upstream.destroy();
    });
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const via = new URL(databaseUrl);
  via.port = String((server.address() as net.AddressInfo).port);
  return {
    url: via.toString(),
    /** Connections open now. */
    sockets,
    /** Connections made since the start. */
    opened: () => opened,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

describe.skipIf(!process.env.TEST_DATABASE_URL)('PostgreSQL notification channel (skipped without TEST_DATABASE_URL)', () => {
  let db: TestDatabase;
  let admin: pg.Client;
  const log = createLogger('silent');

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await db?.drop();
  });

  /** Backends of this database listening on the channel (other than ours). */
  const listenerPids = async (): Promise<number[]> =>
    (await admin.query(`SELECT pid FROM pg_stat_activity WHERE query = 'LISTEN ${CHANNEL}' AND pid <> pg_backend_pid()`)).rows.map((r) => r.pid);
  const listeners = async () => (await listenerPids()).length;
  /** Resolves once exactly one backend listens, and it is not one of `old`. */
  const newListener = (old: number[], what: string) =>
    eventually(
      async () => {
        const pids = await listenerPids();
        return pids.length === 1 && !old.includes(pids[0]!);
      },
      20_000,
      what,
    );
  /** Terminates every other connection to this database, in whatever state it is. */
  const terminateAll = () =>
    admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
    );

  it('listens again after its connection is terminated, even over and over while reconnecting: one listener, each notification once, none left after close', async () => {
    const got: string[] = [];
    const proxy = await startProxy(db.url!);
    // Every lost connection is logged with the delay of the reconnect it schedules.
    const warnings = capturingLogger('warn');
    const losses = () => warnings.lines.filter((l) => l.msg === 'notification connection lost; reconnecting');
    const channel = await openPgChannel(proxy.url, CHANNEL, (p) => got.push(p), warnings.logger);
    try {
      const first = await listenerPids();
      expect(first).toHaveLength(1);
      await terminateAll();
      await newListener(first, 'a listener again');
      await admin.query(`SELECT pg_notify($1, 'after one')`, [CHANNEL]);
      await eventually(async () => got.includes('after one'), 5000, 'the notification');

      // Connections lost at every stage: while connecting, before LISTEN, while listening.
      const before = await listenerPids();
      const until = Date.now() + 1500;
      while (Date.now() < until) await terminateAll();
      await newListener(before, 'a listener after the storm');
      // Every reconnect the channel scheduled has come due (a connection it opens reaches the
      // proxy within milliseconds), and every connection it opened is accounted for: lost, and
      // logged, or the one open now. A second reconnect chain would have a second one open.
      await eventually(
        () => {
          const due = Math.max(...losses().map((l) => Date.parse(l.time as string) + (l.retryInMs as number)));
          return Date.now() > due + 50 && proxy.opened() === losses().length + 1 && proxy.sockets.size === 1;
        },
        20_000,
        'every scheduled reconnect made, and one connection open',
      );
      expect(await listeners()).toBe(1);
      await admin.query(`SELECT pg_notify($1, 'after many')`, [CHANNEL]);
      await admin.query(`SELECT pg_notify($1, 'after many, later')`, [CHANNEL]);
      // One connection receives notifications in order: once the later one is in, a copy of the first would be too.
      await eventually(async () => got.includes('after many, later'), 5000, 'the notifications');
      expect(got.filter((p) => p === 'after many')).toHaveLength(1);
    } finally {
      await channel.close();
      await proxy.close();
    }
    await eventually(async () => (await listeners()) === 0, 5000, 'no listener after close');
  });

  it('sends notifications given at once one after the other, in order, without queueing queries in pg', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    const receiver = new pg.Client({ connectionString: db.url });
    await receiver.connect();
    const received: string[] = [];
    receiver.on('notification', (m) => received.push(m.payload!));
    await receiver.query(`LISTEN ${CHANNEL}`);
    const channel = await openPgChannel(db.url!, CHANNEL, () => {}, log);
    try {
      const payloads = Array.from({ length: 40 }, (_v, i) => `n${i}`);
      await Promise.all(payloads.map((p) => channel.send(p)));
      await eventually(async () => received.length >= payloads.length, 5000, 'every notification');
      expect(received).toEqual(payloads);
      await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
      expect(warnings.filter((w) => /already executing a query/.test(w))).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      await channel.close();
      await receiver.end();
    }
  });

  it('listens again when the network drops the connection (closed or reset, not by the server)', async () => {
    const proxy = await startProxy(db.url!);
    const { sockets } = proxy;
    const got: string[] = [];
    const channel = await openPgChannel(proxy.url, CHANNEL, (p) => got.push(p), log);
    try {
      for (const [how, cut] of [
        ['closed', (s: net.Socket) => s.end()],
        ['reset', (s: net.Socket) => s.resetAndDestroy()],
      ] as const) {
        expect(sockets.size).toBe(1);
        const old = await listenerPids();
        for (const s of sockets) cut(s);
        await newListener(old, `a listener again after the connection was ${how}`);
        await admin.query(`SELECT pg_notify($1, $2)`, [CHANNEL, how]);
        await eventually(async () => got.includes(how), 5000, `the notification after ${how}`);
      }
    } finally {
      await channel.close();
      await proxy.close();
    }
  });
});
