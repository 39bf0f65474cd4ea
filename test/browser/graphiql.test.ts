// GraphiQL in Debian's Chromium against the real app: the page and everything it loads come
// from the server's own origin (anything else is aborted and recorded), nothing breaks its
// CSP, and a token pasted into the Headers pane authenticates a query over HTTP and a
// subscription over graphql-ws.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page, type WebSocket } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegisterClusterDocument } from '../generated/graphql.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { kubeconfigYaml } from '../helpers/kubeconfigs.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const suiteName = hasChromium ? 'GraphiQL in a real browser' : `GraphiQL in a real browser (skipped: ${CHROMIUM} not installed; apt-get install chromium)`;

interface Frames {
  ws: WebSocket;
  sent: string[];
  received: string[];
}

describe.skipIf(!hasChromium)(suiteName, () => {
  let t: TestApp;
  let origin: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const outside: string[] = []; // requests to any other origin, aborted
  const problems: string[] = []; // console errors, page errors, failed requests, CSP reports
  const responses: Array<{ url: string; status: number }> = [];
  const sockets: Frames[] = [];

  const resultPane = () => page.locator('section[aria-label="Result Window"]');
  const resultShows = (text: string, timeout?: number) => page.locator('section[aria-label="Result Window"]', { hasText: text }).waitFor({ timeout });

  /** Pastes `headers` as JSON into the visible Headers editor, in place of what it holds. */
  async function pasteHeaders(headers: Record<string, string>) {
    const editor = page.getByRole('region', { name: 'Headers' }).getByRole('code');
    await editor.waitFor();
    await page.evaluate((text) => navigator.clipboard.writeText(text), JSON.stringify(headers));
    await editor.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('ControlOrMeta+V');
  }

  /**
   * graphql-ws has no acknowledgement of a subscribe: registers clusters named prefix-1,
   * prefix-2… until one shows in the result pane, and returns its name.
   */
  async function registerUntilShown(prefix: string): Promise<string> {
    for (let i = 1; i <= 10; i++) {
      const name = `${prefix}-${i}`;
      await t.ok(RegisterClusterDocument, { input: { name, environment: 'DEVELOPMENT', kubeconfig: kubeconfigYaml(), skipConnectivityCheck: true } });
      const shown = await resultShows(`"name": "${name}"`, 3_000).then(
        () => true,
        () => false,
      );
      if (shown) return name;
    }
    const seen = `result pane: ${await resultPane().textContent()}\nWebSocket frames: ${JSON.stringify(sockets.map((f) => [f.ws.url(), f.sent, f.received]))}\nproblems: ${problems.join('; ')}`;
    throw new Error(`no event of ${prefix}-1…10 reached the result pane\n${seen}`);
  }

  beforeAll(async () => {
    t = await startTestApp('pglite');
    origin = new URL(t.url).origin;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
    });
    context = await browser.newContext();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    // The context's route also sees the requests of the page's workers.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (new URL(url).origin === origin) return route.continue();
      outside.push(url);
      return route.abort('blockedbyclient');
    });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
    page.on('response', (r) => responses.push({ url: r.url(), status: r.status() }));
    page.on('worker', (w) => w.on('console', (m) => m.type() === 'error' && problems.push(`worker console (${w.url()}): ${m.text()}`)));
    page.on('websocket', (ws) => {
      const frames: Frames = { ws, sent: [], received: [] };
      sockets.push(frames);
      if (new URL(ws.url()).host !== new URL(origin).host) outside.push(ws.url());
      ws.on('framesent', (f) => frames.sent.push(String(f.payload)));
      ws.on('framereceived', (f) => frames.received.push(String(f.payload)));
    });
    await page.exposeFunction('reportViolation', (v: string) => problems.push(`CSP violation: ${v}`));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        (window as unknown as { reportViolation(v: string): void }).reportViolation(
          `${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`,
        );
      });
    });
  });

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('renders GraphiQL with the default query, loading only from the server, within the CSP', async () => {
    await page.goto(t.url);
    await page.locator('section[aria-label="Operation Editor"] .monaco-editor').waitFor();
    await page.locator('section[aria-label="Operation Editor"]', { hasText: 'query Fleet' }).waitFor();
    // On load GraphiQL introspects; without a token the page says what to do.
    await resultShows('No token yet');
    // Monaco's three workers started from their same-origin URLs.
    const workers = () =>
      page
        .workers()
        .map((w) => new URL(w.url()).pathname.replace(/\.[0-9a-f]{16}\.js$/, ''))
        .sort();
    await expect
      .poll(workers, { timeout: 20_000 })
      .toEqual(['/graphiql/assets/editor.worker', '/graphiql/assets/graphql.worker', '/graphiql/assets/json.worker']);
    // The page and the files it names, each with 200 (hash stripped from the name).
    const loaded = responses.map((r) => `${r.status} ${new URL(r.url).pathname.replace(/\.[0-9a-f]{16}\./, '.')}`);
    for (const file of [
      '/graphql',
      '/graphiql/assets/graphiql.css',
      '/graphiql/assets/graphql-ws.js',
      '/graphiql/assets/init.js',
      '/graphiql/assets/graphiql.js',
    ]) {
      expect(loaded).toContain(`200 ${file}`);
    }
    expect(responses.filter((r) => r.status >= 400)).toEqual([]);
    expect(responses.every((r) => new URL(r.url).origin === origin)).toBe(true);
    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('runs the default query with an ADMIN token pasted into the Headers pane', async () => {
    await page.getByRole('button', { name: 'Headers' }).click();
    await pasteHeaders({ Authorization: `Bearer ${t.adminToken}` });
    await page.locator('section[aria-label="Headers"]', { hasText: 'Authorization' }).waitFor();

    await page.getByRole('button', { name: /^Execute/ }).click();
    await resultShows('"sub": "admin"');
    await expect(resultPane().textContent()).resolves.toMatch(/"roles":\s*\[\s*"ADMIN"\s*\]/);

    // The schema, fetched again now that there is a token, fills the documentation explorer.
    await page.getByRole('button', { name: /^Re-fetch GraphQL schema/ }).click();
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    await page.locator('.graphiql-doc-explorer', { hasText: 'Root Types' }).waitFor();
    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('runs a subscription over a WebSocket to the same origin, authenticated by connection parameters', async () => {
    const editor = page.locator('section[aria-label="Operation Editor"] .monaco-editor');
    await editor.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.insertText('subscription Watch { clusterUpdated { name } }');
    await page.locator('section[aria-label="Operation Editor"]', { hasText: 'subscription Watch' }).waitFor();
    // GraphiQL names the tab after the operation once it has parsed the edit; running earlier
    // would send the previous operation name.
    await page.locator('.graphiql-tab', { hasText: 'Watch' }).waitFor();
    await page.getByRole('button', { name: /^Execute/ }).click();

    const shown = await registerUntilShown('graphiql-watch');

    expect(sockets.map((s) => s.ws.url())).toEqual([t.wsUrl]);
    const [socket] = sockets;
    const sent = socket!.sent.map((f) => JSON.parse(f) as { type: string; payload?: Record<string, unknown> });
    expect(sent[0]).toEqual({ type: 'connection_init', payload: { authorization: `Bearer ${t.adminToken}` } });
    const subscribe = sent.find((m) => m.type === 'subscribe');
    expect(subscribe?.payload?.query).toContain('clusterUpdated');
    expect(subscribe?.payload).not.toHaveProperty('extensions'); // the token travels once, in connection_init
    expect(socket!.received.some((f) => f.includes('"type":"next"') && f.includes(shown))).toBe(true);
    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('opens a new WebSocket with the new token when the Authorization header changes', async () => {
    await page.getByRole('button', { name: /^Stop/ }).click();
    await page.getByRole('button', { name: /^Execute/ }).waitFor();
    const viewerToken = await t.token('vera', ['VIEWER']);
    await pasteHeaders({ Authorization: `Bearer ${viewerToken}` });
    await page.locator('section[aria-label="Headers"]', { hasText: viewerToken.slice(-12) }).waitFor();
    await page.getByRole('button', { name: /^Execute/ }).click();
    const shown = await registerUntilShown('graphiql-viewer');

    expect(sockets.map((s) => s.ws.url())).toEqual([t.wsUrl, t.wsUrl]);
    expect(sockets[0]!.ws.isClosed()).toBe(true);
    expect(JSON.parse(sockets[1]!.sent[0]!)).toEqual({ type: 'connection_init', payload: { authorization: `Bearer ${viewerToken}` } });
    expect(sockets[1]!.received.some((f) => f.includes('"type":"next"') && f.includes(shown))).toBe(true);
    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
  });
});
