// The clients of every registered cluster, built on first use from the decrypted
// kubeconfig and kept until the cluster changes. The kube layer does not read the
// database: the composition root passes a callback that returns the kubeconfig YAML.

import { KubeClient, type KubeClientOptions } from './client.ts';

/** Returns the decrypted kubeconfig YAML of a cluster (throws NotFoundError for an unknown one). */
export type KubeconfigLoader = (clusterName: string) => Promise<string>;

export interface KubeClientsOptions extends KubeClientOptions {}

export class KubeClients {
  private readonly clients = new Map<string, Promise<KubeClient>>();

  constructor(
    private readonly loadKubeconfig: KubeconfigLoader,
    private readonly options: KubeClientsOptions = {},
  ) {}

  /** The cached client of a cluster, built on first use. Concurrent callers share one build. */
  get(clusterName: string): Promise<KubeClient> {
    let client = this.clients.get(clusterName);
    if (!client) {
      client = this.loadKubeconfig(clusterName).then((yaml) => KubeClient.fromKubeconfig(clusterName, yaml, this.options));
      this.clients.set(clusterName, client);
      // A failed build (unknown cluster, unreadable kubeconfig) is not cached.
      client.catch(() => {
        if (this.clients.get(clusterName) === client) this.clients.delete(clusterName);
      });
    }
    return client;
  }

  /** Drops a cluster's client (its kubeconfig changed, or it was deleted); the next get() rebuilds it. */
  invalidate(clusterName: string): void {
    const client = this.clients.get(clusterName);
    if (!client) return;
    this.clients.delete(clusterName);
    // In-flight calls keep their connections until they finish; idle ones are closed now.
    client.then(
      (c) => c.close({ graceful: true }),
      () => undefined,
    );
  }

  /** Names of the clusters with a cached client. */
  cached(): string[] {
    return [...this.clients.keys()];
  }

  /** Closes every client (process shutdown). */
  async close(): Promise<void> {
    const all = [...this.clients.values()];
    this.clients.clear();
    await Promise.allSettled(all.map(async (c) => (await c).close()));
  }
}
