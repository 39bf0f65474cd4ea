// Verifying and minting JWTs: HS256 with a shared secret, or any JWKS-published key.
import { createSecretKey } from 'node:crypto';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { UnauthenticatedError } from '../domain/errors.ts';
import type { Environment, Role } from '../domain/model.ts';
import { isEnvironment, isRole, type Principal } from './principal.ts';

export interface TokenSettings {
  secret?: string;
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
}

export type TokenVerifier = (token: string) => Promise<Principal>;

/** Verified tokens kept, so a caller's next request costs a lookup instead of a signature check. */
const CACHE_ENTRIES = 10_000;
/** Longest a verified token is trusted without checking again (its expiry still applies). */
const CACHE_MS = 60_000;

export function createTokenVerifier(settings: TokenSettings): TokenVerifier {
  // A KeyObject made once: HMAC in Node's crypto, instead of importing a WebCrypto key per token.
  const key = settings.jwksUrl
    ? createRemoteJWKSet(new URL(settings.jwksUrl))
    : settings.secret
      ? createSecretKey(Buffer.from(settings.secret, 'utf8'))
      : undefined;
  if (!key) throw new Error('token verification needs a secret or a JWKS URL');
  const options = {
    issuer: settings.issuer,
    audience: settings.audience,
    algorithms: settings.jwksUrl ? undefined : ['HS256'],
  };
  const verified = new Map<string, { principal: Principal; until: number }>();
  return async (token) => {
    const now = Date.now();
    const cached = verified.get(token);
    if (cached && cached.until > now) return cached.principal;
    if (cached) verified.delete(token);
    let payload: JWTPayload;
    try {
      payload = (typeof key === 'function' ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options)).payload;
    } catch (err) {
      throw new UnauthenticatedError(describeJoseError(err));
    }
    const principal = principalFromClaims(payload);
    if (verified.size >= CACHE_ENTRIES) verified.delete(verified.keys().next().value!);
    verified.set(token, { principal, until: Math.min(now + CACHE_MS, principal.expiresAt?.getTime() ?? Infinity) });
    return principal;
  };
}

function describeJoseError(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'token expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) return `token claim "${err.claim}" is not accepted: ${err.reason}`;
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'token signature is not valid';
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'token algorithm is not accepted';
  if (err instanceof joseErrors.JWKSNoMatchingKey) return 'token was signed with an unknown key';
  if (err instanceof joseErrors.JWSInvalid || err instanceof joseErrors.JWTInvalid) return 'token is malformed';
  return 'token could not be verified';
}

function principalFromClaims(payload: JWTPayload): Principal {
  if (typeof payload.sub !== 'string' || !payload.sub.trim()) throw new UnauthenticatedError('token has no "sub" claim');
  const rawRoles = payload.roles;
  if (!Array.isArray(rawRoles)) throw new UnauthenticatedError('token has no "roles" claim (an array of ADMIN, OPERATOR, VIEWER, ENVIRONMENT_OWNER)');
  const roles = rawRoles.filter(isRole);
  const rawEnvs = Array.isArray(payload.environments) ? payload.environments : [];
  return {
    sub: payload.sub,
    roles: [...new Set(roles)],
    environments: [...new Set(rawEnvs.filter(isEnvironment))],
    ...(typeof payload.exp === 'number' ? { expiresAt: new Date(payload.exp * 1000) } : {}),
  };
}

export interface MintOptions {
  sub: string;
  roles: Role[];
  environments?: Environment[];
  ttlSeconds: number;
  issuer?: string;
  audience?: string;
}

export async function mintToken(secret: string, o: MintOptions): Promise<string> {
  let jwt = new SignJWT({ roles: o.roles, ...(o.environments?.length ? { environments: o.environments } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(o.sub)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + o.ttlSeconds);
  if (o.issuer) jwt = jwt.setIssuer(o.issuer);
  if (o.audience) jwt = jwt.setAudience(o.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}

/** "Bearer <token>" → token; anything else → UNAUTHENTICATED with what is wrong. */
export function bearerToken(header: unknown): string {
  if (typeof header !== 'string' || !header.trim()) throw new UnauthenticatedError('missing Authorization: Bearer token');
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header.trim());
  if (!m) throw new UnauthenticatedError('Authorization must be "Bearer <token>"');
  return m[1]!;
}
