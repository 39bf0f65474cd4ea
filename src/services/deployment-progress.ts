// The event stream of one deployment for subscribers: persisted events after
// `afterSequence` first, then live ones, with no gap and no duplicate across the switch,
// ending when the deployment has ended. Live events only wake the reader; the table is the
// truth, so an event missed in transit (another replica, a dropped notification) is read
// from the database — the poll interval bounds how late it can be. A database that is
// briefly unreachable (a restart, a failover) does not end the stream: reads are tried
// again until it is back, for up to `outageMs`.
import { NotFoundError } from '../domain/errors.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { isTerminal } from '../domain/model.ts';
import type { DeploymentStore } from './deployment-store.ts';
import type { DeploymentEventPayload, EventBus } from './events.ts';

export interface ProgressOptions {
  /** Read the table at least this often even without a live event (ms) [2000]. */
  pollMs?: number;
  /** Page size of reads [200]. */
  pageSize?: number;
  /** How long reads are tried again while the database does not answer, before the stream fails (ms) [60000]. */
  outageMs?: number;
}

/** Prisma's "record not found" (the deployment was deleted): an answer, not an outage. */
const isNotFound = (err: unknown) => (err as { code?: string } | null)?.code === 'P2025';

export async function* deploymentProgress(
  deps: { prisma: PrismaClient; store: DeploymentStore; events: EventBus },
  deploymentId: string,
  afterSequence = 0,
  { pollMs = 2000, pageSize = 200, outageMs = 60_000 }: ProgressOptions = {},
): AsyncGenerator<DeploymentEventPayload> {
  /** A read, tried again with backoff while the database fails, until it has failed for `outageMs`. */
  const read = async <T>(query: () => Promise<T>): Promise<T> => {
    let failingSince: number | undefined;
    for (let delay = 100; ; delay = Math.min(delay * 2, 2000)) {
      try {
        return await query();
      } catch (err) {
        failingSince ??= Date.now();
        if (isNotFound(err) || Date.now() - failingSince >= outageMs) throw err;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  };
  const exists = await read(() => deps.prisma.deployment.findUnique({ where: { id: deploymentId }, select: { id: true } }));
  if (!exists) throw new NotFoundError('deployment', deploymentId);

  const stop = new AbortController();
  const live: DeploymentEventPayload[] = [];
  let wake: (() => void) | undefined;
  const signal = () => {
    wake?.();
    wake = undefined;
  };
  // Listen before the first read, so nothing committed in between is missed.
  void (async () => {
    for await (const e of deps.events.subscribe('deploymentEvent', stop.signal)) {
      if (e.deploymentId !== deploymentId) continue;
      live.push(e);
      signal();
    }
  })().catch(() => signal());

  let last = Math.max(0, afterSequence);
  // The table is read at the start, after a gap in the live events, and when nothing live
  // came for `pollMs` — never for each live event, so subscribers cost the database nothing
  // while events flow.
  let readTable = true;
  try {
    for (;;) {
      // Take live events that continue the sequence; anything else sends us to the table.
      while (live.length > 0) {
        const e = live.shift()!;
        if (e.sequence <= last) continue;
        if (e.sequence !== last + 1) {
          readTable = true;
          live.length = 0;
          break;
        }
        last = e.sequence;
        yield e;
        if (await read(() => ended(deps.prisma, deploymentId, e))) return;
      }
      if (readTable) {
        const rows = await read(() => deps.store.eventsAfter(deploymentId, last, pageSize));
        for (const e of rows) {
          last = e.sequence;
          yield e;
          if (await read(() => ended(deps.prisma, deploymentId, e))) return;
        }
        if (rows.length === pageSize) continue;
        const d = await read(() => deps.prisma.deployment.findUniqueOrThrow({ where: { id: deploymentId }, select: { status: true, lastSequence: true } }));
        if (isTerminal(d.status) && d.lastSequence <= last) return;
        readTable = false;
      }
      if (live.length === 0) {
        readTable = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(true), pollMs);
          wake = () => {
            clearTimeout(timer);
            resolve(false);
          };
        });
      }
    }
  } finally {
    stop.abort();
  }
}

/** True when `e` is the last event of a deployment that has ended. */
async function ended(prisma: PrismaClient, deploymentId: string, e: DeploymentEventPayload): Promise<boolean> {
  if (e.clusterName !== null || !isTerminal(e.status)) return false;
  const d = await prisma.deployment.findUniqueOrThrow({ where: { id: deploymentId }, select: { status: true, lastSequence: true } });
  return isTerminal(d.status) && d.lastSequence <= e.sequence;
}
