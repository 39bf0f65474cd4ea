// Fidelity: a real kubectl 1.20 (unpacked by .ci/kubectl.sh) against a sandbox cluster.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { corpus } from '../helpers/corpus.ts';
import { writeInflatedBundles } from '../helpers/operators.ts';
import { itSources, type SourceCase } from '../helpers/sources.ts';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const kubectlPath = join(root, '.tmp/kubectl/usr/bin/kubectl');
const kubectl = existsSync(kubectlPath) ? kubectlPath : undefined;
const reason = kubectl ? '' : 'skipped: kubectl not unpacked, run .ci/kubectl.sh — ';

interface Bundle extends SourceCase {
  /** The bundle as a file kubectl reads, and how to remove it afterwards. */
  bundle: () => { path: string; remove: () => void };
  /** The sandbox cluster it is applied to, its own. */
  cluster: string;
  /** The operator: the name of its Deployment. */
  operator: string;
  objects: number;
  crds: number;
  /** A CRD kubectl reports applied and deleted. */
  crd: string;
  /** A CRD `kubectl get crd` lists. */
  listed: string;
}

const bundles: Bundle[] = [
  {
    name: 'the prometheus-operator bundle',
    corpus: true,
    bundle: () => ({ path: corpus.path('prometheus-operator/v0.75.0/bundle.yaml'), remove: () => {} }),
    cluster: 'prometheus',
    operator: 'prometheus-operator',
    objects: 15,
    crds: 10,
    crd: 'prometheuses.monitoring.coreos.com',
    listed: 'servicemonitors.monitoring.coreos.com',
  },
  {
    name: "the project's telemetry operator (a CRD over 1 MB)",
    corpus: false,
    bundle: () => {
      const written = writeInflatedBundles('telemetry', ['v1.0.0']);
      return { path: join(written.dir, 'v1.0.0.yaml'), remove: written.remove };
    },
    cluster: 'telemetry',
    operator: 'telemetry-operator',
    objects: 10,
    crds: 5,
    crd: 'collectors.telemetry.example.com',
    listed: 'servicetargets.telemetry.example.com',
  },
];

describe('kubectl 1.20 against a sandbox cluster', () => {
  let fleet: Sandbox;
  let kubeconfig: string;
  const kubectlOn = async (config: string, ...args: string[]) => {
    const { stdout } = await run(kubectl!, ['--kubeconfig', config, ...args], { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, HOME: tmpdir() } });
    return stdout;
  };
  const k = (...args: string[]) => kubectlOn(kubeconfig, ...args);

  beforeAll(async () => {
    if (!kubectl) return;
    // Each bundle is applied to a cluster of its own.
    fleet = await startSandbox({
      clusters: [{ name: 'kubectl' }, ...bundles.map((c) => ({ name: c.cluster }))],
      outDir: mkdtempSync(join(tmpdir(), 'sandbox-kubectl-')),
      podReadyDelayMs: 200,
    });
    kubeconfig = fleet.cluster('kubectl').kubeconfigPath!;
  });
  afterAll(async () => {
    await fleet?.stop();
  });

  itSources(
    bundles,
    (c) => `${reason}applies ${c.name} server-side, lists it, waits for the rollout and deletes it`,
    async (c) => {
      const bundle = c.bundle();
      const kc = (...args: string[]) => kubectlOn(fleet.cluster(c.cluster).kubeconfigPath!, ...args);
      try {
        const applied = await kc('apply', '--server-side', '--validate=false', '-f', bundle.path);
        expect(applied).toContain(`customresourcedefinition.apiextensions.k8s.io/${c.crd} serverside-applied`);
        expect(applied).toContain(`deployment.apps/${c.operator} serverside-applied`);
        expect(applied.trim().split('\n')).toHaveLength(c.objects);

        const crds = await kc('get', 'crd');
        expect(crds.split('\n')[0]).toMatch(/^NAME\s+CREATED AT$/);
        expect(crds).toMatch(new RegExp(`^${c.listed.replaceAll('.', '\\.')}\\s+\\d{4}-\\d\\d-\\d\\dT`, 'm'));
        expect(crds.trim().split('\n')).toHaveLength(c.crds + 1);

        const deploys = await kc('get', 'deploy', '-A');
        expect(deploys.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/);
        expect(deploys).toMatch(new RegExp(`^default\\s+${c.operator}\\s+[01]/1\\s`, 'm'));

        const rollout = await kc('rollout', 'status', `deploy/${c.operator}`, '-n', 'default', '--timeout=30s');
        expect(rollout).toContain(`deployment "${c.operator}" successfully rolled out`);
        expect(await kc('get', 'deploy', c.operator, '-n', 'default')).toMatch(new RegExp(`${c.operator}\\s+1/1\\s+1\\s+1\\s`));

        const reapplied = await kc('apply', '--server-side', '--validate=false', '-f', bundle.path);
        expect(reapplied).toContain('serverside-applied');

        const gone = await kc('delete', '-f', bundle.path);
        expect(gone).toContain(`customresourcedefinition.apiextensions.k8s.io "${c.crd}" deleted`);
        expect(gone).toContain(`deployment.apps "${c.operator}" deleted`);
        expect((await kc('get', 'crd')).trim()).toBe('');
        const pods = await kc('get', 'pods', '-n', 'default', '-o', 'name');
        expect(pods.trim()).toBe('');
      } finally {
        bundle.remove();
      }
    },
    { skip: !kubectl },
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
