// What a browser is given for GraphiQL, checked over plain HTTP (no Chromium needed): the
// page and its security headers, and every file it references, served from this server with
// the right type, caching and compression.
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../src/api/graphiql/headers.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

const JS = 'text/javascript; charset=utf-8';

describe('GraphiQL page and assets over HTTP', () => {
  let t: TestApp;
  let html: string;
  let page: Response;
  beforeAll(async () => {
    t = await startTestApp('pglite');
    page = await fetch(t.url, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    html = await page.text();
  });
  afterAll(() => t?.stop());

  /** Every URL the page references: src/href attributes and the Monaco workers of its config. */
  function referenced(): string[] {
    const attributes = [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);
    const config = JSON.parse(/<script type="application\/json" id="graphiql-config">(.*?)<\/script>/s.exec(html)![1]!) as { workers: Record<string, string> };
    return [...attributes, ...Object.values(config.workers)];
  }

  it('serves the page to a browser navigation, with a CSP that allows only this origin', async () => {
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-store');
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(page.headers.get(name), name).toBe(value);
    const csp = page.headers.get('content-security-policy')!;
    const directives = new Map(
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...sources]) => [name!, sources]),
    );
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    // No host, scheme-wide or wildcard source beyond data: for images and fonts.
    const foreign = [...directives.values()].flat().filter((s) => !["'self'", "'none'", "'unsafe-inline'", 'data:'].includes(s));
    expect(foreign).toEqual([]);
    expect(directives.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
  });

  it('has no inline script and references nothing outside /graphiql/assets/', () => {
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      // Either a file, or the config data block (never executed).
      if (/\bsrc="/.test(attributes!)) expect(body).toBe('');
      else expect(attributes).toContain('type="application/json"');
    }
    expect(html).not.toMatch(/unpkg|jsdelivr|cdn|https?:\/\//i);
    expect(referenced()).toHaveLength(8);
    for (const url of referenced()) expect(url).toMatch(/^\/graphiql\/assets\/[a-z.-]+\.[0-9a-f]{16}\.(js|css|ico)$/);
    expect(html).toContain('Authorization'); // the default query says how to authenticate
  });

  it('serves every referenced asset with its type, long caching, an ETag and gzip', async () => {
    const types: Record<string, string> = { js: JS, css: 'text/css; charset=utf-8', ico: 'image/x-icon' };
    for (const url of referenced()) {
      const plain = await fetch(new URL(url, t.url), { headers: { 'accept-encoding': 'identity' } });
      expect(plain.status, url).toBe(200);
      expect(plain.headers.get('content-type'), url).toBe(types[url.split('.').pop()!]);
      expect(plain.headers.get('content-encoding'), url).toBeNull();
      expect(plain.headers.get('cache-control'), url).toBe('public, max-age=31536000, immutable');
      expect(plain.headers.get('x-content-type-options'), url).toBe('nosniff');
      expect(plain.headers.get('content-security-policy'), url).toBe(CONTENT_SECURITY_POLICY); // a worker's CSP is its script's
      const body = Buffer.from(await plain.arrayBuffer());
      expect(body.length, url).toBeGreaterThan(0);

      // Node's fetch would decompress by itself: ask through a raw view of the bytes.
      const zipped = await rawGet(new URL(url, t.url), { 'accept-encoding': 'gzip, deflate, br' });
      expect(zipped.headers['content-encoding'], url).toBe('gzip');
      expect(zipped.headers.vary, url).toBe('Accept-Encoding');
      expect(gunzipSync(zipped.body).equals(body), url).toBe(true);

      const etag = plain.headers.get('etag')!;
      expect(etag, url).toMatch(/^"[0-9a-f]{16}"$/);
      expect(zipped.headers.etag, url).not.toBe(etag); // one ETag per representation
      const again = await fetch(new URL(url, t.url), { headers: { 'accept-encoding': 'identity', 'if-none-match': etag } });
      expect(again.status, url).toBe(304);
    }
  });

  it('sends the bundle compressed to a fraction of its size', async () => {
    const js = referenced().find((u) => /\/graphiql\.[0-9a-f]+\.js$/.test(u))!;
    const plain = await rawGet(new URL(js, t.url), {});
    const zipped = await rawGet(new URL(js, t.url), { 'accept-encoding': 'gzip' });
    expect(plain.body.length).toBeGreaterThan(4_000_000);
    expect(zipped.body.length).toBeLessThan(plain.body.length / 3);
    expect(plain.body.toString('utf8', 0, 2000)).toContain('YogaGraphiQL');
  });

  it('serves graphql-ws from its own browser build', async () => {
    const url = referenced().find((u) => u.includes('/graphql-ws.'))!;
    const text = await (await fetch(new URL(url, t.url))).text();
    expect(text).toContain('graphqlWs');
  });

  it('answers the page for a reload that carries GraphiQL ?query=, and leaves API requests to yoga', async () => {
    const reload = await fetch(`${t.url}?query=${encodeURIComponent('{ viewer { sub } }')}`, { headers: { accept: 'text/html' } });
    expect(reload.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await reload.text()).toContain('graphiql-config');
    const api = await fetch(`${t.url}?query=${encodeURIComponent('{ viewer { sub } }')}`, {
      headers: { accept: 'application/json', authorization: `Bearer ${t.adminToken}`, 'x-graphql-yoga-csrf': '1' },
    });
    expect(await api.json()).toEqual({ data: { viewer: { sub: 'admin' } } });
  });

  it('refuses unknown asset paths and methods other than GET and HEAD', async () => {
    const missing = await fetch(new URL('/graphiql/assets/graphiql.0000000000000000.js', t.url));
    expect(missing.status).toBe(404);
    const js = referenced().find((u) => u.endsWith('.js'))!;
    const post = await fetch(new URL(js, t.url), { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const head = await fetch(new URL(js, t.url), { method: 'HEAD', headers: { 'accept-encoding': 'identity' } });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(0);
  });
});

/** GET without fetch's automatic decompression. */
function rawGet(url: URL, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
