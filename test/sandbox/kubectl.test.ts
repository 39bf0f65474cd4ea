// Fidelity: a real kubectl 1.20 (unpacked by .ci/kubectl.sh) against a sandbox cluster.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.ts';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const kubectlPath = join(root, '.tmp/kubectl/usr/bin/kubectl');
const kubectl = existsSync(kubectlPath) ? kubectlPath : undefined;
const bundle = resolve(root, '../shared/corpus/prometheus-operator/v0.75.0/bundle.yaml');
const reason = kubectl ? '' : 'skipped: kubectl not unpacked, run .ci/kubectl.sh — ';

describe('kubectl 1.20 against a sandbox cluster', () => {
  let fleet: Sandbox;
  let kubeconfig: string;
  const k = async (...args: string[]) => {
    const { stdout } = await run(kubectl!, ['--kubeconfig', kubeconfig, ...args], { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, HOME: tmpdir() } });
    return stdout;
  };

  beforeAll(async () => {
    if (!kubectl) return;
    fleet = await startSandbox({ clusters: [{ name: 'kubectl' }], outDir: mkdtempSync(join(tmpdir(), 'sandbox-kubectl-')), podReadyDelayMs: 200 });
    kubeconfig = fleet.cluster('kubectl').kubeconfigPath!;
  });
  afterAll(() => fleet?.stop());

  it.skipIf(!kubectl)(`${reason}applies the prometheus-operator bundle server-side, lists it, waits for the rollout and deletes it`, async () => {
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
  });

  it.skipIf(!kubectl)(`${reason}creates, waits for and describes objects with kubectl create, wait and get -o json`, async () => {
    await k('create', 'namespace', 'team-a');
    await k('create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=2', '-n', 'team-a');
    const waited = await k('wait', '--for=condition=Available', 'deploy/web', '-n', 'team-a', '--timeout=30s');
    expect(waited).toContain('deployment.apps/web condition met');
    const pods = JSON.parse(await k('get', 'pods', '-n', 'team-a', '-l', 'app=web', '-o', 'json'));
    expect(pods.items).toHaveLength(2);
    expect(await k('get', 'pods', '-n', 'team-a')).toMatch(/web-\w+-\w+\s+1\/1\s+Running\s+0\s/);
    const nodes = await k('get', 'nodes');
    expect(nodes).toMatch(/kubectl-node-1\s+Ready\s+<none>\s+\S+\s+v1\.30\.2/);
    await k('delete', 'namespace', 'team-a');
    expect(await k('get', 'ns', '-o', 'name')).not.toContain('team-a');
  });
});
