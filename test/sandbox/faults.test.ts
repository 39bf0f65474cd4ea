import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox, type SandboxCluster } from '../../src/sandbox/index.ts';
import { parseFaults } from '../../src/sandbox/faults.ts';
import { clientsFor, raw, statusOf } from './helpers.ts';

/** The error code of a request on a fresh connection (no pooled socket), or undefined when it is answered. */
function connectionError(url: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = http.get(url + '/version', { agent: false }, (res) => {
      res.resume();
      resolve(undefined);
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? String(err)));
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

  it('parses fault specs as the CLI writes them', () => {
    expect(parseFaults('latency=50ms,errorRate=0.05')).toEqual({ latencyMs: 50, errorRate: 0.05 });
    expect(parseFaults('unreachable,downFor=2s')).toEqual({ unreachable: true, downForMs: 2000 });
    expect(() => parseFaults('errorRate=2')).toThrow(/between 0 and 1/);
    expect(() => parseFaults('jitter=1')).toThrow(/unknown fault/);
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

  it('closes the listening socket when unreachable (ECONNREFUSED) and reopens it on the same port', async () => {
    const url = c.url;
    await c.setFaults({ unreachable: true });
    expect(await connectionError(url)).toBe('ECONNREFUSED');
    await c.setFaults({ unreachable: false });
    expect(c.url).toBe(url);
    expect((await raw(c, 'GET', '/api/v1/namespaces')).status).toBe(200);
  });

  it('goes down and comes back by itself with downFor', async () => {
    await c.downFor(300);
    expect(await connectionError(c.url)).toBe('ECONNREFUSED');
    await new Promise((r) => setTimeout(r, 450));
    expect(await connectionError(c.url)).toBeUndefined();
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
    expect((await raw(c, 'POST', '/sandbox/faults', { bogus: 1 })).status).toBe(400);

    const admin = (path: string, body?: unknown) =>
      fetch(fleet.adminUrl + path, {
        method: body ? 'POST' : 'GET',
        headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      }).then(async (r) => ({ status: r.status, body: await r.json() }));
    expect((await admin('/clusters/flaky/faults', { latencyMs: 0, unreachable: true })).body).toMatchObject({ latencyMs: 0, unreachable: true });
    expect(await connectionError(c.url)).toBe('ECONNREFUSED');
    expect((await admin('/clusters/flaky/faults', { unreachable: false })).body.unreachable).toBe(false);
    expect((await raw(c, 'GET', '/version')).status).toBe(200);
    const stats = await admin('/clusters/flaky/stats');
    expect(stats.body.requests).toBeGreaterThan(0);
    const list = await admin('/clusters');
    expect(list.body.map((x: any) => x.name)).toEqual(['flaky', 'offline', 'slow']);
    expect((await fetch(fleet.adminUrl + '/clusters/slow/faults', { headers: { authorization: `Bearer ${c.token}` } })).status).toBe(401);
  });
});
