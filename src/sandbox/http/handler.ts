// The HTTP face of one sandbox cluster: fault injection, bearer-token authentication,
// discovery, and the resource verbs mapped onto KubeApi, with Status bodies for every
// failure.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../../kube/types.ts';
import type { DeleteOptions, KubeApi, PatchType, WriteOptions } from '../api.ts';
import { crdVersionFor } from '../crd.ts';
import type { Discovery, VersionInfo } from '../discovery.ts';
import * as errors from '../errors.ts';
import type { FaultDraw, Faults } from '../faults.ts';
import { listObjects, objectFilter } from '../list.ts';
import type { ResourceRegistry } from '../resources.ts';
import { patchScale, scaleOf, writeScale } from '../scale.ts';
import type { ObjectStore } from '../store.ts';
import { listJson, toJson } from '../serialize.ts';
import { partialMetadata, partialMetadataList, toTable, wantsMetadataOnly, wantsTable } from '../tables.ts';
import { parseBody, readBody } from './body.ts';
import { parseResourcePath } from './routes.ts';
import { serveWatch } from './watch.ts';

export interface RequestStats {
  requests: number;
  /** bytes received from clients: request line, headers and bodies */
  bytesReceived: number;
  /** bytes of response bodies sent */
  bytesSent: number;
  /** requests per Kubernetes verb (get, list, watch, create, update, patch, delete, …) */
  byVerb: Record<string, number>;
  /** faults injected: 5xx answers, requests left unanswered, latency spikes */
  injected: { errors: number; timeouts: number; spikes: number };
}

export interface ServedCluster {
  readonly name: string;
  readonly api: KubeApi;
  readonly store: ObjectStore;
  readonly registry: ResourceRegistry;
  readonly discovery: Discovery;
  readonly version: VersionInfo;
  readonly token: string;
  readonly viewerToken: string;
  readonly faults: Faults;
  readonly stats: RequestStats;
  /** The fate of the next API request under the current faults (from the cluster's random source). */
  drawFault(): FaultDraw;
  /** /sandbox/... admin endpoints (faults, stats) */
  handleAdmin(req: IncomingMessage, res: ServerResponse, path: string, body: Buffer): Promise<void>;
}

const PATCH_TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function send(res: ServerResponse, code: number, body: string, stats?: RequestStats, type = 'application/json'): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const length = Buffer.byteLength(body);
  if (stats) stats.bytesSent += length;
  res.writeHead(code, { 'Content-Type': type, 'Content-Length': length, 'Cache-Control': 'no-cache, private' });
  res.end(body);
}

export function sendError(res: ServerResponse, err: unknown, stats?: RequestStats): void {
  const status = err instanceof errors.StatusError ? err : errors.internalError(err instanceof Error ? err.message : String(err));
  send(res, status.code, JSON.stringify(status.toStatus()), stats);
}

function requestBytes(req: IncomingMessage): number {
  let n = (req.method?.length ?? 0) + (req.url?.length ?? 0) + 12;
  for (const h of req.rawHeaders) n += h.length + 2;
  return n;
}

function verbOf(method: string, name: string | undefined, watch: boolean): string {
  switch (method) {
    case 'GET':
      return name ? (watch ? 'watch' : 'get') : watch ? 'watch' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return name ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

export function createHandler(c: ServedCluster) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    handle(c, req, res).catch((err) => sendError(res, err, c.stats));
  };
}

/**
 * Leaves a request unanswered: its connection is dropped when the client gives up, or
 * after `holdMs`. With `actOnIt` the request is still served, but its answer goes nowhere
 * (a real server that committed a write and then lost the connection).
 */
function leaveUnanswered(res: ServerResponse, holdMs: number, actOnIt: boolean): boolean {
  const timer = setTimeout(() => res.socket?.destroy(), holdMs);
  timer.unref();
  res.once('close', () => clearTimeout(timer));
  if (!actOnIt) return false;
  res.writeHead = (() => res) as never;
  res.flushHeaders = () => {};
  res.write = (() => true) as never;
  res.end = (() => res) as never;
  return true;
}

