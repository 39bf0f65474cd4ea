// Health of an operator where it is installed: read live from each cluster (concurrently,
// each cluster's failure its own), recorded on the release.
import { NotFoundError } from '../domain/errors.ts';
import { worstStatus, type HealthStatus } from '../domain/health.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { KubeClients } from '../kube/client-registry.ts';
import { readOperatorHealth } from '../kube/health/live.ts';
import type { ObjectRef } from '../kube/types.ts';
import { installedReleases, recordReleaseHealth } from '../persistence/releases.ts';

export interface ClusterOperatorHealth {
  clusterName: string;
  version: string;
  revision: number;
  status: HealthStatus;
  message: string;
  /** Objects by status ("HEALTHY": 12, …). */
  counts?: Record<string, number>;
}

export interface OperatorHealthReport {
  operatorName: string;
  status: HealthStatus;
  clusters: ClusterOperatorHealth[];
  checkedAt: Date;
}

export async function operatorHealth(
  prisma: PrismaClient,
  kube: KubeClients,
  operatorName: string,
  { concurrency = 10, timeoutMs = 15_000 } = {},
): Promise<OperatorHealthReport> {
  const operator = await prisma.operator.findUnique({ where: { name: operatorName } });
  if (!operator) throw new NotFoundError('operator', operatorName);
  const releases = await installedReleases(prisma, { operatorId: operator.id });
  const results: ClusterOperatorHealth[] = new Array(releases.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < releases.length; i = next++) {
      const r = releases[i]!;
      const base = { clusterName: r.clusterName, version: r.version, revision: r.revision };
      try {
        const client = await kube.get(r.clusterName);
        const h = await readOperatorHealth(client, r.inventory as unknown as ObjectRef[], { namespace: r.namespace, signal: AbortSignal.timeout(timeoutMs) });
        results[i] = { ...base, status: h.status, message: h.message, counts: h.counts };
      } catch (err) {
        results[i] = { ...base, status: 'UNKNOWN', message: `${r.clusterName}: health not readable: ${(err as Error).message}` };
      }
      await recordReleaseHealth(prisma, r.id, results[i]!.status, results[i]!.message);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, releases.length) }, worker));
  const status: HealthStatus = results.length ? worstStatus(results.map((c) => c.status)) : 'UNKNOWN';
  return { operatorName, status, clusters: results, checkedAt: new Date() };
}
