// Watch streams: newline-delimited {"type","object"} events over a chunked response,
// starting with the current state (no resourceVersion) or replaying history after a
// resourceVersion, filtered like a list. An object that starts or stops matching the
// selectors is reported as ADDED or DELETED, as a real watch cache does.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../../kube/types.ts';
import { gone } from '../errors.ts';
import { objectFilter } from '../list.ts';
import { present } from '../objects.ts';
import { toJson } from '../serialize.ts';
import { storageKeyOf, type ResourceType } from '../resources.ts';
import type { ObjectStore, StoreEvent } from '../store.ts';

export interface WatchQuery {
  labelSelector?: string | null;
  fieldSelector?: string | null;
  resourceVersion?: string | null;
  timeoutSeconds?: number;
  allowWatchBookmarks?: boolean;
}

/** Default lifetime of a watch without timeoutSeconds (real servers pick 30–60 minutes). */
const DEFAULT_TIMEOUT_S = 1800;
const BOOKMARK_INTERVAL_MS = 60_000;

export function serveWatch(
  store: ObjectStore,
  rt: ResourceType,
  namespace: string | undefined,
  q: WatchQuery,
  req: IncomingMessage,
  res: ServerResponse,
  onBytes: (n: number) => void,
): void {
  const key = storageKeyOf(rt);
  const matches = objectFilter(rt, namespace, q) ?? (() => true);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();

  const send = (type: string, object: object) => {
    const line = `{"type":"${type}","object":${toJson(object)}}\n`;
    onBytes(line.length);
    res.write(line);
  };
  const deliver = (ev: StoreEvent) => {
    const now = matches(ev.object);
    const before = ev.previous !== undefined && matches(ev.previous);
    let type: string | undefined;
    if (ev.type === 'ADDED') type = now ? 'ADDED' : undefined;
    else if (ev.type === 'DELETED') type = before || now ? 'DELETED' : undefined;
    else if (now) type = before ? 'MODIFIED' : 'ADDED';
    else if (before) type = 'DELETED';
    if (type) send(type, present(ev.object, rt));
  };

  const rv = q.resourceVersion;
  if (!rv || rv === '0') {
    for (const obj of store.list(key, rt.namespaced ? namespace : undefined)) if (matches(obj)) send('ADDED', present(obj, rt));
  } else {
    const events = store.eventsSince(Number(rv));
    if (!events || Number.isNaN(Number(rv))) {
      send('ERROR', gone(`too old resource version: ${rv} (${store.resourceVersion})`).toStatus());
      res.end();
      return;
    }
    for (const ev of events) if (ev.key === key) deliver(ev);
  }

  const unsubscribe = store.subscribe(key, deliver);
  const bookmarks = q.allowWatchBookmarks ? setInterval(() => send('BOOKMARK', bookmark(rt, store.resourceVersion)), BOOKMARK_INTERVAL_MS) : undefined;
  const timeout = setTimeout(() => res.end(), (q.timeoutSeconds ?? DEFAULT_TIMEOUT_S) * 1000);
  const stop = () => {
    unsubscribe();
    clearTimeout(timeout);
    if (bookmarks) clearInterval(bookmarks);
  };
  req.on('close', stop);
  res.on('close', stop);
}

function bookmark(rt: ResourceType, rv: number): KubeObject {
  return { kind: rt.kind, apiVersion: rt.group ? `${rt.group}/${rt.version}` : rt.version, metadata: { resourceVersion: String(rv) } };
}
