// The simulated Kubernetes fleet, in-process: one API server per named cluster on
// loopback, HTTPS from one CA per fleet, a kubeconfig for each. Used by the product's
// tests, demo and benchmarks, and by the `npm run sandbox` CLI.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SandboxCluster, type Environment } from './cluster.ts';
import { clusterSeed, NO_FAULTS, type Faults } from './faults.ts';
import { createFleetTls, type FleetTls } from './tls.ts';
import { startAdminServer, type AdminServer } from './admin.ts';

export { SandboxCluster } from './cluster.ts';
export { BEHAVIOR_ANNOTATION } from './controllers/pods.ts';

const DEFAULT_KUBERNETES_VERSION = 'v1.30.2';

export interface SandboxClusterOptions {
  /** DNS-1123 label; also the kubeconfig's cluster/context name */
  name: string;
  /** default DEVELOPMENT */
  environment?: Environment;
  /** faults from the start (latency, error rate, timeouts, latency spikes, unreachable) */
  faults?: Partial<Faults>;
  /** seed of this cluster's fault draws (default: derived from the fleet's `seed`, if any) */
  seed?: number;
  /** simulated Nodes (default 3) */
  nodes?: number;
  /** reported by /version and on Nodes (default v1.30.2) */
  kubernetesVersion?: string;
}

export interface SandboxOptions {
  clusters: SandboxClusterOptions[];
  /** cluster i listens on portBase + i; default: free ports chosen by the OS */
  portBase?: number;
  /** HTTPS with a fleet CA (default true); false serves http:// with insecure-skip-tls-verify kubeconfigs */
  tls?: boolean;
  /** when set, `<outDir>/<name>.kubeconfig` is written for every cluster */
  outDir?: string;
  /** time from pod creation to Ready (default 300 ms) */
  podReadyDelayMs?: number;
  /** time between restarts of a crash-looping container (default 1000 ms) */
  crashLoopIntervalMs?: number;
  /** how long a Job's pod runs before it succeeds (default 500 ms) */
  jobPodDurationMs?: number;
  /** start the fleet admin server (faults and stats of every cluster) on this port; 0 = a free port */
  adminPort?: number;
  /** listen address (default 127.0.0.1) */
  host?: string;
  /**
   * Seed of the random sources that decide which requests get a fault (one per cluster,
   * derived from this and the cluster's name); absent: Math.random. The same seed gives
   * each cluster the same sequence of draws; which request meets which draw still depends
   * on the order requests arrive in.
   */
  seed?: number;
}

export interface Sandbox {
  clusters: SandboxCluster[];
  /** the cluster called `name`; throws for an unknown name */
  cluster(name: string): SandboxCluster;
  /** PEM of the fleet CA (undefined without TLS) */
  caCert?: string;
  /** base URL of the fleet admin server, when `adminPort` was given */
  adminUrl?: string;
  /** stops every server, controller and timer */
  stop(): Promise<void>;
}

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const names = new Set<string>();
  for (const c of options.clusters) {
    if (!LABEL.test(c.name) || c.name.length > 63) throw new Error(`cluster name "${c.name}" is not a DNS-1123 label`);
    if (names.has(c.name)) throw new Error(`cluster name "${c.name}" is used twice`);
    names.add(c.name);
  }
  const host = options.host ?? '127.0.0.1';
  const tls: FleetTls | undefined = options.tls === false ? undefined : await createFleetTls();
  const timing = {
    podReadyDelayMs: options.podReadyDelayMs ?? 300,
    crashLoopIntervalMs: options.crashLoopIntervalMs ?? 1000,
    jobPodDurationMs: options.jobPodDurationMs ?? 500,
  };
  const clusters = options.clusters.map(
    (c, i) =>
      new SandboxCluster({
        name: c.name,
        environment: c.environment ?? 'DEVELOPMENT',
        nodes: c.nodes ?? 3,
        kubernetesVersion: c.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION,
        faults: { ...NO_FAULTS, ...c.faults },
        ...(c.seed !== undefined ? { seed: c.seed } : options.seed !== undefined ? { seed: clusterSeed(options.seed, c.name) } : {}),
        port: options.portBase !== undefined ? options.portBase + i : 0,
        host,
        ...(tls ? { tls } : {}),
        timing,
      }),
  );
  let admin: AdminServer | undefined;
  try {
    // An unreachable cluster still needs its port: open it once, then close it.
    await Promise.all(
      clusters.map(async (c) => {
        const wanted = c.faults.unreachable;
        await c.setFaults({ unreachable: false });
        if (wanted) await c.setFaults({ unreachable: true });
      }),
    );
    if (options.outDir) {
      const dir = resolve(options.outDir);
      await mkdir(dir, { recursive: true });
      await Promise.all(
        clusters.map(async (c) => {
          c.kubeconfigPath = join(dir, `${c.name}.kubeconfig`);
          await writeFile(c.kubeconfigPath, c.kubeconfig, { mode: 0o600 });
        }),
      );
    }
    if (options.adminPort !== undefined) admin = await startAdminServer(clusters, host, options.adminPort);
  } catch (err) {
    await Promise.all(clusters.map((c) => c.stop()));
    throw err;
  }
  const byName = new Map(clusters.map((c) => [c.name, c]));
  return {
    clusters,
    cluster(name) {
      const c = byName.get(name);
      if (!c) throw new Error(`no sandbox cluster named "${name}" (have: ${[...byName.keys()].join(', ')})`);
      return c;
    },
    ...(tls ? { caCert: tls.caCert } : {}),
    ...(admin ? { adminUrl: admin.url } : {}),
    async stop() {
      await admin?.close();
      await Promise.all(clusters.map((c) => c.stop()));
    },
  };
}
