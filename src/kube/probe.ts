// Connectivity and health of a cluster as a whole: its version and its nodes. Used when a
// cluster is registered (probeCluster: refuses an unreachable cluster or refused
// credentials with a ValidationError that says which) and by the health monitor
// (checkClusterHealth: never throws, reports UNHEALTHY with the reason).

import { ValidationError } from '../domain/errors.ts';
import type { HealthStatus } from '../domain/health.ts';
import { KubeClient, type CallOptions } from './client.ts';
import type { KubeClients } from './client-registry.ts';
import type { RetryPolicy } from './client-retry.ts';
import { KubeError } from './errors.ts';
import type { CheckedKubeconfig } from './kubeconfig.ts';
import type { KubeObject } from './types.ts';

/** Same shape as services' ClusterProbe (the kube layer does not import services). */
export interface ClusterProbeResult {
  kubernetesVersion?: string;
  nodeCount?: number;
  healthStatus: HealthStatus;
  healthMessage?: string;
}

export interface ProbeOptions {
  /** Per-request timeout. Default 10 s: registration and the monitor must not hang on one cluster. */
  requestTimeoutMs?: number;
  /** Default 2 attempts: one retry for a blip, no long backoff while a user waits. */
  retry?: RetryPolicy;
  /** Largest answer read (registration's short-lived client). Default: the transport's (64 MiB). */
  maxResponseBytes?: number;
  signal?: AbortSignal;
}

const DEFAULT_PROBE: Required<Omit<ProbeOptions, 'signal' | 'maxResponseBytes'>> = { requestTimeoutMs: 10_000, retry: { attempts: 2, baseDelayMs: 200 } };

interface NodeReadiness {
  name: string;
  ready: boolean;
  why?: string;
}

function readinessOf(node: KubeObject): NodeReadiness {
  const name = node.metadata.name ?? '?';
  const ready = ((node.status?.conditions ?? []) as Array<{ type: string; status: string; reason?: string; message?: string }>).find((c) => c.type === 'Ready');
  if (ready?.status === 'True') return { name, ready: true };
  return { name, ready: false, why: ready ? `${ready.reason ?? `Ready=${ready.status}`}` : 'no Ready condition' };
}

/** HEALTHY: every node ready; DEGRADED: some; UNHEALTHY: none (or no nodes). */
export function nodeHealth(nodes: readonly KubeObject[]): { status: HealthStatus; message: string } {
  if (nodes.length === 0) return { status: 'UNHEALTHY', message: 'no nodes registered' };
  const all = nodes.map(readinessOf);
  const notReady = all.filter((n) => !n.ready);
  const counts = `${all.length - notReady.length} of ${all.length} nodes ready`;
  if (notReady.length === 0) return { status: 'HEALTHY', message: counts };
  const shown = notReady
    .slice(0, 3)
    .map((n) => `${n.name} (${n.why})`)
    .join(', ');
  const more = notReady.length > 3 ? ` and ${notReady.length - 3} more` : '';
  return { status: notReady.length === all.length ? 'UNHEALTHY' : 'DEGRADED', message: `${counts}; not ready: ${shown}${more}` };
}

/** Version and nodes of a cluster; throws KubeError when it cannot be asked. */
async function readClusterState(client: KubeClient, options: ProbeOptions = {}): Promise<Required<ClusterProbeResult>> {
  const call: CallOptions = {
    timeoutMs: options.requestTimeoutMs ?? DEFAULT_PROBE.requestTimeoutMs,
    retry: options.retry ?? DEFAULT_PROBE.retry,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  // /version is often readable anonymously: the node list is what proves the credentials.
  const [version, nodes] = await Promise.all([client.version(call), client.listAll({ apiVersion: 'v1', kind: 'Node' }, call)]);
  const health = nodeHealth(nodes);
  return {
    kubernetesVersion: version.gitVersion ?? `v${version.major}.${version.minor}`,
    nodeCount: nodes.length,
    healthStatus: health.status,
    healthMessage: health.message,
  };
}

/** Why a cluster cannot be used, in words for the person who registered it. Never quotes credentials. */
function describeConnectionProblem(err: KubeError, serverUrl: string): string | undefined {
  switch (err.kind) {
    case 'UNREACHABLE':
    case 'TIMEOUT':
      return `cluster is unreachable at ${serverUrl}: ${err.kind === 'TIMEOUT' ? `timeout (${err.detail ?? 'no answer'})` : (err.detail ?? 'connection failed')}`;
    case 'TLS':
      return `cluster is unreachable at ${serverUrl}: TLS failure (${err.detail ?? 'handshake failed'}); check certificate-authority-data or the server name`;
    case 'UNAUTHORIZED':
      return `cluster at ${serverUrl} refused the credentials (401 Unauthorized): check the kubeconfig's token or client certificate`;
    case 'FORBIDDEN':
      return `cluster at ${serverUrl} accepted the credentials but refused access (403 Forbidden)${err.detail ? `: ${err.detail}` : ''}`;
    case 'PROTOCOL':
      return `the server at ${serverUrl} does not answer like a Kubernetes API server (${err.operation ?? 'its answer'}: ${err.detail ?? 'unreadable'}); check the kubeconfig's server URL`;
    default:
      return undefined;
  }
}

/**
 * Probe for registration (satisfies services' ClusterProber): connects with the checked
 * kubeconfig through a short-lived client. Unreachable (refused, timeout, TLS) or refused
 * credentials (401/403) → ValidationError on `input.kubeconfig`; a cluster that answers
 * but errors (5xx) is accepted as UNHEALTHY with the reason.
 */
export function createClusterProber(options: ProbeOptions = {}) {
  return async (kubeconfig: CheckedKubeconfig, clusterName: string): Promise<ClusterProbeResult> => {
    let client: KubeClient;
    try {
      client = await KubeClient.fromKubeconfig(clusterName, kubeconfig.yaml, {
        retry: { attempts: 1 },
        ...(options.maxResponseBytes ? { maxResponseBytes: options.maxResponseBytes } : {}),
      });
    } catch (err) {
      throw new ValidationError((err as Error).message, ['input.kubeconfig']);
    }
    try {
      return await readClusterState(client, options);
    } catch (err) {
      if (!(err instanceof KubeError)) throw err;
      const problem = describeConnectionProblem(err, kubeconfig.apiServerUrl);
      if (problem) throw new ValidationError(problem, ['input.kubeconfig']);
      return { healthStatus: 'UNHEALTHY', healthMessage: err.message };
    } finally {
      client.close();
    }
  };
}

export const probeCluster = createClusterProber();

/**
 * Health of a registered cluster for the health monitor, through its cached client. Never
 * throws: unreachable or refusing → UNHEALTHY with the reason; a kubeconfig that cannot be
 * loaded → UNKNOWN.
 */
export async function checkClusterHealth(clients: KubeClients, clusterName: string, options: ProbeOptions = {}): Promise<ClusterProbeResult> {
  let client: KubeClient;
  try {
    client = await clients.get(clusterName);
  } catch (err) {
    return { healthStatus: 'UNKNOWN', healthMessage: `no client for cluster ${clusterName}: ${(err as Error).message.split('\n')[0]}` };
  }
  try {
    return await readClusterState(client, options);
  } catch (err) {
    if (err instanceof KubeError) {
      return { healthStatus: 'UNHEALTHY', healthMessage: describeConnectionProblem(err, client.serverUrl) ?? err.message };
    }
    return { healthStatus: 'UNKNOWN', healthMessage: `health check failed: ${(err as Error).message}` };
  }
}
