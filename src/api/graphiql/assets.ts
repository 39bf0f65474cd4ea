// The files of the GraphiQL page, served from this process: the bundle of
// @graphql-yoga/render-graphiql (script, styles, favicon, Monaco's three workers), the browser
// build of graphql-ws, and init.js beside this file. Loaded and hashed once per process on
// first use; each URL carries its content hash, so browsers may keep it for a year.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

export const ASSET_PREFIX = '/graphiql/assets/';

export interface Asset {
  /** URL path with the content hash, e.g. /graphiql/assets/graphiql.1a2b3c4d5e6f.js */
  path: string;
  contentType: string;
  body: Buffer;
  /** sha256 of body (hex, shortened): in the URL and the ETag. */
  hash: string;
  /** gzip of body, compressed once on first use in zlib's thread pool (not on the event loop). */
  gzipped(): Promise<Buffer>;
}

export interface GraphiQLAssets {
  js: Asset;
  css: Asset;
  favicon: Asset;
  graphqlWs: Asset;
  init: Asset;
  /** Monaco's workers by the label Monaco asks getWorkerUrl for. */
  workers: { editorWorkerService: Asset; json: Asset; graphql: Asset };
  byPath: ReadonlyMap<string, Asset>;
}

const JS = 'text/javascript; charset=utf-8';
const gzipAsync = promisify(gzip);

let loading: Promise<GraphiQLAssets> | undefined;

/** The asset table, built on the first call (about 9 MB read and hashed once). */
export function loadAssets(): Promise<GraphiQLAssets> {
  loading ??= buildAssets().catch((err: unknown) => {
    loading = undefined; // a later request tries again
    throw err;
  });
  return loading;
}

async function buildAssets(): Promise<GraphiQLAssets> {
  const bundle = await import('@graphql-yoga/render-graphiql/graphiql');
  const require = createRequire(import.meta.url);
  // graphql-ws does not export its browser build; it sits beside its package.json.
  const graphqlWsFile = join(dirname(require.resolve('graphql-ws/package.json')), 'umd', 'graphql-ws.min.js');
  const favicon = decodeDataUrl(bundle.favicon);
  const assets: Omit<GraphiQLAssets, 'byPath'> = {
    js: asset('graphiql', '.js', JS, bundle.js),
    css: asset('graphiql', '.css', 'text/css; charset=utf-8', bundle.css),
    favicon: asset('favicon', extensionOf(favicon.type), favicon.type, favicon.body),
    graphqlWs: asset('graphql-ws', '.js', JS, await readFile(graphqlWsFile)),
    init: asset('init', '.js', JS, await readFile(new URL('./init.js', import.meta.url))),
    workers: {
      editorWorkerService: asset('editor.worker', '.js', JS, bundle.editorWorkerService),
      json: asset('json.worker', '.js', JS, bundle.jsonWorker),
      graphql: asset('graphql.worker', '.js', JS, bundle.graphqlWorker),
    },
  };
  const all = [assets.js, assets.css, assets.favicon, assets.graphqlWs, assets.init, ...Object.values(assets.workers)];
  return { ...assets, byPath: new Map(all.map((a) => [a.path, a])) };
}

function asset(name: string, extension: string, contentType: string, content: string | Buffer): Asset {
  const body = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 16);
  let compressed: Promise<Buffer> | undefined;
  return {
    path: `${ASSET_PREFIX}${name}.${hash}${extension}`,
    contentType,
    body,
    hash,
    gzipped: () => (compressed ??= gzipAsync(body)),
  };
}

function decodeDataUrl(url: string): { type: string; body: Buffer } {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (!match?.[1] || match[2] === undefined) throw new Error('the GraphiQL favicon is not a base64 data: URL');
  return { type: match[1], body: Buffer.from(match[2], 'base64') };
}

function extensionOf(type: string): string {
  return { 'image/x-icon': '.ico', 'image/vnd.microsoft.icon': '.ico', 'image/png': '.png', 'image/svg+xml': '.svg' }[type] ?? '';
}
