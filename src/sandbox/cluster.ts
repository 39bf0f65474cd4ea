// One simulated cluster: its object store and API, its controllers, its HTTP(S) server
// (closed and reopened on the same port to simulate an unreachable API server), its
// faults and request counters, and direct object access for tests.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { KubeObject } from '../kube/types.ts';
import { KubeApi } from './api.ts';
import { bootstrapCluster } from './controllers/bootstrap.ts';
import { startControllers } from './controllers/index.ts';
import { ControllerRuntime, type ControllerTiming } from './controllers/runtime.ts';
import { Discovery, versionInfo, type VersionInfo } from './discovery.ts';
import { badRequest, pageNotFound, unauthorized } from './errors.ts';
import { checkFaults, drawFault, seededRandom, type FaultDraw, type Faults, type FaultUpdate } from './faults.ts';
import { createHandler, send, sendError, type RequestStats, type ServedCluster } from './http/handler.ts';
import { renderKubeconfig } from './kubeconfig.ts';
import { ResourceRegistry, type ResourceType } from './resources.ts';
import { ObjectStore } from './store.ts';
import type { FleetTls } from './tls.ts';

export type Environment = 'DEVELOPMENT' | 'STAGING' | 'PRODUCTION';

export interface ClusterConfig {
  name: string;
  environment: Environment;
  nodes: number;
  kubernetesVersion: string;
  faults: Faults;
  /** seed of the random source deciding which requests get a fault; absent: Math.random */
  seed?: number;
  port: number;
  host: string;
  tls?: FleetTls;
  timing: ControllerTiming;
}

const emptyStats = (): RequestStats => ({ requests: 0, bytesReceived: 0, bytesSent: 0, byVerb: {}, injected: { errors: 0, timeouts: 0, spikes: 0 } });

/** Direct access to a cluster's objects, without HTTP (for tests). Writes go through the API's validation. */
export interface ObjectAccess {
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
  list(apiVersion: string, kind: string, namespace?: string): KubeObject[];
  /** Creates or replaces (no resourceVersion check); `status` writes the status subresource. */
  put(obj: KubeObject, options?: { subresource?: 'status'; manager?: string }): KubeObject;
  delete(apiVersion: string, kind: string, namespace: string | undefined, name: string): boolean;
}

export class SandboxCluster implements ServedCluster {
  readonly name: string;
  readonly environment: Environment;
  readonly kubernetesVersion: string;
  /** bearer token with full access */
  readonly token = randomBytes(24).toString('hex');
  /** bearer token that may only get, list and watch (writes answer 403) */
  readonly viewerToken = randomBytes(24).toString('hex');
  readonly store = new ObjectStore();
  readonly registry = new ResourceRegistry();
  readonly api = new KubeApi(this.store, this.registry);
  readonly discovery: Discovery;
  readonly version: VersionInfo;
  readonly nodeNames: string[];
  stats: RequestStats = emptyStats();
  /** where the kubeconfig was written, when the fleet has an output directory */
  kubeconfigPath?: string;
  readonly objects: ObjectAccess;

  private currentFaults: Faults;
  private random: () => number;
  private server?: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly runtime: ControllerRuntime;
  private port: number;
  private downTimer?: NodeJS.Timeout;
  private transition: Promise<void> = Promise.resolve();

  constructor(private readonly config: ClusterConfig) {
    this.name = config.name;
    this.environment = config.environment;
    this.kubernetesVersion = config.kubernetesVersion;
    this.version = versionInfo(config.kubernetesVersion);
    this.currentFaults = { ...config.faults };
    this.random = config.seed !== undefined ? seededRandom(config.seed) : Math.random;
    this.port = config.port;
    this.discovery = new Discovery(this.registry, () => `${config.host}:${this.port}`);
    this.runtime = new ControllerRuntime(this.api, this.store, this.registry, config.timing, config.name);
    const ips = bootstrapCluster(this.api, this.registry, { clusterName: config.name, nodeCount: config.nodes, kubernetesVersion: this.version.gitVersion });
    this.nodeNames = [...ips.keys()];
    startControllers(this.runtime, ips);
    this.objects = this.objectAccess();
  }

  get url(): string {
    return `${this.config.tls ? 'https' : 'http'}://${this.config.host}:${this.port}`;
  }

  get kubeconfig(): string {
    return renderKubeconfig({ name: this.name, server: this.url, token: this.token, ...(this.config.tls ? { caCert: this.config.tls.caCert } : {}) });
  }

  /** A copy of the current faults. */
  get faults(): Faults {
    return { ...this.currentFaults };
  }

  drawFault(): FaultDraw {
    return drawFault(this.currentFaults, this.random);
  }

  /**
   * Changes faults (a `seed` restarts the random source that decides which requests get
   * one); resolves once the listening socket matches `unreachable`.
   */
  setFaults(update: Partial<Faults> & { seed?: number }): Promise<void> {
    const { seed, ...partial } = update;
    if (seed !== undefined) this.random = seededRandom(seed);
    this.currentFaults = { ...this.currentFaults, ...partial };
    if (partial.unreachable === false && this.downTimer) {
      clearTimeout(this.downTimer);
      this.downTimer = undefined;
    }
    return this.reconcileListening();
  }

