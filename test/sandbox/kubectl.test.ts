// Fidelity: a real kubectl 1.20 (unpacked by .ci/kubectl.sh) against a sandbox cluster.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { corpus, corpusTitle } from '../helpers/corpus.ts';
import { writeInflatedBundles, type WrittenBundles } from '../helpers/operators.ts';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const kubectlPath = join(root, '.tmp/kubectl/usr/bin/kubectl');
const kubectl = existsSync(kubectlPath) ? kubectlPath : undefined;
const bundle = corpus.path('prometheus-operator/v0.75.0/bundle.yaml');
const reason = kubectl ? '' : 'skipped: kubectl not unpacked, run .ci/kubectl.sh — ';

describe('kubectl 1.20 against a sandbox cluster', () => {
  let fleet: Sandbox;
  let kubeconfig: string;
  let telemetry: WrittenBundles | undefined;
  const kubectlOn = async (config: string, ...args: string[]) => {
    const { stdout } = await run(kubectl!, ['--kubeconfig', config, ...args], { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, HOME: tmpdir() } });
    return stdout;
  };
  const k = (...args: string[]) => kubectlOn(kubeconfig, ...args);

  beforeAll(async () => {
    if (!kubectl) return;
    // "fixtures" is a cluster of its own for the project's telemetry operator.
    fleet = await startSandbox({
      clusters: [{ name: 'kubectl' }, { name: 'fixtures' }],
      outDir: mkdtempSync(join(tmpdir(), 'sandbox-kubectl-')),
      podReadyDelayMs: 200,
    });
    kubeconfig = fleet.cluster('kubectl').kubeconfigPath!;
  });
  afterAll(async () => {
    telemetry?.remove();
    await fleet?.stop();
  });

  it.skipIf(!kubectl)(
    `${reason}applies the project's telemetry operator (a CRD over 1 MB) server-side, lists it, waits for the rollout and deletes it`,
    async () => {
      telemetry = writeInflatedBundles('telemetry', ['v1.0.0']);
      const file = join(telemetry.dir, 'v1.0.0.yaml');
      const kf = (...args: string[]) => kubectlOn(fleet.cluster('fixtures').kubeconfigPath!, ...args);
      const applied = await kf('apply', '--server-side', '--validate=false', '-f', file);
      expect(applied).toContain('customresourcedefinition.apiextensions.k8s.io/collectors.telemetry.example.com serverside-applied');
      expect(applied).toContain('deployment.apps/telemetry-operator serverside-applied');
      expect(applied.trim().split('\n')).toHaveLength(10);

      const crds = await kf('get', 'crd');
      expect(crds.split('\n')[0]).toMatch(/^NAME\s+CREATED AT$/);
      expect(crds).toMatch(/^servicetargets\.telemetry\.example\.com\s+\d{4}-\d\d-\d\dT/m);
      expect(crds.trim().split('\n')).toHaveLength(6);

      const deploys = await kf('get', 'deploy', '-A');
      expect(deploys.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/);
      expect(deploys).toMatch(/^default\s+telemetry-operator\s+[01]\/1\s/m);

      const rollout = await kf('rollout', 'status', 'deploy/telemetry-operator', '-n', 'default', '--timeout=30s');
      expect(rollout).toContain('deployment "telemetry-operator" successfully rolled out');
      expect(await kf('get', 'deploy', 'telemetry-operator', '-n', 'default')).toMatch(/telemetry-operator\s+1\/1\s+1\s+1\s/);

      const reapplied = await kf('apply', '--server-side', '--validate=false', '-f', file);
      expect(reapplied).toContain('serverside-applied');

      const gone = await kf('delete', '-f', file);
      expect(gone).toContain('customresourcedefinition.apiextensions.k8s.io "collectors.telemetry.example.com" deleted');
      expect(gone).toContain('deployment.apps "telemetry-operator" deleted');
      expect((await kf('get', 'crd')).trim()).toBe('');
      const pods = await kf('get', 'pods', '-n', 'default', '-o', 'name');
      expect(pods.trim()).toBe('');
    },
  );

  it.skipIf(!kubectl || !corpus.present)(
    corpusTitle(`${reason}applies the prometheus-operator bundle server-side, lists it, waits for the rollout and deletes it`),
    async () => {
      const applied = await k('apply', '--server-side', '--validate=false', '-f', bundle);
      expect(applied).toContain('customresourcedefinition.apiextensions.k8s.io/prometheuses.monitoring.coreos.com serverside-applied');
      expect(applied).toContain('deployment.apps/prometheus-operator serverside-applied');
      expect(applied.trim().split('\n')).toHaveLength(15);

      const crds = await k('get', 'crd');
      expect(crds.split('\n')[0]).toMatch(/^NAME\s+CREATED AT$/);
      expect(crds).toMatch(/^servicemonitors\.monitoring\.coreos\.com\s+\d{4}-\d\d-\d\dT/m);
      expect(crds.trim().split('\n')).toHaveLength(11);

      const deploys = await k('get', 'deploy', '-A');
      expect(deploys.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/);
      expect(deploys).toMatch(/^default\s+prometheus-operator\s+[01]\/1\s/m);

      const rollout = await k('rollout', 'status', 'deploy/prometheus-operator', '-n', 'default', '--timeout=30s');
      expect(rollout).toContain('deployment "prometheus-operator" successfully rolled out');
      expect(await k('get', 'deploy', 'prometheus-operator', '-n', 'default')).toMatch(/prometheus-operator\s+1\/1\s+1\s+1\s/);

      const reapplied = await k('apply', '--server-side', '--validate=false', '-f', bundle);
      expect(reapplied).toContain('serverside-applied');

      const gone = await k('delete', '-f', bundle);
      expect(gone).toContain('customresourcedefinition.apiextensions.k8s.io "prometheuses.monitoring.coreos.com" deleted');
      expect(gone).toContain('deployment.apps "prometheus-operator" deleted');
      expect((await k('get', 'crd')).trim()).toBe('');
      const pods = await k('get', 'pods', '-n', 'default', '-o', 'name');
      expect(pods.trim()).toBe('');
    },
  );

  it.skipIf(!kubectl)(`${reason}applies client-side, changes the image, waits for conditions and lists pods, endpoints and nodes`, async () => {
    const manifest = join(mkdtempSync(join(tmpdir(), 'sandbox-app-')), 'app.yaml');
    const app = (replicas: number) =>
      [
        'apiVersion: v1\nkind: Namespace\nmetadata: {name: team-a}',
        `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: team-a}\nspec:\n  replicas: ${replicas}\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: web, image: 'nginx:1.25', ports: [{containerPort: 80, name: http}]}]`,
        'apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: team-a}\nspec: {selector: {app: web}, ports: [{port: 80, targetPort: http}]}',
      ].join('\n---\n');
    writeFileSync(manifest, app(3));
    expect(await k('apply', '--validate=false', '-f', manifest)).toMatch(/namespace\/team-a created\ndeployment.apps\/web created\nservice\/web created/);
    writeFileSync(manifest, app(2));
    expect(await k('apply', '--validate=false', '-f', manifest)).toMatch(
      /namespace\/team-a unchanged\ndeployment.apps\/web configured\nservice\/web unchanged/,
    );
    await k('set', 'image', 'deploy/web', '-n', 'team-a', 'web=nginx:1.27');
    expect(await k('rollout', 'status', 'deploy/web', '-n', 'team-a', '--timeout=30s')).toContain('successfully rolled out');
    const waited = await k('wait', '--for=condition=Available', 'deploy/web', '-n', 'team-a', '--timeout=30s');
    expect(waited).toContain('deployment.apps/web condition met');
    expect(await k('get', 'endpoints', 'web', '-n', 'team-a')).toMatch(/web\s+10\.244\.\d+\.\d+:80,10\.244\.\d+\.\d+:80\s/);
    const pods = JSON.parse(await k('get', 'pods', '-n', 'team-a', '-l', 'app=web', '-o', 'json'));
    expect(pods.items).toHaveLength(2);
    expect(await k('get', 'pods', '-n', 'team-a')).toMatch(/web-\w+-\w+\s+1\/1\s+Running\s+0\s/);
    const nodes = await k('get', 'nodes');
    expect(nodes).toMatch(/kubectl-node-1\s+Ready\s+<none>\s+\S+\s+v1\.30\.2/);
    await k('delete', 'namespace', 'team-a');
    expect(await k('get', 'ns', '-o', 'name')).not.toContain('team-a');
  });
});
