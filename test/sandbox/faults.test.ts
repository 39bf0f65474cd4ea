import http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox, type SandboxCluster } from '../../src/sandbox/index.ts';
import { checkFaults, clusterSeed, drawFault, formatFaults, NO_FAULTS, parseFaults, seededRandom } from '../../src/sandbox/faults.ts';
import { clientsFor, raw, statusOf } from './helpers.ts';
import { eventually } from '../helpers/eventually.ts';

/** The error code of a request on a fresh connection (no pooled socket), or undefined when it is answered. */
function connectionError(url: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/version`, { agent: false }, (res) => {
      res.resume();
      resolve(undefined);
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? String(err)));
  });
}

/** Number of connections the cluster's server holds open. */
function openConnections(c: SandboxCluster): number {
  return (c as unknown as { sockets: Set<unknown> }).sockets.size;
}

/**
 * One request on a fresh connection that the client abandons after `timeoutMs`: the status
 * code as text, 'timeout', or the connection error's code.
 */
function requestWithin(url: string, timeoutMs: number, o: { method?: string; body?: string; token?: string } = {}): Promise<string> {
  return new Promise((resolve) => {
    const req = http.request(
      url,
      {
        method: o.method ?? 'GET',
        agent: false,
        headers: { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...(o.body ? { 'content-type': 'application/json' } : {}) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(String(res.statusCode)));
      },
    );
    const timer = setTimeout(() => {
      resolve('timeout');
      req.destroy();
    }, timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(err.code ?? err.message);
    });
    req.on('close', () => clearTimeout(timer));
    req.end(o.body);
  });
}

describe('sandbox fault injection', () => {
  let fleet: Sandbox;
  let c: SandboxCluster;
  beforeAll(async () => {
    fleet = await startSandbox({
      clusters: [{ name: 'flaky' }, { name: 'offline', faults: { unreachable: true } }, { name: 'slow', faults: { latencyMs: 150 } }],
      tls: false,
      adminPort: 0,
    });
    c = fleet.cluster('flaky');
  });
  afterAll(() => fleet?.stop());
  afterEach(() => c.setFaults(NO_FAULTS));

  it('parses fault specs as the CLI writes them', () => {
    expect(parseFaults('latency=50ms,errorRate=0.05')).toEqual({ latencyMs: 50, errorRate: 0.05 });
    expect(parseFaults('unreachable,downFor=2s')).toEqual({ unreachable: true, downForMs: 2000 });
    expect(parseFaults('latency=50ms,errorRate=0.1,timeoutRate=0.05,spikeRate=0.05,spike=2s')).toEqual({
      latencyMs: 50,
      errorRate: 0.1,
      timeoutRate: 0.05,
      spikeRate: 0.05,
      spikeMs: 2000,
    });
    expect(parseFaults('hold=1.5s,seed=42,down=false')).toEqual({ holdMs: 1500, seed: 42, unreachable: false });
    expect(() => parseFaults('errorRate=2')).toThrow(/between 0 and 1/);
    expect(() => parseFaults('timeoutRate=-0.1')).toThrow(/timeoutRate must be between 0 and 1/);
    expect(() => parseFaults('spikeRate=')).toThrow(/spikeRate must be between 0 and 1/);
    expect(() => parseFaults('spike=soon')).toThrow(/invalid duration/);
    expect(() => parseFaults('seed=1.5')).toThrow(/seed must be a non-negative integer/);
    expect(() => parseFaults('unreachable=maybe')).toThrow(/true or false/);
    expect(() => parseFaults('jitter=1')).toThrow(
      /unknown fault "jitter" \(known: latency, errorRate, timeoutRate, hold, spikeRate, spike, unreachable, downFor, seed\)/,
    );
  });

  it('reads the textual and the JSON form alike, and writes the textual form back', () => {
    const text = 'latency=50ms,errorRate=0.1,timeoutRate=0.05,hold=5s,spikeRate=0.05,spike=2s,unreachable';
    const json = { latencyMs: 50, errorRate: 0.1, timeoutRate: 0.05, holdMs: 5000, spikeRate: 0.05, spikeMs: 2000, unreachable: true };
    expect(parseFaults(text)).toEqual(json);
    expect(checkFaults(json)).toEqual(json);
    // Every name either form knows, the other knows too (durations as text or milliseconds).
    expect(checkFaults({ latency: '50ms', errors: 0.1, timeouts: '0.05', hold: '5s', spikes: 0.05, spike: '2s', down: true })).toEqual(json);
    expect(parseFaults('latencyMs=50,errors=0.1,timeouts=0.05,holdMs=5000,spikes=0.05,spikeMs=2000,down')).toEqual(json);
    expect(checkFaults({ downForMs: 300, seed: 7 })).toEqual(parseFaults('downFor=300ms,seed=7'));
    expect(formatFaults({ ...NO_FAULTS, ...json })).toBe(text);
    expect(parseFaults(formatFaults({ ...NO_FAULTS, ...json }))).toEqual(json);
    expect(formatFaults(NO_FAULTS)).toBe('none');
    expect(() => checkFaults({ bogus: 1 })).toThrow(/unknown fault "bogus"/);
    expect(() => checkFaults({ timeoutRate: 3 })).toThrow(/between 0 and 1/);
    expect(() => checkFaults({ spikeMs: -5 })).toThrow(/spikeMs must be a duration ≥ 0/);
    expect(() => checkFaults({ unreachable: 'yes' })).toThrow(/true or false/);
  });

  it('draws faults from a seedable source: the same seed, the same draws, at the configured shares', () => {
    const faults = { ...NO_FAULTS, latencyMs: 10, errorRate: 0.1, timeoutRate: 0.05, spikeRate: 0.05, spikeMs: 2000 };
    const draws = (seed: number) =>
      Array.from(
        { length: 20_000 },
        (
          (random) => () =>
            drawFault(faults, random)
        )(seededRandom(seed)),
      );
    const a = draws(42);
    expect(draws(42)).toEqual(a);
    expect(draws(43)).not.toEqual(a);
    const share = (pred: (d: (typeof a)[number]) => boolean) => a.filter(pred).length / a.length;
    expect(share((d) => d.outcome === 'timeout')).toBeCloseTo(0.05, 2);
    expect(share((d) => d.outcome === 'error')).toBeCloseTo(0.1, 2);
    expect(share((d) => d.spike)).toBeCloseTo(0.05, 2);
    expect(a.find((d) => d.spike)!.delayMs).toBe(2010);
    expect(a.find((d) => !d.spike)!.delayMs).toBe(10);
    // Changing the rates does not shift the sequence: the same draws decide.
    const calm = Array.from(
      { length: 50 },
      (
        (random) => () =>
          drawFault(NO_FAULTS, random)
      )(seededRandom(42)),
    );
    expect(calm.every((d) => d.outcome === 'answer' && !d.spike)).toBe(true);
    expect(calm.map((d) => d.variant)).toEqual(a.slice(0, 50).map((d) => d.variant));
    expect(clusterSeed(1, 'dev-1')).toBe(clusterSeed(1, 'dev-1'));
    expect(clusterSeed(1, 'dev-1')).not.toBe(clusterSeed(1, 'dev-2'));
    expect(clusterSeed(1, 'dev-1')).not.toBe(clusterSeed(2, 'dev-1'));
  });

  it('adds latency to every request', async () => {
    const slow = fleet.cluster('slow');
    const t0 = Date.now();
    expect((await raw(slow, 'GET', '/api/v1/namespaces')).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(145);
    await slow.setFaults({ latencyMs: 0 });
    const t1 = Date.now();
    await raw(slow, 'GET', '/api/v1/namespaces');
    expect(Date.now() - t1).toBeLessThan(145);
  });

  it('answers a share of requests with 500/503 Status bodies', async () => {
    await c.setFaults({ errorRate: 1 });
    const failed = await raw(c, 'GET', '/api/v1/namespaces');
    expect([500, 503]).toContain(failed.status);
    expect(failed.body).toMatchObject({ kind: 'Status', status: 'Failure' });
    expect(['InternalError', 'ServiceUnavailable']).toContain(failed.body.reason);
    const err = await statusOf(clientsFor(c).core.listNamespace());
    expect([500, 503]).toContain(err.code);

    await c.setFaults({ errorRate: 0.5 });
    const codes = await Promise.all(Array.from({ length: 60 }, () => raw(c, 'GET', '/api/v1/namespaces').then((r) => r.status)));
    expect(codes.filter((s) => s === 200).length).toBeGreaterThan(5);
    expect(codes.filter((s) => s >= 500).length).toBeGreaterThan(5);
    await c.setFaults({ errorRate: 0 });
  });

  it('leaves a share of requests unanswered: the client times out, the server drops the connection when it gives up', async () => {
    await c.setFaults({ timeoutRate: 1, holdMs: 60_000 });
    const before = c.stats.injected.timeouts;
    const connections = openConnections(c);
    const t0 = Date.now();
    expect(await requestWithin(`${c.url}/version`, 200)).toBe('timeout');
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(c.stats.injected.timeouts).toBe(before + 1);
    // Nothing of it is left on the server once the client has gone.
    await eventually(() => openConnections(c) <= connections, 2000, 'the held connection to close');

    // A client that waits longer than the server's bound gets its connection dropped.
    await c.setFaults({ holdMs: 150 });
    const t1 = Date.now();
    expect(await requestWithin(`${c.url}/version`, 5000)).toMatch(/ECONNRESET|socket hang up/);
    expect(Date.now() - t1).toBeGreaterThanOrEqual(140);
    expect(Date.now() - t1).toBeLessThan(2000);

    await c.setFaults({ timeoutRate: 0.5, holdMs: 60_000, seed: 11 });
    const outcomes = [];
    for (let i = 0; i < 16; i++) outcomes.push(await requestWithin(`${c.url}/version`, 150));
    expect(outcomes.filter((o) => o === 'timeout').length).toBeGreaterThan(2);
    expect(outcomes.filter((o) => o === '200').length).toBeGreaterThan(2);
    await c.setFaults({ timeoutRate: 0, holdMs: NO_FAULTS.holdMs });
  });

  it('acts on some unanswered requests before losing the answer, as a real server that committed a write', async () => {
    await c.setFaults({ timeoutRate: 1, seed: 5 });
    const names = Array.from({ length: 12 }, (_v, i) => `lost-${i}`);
    for (const name of names) {
      const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { k: 'v' } });
      expect(await requestWithin(`${c.url}/api/v1/namespaces/default/configmaps`, 120, { method: 'POST', body, token: c.token })).toBe('timeout');
    }
    await c.setFaults({ timeoutRate: 0 });
    const stored = names.filter((n) => c.objects.get('v1', 'ConfigMap', 'default', n));
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.length).toBeLessThan(names.length);
  });

  it('delays a share of requests by a latency spike, and drops a request whose client left during the delay', async () => {
    await c.setFaults({ spikeRate: 1, spikeMs: 250 });
    const spikes = c.stats.injected.spikes;
    const t0 = Date.now();
    expect((await raw(c, 'GET', '/api/v1/namespaces')).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(245);
    expect(c.stats.injected.spikes).toBe(spikes + 1);

    const configMap = (name: string) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });
    const configMaps = `${c.url}/api/v1/namespaces/default/configmaps`;
    expect(await requestWithin(configMaps, 50, { method: 'POST', body: configMap('too-late'), token: c.token })).toBe('timeout');
    // The same request sent afterwards, and waited for: its delay ends after the first one's.
    expect(await requestWithin(configMaps, 5000, { method: 'POST', body: configMap('in-time'), token: c.token })).toBe('201');
    expect(c.objects.get('v1', 'ConfigMap', 'default', 'in-time')).toBeDefined();
    expect(c.objects.get('v1', 'ConfigMap', 'default', 'too-late')).toBeUndefined();

    await c.setFaults({ spikeRate: 0.5, spikeMs: 150, seed: 3 });
    const times: number[] = [];
    for (let i = 0; i < 12; i++) {
      const t = Date.now();
      await raw(c, 'GET', '/version');
      times.push(Date.now() - t);
    }
    expect(times.filter((t) => t >= 145).length).toBeGreaterThan(1);
    expect(times.filter((t) => t < 145).length).toBeGreaterThan(1);
    await c.setFaults({ spikeRate: 0, spikeMs: 0 });
  });

  it('replays the same faults for the same seed', async () => {
    await c.setFaults({ errorRate: 0.5 });
    const run = async (seed: number) => {
      expect((await raw(c, 'POST', '/sandbox/faults', { seed })).status).toBe(200);
      await new Promise((r) => setImmediate(r));
      const codes: number[] = [];
      for (let i = 0; i < 24; i++) codes.push((await raw(c, 'GET', '/version')).status);
      return codes;
    };
    const first = await run(2024);
    expect(new Set(first).size).toBeGreaterThan(1);
    expect(await run(2024)).toEqual(first);
    expect(await run(2025)).not.toEqual(first);
    await c.setFaults({ errorRate: 0 });

    // A seeded fleet seeds every cluster, each differently.
    const seeded = await startSandbox({
      clusters: [
        { name: 'x', faults: { errorRate: 0.5 } },
        { name: 'y', faults: { errorRate: 0.5 } },
      ],
      tls: false,
      seed: 9,
    });
    try {
      const codes = async (cl: SandboxCluster) => {
        const out: number[] = [];
        for (let i = 0; i < 24; i++) out.push((await raw(cl, 'GET', '/version')).status);
        return out;
      };
      const x = await codes(seeded.cluster('x'));
      await seeded.cluster('x').setFaults({ seed: clusterSeed(9, 'x') });
      expect(await codes(seeded.cluster('x'))).toEqual(x);
      expect(await codes(seeded.cluster('y'))).not.toEqual(x);
    } finally {
      await seeded.stop();
    }
  });

  it('closes the listening socket when unreachable (ECONNREFUSED) and reopens it on the same port', async () => {
    const url = c.url;
    await c.setFaults({ unreachable: true });
    expect(await connectionError(url)).toBe('ECONNREFUSED');
    await c.setFaults({ unreachable: false });
    expect(c.url).toBe(url);
    expect((await raw(c, 'GET', '/api/v1/namespaces')).status).toBe(200);
  });

  it('goes down and comes back by itself with downFor', async () => {
    const down = Date.now();
    await c.downFor(300);
    expect(await connectionError(c.url)).toBe('ECONNREFUSED');
    await eventually(async () => (await connectionError(c.url)) === undefined, 5000, 'the cluster back');
    expect(Date.now() - down).toBeGreaterThanOrEqual(300);
  });

  it('starts a cluster unreachable when asked, on a port of its own', async () => {
    const off = fleet.cluster('offline');
    expect(off.url).toMatch(/:\d{2,5}$/);
    expect(off.url).not.toMatch(/:0$/);
    expect(await connectionError(off.url)).toBe('ECONNREFUSED');
    await off.setFaults({ unreachable: false });
    expect((await raw(off, 'GET', '/version')).status).toBe(200);
  });

  it('changes faults at run time through the cluster admin endpoint and the fleet admin server', async () => {
    const denied = await raw(c, 'POST', '/sandbox/faults', { latencyMs: 10 }, { authorization: 'Bearer nope' });
    expect(denied.status).toBe(401);
    const set = await raw(c, 'POST', '/sandbox/faults', { latencyMs: 120, errorRate: 0 });
    expect(set.body).toMatchObject({ latencyMs: 120 });
    await new Promise((r) => setImmediate(r));
    expect(c.faults.latencyMs).toBe(120);
    const more = await raw(c, 'POST', '/sandbox/faults', { latencyMs: 0, timeoutRate: 0.05, spikeRate: 0.05, spike: '2s', seed: 1 });
    expect(more.body).toEqual({ ...NO_FAULTS, timeoutRate: 0.05, spikeRate: 0.05, spikeMs: 2000 });
    await new Promise((r) => setImmediate(r));
    expect(c.faults).toEqual(more.body);
    expect((await raw(c, 'GET', '/sandbox/faults')).body).toEqual(more.body);
    await c.setFaults({ timeoutRate: 0, spikeRate: 0, spikeMs: 0 });
    expect((await raw(c, 'POST', '/sandbox/faults', { bogus: 1 })).status).toBe(400);

    const admin = (path: string, body?: unknown) =>
      fetch(fleet.adminUrl + path, {
        method: body ? 'POST' : 'GET',
        headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      }).then(async (r) => ({ status: r.status, body: await r.json() }));
    expect((await admin('/clusters/flaky/faults', { latencyMs: 0, unreachable: true })).body).toMatchObject({ latencyMs: 0, unreachable: true });
    expect(await connectionError(c.url)).toBe('ECONNREFUSED');
    expect((await admin('/clusters/flaky/faults', { unreachable: false, timeoutRate: 0.25, spike: '300ms' })).body).toMatchObject({
      unreachable: false,
      timeoutRate: 0.25,
      spikeMs: 300,
    });
    expect((await admin('/clusters/flaky/faults', { timeoutRate: 0, spikeMs: 0 })).body).toEqual(NO_FAULTS);
    expect((await admin('/clusters/flaky/faults', { timeoutRate: 2 })).status).toBe(400);
    expect((await raw(c, 'GET', '/version')).status).toBe(200);
    const stats = await admin('/clusters/flaky/stats');
    expect(stats.body.requests).toBeGreaterThan(0);
    expect(stats.body.injected).toMatchObject({ errors: expect.any(Number), timeouts: expect.any(Number), spikes: expect.any(Number) });
    expect(stats.body.injected.timeouts).toBeGreaterThan(0);
    const list = await admin('/clusters');
    expect(list.body.map((x: any) => x.name)).toEqual(['flaky', 'offline', 'slow']);
    expect((await fetch(`${fleet.adminUrl}/clusters/slow/faults`, { headers: { authorization: `Bearer ${c.token}` } })).status).toBe(401);
  });
});
