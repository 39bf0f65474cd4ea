import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createTokenVerifier, mintToken } from '../../src/auth/tokens.ts';

const secret = 'unit-secret-unit-secret-0123456789';

describe('token verification', () => {
  it('answers a token it verified before from its cache, and still refuses it once it has expired', async () => {
    const verify = createTokenVerifier({ secret });
    const exp = Math.floor(Date.now() / 1000) + 2;
    const token = await new SignJWT({ roles: ['VIEWER'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('short')
      .setExpirationTime(exp)
      .sign(new TextEncoder().encode(secret));
    const first = await verify(token);
    expect(first).toMatchObject({ sub: 'short', roles: ['VIEWER'], expiresAt: new Date(exp * 1000) });
    expect(await verify(token)).toBe(first);
    const until = exp * 1000 + 50 - Date.now();
    await new Promise((r) => setTimeout(r, Math.max(0, until))); // the token's own expiry is the condition under test
    await expect(verify(token)).rejects.toThrow('token expired');
  });

  it('never caches a refusal: a token signed with another key stays refused', async () => {
    const verify = createTokenVerifier({ secret });
    const forged = await mintToken('another-secret-another-secret-123', { sub: 'mallory', roles: ['ADMIN'], ttlSeconds: 60 });
    await expect(verify(forged)).rejects.toThrow('token signature is not valid');
    await expect(verify(forged)).rejects.toThrow('token signature is not valid');
    expect((await verify(await mintToken(secret, { sub: 'alice', roles: ['ADMIN'], ttlSeconds: 60 }))).sub).toBe('alice');
  });
});
