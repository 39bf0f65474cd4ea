// `npm run sandbox -- --clusters dev-1:DEVELOPMENT,prod-1:PRODUCTION:latency=50ms,errorRate=0.05 --out .sandbox`
// Starts a simulated fleet, writes a kubeconfig per cluster and runs until stopped.
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Environment } from './cluster.ts';
import { formatFaults, parseDuration, parseFaults } from './faults.ts';
import { startSandbox, type SandboxClusterOptions } from './index.ts';

const USAGE = `Usage: npm run sandbox -- --clusters <spec> [options]

  --clusters <spec>     comma-separated name[:ENVIRONMENT][:faults], e.g.
                        dev-1:DEVELOPMENT,staging-1:STAGING,prod-1:PRODUCTION:latency=50ms,errorRate=0.05
                        (faults: latency=<duration>, errorRate=<0..1>, timeoutRate=<0..1>,
                        hold=<duration>, spikeRate=<0..1>, spike=<duration>, unreachable)
  --out <dir>           where <name>.kubeconfig files are written (default .sandbox)
  --port <base>         cluster i listens on base+i (default: free ports)
  --admin-port <port>   port of the fleet admin server (default: a free port)
  --insecure            plain HTTP instead of HTTPS (kubeconfigs skip TLS verification)
  --nodes <n>           simulated nodes per cluster (default 3)
  --kubernetes-version  version the clusters report (default v1.30.2)
  --pod-ready-delay     time from pod creation to Ready (default 300ms)
  --seed <n>            seed of the fault draws (the same seed replays the same draws)
`;

const ENVIRONMENTS = new Set<Environment>(['DEVELOPMENT', 'STAGING', 'PRODUCTION']);
const FAULT_WORDS = /^(unreachable|down)$/i;

/** Splits the --clusters spec; fault lists contain commas too, so a part without ':' that is a fault continues the previous cluster. */
export function parseClusterSpec(spec: string, defaults: Partial<SandboxClusterOptions> = {}): SandboxClusterOptions[] {
  const groups: string[] = [];
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const continuesFaults = !part.includes(':') && (part.includes('=') || FAULT_WORDS.test(part)) && groups.length > 0;
    if (continuesFaults) groups[groups.length - 1] += `,${part}`;
    else groups.push(part);
  }
  return groups.map((group) => {
    const [name, ...rest] = group.split(':');
    const cluster: SandboxClusterOptions = { ...defaults, name: name! };
    const maybeEnv = rest[0]?.toUpperCase();
    if (maybeEnv && ENVIRONMENTS.has(maybeEnv as Environment)) {
      cluster.environment = maybeEnv as Environment;
      rest.shift();
    }
    if (rest.length > 0) {
      const { downForMs: _ignored, seed, ...faults } = parseFaults(rest.join(':'));
      cluster.faults = faults;
      if (seed !== undefined) cluster.seed = seed;
    }
    return cluster;
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      clusters: { type: 'string' },
      out: { type: 'string', default: '.sandbox' },
      port: { type: 'string' },
      'admin-port': { type: 'string' },
      insecure: { type: 'boolean', default: false },
      nodes: { type: 'string' },
      'kubernetes-version': { type: 'string' },
      'pod-ready-delay': { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || !values.clusters) {
    process.stdout.write(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const defaults: Partial<SandboxClusterOptions> = {};
  if (values.nodes) defaults.nodes = Number(values.nodes);
  if (values['kubernetes-version']) defaults.kubernetesVersion = values['kubernetes-version'];
  const outDir = resolve(values.out!);
  const fleet = await startSandbox({
    clusters: parseClusterSpec(values.clusters, defaults),
    outDir,
    tls: !values.insecure,
    adminPort: values['admin-port'] ? Number(values['admin-port']) : 0,
    ...(values.port ? { portBase: Number(values.port) } : {}),
    ...(values['pod-ready-delay'] ? { podReadyDelayMs: parseDuration(values['pod-ready-delay']) } : {}),
    ...(values.seed ? { seed: parseFaults(`seed=${values.seed}`).seed! } : {}),
  });
  await writeFile(
    join(outDir, 'fleet.json'),
    JSON.stringify(
      {
        adminUrl: fleet.adminUrl,
        clusters: fleet.clusters.map((c) => ({ name: c.name, environment: c.environment, url: c.url, kubeconfig: c.kubeconfigPath })),
      },
      null,
      2,
    ),
  );
  for (const c of fleet.clusters) {
    console.log(`ready  ${c.name.padEnd(14)} ${c.environment.padEnd(12)} ${c.url.padEnd(26)} kubeconfig=${c.kubeconfigPath}  faults=${formatFaults(c.faults)}`);
  }
  console.log(`admin  ${fleet.adminUrl}  (POST /clusters/<name>/faults with the cluster's token; see src/sandbox/README.md)`);
  console.log(`try    kubectl --kubeconfig ${fleet.clusters[0]!.kubeconfigPath} get nodes`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping the sandbox fleet`);
    await fleet.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => {
    console.error(`sandbox: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
