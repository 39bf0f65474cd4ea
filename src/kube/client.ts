// A client for one cluster: generic REST over discovery (get, list with paging,
// server-side apply, delete) for any kind, with retries of transient failures and typed
// errors. See client-http.ts for why requests do not go through client-node's generated APIs.

import type { KubeConfig } from '@kubernetes/client-node';
import { ClusterTransport, loadKubeConfig, type RawRequest, type RawResponse, type TransportOptions } from './client-http.ts';
import { applyBody } from './body.ts';
import { withRetry, type RetryPolicy } from './client-retry.ts';
import { Discovery, groupVersionPath, type DiscoveryOptions, type ResourceInfo } from './discovery.ts';
import { KubeError } from './errors.ts';
import { readTopLevelFields } from './json-fields.ts';
import type { KubeObject, ObjectRef } from './types.ts';

export interface KubeClientOptions extends TransportOptions {
  /** Retries of transient failures. Default: DEFAULT_RETRY_POLICY (5 attempts, 100 ms doubling, ≤ 5 s). */
  retry?: RetryPolicy;
  discovery?: DiscoveryOptions;
}

/** Pages one list may take (500 objects each by default: 5 million objects). */
const MAX_LIST_PAGES = 10_000;

export interface CallOptions {
  signal?: AbortSignal;
  /** Per-attempt timeout for this call. Default: the client's requestTimeoutMs. */
  timeoutMs?: number;
  /** Overrides the client's retry policy for this call. */
  retry?: RetryPolicy;
}

export interface ListOptions extends CallOptions {
  /** Namespace to list in; all namespaces when absent (namespaced kinds). */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Page size (server `limit`). Default: no limit for list(), 500 for listPages(). */
  limit?: number;
  continueToken?: string;
}

export interface ListPage {
  items: KubeObject[];
  /** Present when there are more pages. */
  continueToken?: string;
  resourceVersion?: string;
}

export interface ApplyOptions extends CallOptions {
  /** Field manager (required by server-side apply). */
  fieldManager: string;
  /** Take ownership of fields other managers own instead of failing with 409. Default false. */
  force?: boolean;
  dryRun?: boolean;
  /**
   * Read only these top-level fields of the answer (e.g. metadata and status of a CRD, whose
   * schema can be megabytes): the rest is skipped unread (see json-fields.ts). Default: all.
   */
  answerFields?: readonly string[];
}

export interface ApplyResponse {
  object: KubeObject;
  /** The server answered 201 Created: the object did not exist before. */
  created: boolean;
}

export interface DeleteOptions extends CallOptions {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  /** Delete only this very object (not one re-created under the same name since it was read). */
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** Counters of what this client sent (requests include retries). */
export interface ClientStats {
  requests: number;
  retries: number;
  bytesSent: number;
}

const enc = encodeURIComponent;

export class KubeClient {
  readonly discovery: Discovery;
  readonly stats: ClientStats = { requests: 0, retries: 0, bytesSent: 0 };

  private constructor(
    readonly clusterName: string,
    private readonly transport: ClusterTransport,
    private readonly retry: RetryPolicy,
    discovery: DiscoveryOptions,
  ) {
    this.discovery = new Discovery(async (apiVersion, signal) => {
      try {
        const doc = (await this.getJson(groupVersionPath(apiVersion), signal ? { signal } : {})) as { resources?: unknown };
        const fine = (r: unknown) =>
          typeof r === 'object' && r !== null && typeof (r as { name?: unknown }).name === 'string' && typeof (r as { kind?: unknown }).kind === 'string';
        if (typeof doc !== 'object' || doc === null || (doc.resources !== undefined && (!Array.isArray(doc.resources) || !doc.resources.every(fine)))) {
          throw new KubeError({
            kind: 'PROTOCOL',
            clusterName: this.clusterName,
            operation: `GET ${groupVersionPath(apiVersion)}`,
            detail: 'the discovery answer is not an APIResourceList (resources must be a list of {name, kind})',
          });
        }
        return doc as never;
      } catch (err) {
        if (err instanceof KubeError && err.kind === 'NOT_FOUND') return undefined;
        throw err;
      }
    }, discovery);
  }

  /** A client from kubeconfig YAML (already decrypted). http:// servers are accepted (see loadKubeConfig). */
  static async fromKubeconfig(clusterName: string, kubeconfigYaml: string, options: KubeClientOptions = {}): Promise<KubeClient> {
    let transport: ClusterTransport;
    try {
      transport = await ClusterTransport.create(clusterName, await loadKubeConfig(kubeconfigYaml), options);
    } catch {
      // The loader's own message can quote the kubeconfig (YAML snippets, PEM errors): not repeated.
      throw new Error(`kubeconfig of cluster ${clusterName} cannot be loaded by the Kubernetes client (check its server, certificate and key data)`);
    }
    return new KubeClient(clusterName, transport, options.retry ?? {}, options.discovery ?? {});
  }