  /** Unreachable now, reachable again after `ms`. Resolves once it is down. */
  downFor(ms: number): Promise<void> {
    const down = this.setFaults({ unreachable: true });
    this.downTimer = setTimeout(() => {
      this.downTimer = undefined;
      void this.setFaults({ unreachable: false });
    }, ms);
    return down;
  }

  /** An update as the admin endpoints take it: faults and seed first, then `downForMs`. */
  async update(update: FaultUpdate): Promise<void> {
    const { downForMs, ...faults } = update;
    await this.setFaults(faults);
    if (downForMs !== undefined) await this.downFor(downForMs);
  }

  resetStats(): void {
    this.stats = emptyStats();
  }

  async start(): Promise<void> {
    await this.reconcileListening();
  }

  async stop(): Promise<void> {
    if (this.downTimer) clearTimeout(this.downTimer);
    this.runtime.stop();
    this.currentFaults.unreachable = true;
    await this.reconcileListening();
  }

  /** Serialised open/close so that quick fault flips never race each other. */
  private reconcileListening(): Promise<void> {
    this.transition = this.transition.then(async () => {
      const wantOpen = !this.currentFaults.unreachable;
      if (wantOpen && !this.server) await this.open();
      if (!wantOpen && this.server) await this.close();
    });
    return this.transition;
  }

  private async open(): Promise<void> {
    const handler = createHandler(this);
    const server = this.config.tls ? https.createServer({ key: this.config.tls.key, cert: this.config.tls.cert }, handler) : http.createServer(handler);
    server.keepAliveTimeout = 30_000;
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    if (address && typeof address === 'object') this.port = address.port;
    this.server = server;
  }

  private async close(): Promise<void> {
    const server = this.server!;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await closed;
  }

  /** /sandbox/faults (GET, POST) and /sandbox/stats (GET), authenticated with the cluster token. */
  async handleAdmin(req: http.IncomingMessage, res: http.ServerResponse, path: string, body: Buffer): Promise<void> {
    try {
      if (req.headers.authorization !== `Bearer ${this.token}`) throw unauthorized();
      if (path === '/sandbox/stats') return send(res, 200, JSON.stringify(this.stats));
      if (path !== '/sandbox/faults') throw pageNotFound();
      if (req.method === 'POST' || req.method === 'PATCH' || req.method === 'PUT') {
        let update: FaultUpdate;
        try {
          update = checkFaults(JSON.parse(body.toString('utf8') || '{}'));
        } catch (err) {
          throw badRequest((err as Error).message);
        }
        const { downForMs, seed: _seed, ...faults } = update;
        const next = { ...this.currentFaults, ...faults, ...(downForMs !== undefined ? { unreachable: true } : {}) };
        send(res, 200, JSON.stringify(next));
        // Answer first: becoming unreachable closes this very connection.
        setImmediate(() => void this.update(update));
        return;
      }
      send(res, 200, JSON.stringify(this.currentFaults));
    } catch (err) {
      sendError(res, err);
    }
  }

  private typeOf(apiVersion: string, kind: string): ResourceType {
    const rt = this.registry.byApiVersionKind(apiVersion, kind);
    if (!rt) throw new Error(`${apiVersion} ${kind} is not served by sandbox cluster ${this.name}`);
    return rt;
  }

  private objectAccess(): ObjectAccess {
    return {
      get: (apiVersion, kind, namespace, name) => {
        const rt = this.typeOf(apiVersion, kind);
        return this.store.get(`${rt.group}/${rt.resource}`, rt.namespaced ? namespace : undefined, name);
      },
      list: (apiVersion, kind, namespace) => {
        const rt = this.typeOf(apiVersion, kind);
        return this.store.list(`${rt.group}/${rt.resource}`, rt.namespaced ? namespace : undefined);
      },
      put: (obj, options = {}) => {
        const rt = this.typeOf(obj.apiVersion, obj.kind);
        const { namespace, name } = obj.metadata;
        const opts = { manager: options.manager ?? 'sandbox-test', ...(options.subresource ? { subresource: options.subresource } : {}) };
        const exists = this.store.get(`${rt.group}/${rt.resource}`, rt.namespaced ? namespace : undefined, name!);
        const body = { ...obj, metadata: { ...obj.metadata, resourceVersion: undefined } };
        return exists ? this.api.update(rt, namespace, name!, body, opts) : this.api.create(rt, namespace, body, opts);
      },
      delete: (apiVersion, kind, namespace, name) => {
        const rt = this.typeOf(apiVersion, kind);
        if (!this.store.get(`${rt.group}/${rt.resource}`, rt.namespaced ? namespace : undefined, name)) return false;
        this.api.delete(rt, namespace, name);
        return true;
      },
    };
  }
}
