// Enumerations of the domain (as in schema.graphql), shared by services, engine and API.

export const ENVIRONMENTS = ['DEVELOPMENT', 'STAGING', 'PRODUCTION'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const ROLES = ['ADMIN', 'OPERATOR', 'VIEWER', 'ENVIRONMENT_OWNER'] as const;
export type Role = (typeof ROLES)[number];

export const DEPLOYMENT_STRATEGIES = ['DIRECT', 'ROLLING', 'CANARY', 'BLUE_GREEN'] as const;
export type DeploymentStrategy = (typeof DEPLOYMENT_STRATEGIES)[number];

export const DEPLOYMENT_STATUSES = [
  'PENDING_APPROVAL',
  'PLANNING',
  'DEPLOYING',
  'VALIDATING',
  'COMPLETED',
  'FAILED',
  'ROLLING_BACK',
  'ROLLED_BACK',
  'CANCELLED',
] as const;
export type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];
export const TERMINAL_DEPLOYMENT_STATUSES: ReadonlySet<DeploymentStatus> = new Set(['COMPLETED', 'FAILED', 'ROLLED_BACK', 'CANCELLED']);
/** A deployment in one of these statuses has ended: nothing drives it any more. */
export const isTerminal = (status: string) => TERMINAL_DEPLOYMENT_STATUSES.has(status as DeploymentStatus);

export const CLUSTER_DEPLOYMENT_STATUSES = ['PENDING', 'DEPLOYING', 'VALIDATING', 'COMPLETED', 'FAILED', 'ROLLING_BACK', 'ROLLED_BACK', 'SKIPPED'] as const;

export const APPROVAL_STATUSES = ['NOT_REQUIRED', 'PENDING', 'APPROVED', 'REJECTED'] as const;

export const APPROVAL_KINDS = ['DEPLOYMENT', 'CRD_CHANGE'] as const;

/** Rollout order of environments: DEVELOPMENT → STAGING → PRODUCTION. */
export function environmentRank(env: string): number {
  const i = ENVIRONMENTS.indexOf(env as Environment);
  return i < 0 ? ENVIRONMENTS.length : i;
}
