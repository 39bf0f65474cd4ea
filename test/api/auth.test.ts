import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegisterClusterDocument, UpdateClusterDocument, ViewerDocument } from '../generated/graphql.ts';
import { startTestApp, subscribe, untilLive, type TestApp } from '../helpers/app.ts';
import { kubeconfigYaml } from '../helpers/kubeconfigs.ts';
import { eventually } from '../helpers/eventually.ts';

describe('authentication and roles', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('pglite', { JWT__Issuer: 'https://om.example.com', JWT__Audience: 'operator-manager-api' });
  });
  afterAll(() => t?.stop());

  it('returns the verified caller as viewer', async () => {
    const token = await t.token('erin', ['ENVIRONMENT_OWNER'], { environments: ['PRODUCTION'] });
    const r = await t.ok(ViewerDocument, {}, token);
    expect(r.viewer).toEqual({ sub: 'erin', roles: ['ENVIRONMENT_OWNER'], environments: ['PRODUCTION'] });
  });

  const unauthenticated: Array<[string, () => Promise<string | null>, RegExp]> = [
    ['no token', async () => null, /missing Authorization/],
    ['a malformed token', async () => 'not.a.jwt', /malformed|could not be verified/],
    ['an expired token', () => t.token('old', ['ADMIN'], { ttlSeconds: -60 }), /expired/],
    ['a token signed with another key', () => t.token('mallory', ['ADMIN'], { secret: 'another-secret-another-secret-12345' }), /signature/],
    [
      'a token for another audience',
      () =>
        new SignJWT({ roles: ['ADMIN'] })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('x')
          .setIssuer('https://om.example.com')
          .setAudience('someone-else')
          .setExpirationTime('5m')
          .sign(new TextEncoder().encode('test-secret-for-operator-manager-0123456789')),
      /"aud"/,
    ],
    [
      'a token without roles',
      () =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('x')
          .setIssuer('https://om.example.com')
          .setAudience('operator-manager-api')
          .setExpirationTime('5m')
          .sign(new TextEncoder().encode('test-secret-for-operator-manager-0123456789')),
      /roles/,
    ],
  ];

  it.each(unauthenticated)('refuses %s with UNAUTHENTICATED (HTTP 401) and changes nothing', async (_case, makeToken, message) => {
    const token = await makeToken();
    const r = await t.gql(
      RegisterClusterDocument,
      { input: { name: 'sneaky', environment: 'PRODUCTION', kubeconfig: kubeconfigYaml(), skipConnectivityCheck: true } },
      token,
    );
    expect(r.status).toBe(401);
    expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(r.errors?.[0]?.message).toMatch(message);
    expect(await t.app.db.prisma.cluster.count({ where: { name: 'sneaky' } })).toBe(0);
  });

  it('refuses even introspection and __typename without a token', async () => {
    const r = await t.raw({ query: '{ __typename }' }, null);
    expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a wrong role with FORBIDDEN naming the role required', async () => {
    const r = await t.gql(
      RegisterClusterDocument,
      { input: { name: 'x', environment: 'DEVELOPMENT', kubeconfig: kubeconfigYaml(), skipConnectivityCheck: true } },
      await t.token('vic', ['VIEWER']),
    );
    expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(r.errors?.[0]?.message).toBe('Mutation.registerCluster requires role ADMIN');
  });

  it('serves subscriptions over WebSocket with the token in connection_init, and refuses the connection without (4401)', async () => {
    const authed = subscribe<{ clusterUpdated: { name: string; cluster: { description: string | null } | null } }>(
      t.wsClient(),
      'subscription { clusterUpdated { name cluster { description } } }',
    );
    const anonymous = subscribe(t.wsClient(null), 'subscription { clusterUpdated { name } }');
    await anonymous.until(() => anonymous.completed);
    expect(anonymous.events).toEqual([]);
    expect(anonymous.error).toMatchObject({ code: 4401, reason: 'UNAUTHENTICATED: missing Authorization: Bearer token' });
    // Register clusters until the subscription (set up asynchronously) has seen one.
    let n = 0;
    await eventually(
      async () => {
        await t.ok(RegisterClusterDocument, {
          input: { name: `ws-seen-${n++}`, description: 'via ws', environment: 'DEVELOPMENT', kubeconfig: kubeconfigYaml(), skipConnectivityCheck: true },
        });
        return authed.events.length > 0;
      },
      10_000,
      'an event on the authenticated subscription',
    );
    expect(authed.events[0]?.data?.clusterUpdated).toMatchObject({ name: expect.stringMatching(/^ws-seen-/), cluster: { description: 'via ws' } });
    authed.unsubscribe();
  });

  it('serves subscriptions over SSE with the Authorization header', async () => {
    const controller = new AbortController();
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${t.adminToken}` },
      body: JSON.stringify({ query: 'subscription { clusterUpdated(name: "sse-seen") { name } }' }),
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = '';
    const reading = (async () => {
      while (!text.includes('sse-seen')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
    })();
    // The cluster is registered, then changed until an update comes through the live stream.
    let changes = 0;
    await untilLive(
      () =>
        changes++ === 0
          ? t.ok(RegisterClusterDocument, {
              input: { name: 'sse-seen', environment: 'DEVELOPMENT', kubeconfig: kubeconfigYaml(), skipConnectivityCheck: true },
            })
          : t.ok(UpdateClusterDocument, { name: 'sse-seen', input: { description: `change ${changes}` } }),
      () => text.includes('sse-seen'),
      'the SSE subscription to deliver',
    );
    await reading;
    controller.abort();
    expect(text).toContain('"clusterUpdated":{"name":"sse-seen"}');
  });
});

describe('tokens from a JWKS URL', () => {
  it('accepts RS256 tokens whose key the JWKS publishes and refuses others', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    const t = await startTestApp('pglite', { JWT_SECRET: '', JWT_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json` });
    try {
      const sign = (key: CryptoKey | Uint8Array, kid: string) =>
        new SignJWT({ roles: ['VIEWER'] }).setProtectedHeader({ alg: 'RS256', kid }).setSubject('sso-user').setExpirationTime('5m').sign(key);
      const good = await t.gql(ViewerDocument, {}, await sign(privateKey, 'k1'));
      expect(good.data?.viewer.sub).toBe('sso-user');
      const other = await generateKeyPair('RS256');
      const bad = await t.gql(ViewerDocument, {}, await sign(other.privateKey, 'k1'));
      expect(bad.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    } finally {
      await t.stop();
      jwks.close();
    }
  });
});
