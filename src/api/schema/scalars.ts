// Scalars and enums shared by every domain file.
import { GraphQLError, Kind, type ValueNode } from 'graphql';
import {
  APPROVAL_KINDS,
  APPROVAL_STATUSES,
  CLUSTER_DEPLOYMENT_STATUSES,
  DEPLOYMENT_STATUSES,
  DEPLOYMENT_STRATEGIES,
  ENVIRONMENTS,
  ROLES,
} from '../../domain/model.ts';
import { parseHealthStatus } from '../../domain/health.ts';
import { builder } from '../builder.ts';

builder.scalarType('DateTime', {
  description: 'An instant, as an ISO-8601 string in UTC (2026-11-26T12:00:00.000Z).',
  serialize: (value) => (value instanceof Date ? value.toISOString() : new Date(value).toISOString()),
  parseValue: (value) => {
    const date = typeof value === 'string' ? new Date(value) : undefined;
    if (!date || Number.isNaN(date.getTime())) throw new GraphQLError('DateTime must be an ISO-8601 string', { extensions: { code: 'BAD_USER_INPUT' } });
    return date;
  },
});

function literalToJson(node: ValueNode, variables?: Record<string, unknown> | null): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map((v) => literalToJson(v, variables));
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, literalToJson(f.value, variables)]));
    case Kind.VARIABLE:
      return variables?.[node.name.value];
    default:
      throw new GraphQLError('JSON literal not supported', { extensions: { code: 'BAD_USER_INPUT' } });
  }
}

/** Deepest JSON accepted as input: Helm values and labels are far shallower; deeper input only exhausts stacks. */
const MAX_JSON_DEPTH = 64;

/** The value when it nests at most MAX_JSON_DEPTH levels (checked without recursion); BAD_USER_INPUT otherwise. */
function shallowJson(value: unknown): unknown {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > MAX_JSON_DEPTH) throw new GraphQLError(`JSON value nests deeper than ${MAX_JSON_DEPTH} levels`, { extensions: { code: 'BAD_USER_INPUT' } });
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return value;
}

builder.scalarType('JSON', {
  description: `Any JSON value, nested at most ${MAX_JSON_DEPTH} levels deep.`,
  serialize: (value) => value,
  parseValue: (value) => shallowJson(value),
  parseLiteral: (node, variables) => shallowJson(literalToJson(node, variables)),
});

export const EnvironmentEnum = builder.enumType('Environment', { values: ENVIRONMENTS });
export const RoleEnum = builder.enumType('Role', { values: ROLES });
/** The health statuses the API shows. */
const API_HEALTH_STATUSES = ['HEALTHY', 'DEGRADED', 'UNHEALTHY', 'UNKNOWN'] as const;
export type ApiHealthStatus = (typeof API_HEALTH_STATUSES)[number];
export const HealthStatusEnum = builder.enumType('HealthStatus', { values: API_HEALTH_STATUSES });

/**
 * The API's health for a stored or assessed one (src/domain/health.ts): every health that
 * reaches GraphQL goes through here. PROGRESSING is not healthy yet and shows as DEGRADED
 * (the message beside it says what is in progress); anything unknown is UNKNOWN; null
 * stays null (never assessed).
 */
export function apiHealthStatus(status: string): ApiHealthStatus;
export function apiHealthStatus(status: string | null | undefined): ApiHealthStatus | null;
export function apiHealthStatus(status: string | null | undefined): ApiHealthStatus | null {
  const parsed = parseHealthStatus(status);
  return parsed === 'PROGRESSING' ? 'DEGRADED' : parsed;
}
export const DeploymentStrategyEnum = builder.enumType('DeploymentStrategy', { values: DEPLOYMENT_STRATEGIES });
export const DeploymentStatusEnum = builder.enumType('DeploymentStatus', { values: DEPLOYMENT_STATUSES });
export const ClusterDeploymentStatusEnum = builder.enumType('ClusterDeploymentStatus', { values: CLUSTER_DEPLOYMENT_STATUSES });
export const ApprovalStatusEnum = builder.enumType('ApprovalStatus', { values: APPROVAL_STATUSES });
export const ApprovalKindEnum = builder.enumType('ApprovalKind', { values: APPROVAL_KINDS });
