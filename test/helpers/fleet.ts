// An app plus a sandbox fleet, with the clusters registered (for real: connectivity
// checked) and the demo operator registered from test/fixtures/operators/demo.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startSandbox, type Sandbox, type SandboxCluster, type SandboxClusterOptions } from '../../src/sandbox/index.ts';
import { DeploymentDocument, RegisterClusterDocument, RegisterOperatorDocument } from '../generated/graphql.ts';
import type { Logger } from '../../src/observability/logger.ts';
import { startTestApp, type TestApp } from './app.ts';
import { eventually } from './eventually.ts';
import type { DatabaseKind } from './databases.ts';

export const DEMO_TEMPLATE = `${pathToFileURL(path.resolve('test/fixtures/operators/demo')).toString()}/{version}.yaml`;
export const DEMO_VERSIONS = ['v1.0.0', 'v1.1.0', 'v1.2.0', 'v1.3.0', 'v2.0.0'];

export interface Fleet extends TestApp {
  sandbox: Sandbox;
  stopAll(): Promise<void>;
}

export interface FleetOptions {
  clusters: SandboxClusterOptions[];
  env?: Record<string, string>;
  /** Register the demo operator as "demo" (default true). */
  demo?: boolean;
  kind?: DatabaseKind;
  /** The app's logger (default: one at LOG_LEVEL). */
  logger?: Logger;
  /** Seed of the sandbox's fault draws (see src/sandbox/faults.ts). */
  seed?: number;
}

/** Fast engine settings for tests: short polls, short health timeout. */
export const FAST_ENGINE_ENV = {
  ENGINE_POLL_INTERVAL: 'PT0.2S',
  ENGINE_LEASE_TTL: 'PT5S',
  DEFAULT_TIMEOUT: 'PT8S',
  LOG_LEVEL: 'silent',
};

export async function startFleet(o: FleetOptions): Promise<Fleet> {
  const sandbox = await startSandbox({
    clusters: o.clusters,
    podReadyDelayMs: 100,
    crashLoopIntervalMs: 150,
    jobPodDurationMs: 100,
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
  });
  const t = await startTestApp(o.kind ?? 'pglite', { ...FAST_ENGINE_ENV, ...o.env }, o.logger ? { logger: o.logger } : {});
  for (const c of sandbox.clusters) {
    await t.ok(RegisterClusterDocument, { input: { name: c.name, environment: c.environment, kubeconfig: c.kubeconfig } });
  }
  if (o.demo !== false) {
    await t.ok(RegisterOperatorDocument, { input: { name: 'demo', namespace: 'demo-system', manifestUrlTemplate: DEMO_TEMPLATE, versions: DEMO_VERSIONS } });
  }
  return {
    ...t,
    sandbox,
    async stopAll() {
      await t.stop();
      await sandbox.stop();
    },
  };
}

const ENDED = ['COMPLETED', 'FAILED', 'ROLLED_BACK', 'CANCELLED'];

/** Waits until a deployment has ended and returns it (with clusters and events). */
export function finishedDeployment(t: Pick<TestApp, 'ok'>, id: string, timeoutMs = 90_000) {
  return eventually(
    async () => {
      const d = (await t.ok(DeploymentDocument, { id })).deployment!;
      return ENDED.includes(d.status) ? d : undefined;
    },
    timeoutMs,
    `deployment ${id} to end`,
  );
}

/** The image of a workload's first container in a sandbox cluster (undefined when absent). */
export function workloadImage(cluster: Pick<SandboxCluster, 'objects'>, namespace: string, name: string, kind = 'Deployment'): string | undefined {
  const obj = cluster.objects.get('apps/v1', kind, namespace, name) as { spec: { template: { spec: { containers: Array<{ image: string }> } } } } | undefined;
  return obj?.spec.template.spec.containers[0]?.image;
}
