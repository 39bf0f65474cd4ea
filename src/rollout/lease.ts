// Deployment leases: exactly one replica drives each deployment. A replica claims work by
// writing its name and an expiry into the deployment row, renews it by heartbeat, and
// loses it when it stops renewing (crash, partition) — then any replica may take it over.
// Claims are serialised by a transaction-scoped advisory lock so the global limit of
// running deployments holds across replicas.
import type { PrismaClient } from '../generated/prisma/client.ts';

/** Statuses the engine works on (PENDING_APPROVAL waits for people, terminal ones are done). */
const DRIVABLE_STATUSES = ['PLANNING', 'DEPLOYING', 'VALIDATING', 'ROLLING_BACK'] as const;

// Arbitrary constant naming the advisory lock that serialises claims.
const CLAIM_LOCK_KEY = 720_119_002;

export interface LeaseOptions {
  /** This replica's name, stored in deployments.lease_owner. */
  owner: string;
  /** How long a lease lasts without renewal. */
  ttlMs: number;
  /** Most deployments driven at once by all replicas together. */
  maxConcurrent: number;
}

export class Leases {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly options: LeaseOptions,
  ) {}

  get owner(): string {
    return this.options.owner;
  }

  /**
   * Claims deployments that need driving and that nobody else holds, oldest first, up to
   * the global limit, and returns their ids. A lease in this replica's name that it is not
   * driving (`alreadyHeld` lists what it drives) is taken back at once rather than waited
   * out: its release failed (the database was down when the driver stopped), or this
   * replica was restarted under the same name.
   */
  async claim(alreadyHeld: ReadonlySet<string>): Promise<string[]> {
    const { owner, ttlMs, maxConcurrent } = this.options;
    const statuses = [...DRIVABLE_STATUSES];
    const held = [...alreadyHeld];
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CLAIM_LOCK_KEY})`;
      const [counted] = await tx.$queryRaw<Array<{ running: number }>>`
        SELECT count(*)::int AS running FROM deployments
        WHERE lease_owner IS NOT NULL AND lease_expires_at > now() AND status = ANY(${statuses}::text[])
          AND NOT (lease_owner = ${owner} AND NOT deployment_id = ANY(${held}::text[]))`;
      const room = maxConcurrent - (counted?.running ?? 0);
      if (room <= 0) return [];
      const rows = await tx.$queryRaw<Array<{ deployment_id: string }>>`
        UPDATE deployments SET lease_owner = ${owner}, lease_expires_at = now() + ${ttlMs} * interval '1 millisecond'
        WHERE deployment_id IN (
          SELECT deployment_id FROM deployments
          WHERE status = ANY(${statuses}::text[])
            AND (lease_owner IS NULL OR lease_expires_at <= now() OR lease_owner = ${owner})
            AND NOT deployment_id = ANY(${held}::text[])
          ORDER BY created_at
          LIMIT ${room}
          FOR UPDATE SKIP LOCKED)
        RETURNING deployment_id`;
      return rows.map((r) => r.deployment_id);
    });
  }

  /** Extends the leases of `ids`; returns the ids whose lease this replica no longer holds. */
  async renew(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const { owner, ttlMs } = this.options;
    const rows = await this.prisma.$queryRaw<Array<{ deployment_id: string }>>`
      UPDATE deployments SET lease_expires_at = now() + ${ttlMs} * interval '1 millisecond'
      WHERE deployment_id = ANY(${[...ids]}::text[]) AND lease_owner = ${owner}
      RETURNING deployment_id`;
    const kept = new Set(rows.map((r) => r.deployment_id));
    return ids.filter((id) => !kept.has(id));
  }

  /** Gives a lease up (the deployment ended, or this replica stops). */
  async release(id: string): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE deployments SET lease_owner = NULL, lease_expires_at = NULL
      WHERE deployment_id = ${id} AND lease_owner = ${this.options.owner}`;
  }

  /** True while this replica holds the lease of `id` (checked before every state change that matters). */
  async holds(id: string): Promise<boolean> {
    const rows = await this.prisma.$queryRaw<Array<{ ok: boolean }>>`
      SELECT (lease_owner = ${this.options.owner} AND lease_expires_at > now()) AS ok FROM deployments WHERE deployment_id = ${id}`;
    return rows[0]?.ok === true;
  }
}
