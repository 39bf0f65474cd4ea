// The entrance every GraphQL request passes before anything expensive happens: the
// caller is authenticated from the Authorization header (HTTP) or the connection_init
// payload (WebSocket), and counted against the rate limits. A request without a valid
// token is refused here, before its body is read or its document parsed; such refusals
// are themselves limited per client address.
import type { Principal } from '../auth/principal.ts';
import { bearerToken, type TokenVerifier } from '../auth/tokens.ts';
import { DomainError, UnauthenticatedError } from '../domain/errors.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { RateLimiter } from './rate-limit.ts';

export interface Gate {
  /**
   * The verified caller of `authorization` (the header's value), with one operation
   * counted; throws UnauthenticatedError or RateLimitedError. `address` is the client's.
   */
  admit(authorization: unknown, address: string): Promise<Principal>;
  /** Counts one more operation of an admitted caller (each subscribe of a WebSocket). */
  count(principal: Principal): Promise<void>;
}

export function createGate(o: { verifyToken: TokenVerifier; limiter: RateLimiter; metrics: Metrics }): Gate {
  const refused = (reason: string) => o.metrics.apiRefusals.inc({ reason });
  const count = async (principal: Principal) => {
    try {
      await o.limiter.consume('operations', principal.sub);
    } catch (err) {
      refused('rate_limited');
      throw err;
    }
  };
  return {
    async admit(authorization, address) {
      let principal: Principal;
      try {
        principal = await o.verifyToken(bearerToken(authorization));
      } catch (err) {
        const refusal = err instanceof DomainError ? err : new UnauthenticatedError('token could not be verified');
        try {
          await o.limiter.consume('unauthenticated', address);
        } catch (limited) {
          refused('rate_limited');
          throw limited;
        }
        refused('unauthenticated');
        throw refusal;
      }
      await count(principal);
      return principal;
    },
    count,
  };
}

/** Authorization over WebSocket: connection_init payload { authorization } (or { headers: { Authorization } }). */
export function wsAuthorization(params: Record<string, unknown> | undefined): unknown {
  if (!params) return undefined;
  const headers = (typeof params.headers === 'object' && params.headers !== null ? params.headers : {}) as Record<string, unknown>;
  return params.authorization ?? params.Authorization ?? headers.authorization ?? headers.Authorization;
}
