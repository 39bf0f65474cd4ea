// Who is calling: the verified claims of a token.
import { ENVIRONMENTS, ROLES, type Environment, type Role } from '../domain/model.ts';

export interface Principal {
  /** User id (`sub`), recorded in audit, initiatedBy and approvedBy. */
  sub: string;
  roles: Role[];
  /** Environments an ENVIRONMENT_OWNER may approve for. */
  environments: Environment[];
  /** When the token stops being valid (its `exp`), if it says. */
  expiresAt?: Date;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function isEnvironment(value: unknown): value is Environment {
  return typeof value === 'string' && (ENVIRONMENTS as readonly string[]).includes(value);
}
