// The GraphQL context: one shape over HTTP, SSE and WebSocket. Every operation that runs
// has a verified caller: src/api/server.ts refuses the others before parsing them.
import type { Principal } from '../auth/principal.ts';
import type { Logger } from '../observability/logger.ts';
import type { Actor } from '../services/context.ts';
import type { Services } from '../services/index.ts';

export interface GraphQLContext {
  requestId: string;
  /** The verified caller. */
  principal: Principal;
  services: Services;
  log: Logger;
}

/** The caller as use cases see it. */
export function actorOf(ctx: GraphQLContext): Actor {
  return { ...ctx.principal, requestId: ctx.requestId };
}
