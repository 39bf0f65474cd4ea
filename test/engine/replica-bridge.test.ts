// The replica bridge never goes quiet unnoticed: a notification on its channel that is not
// one of ours is logged (quoted, capped) and counted, and the next valid one still gets
// through; a bridge loop that fails is logged as an error and started again.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.ts';
import { superviseLoop } from '../../src/services/replica-bridge.ts';
import { startTestApp, subscribe, untilLive, type TestApp } from '../helpers/app.ts';
import { eventually } from '../helpers/eventually.ts';

/** A pino logger whose lines are kept: raw (to check their size) and parsed. */
function capturingLogger(level = 'warn') {
  const raw: string[] = [];
  const logger = createLogger(level, { write: (line: string) => void raw.push(line) });
  return { logger, raw, lines: () => raw.map((l) => JSON.parse(l) as Record<string, any>) };
}

describe.skipIf(!process.env.TEST_DATABASE_URL)('replica bridge on PostgreSQL (skipped without TEST_DATABASE_URL)', () => {
  const log = capturingLogger();
  let t: TestApp;
  let notifier: pg.Client;

  beforeAll(async () => {
    t = await startTestApp('postgres', { ENGINE_ENABLED: 'false' }, { logger: log.logger });
    notifier = new pg.Client({ connectionString: t.db.url });
    await notifier.connect();
  });
  afterAll(async () => {
    await notifier?.end();
    await t?.stop();
  });

  const notify = (payload: string) => notifier.query(`SELECT pg_notify('operator_manager_events', $1)`, [payload]);
  const ignored = () => log.lines().filter((l) => l.msg === 'replica notification ignored');

  it('logs and counts malformed or unknown notifications, and still passes on the next valid one', async () => {
    const updates = subscribe<{ clusterUpdated: { name: string } }>(t.wsClient(), 'subscription { clusterUpdated { name } }');
    // Live once a valid notification from another replica comes through.
    await untilLive(
      () => notify(JSON.stringify({ origin: 'another-replica', type: 'cluster', name: 'probe' })),
      () => updates.events.some((e) => e.data?.clusterUpdated.name === 'probe'),
      'the subscription to be live',
    );

    const huge = `{"origin":"elsewhere","type":"deployment","junk":"${'x'.repeat(7000)}"}`;
    await notify('this is not JSON');
    await notify('{"origin":"elsewhere","type":"reindex","table":"deployments"}');
    await notify(huge);
    await notify('{"type":"wake"}');
    await eventually(async () => ignored().length >= 4, 10_000, 'four warnings');

    const warnings = ignored();
    expect(warnings.map((w) => [w.level, w.problem])).toEqual([
      ['warn', 'not JSON'],
      ['warn', 'unknown type "reindex"'],
      ['warn', 'deployment message without id, operatorName, status, from and to'],
      ['warn', 'no origin'],
    ]);
    expect(warnings[0]!.payload).toBe('this is not JSON');
    // A big payload is quoted only in part.
    expect(warnings[2]!.payload).toBe(`${huge.slice(0, 200)}… (${huge.length} characters)`);
    expect(log.raw.every((line) => line.length < 1000)).toBe(true);
    const metrics = await (await fetch(t.url.replace('/graphql', '/metrics'))).text();
    expect(metrics).toMatch(/^operator_manager_replica_notifications_ignored_total 4$/m);

    await notify(JSON.stringify({ origin: 'another-replica', type: 'cluster', name: 'dev-9' }));
    await updates.until(() => updates.events.some((e) => e.data?.clusterUpdated.name === 'dev-9'));
    updates.unsubscribe();
    expect(ignored()).toHaveLength(4);
  });

  it('carries queued cluster steps both ways: step workers of other replicas hear of them at once', async () => {
    const events = t.app.services.events;
    const stop = new AbortController();
    const heard: Array<{ deploymentId: string; remote?: boolean }> = [];
    void (async () => {
      for await (const q of events.subscribe('stepsQueued', stop.signal)) heard.push(q);
    })();
    await notify(JSON.stringify({ origin: 'another-replica', type: 'steps', id: 'queued-elsewhere' }));
    await eventually(async () => heard.length > 0, 10_000, 'the remote steps to be republished');
    expect(heard).toEqual([{ deploymentId: 'queued-elsewhere', remote: true }]);

    const listener = new pg.Client({ connectionString: t.db.url });
    await listener.connect();
    try {
      const sent: string[] = [];
      listener.on('notification', (n) => sent.push(n.payload ?? ''));
      await listener.query('LISTEN operator_manager_events');
      events.publish('stepsQueued', { deploymentId: 'queued-here' });
      await eventually(async () => sent.length > 0, 10_000, 'the local steps to be announced');
      expect(sent.map((p) => JSON.parse(p))).toEqual([{ origin: expect.any(String), type: 'steps', id: 'queued-here' }]);
    } finally {
      stop.abort();
      await listener.end();
    }
    // A steps message without its deployment is refused like any malformed one.
    await notify('{"origin":"elsewhere","type":"steps"}');
    await eventually(async () => ignored().some((w) => w.problem === 'steps message without id'), 10_000, 'the warning');
  });
});

describe('replica bridge loops', () => {
  it('restart a loop that fails or ends, with a growing backoff, logging each failure as an error; stop quietly on abort', async () => {
    const log = capturingLogger('info');
    const stop = new AbortController();
    const runs: number[] = [];
    let restarts = 0;
    const supervised = superviseLoop(
      'engineWake',
      async () => {
        runs.push(Date.now());
        if (runs.length === 1) throw new Error('listener broke');
        if (runs.length === 2) return; // ended by itself
        await new Promise((resolve) => stop.signal.addEventListener('abort', resolve, { once: true }));
      },
      { signal: stop.signal, log: log.logger, onRestart: () => restarts++, minDelayMs: 50, maxDelayMs: 1000 },
    );
    await eventually(async () => runs.length === 3, 5000, 'the third run');
    expect(restarts).toBe(2);
    const errors = log.lines().filter((l) => l.level === 'error');
    expect(errors.map((e) => [e.msg, e.loop, e.retryInMs])).toEqual([
      ['replica bridge loop failed; restarting it', 'engineWake', 50],
      ['replica bridge loop failed; restarting it', 'engineWake', 100],
    ]);
    expect(errors[0]!.err.message).toBe('listener broke');
    expect(errors[1]!.err.message).toMatch(/ended/);
    expect(runs[1]! - runs[0]!).toBeGreaterThanOrEqual(45);
    expect(runs[2]! - runs[1]!).toBeGreaterThanOrEqual(95);
    stop.abort();
    await supervised;
    expect(log.lines().filter((l) => l.level === 'error')).toHaveLength(2);
  });
});
