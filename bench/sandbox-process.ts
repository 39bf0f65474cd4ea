// A sandbox fleet in a child process (`npm run sandbox`), for benchmarks that measure the
// product alone: its clusters' kubeconfigs, the fleet admin server, and a clean stop.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface SandboxProcess {
  child: ChildProcess;
  clusters: Array<{ name: string; kubeconfig: string }>;
  /** A request to the fleet admin server, authenticated with a cluster's own bearer token. */
  admin(route: string, kubeconfig: string, body?: unknown): Promise<Response>;
  stop(): Promise<void>;
}

/** Starts `npm run sandbox -- --clusters <spec>` with one node per cluster and fast pods. */
export async function startSandboxProcess(spec: string): Promise<SandboxProcess> {
  const out = mkdtempSync(path.join(tmpdir(), 'bench-sandbox-'));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/sandbox/cli.ts', '--clusters', spec, '--out', out, '--nodes', '1', '--pod-ready-delay', '50ms'],
    {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (/^admin /m.test(text)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
  });
  const fleet = JSON.parse(readFileSync(path.join(out, 'fleet.json'), 'utf8')) as { adminUrl: string; clusters: Array<{ name: string; kubeconfig: string }> };
  const clusters = fleet.clusters.map((c) => ({ name: c.name, kubeconfig: readFileSync(c.kubeconfig, 'utf8') }));
  const tokenOf = (kubeconfig: string) => /token: (\S+)/.exec(kubeconfig)![1]!;
  return {
    child,
    clusters,
    admin: (route, kubeconfig, body) =>
      fetch(`${fleet.adminUrl}${route}`, {
        method: body ? 'POST' : 'GET',
        headers: { authorization: `Bearer ${tokenOf(kubeconfig)}` },
        ...(body ? { body: JSON.stringify(body) } : {}),
      }),
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(out, { recursive: true, force: true });
    },
  };
}