  get kubeConfig(): KubeConfig {
    return this.transport.kubeConfig;
  }

  get serverUrl(): string {
    return this.transport.serverUrl;
  }

  /** One call with retries; resolves with the answer (text, bytes) and HTTP status. */
  async send(req: RawRequest, options: CallOptions = {}): Promise<RawResponse> {
    const merged: RawRequest = {
      ...req,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    };
    return withRetry(
      async () => {
        this.stats.requests++;
        const res = await this.transport.request(merged);
        this.stats.bytesSent += res.bytesSent;
        return res;
      },
      { ...this.retry, ...options.retry },
      options.signal,
      () => this.stats.retries++,
    );
  }

  async getJson(path: string, options: CallOptions = {}, accept?: string): Promise<unknown> {
    const res = await this.send({ method: 'GET', path, ...(accept ? { accept } : {}) }, options);
    return this.parse(res.text, `GET ${path}`);
  }

  /** `/version` of the API server. */
  async version(options: CallOptions = {}): Promise<{ gitVersion?: string; major?: string; minor?: string; platform?: string }> {
    const v = await this.getJson('/version', options);
    const field = (name: string) => (v as Record<string, unknown>)[name];
    const fine = (name: string) => field(name) === undefined || (typeof field(name) === 'string' && (field(name) as string).length <= 100);
    if (
      typeof v !== 'object' ||
      v === null ||
      !['gitVersion', 'major', 'minor', 'platform'].every(fine) ||
      (field('gitVersion') === undefined && field('major') === undefined)
    ) {
      throw new KubeError({
        kind: 'PROTOCOL',
        clusterName: this.clusterName,
        operation: 'GET /version',
        detail: 'the version answer is not a Kubernetes version (gitVersion, major, minor)',
      });
    }
    return v as never;
  }

  /** The resource serving a kind; a KubeError NOT_FOUND when the cluster does not serve it. */
  async resource(ref: { apiVersion: string; kind: string }, options: CallOptions = {}): Promise<ResourceInfo> {
    const info = await this.discovery.resourceFor(ref.apiVersion, ref.kind, options.signal);
    if (!info) {
      throw new KubeError({
        kind: 'NOT_FOUND',
        clusterName: this.clusterName,
        reason: 'NotFound',
        detail: `the server does not serve kind ${ref.kind} in ${ref.apiVersion}`,
      });
    }
    return info;
  }

  /** The collection path of a kind (in a namespace when given and the kind is namespaced). */
  async collectionPath(ref: { apiVersion: string; kind: string }, namespace: string | undefined, options: CallOptions = {}): Promise<string> {
    const info = await this.resource(ref, options);
    const ns = info.namespaced && namespace ? `/namespaces/${enc(namespace)}` : '';
    return `${groupVersionPath(ref.apiVersion)}${ns}/${info.plural}`;
  }

  async objectPath(ref: ObjectRef, options: CallOptions = {}): Promise<string> {
    const info = await this.resource(ref, options);
    if (info.namespaced && !ref.namespace) {
      throw new KubeError({ kind: 'INVALID', clusterName: this.clusterName, detail: `${ref.kind} ${ref.name} is namespaced but has no namespace` });
    }
    const ns = info.namespaced ? `/namespaces/${enc(ref.namespace!)}` : '';
    return `${groupVersionPath(ref.apiVersion)}${ns}/${info.plural}/${enc(ref.name)}`;
  }

  /** The live object, or undefined when it does not exist (or its kind is not served). */
  async get(ref: ObjectRef, options: CallOptions = {}): Promise<KubeObject | undefined> {
    try {
      return (await this.getJson(await this.objectPath(ref, options), options)) as KubeObject;
    } catch (err) {
      if (err instanceof KubeError && err.kind === 'NOT_FOUND') return undefined;
      throw err;
    }
  }

