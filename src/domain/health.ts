// Health, one status set for the whole product: the kube layer assesses objects with it,
// services store and aggregate it, and the API shows it (src/api/schema/scalars.ts maps
// PROGRESSING to DEGRADED there, the GraphQL enum having four values).

/**
 * Best to worst. UNKNOWN ranks above PROGRESSING (not being able to tell is worse than
 * knowing it is on its way) and below DEGRADED/UNHEALTHY (a known problem says more).
 */
export const HEALTH_ORDER = ['HEALTHY', 'PROGRESSING', 'UNKNOWN', 'DEGRADED', 'UNHEALTHY'] as const;
export type HealthStatus = (typeof HEALTH_ORDER)[number];

export function healthRank(status: HealthStatus): number {
  return HEALTH_ORDER.indexOf(status);
}

/** The worst of some statuses; HEALTHY for none. */
export function worstStatus(statuses: Iterable<HealthStatus>): HealthStatus {
  let worst: HealthStatus = 'HEALTHY';
  for (const s of statuses) if (healthRank(s) > healthRank(worst)) worst = s;
  return worst;
}

/** A stored status (a text column) as a HealthStatus: anything unknown is UNKNOWN; null stays null (never assessed). */
export function parseHealthStatus(status: string): HealthStatus;
export function parseHealthStatus(status: string | null | undefined): HealthStatus | null;
export function parseHealthStatus(status: string | null | undefined): HealthStatus | null {
  if (status === null || status === undefined) return null;
  return (HEALTH_ORDER as readonly string[]).includes(status) ? (status as HealthStatus) : 'UNKNOWN';
}