async function handle(c: ServedCluster, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sandbox');
  const path = url.pathname;
  let clientGone = false;
  res.once('close', () => (clientGone = true));
  c.stats.requests++;
  c.stats.bytesReceived += requestBytes(req);
  const body = await readBody(req);
  c.stats.bytesReceived += body.length;

  if (path.startsWith('/sandbox/')) return c.handleAdmin(req, res, path, body);
  const fault = c.drawFault();
  if (fault.spike) c.stats.injected.spikes++;
  if (fault.delayMs > 0) {
    await sleep(fault.delayMs);
    // A real API server cancels a request whose client went away before it was served.
    if (clientGone) return;
  }
  if (fault.outcome === 'timeout') {
    c.stats.injected.timeouts++;
    if (!leaveUnanswered(res, c.faults.holdMs, fault.variant)) return;
  } else if (fault.outcome === 'error') {
    c.stats.injected.errors++;
    throw fault.variant
      ? errors.serviceUnavailable('the server is currently unable to handle the request (injected fault)')
      : errors.internalError('injected fault');
  }

  if (path === '/version' || path === '/version/') return send(res, 200, JSON.stringify(c.version), c.stats);
  if (path === '/healthz' || path === '/readyz' || path === '/livez') return send(res, 200, 'ok', c.stats, 'text/plain; charset=utf-8');

  const auth = req.headers.authorization ?? '';
  const token = auth.startsWith('Bearer ') ? auth.slice(7).trim() : '';
  const viewer = token === c.viewerToken;
  if (token !== c.token && !viewer) throw errors.unauthorized();

  const doc = c.discovery.document(path);
  if (doc !== undefined) {
    c.stats.byVerb.discovery = (c.stats.byVerb.discovery ?? 0) + 1;
    return send(res, 200, doc, c.stats);
  }
  const route = parseResourcePath(path);
  const rt = route && c.registry.lookup(route.group, route.version, route.resource);
  if (!route || !rt || (route.namespace !== undefined && !rt.namespaced)) throw errors.pageNotFound();

  const q = url.searchParams;
  const watch = route.watchPrefix || q.get('watch') === 'true' || q.get('watch') === '1';
  const method = req.method ?? 'GET';
  const verb = verbOf(method, route.name, watch);
  c.stats.byVerb[verb] = (c.stats.byVerb[verb] ?? 0) + 1;
  if (viewer && !['get', 'list', 'watch'].includes(verb)) {
    const where = route.namespace ? ` in the namespace "${route.namespace}"` : ' at the cluster scope';
    throw errors.forbidden(
      `${errors.qualifiedResource(rt)}${route.name ? ` "${route.name}"` : ''} is forbidden: User "sandbox-viewer" cannot ${verb} resource "${rt.resource}" in API group "${rt.group}"${where}`,
      { group: rt.group, resource: rt.resource, kind: rt.kind, name: route.name },
    );
  }
  if (route.subresource && !((route.subresource === 'status' && rt.status) || (route.subresource === 'scale' && rt.scale))) throw errors.pageNotFound();

  const opts: WriteOptions = {
    manager: q.get('fieldManager') ?? (req.headers['user-agent'] ?? 'unknown').split('/')[0]!,
    dryRun: q.getAll('dryRun').includes('All'),
    ...(route.subresource ? { subresource: route.subresource } : {}),
    force: q.get('force') === 'true',
  };
  const ns = route.namespace;
  const reply = (code: number, obj: object) => send(res, code, toJson(obj), c.stats);
  const name = route.name;

  switch (verb) {
    case 'get': {
      const obj = c.api.get(rt, ns, name!);
      if (route.subresource === 'scale') return reply(200, scaleOf(rt, obj));
      if (wantsMetadataOnly(req.headers.accept, false)) return reply(200, partialMetadata(obj));
      return reply(200, wantsTable(req.headers.accept) ? toTable(rt, [obj], {}, crdVersionFor(c.store, rt)?.additionalPrinterColumns) : obj);
    }
    case 'list': {
      const list = listObjects(c.store, rt, ns, {
        labelSelector: q.get('labelSelector'),
        fieldSelector: q.get('fieldSelector'),
        limit: Number(q.get('limit') ?? 0),
        continueToken: q.get('continue'),
      });
      if (wantsMetadataOnly(req.headers.accept, true)) return reply(200, partialMetadataList(list.items, list.metadata));
      if (!wantsTable(req.headers.accept)) return send(res, 200, listJson(list), c.stats);
      return reply(200, toTable(rt, list.items, list.metadata, crdVersionFor(c.store, rt)?.additionalPrinterColumns));
    }
    case 'watch': {
      const fieldSelector = name ? [`metadata.name=${name}`, q.get('fieldSelector')].filter(Boolean).join(',') : q.get('fieldSelector');
      const timeout = q.get('timeoutSeconds');
      return serveWatch(
        c.store,
        rt,
        ns,
        {
          labelSelector: q.get('labelSelector'),
          fieldSelector,
          resourceVersion: q.get('resourceVersion'),
          ...(timeout ? { timeoutSeconds: Number(timeout) } : {}),
          allowWatchBookmarks: q.get('allowWatchBookmarks') === 'true',
        },
        req,
        res,
        (n) => (c.stats.bytesSent += n),
      );
    }
    case 'create': {
      if (name) throw errors.methodNotSupported(c.api.subject(rt, name), 'POST');
      if (rt.namespaced && !ns) throw errors.pageNotFound();
      return reply(201, c.api.create(rt, ns, parseBody(body, req.headers['content-type']) as KubeObject, opts));
    }
    case 'update': {
      if (!name) throw errors.methodNotSupported(c.api.subject(rt), 'PUT');
      const obj = parseBody(body, req.headers['content-type']) as KubeObject;
      if (route.subresource === 'scale') return reply(200, writeScale(c.api, rt, ns, name, obj, opts));
      return reply(200, c.api.update(rt, ns, name, obj, opts));
    }
    case 'patch': {
      if (!name) throw errors.methodNotSupported(c.api.subject(rt), 'PATCH');
      const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
      const type = PATCH_TYPES[contentType];
      if (!type) throw errors.unsupportedMediaType(contentType, Object.keys(PATCH_TYPES));
      if (type === 'apply' && !q.get('fieldManager')) throw errors.badRequest('PATCH requests with apply patch type must specify fieldManager');
      const patch = parseBody(body, type === 'apply' ? 'application/yaml' : 'application/json');
      if (route.subresource === 'scale') return reply(200, patchScale(c.api, rt, ns, name, type, patch, opts));
      const existed = type === 'apply' && c.store.get(`${rt.group}/${rt.resource}`, rt.namespaced ? ns : undefined, name) !== undefined;
      const result = c.api.patch(rt, ns, name, type, patch, opts);
      return reply(type === 'apply' && !existed ? 201 : 200, result);
    }
    case 'delete':
    case 'deletecollection': {
      const options = deleteOptions(body, q);
      if (name) return reply(200, c.api.delete(rt, ns, name, options));
      const matches = objectFilter(rt, ns, { labelSelector: q.get('labelSelector'), fieldSelector: q.get('fieldSelector') }) ?? (() => true);
      const items = c.api.deleteCollection(rt, ns, matches, options);
      return reply(200, {
        kind: `${rt.kind}List`,
        apiVersion: rt.group ? `${rt.group}/${rt.version}` : rt.version,
        metadata: { resourceVersion: String(c.store.resourceVersion) },
        items,
      });
    }
    default:
      throw new errors.StatusError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
  }
}

function deleteOptions(body: Buffer, q: URLSearchParams): DeleteOptions {
  const fromBody = body.length > 0 ? (parseBody(body, 'application/json') as Record<string, any>) : {};
  const policy = q.get('propagationPolicy') ?? fromBody.propagationPolicy;
  if (policy !== undefined && !['Orphan', 'Background', 'Foreground'].includes(policy)) {
    throw errors.badRequest(`propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`);
  }
  const orphan = fromBody.orphanDependents === true || q.get('orphanDependents') === 'true';
  return {
    ...(policy || orphan ? { propagationPolicy: policy ?? 'Orphan' } : {}),
    ...(fromBody.preconditions ? { preconditions: fromBody.preconditions } : {}),
    dryRun: q.getAll('dryRun').includes('All') || (Array.isArray(fromBody.dryRun) && fromBody.dryRun.includes('All')),
  };
}
