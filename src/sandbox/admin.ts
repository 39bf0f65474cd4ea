// The fleet admin server: faults and request counters of every cluster, reachable even
// while a cluster's own API server is down (which is why it is a separate port).
//   GET  /clusters                      → [{ name, environment, url, faults, stats }]
//   GET  /clusters/<name>/faults        → current faults
//   POST /clusters/<name>/faults        ← {"latencyMs":50,"errorRate":0.1,"timeoutRate":0.05,"spikeRate":0.05,"spikeMs":2000,"unreachable":true,"downForMs":5000,"seed":7}
//   GET  /clusters/<name>/stats         → request counters
// Every request needs `Authorization: Bearer <token of that cluster>` (for /clusters:
// the token of any cluster of the fleet).
import http from 'node:http';
import type { SandboxCluster } from './cluster.ts';
import { badRequest, pageNotFound, unauthorized } from './errors.ts';
import { checkFaults, type FaultUpdate } from './faults.ts';
import { readBody } from './http/body.ts';
import { send, sendError } from './http/handler.ts';

export interface AdminServer {
  url: string;
  close(): Promise<void>;
}

export async function startAdminServer(clusters: SandboxCluster[], host: string, port: number): Promise<AdminServer> {
  const byName = new Map(clusters.map((c) => [c.name, c]));
  const server = http.createServer((req, res) => {
    void (async () => {
      const token = (req.headers.authorization ?? '').replace(/^Bearer\s+/, '');
      const parts = new URL(req.url ?? '/', 'http://admin').pathname.split('/').filter(Boolean);
      if (parts[0] !== 'clusters') throw pageNotFound();
      if (parts.length === 1) {
        if (!clusters.some((c) => c.token === token)) throw unauthorized();
        return send(
          res,
          200,
          JSON.stringify(clusters.map((c) => ({ name: c.name, environment: c.environment, url: c.url, faults: c.faults, stats: c.stats }))),
        );
      }
      const cluster = byName.get(parts[1]!);
      if (!cluster) throw pageNotFound();
      if (cluster.token !== token) throw unauthorized();
      if (parts[2] === 'stats') return send(res, 200, JSON.stringify(cluster.stats));
      if (parts[2] !== 'faults') throw pageNotFound();
      if (req.method === 'GET') return send(res, 200, JSON.stringify(cluster.faults));
      let update: FaultUpdate;
      try {
        update = checkFaults(JSON.parse((await readBody(req)).toString('utf8') || '{}'));
      } catch (err) {
        throw badRequest((err as Error).message);
      }
      await cluster.update(update);
      send(res, 200, JSON.stringify(cluster.faults));
    })().catch((err) => sendError(res, err));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const actualPort = address && typeof address === 'object' ? address.port : port;
  return {
    url: `http://${host}:${actualPort}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
