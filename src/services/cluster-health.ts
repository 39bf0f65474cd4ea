// Cluster health: checked on demand and by a monitor every HEALTH_CHECK_INTERVAL. Clusters
// are checked concurrently with a bound, each with its own deadline, so one slow or broken
// cluster never delays or breaks the others.
import type { HealthStatus } from '../domain/health.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Logger } from '../observability/logger.ts';
import { NotFoundError } from '../domain/errors.ts';
import type { EventBus } from './events.ts';

export interface ClusterHealthResult {
  kubernetesVersion?: string;
  nodeCount?: number;
  healthStatus: HealthStatus;
  healthMessage?: string;
}

/** Reads the health of a registered cluster; never throws (UNHEALTHY/UNKNOWN with the reason). */
export type ClusterHealthReader = (clusterName: string, signal: AbortSignal) => Promise<ClusterHealthResult>;

export interface ClusterHealthOptions {
  prisma: PrismaClient;
  events: EventBus;
  log: Logger;
  read: ClusterHealthReader;
  /** Checks at once [10]. */
  concurrency?: number;
  /** Deadline of one cluster's check, ms [10 s]. */
  timeoutMs?: number;
}

export class ClusterHealthService {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly o: ClusterHealthOptions) {}

  /** Checks one cluster now and records the result. */
  async check(name: string): Promise<ClusterHealthResult> {
    const cluster = await this.o.prisma.cluster.findUnique({ where: { name }, select: { id: true } });
    if (!cluster) throw new NotFoundError('cluster', name);
    const result = await this.readWithDeadline(name);
    await this.record(cluster.id, name, result);
    return result;
  }

  /** Checks every enabled cluster once. */
  async checkAll(): Promise<void> {
    const clusters = await this.o.prisma.cluster.findMany({ where: { isEnabled: true }, select: { id: true, name: true } });
    const queue = [...clusters];
    const worker = async () => {
      for (let c = queue.shift(); c; c = queue.shift()) {
        try {
          await this.record(c.id, c.name, await this.readWithDeadline(c.name));
        } catch (err) {
          this.o.log.warn({ err, cluster: c.name }, 'recording cluster health failed');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.o.concurrency ?? 10, queue.length) }, worker));
    // The history is for recent trends, not an archive: keep a week.
    await this.o.prisma.healthCheck.deleteMany({ where: { checkedAt: { lt: new Date(Date.now() - 7 * 24 * 3600_000) } } });
  }

  /** Starts the periodic monitor (first pass right away). */
  start(intervalMs: number): void {
    if (this.timer) return;
    const pass = () => {
      if (this.running) return; // the previous pass is still going: skip, never pile up
      this.running = this.checkAll()
        .catch((err) => this.o.log.warn({ err }, 'cluster health pass failed'))
        .finally(() => (this.running = undefined));
    };
    this.timer = setInterval(pass, intervalMs);
    this.timer.unref();
    pass();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private async readWithDeadline(name: string): Promise<ClusterHealthResult> {
    const timeoutMs = this.o.timeoutMs ?? 10_000;
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<ClusterHealthResult>((resolve) => {
      timer = setTimeout(() => {
        abort.abort();
        resolve({ healthStatus: 'UNHEALTHY', healthMessage: `cluster ${name} gave no complete answer within ${timeoutMs / 1000} s (HEALTH_CHECK_TIMEOUT)` });
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.o.read(name, abort.signal), deadline]);
    } catch (err) {
      return { healthStatus: 'UNKNOWN', healthMessage: `health check failed: ${(err as Error).message}` };
    } finally {
      clearTimeout(timer);
    }
  }

  private async record(clusterId: string, name: string, r: ClusterHealthResult): Promise<void> {
    const now = new Date();
    await this.o.prisma.$transaction([
      this.o.prisma.cluster.update({
        where: { id: clusterId },
        data: {
          healthStatus: r.healthStatus,
          healthMessage: r.healthMessage ?? null,
          lastHealthCheckAt: now,
          ...(r.kubernetesVersion ? { kubernetesVersion: r.kubernetesVersion } : {}),
          ...(r.nodeCount !== undefined ? { nodeCount: r.nodeCount } : {}),
        },
      }),
      this.o.prisma.healthCheck.create({ data: { clusterId, status: r.healthStatus, message: r.healthMessage, checkedAt: now } }),
    ]);
    this.o.events.publish('clusterUpdated', { name });
  }
}
