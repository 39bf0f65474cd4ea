// Shared by the sandbox tests: clients built from a sandbox cluster's kubeconfig, raw
// HTTP requests with its token.
import * as k8s from '@kubernetes/client-node';
import type { SandboxCluster } from '../../src/sandbox/index.ts';

export function clientsFor(cluster: SandboxCluster) {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(cluster.kubeconfig);
  return {
    kc,
    core: kc.makeApiClient(k8s.CoreV1Api),
    apps: kc.makeApiClient(k8s.AppsV1Api),
    custom: kc.makeApiClient(k8s.CustomObjectsApi),
    ext: kc.makeApiClient(k8s.ApiextensionsV1Api),
    objects: k8s.KubernetesObjectApi.makeApiClient(kc),
  };
}

export interface RawResponse {
  status: number;
  body: any;
  text: string;
}

/** A request against a plain-HTTP sandbox cluster (tests that need exact headers or bodies). */
export async function raw(cluster: SandboxCluster, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  const res = await fetch(cluster.url + path, {
    method,
    headers: {
      authorization: `Bearer ${cluster.token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, text };
}

/** The parsed Status body of an ApiException thrown by client-node. */
export async function statusOf(promise: Promise<unknown>): Promise<{ code: number; body: any }> {
  try {
    await promise;
  } catch (err: any) {
    if (typeof err?.code !== 'number') throw err;
    return { code: err.code, body: typeof err.body === 'string' ? JSON.parse(err.body) : err.body };
  }
  throw new Error('expected the request to fail');
}

export function deployment(name: string, opts: { replicas?: number; behavior?: string; image?: string; labels?: Record<string, string> } = {}) {
  const labels = opts.labels ?? { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels },
    spec: {
      replicas: opts.replicas ?? 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels, ...(opts.behavior ? { annotations: { 'sandbox.operator-manager.io/behavior': opts.behavior } } : {}) },
        spec: { containers: [{ name: 'main', image: opts.image ?? 'nginx:1.25' }] },
      },
    },
  };
}
