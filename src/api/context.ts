// The GraphQL context: one shape over HTTP, SSE and WebSocket.
import type { Principal } from '../auth/principal.ts';
import { UnauthenticatedError } from '../domain/errors.ts';
import type { Logger } from '../observability/logger.ts';
import type { Actor } from '../services/context.ts';
import type { Services } from '../services/index.ts';

export interface GraphQLContext {
  requestId: string;
  /** The verified caller; undefined when the token is missing or invalid (then authError says why). */
  principal?: Principal;
  authError?: string;
  services: Services;
  log: Logger;
}

/** The caller as use cases see it; UNAUTHENTICATED when there is none. */
export function actorOf(ctx: GraphQLContext): Actor {
  if (!ctx.principal) throw new UnauthenticatedError(ctx.authError ?? 'missing Authorization: Bearer token');
  return { ...ctx.principal, requestId: ctx.requestId };
}