  /** One page of a list; items carry apiVersion and kind (a List's items do not always). */
  async list(ref: { apiVersion: string; kind: string }, options: ListOptions = {}): Promise<ListPage> {
    const query = new URLSearchParams();
    if (options.labelSelector) query.set('labelSelector', options.labelSelector);
    if (options.fieldSelector) query.set('fieldSelector', options.fieldSelector);
    if (options.limit) query.set('limit', String(options.limit));
    if (options.continueToken) query.set('continue', options.continueToken);
    const qs = query.size > 0 ? `?${query}` : '';
    const path = await this.collectionPath(ref, options.namespace, options);
    const list = (await this.getJson(`${path}${qs}`, options)) as {
      items?: KubeObject[];
      metadata?: { continue?: string; resourceVersion?: string };
    };
    const badItem = (o: unknown) => typeof o !== 'object' || o === null || Array.isArray(o) || typeof (o as KubeObject).metadata !== 'object';
    if (typeof list !== 'object' || list === null || (list.items !== undefined && (!Array.isArray(list.items) || list.items.some(badItem)))) {
      throw new KubeError({
        kind: 'PROTOCOL',
        clusterName: this.clusterName,
        operation: `GET ${path}`,
        detail: 'the answer is not a list of objects (items must be a list of objects with metadata)',
      });
    }
    if (list.metadata?.continue !== undefined && typeof list.metadata.continue !== 'string') {
      throw new KubeError({
        kind: 'PROTOCOL',
        clusterName: this.clusterName,
        operation: `GET ${path}`,
        detail: 'the list answer has a continue token that is not a string',
      });
    }
    const items = (list.items ?? []).map((o) => ({ ...o, apiVersion: o.apiVersion ?? ref.apiVersion, kind: o.kind ?? ref.kind }));
    return {
      items,
      ...(list.metadata?.continue ? { continueToken: list.metadata.continue } : {}),
      ...(list.metadata?.resourceVersion ? { resourceVersion: list.metadata.resourceVersion } : {}),
    };
  }

  /** Every page of a list, `limit` objects at a time (default 500), following continue tokens. */
  async *listPages(ref: { apiVersion: string; kind: string }, options: ListOptions = {}): AsyncGenerator<KubeObject[]> {
    let continueToken = options.continueToken;
    const seen = new Set<string>();
    do {
      const page = await this.list(ref, { ...options, limit: options.limit ?? 500, ...(continueToken ? { continueToken } : {}) });
      if (page.items.length > 0) yield page.items;
      continueToken = page.continueToken;
      // A server that hands out the same token again would page forever.
      if (continueToken && (seen.has(continueToken) || seen.size >= MAX_LIST_PAGES)) {
        throw new KubeError({
          kind: 'PROTOCOL',
          clusterName: this.clusterName,
          operation: `LIST ${ref.kind}`,
          detail: seen.has(continueToken) ? 'the server repeated a continue token' : `the list has more than ${MAX_LIST_PAGES} pages`,
        });
      }
      if (continueToken) seen.add(continueToken);
    } while (continueToken);
  }

  /** All objects of a list (paged under the hood). */
  async listAll(ref: { apiVersion: string; kind: string }, options: ListOptions = {}): Promise<KubeObject[]> {
    const all: KubeObject[] = [];
    for await (const page of this.listPages(ref, options)) all.push(...page);
    return all;
  }

  /** Server-side apply of a whole object (its namespace must be set for namespaced kinds). */
  async apply(obj: KubeObject, options: ApplyOptions): Promise<ApplyResponse> {
    const ref: ObjectRef = {
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      name: obj.metadata.name ?? '',
      ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
    };
    const query = new URLSearchParams({ fieldManager: options.fieldManager });
    if (options.force) query.set('force', 'true');
    if (options.dryRun) query.set('dryRun', 'All');
    const path = `${await this.objectPath(ref, options)}?${query}`;
    // JSON is valid YAML: the apply-patch+yaml content type takes it, and it is far faster to write than YAML.
    const res = await this.send({ method: 'PATCH', path, body: applyBody(obj), contentType: 'application/apply-patch+yaml' }, options);
    const fields = options.answerFields;
    const object = this.decode(() => (fields ? readTopLevelFields(res.bytes, new Set(fields)) : JSON.parse(res.text)), `PATCH ${path}`);
    return { object: object as KubeObject, created: res.status === 201 };
  }

  /** Deletes an object; false when it was not there. */
  async delete(ref: ObjectRef, options: DeleteOptions = {}): Promise<boolean> {
    const body = {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      ...(options.propagationPolicy ? { propagationPolicy: options.propagationPolicy } : {}),
      ...(options.preconditions ? { preconditions: options.preconditions } : {}),
    };
    try {
      await this.send({ method: 'DELETE', path: await this.objectPath(ref, options), body: JSON.stringify(body) }, options);
      return true;
    } catch (err) {
      if (err instanceof KubeError && err.kind === 'NOT_FOUND') return false;
      throw err;
    }
  }

  /**
   * Closes kept-alive connections. `graceful`: calls still running finish first (a client
   * dropped from the cache may still be in use by an apply that started before).
   */
  close(options: { graceful?: boolean } = {}): void {
    if (options.graceful) this.transport.retire();
    else this.transport.close();
  }

  private parse(text: string, operation: string): unknown {
    return this.decode(() => JSON.parse(text), operation);
  }

  /** What `read` makes of an answer; a PROTOCOL error when it is not the JSON expected. */
  private decode(read: () => unknown, operation: string): unknown {
    try {
      return read();
    } catch {
      throw new KubeError({ kind: 'PROTOCOL', clusterName: this.clusterName, operation, detail: 'the answer is not JSON' });
    }
  }
}
