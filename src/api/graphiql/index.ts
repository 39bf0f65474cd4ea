// GraphiQL served from this process (no CDN): the page at the GraphQL endpoint for browser
// navigations, its files under /graphiql/assets/. src/api/server.ts calls handle() before yoga.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ASSET_PREFIX, loadAssets, type Asset } from './assets.ts';
import { SECURITY_HEADERS } from './headers.ts';
import { renderPage } from './page.ts';

/**
 * Answers GraphiQL's requests: GET/HEAD `endpoint` asking for HTML, and anything under
 * /graphiql/assets/. Returns false (having sent nothing) for every other request.
 */
export async function handle(req: IncomingMessage, res: ServerResponse, endpoint: string): Promise<boolean> {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const readOnly = req.method === 'GET' || req.method === 'HEAD';
  if (path.startsWith(ASSET_PREFIX)) {
    if (!readOnly) send(res, 405, { 'content-type': 'text/plain; charset=utf-8', allow: 'GET, HEAD' }, 'method not allowed\n');
    else {
      const asset = (await loadAssets()).byPath.get(path);
      if (asset) await sendAsset(req, res, asset);
      else send(res, 404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }, 'not found\n');
    }
    return true;
  }
  // The rule yoga used for its own GraphiQL: a browser navigation asks for text/html; API
  // clients ask for JSON or an event stream. GraphiQL keeps the edited query in ?query=,
  // so a reload with it must get the page too (never run it as a GET operation).
  if (path === endpoint && readOnly && (req.headers.accept ?? '').includes('text/html')) {
    const assets = await loadAssets();
    send(res, 200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }, renderPage(assets, endpoint));
    return true;
  }
  return false;
}

async function sendAsset(req: IncomingMessage, res: ServerResponse, asset: Asset): Promise<void> {
  const gzipped = acceptsGzip(req.headers['accept-encoding']);
  const etag = `"${asset.hash}${gzipped ? '-gzip' : ''}"`;
  const headers: Record<string, string> = {
    'content-type': asset.contentType,
    // The URL changes with the content: a cached copy never goes stale.
    'cache-control': 'public, max-age=31536000, immutable',
    etag,
    vary: 'Accept-Encoding',
  };
  if (matchesEtag(req.headers['if-none-match'], etag)) return send(res, 304, headers);
  if (!gzipped) return send(res, 200, headers, asset.body);
  const body = await asset.gzipped();
  send(res, 200, { ...headers, 'content-encoding': 'gzip' }, body);
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body?: string | Buffer): void {
  const length = body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) };
  res.writeHead(status, { ...SECURITY_HEADERS, ...headers, ...length });
  res.end(body); // Node drops the body of a HEAD response by itself
}

/** Whether Accept-Encoding allows gzip (by name or `*`, with q > 0). */
function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  let star: boolean | undefined;
  for (const part of header.split(',')) {
    const [coding = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const allowed = q === undefined || Number(q.slice(2)) > 0;
    if (coding.trim() === 'gzip') return allowed;
    if (coding.trim() === '*') star = allowed;
  }
  return star ?? false;
}

/** If-None-Match uses the weak comparison: W/ is ignored. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag.replace(/^W\//, '') === etag;
  });
}
