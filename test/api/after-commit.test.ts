// Hooks run after a deployment change commits (src/services/deployment-store.ts; the
// PostgreSQL replica bridge is one): one that fails is logged as a warning naming the
// deployment and the error, and the hooks after it still run. The engine is off, so the
// only commit is the one createDeployment makes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateDeploymentDocument, RegisterClusterDocument, RegisterOperatorDocument } from '../generated/graphql.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { DATABASE_KINDS } from '../helpers/databases.ts';
import { DEMO_TEMPLATE } from '../helpers/fleet.ts';
import { kubeconfigYaml } from '../helpers/kubeconfigs.ts';
import { capturingLogger } from '../helpers/logs.ts';

describe.each(DATABASE_KINDS)('after-commit hooks (%s)', (kind) => {
  let t: TestApp;
  const { logger, lines } = capturingLogger();
  beforeAll(async () => {
    t = await startTestApp(kind, { ENGINE_ENABLED: 'false' }, { logger });
    await t.ok(RegisterClusterDocument, { input: { name: 'dev-1', environment: 'DEVELOPMENT', kubeconfig: kubeconfigYaml(), skipConnectivityCheck: true } });
    await t.ok(RegisterOperatorDocument, { input: { name: 'alpha', namespace: 'alpha', manifestUrlTemplate: DEMO_TEMPLATE, versions: ['v1.0.0'] } });
  });
  afterAll(() => t?.stop());

  it('logs a hook that throws as a warning with the deployment and the error, and runs the other hooks', async () => {
    const seen: string[] = [];
    t.app.services.store.onCommit(() => {
      throw new Error('replica bridge is down');
    });
    t.app.services.store.onCommit(async () => Promise.reject(new Error('second hook rejected')));
    t.app.services.store.onCommit(({ deploymentId }) => void seen.push(deploymentId));

    const { createDeployment } = await t.ok(CreateDeploymentDocument, {
      input: { operatorName: 'alpha', targetVersion: 'v1.0.0', strategy: 'DIRECT', targetClusters: ['dev-1'] },
    });
    expect(seen).toEqual([createDeployment.id]);
    const warnings = lines.filter((l) => l.level === 'warn' && l.deploymentId === createDeployment.id);
    expect(warnings.map((l) => (l.err as { message?: string } | undefined)?.message)).toEqual(['replica bridge is down', 'second hook rejected']);
    expect(warnings[0]!.msg).toMatch(/after-commit hook failed/);
  });
});
