// Apply benchmark: the prometheus-operator v0.80.0 bundle (15 objects, 10 CRDs of up to
// 450 KB) server-side applied to N fresh sandbox clusters at once, every API request
// delayed by a simulated network latency. Prints wall time, bytes sent (as the sandbox
// servers counted them), peak RSS, and the ratio of wall time to the ideal.
//
//   npm run bench:apply [-- --clusters 1,10,50 --latency 20 --concurrency 8 --runs 3 --separate-process]
//
// The ideal is what the plan itself forces at that latency: stages run one after another
// and the objects of a stage in parallel up to the concurrency, so
//   ideal = latency × (Σ over stages ⌈objects / concurrency⌉ + Established-wait round trips),
// where the wait costs nothing when the apply answers already show the CRDs Established
// (the sandbox establishes synchronously, as a fast real API server does) and one round
// trip of GETs otherwise. Everything else — discovery, the pre-apply listing of what the
// operator owns, the namespace check, and CPU time on both sides — is overhead the ratio shows.
// Median of `runs` for N ≤ 10; one run above (a fresh fleet per run: every run is an install).

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { applyManifests, type ApplyManifestsResult } from '../src/kube/apply/executor.ts';
import { planApply } from '../src/kube/apply/plan.ts';
import { KubeClient } from '../src/kube/client.ts';
import { startSandbox } from '../src/sandbox/index.ts';
import { startSandboxProcess } from './sandbox-process.ts';
import { parseManifests } from '../src/sources/yaml.ts';
import path from 'node:path';
import { requireCorpus } from '../test/helpers/corpus.ts';
import { median } from './report.ts';

const { values: args } = parseArgs({
  options: {
    clusters: { type: 'string', default: '1,10,50' },
    latency: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '8' },
    runs: { type: 'string', default: '3' },
    'separate-process': { type: 'boolean', default: false },
  },
});
const fleetSizes = args.clusters.split(',').map(Number);
const latencyMs = Number(args.latency);
const concurrency = Number(args.concurrency);
const runsWanted = Number(args.runs);

// The corpus is read in place (CORPUS_DIR, default ../shared/corpus beside the project root).
const bundlePath = path.join(requireCorpus('bench:apply'), 'prometheus-operator/v0.80.0/bundle.yaml');
const objects = parseManifests(readFileSync(bundlePath, 'utf8'));
const applyOptions = { operatorName: 'prometheus-operator', revision: 1, namespace: 'monitoring', concurrency };

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 100);

/** Round trips the plan forces (see the file comment); the sandbox answers CRDs already Established. */
function idealRoundTrips(establishedInAnswer: boolean): { roundTrips: number; detail: string } {
  const plan = planApply(objects, applyOptions);
  const perStage = plan.stages.map((s) => ({ name: s.name, n: s.objects.length, trips: Math.ceil(s.objects.length / concurrency) }));
  const wait = plan.stages.some((s) => s.waitForEstablished) && !establishedInAnswer ? 1 : 0;
  const roundTrips = perStage.reduce((sum, s) => sum + s.trips, 0) + wait;
  const detail = `${perStage.map((s) => `${s.name} ${s.n}→${s.trips}`).join(' + ')}${wait ? ' + Established wait 1' : ''}`;
  return { roundTrips, detail };
}

interface RunResult {
  wallMs: number;
  /** CPU time (user + system) of this process during the apply. */
  cpuMs: number;
  bytesSent: number;
  requests: number;
  retries: number;
  failures: string[];
  establishedPolls: number;
}

interface SandboxStats {
  requests: number;
  bytesReceived: number;
}

/** A fleet of N clusters; its request counters read through the fleet admin server or directly. */
interface BenchFleet {
  clusters: Array<{ name: string; kubeconfig: string }>;
  stats(): Promise<SandboxStats[]>;
  stop(): Promise<void>;
}

const clusterNames = (n: number) => Array.from({ length: n }, (_, i) => `bench-${i + 1}`);

/**
 * The fleet in a child process (--separate-process): the RSS printed is then the
 * product's alone. On this 2-core machine it is not faster: the sandbox's single event
 * loop does all servers' work (parsing, validating and merging 2 MB per cluster).
 */
async function childFleet(n: number, latency: number): Promise<BenchFleet> {
  const fleet = await startSandboxProcess(
    clusterNames(n)
      .map((name) => (latency > 0 ? `${name}:latency=${latency}ms` : name))
      .join(','),
  );
  return {
    clusters: fleet.clusters,
    async stats() {
      const res = await fleet.admin('/clusters', fleet.clusters[0]!.kubeconfig);
      return ((await res.json()) as Array<{ stats: SandboxStats }>).map((c) => c.stats);
    },
    stop: () => fleet.stop(),
  };
}

/** The fleet in this process (default): client and servers share the process and its two cores. */
async function inProcessFleet(n: number, latency: number): Promise<BenchFleet> {
  const fleet = await startSandbox({ clusters: clusterNames(n).map((name) => ({ name, faults: { latencyMs: latency }, nodes: 1 })), podReadyDelayMs: 50 });
  return {
    clusters: fleet.clusters.map((c) => ({ name: c.name, kubeconfig: c.kubeconfig })),
    stats: async () => fleet.clusters.map((c) => ({ ...c.stats })),
    stop: () => fleet.stop(),
  };
}

async function run(n: number, latency = latencyMs): Promise<RunResult> {
  const fleet = await (args['separate-process'] ? childFleet(n, latency) : inProcessFleet(n, latency));
  const clients = await Promise.all(fleet.clusters.map((c) => KubeClient.fromKubeconfig(c.name, c.kubeconfig)));
  try {
    const before = await fleet.stats();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    // Fan-out never fails as a whole: one result per cluster.
    const settled = await Promise.allSettled(clients.map((client) => applyManifests(client, objects, applyOptions)));
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const after = await fleet.stats();
    const results = settled.map((s) => (s.status === 'fulfilled' ? s.value : undefined));
    const failures = settled.flatMap((s, i) => {
      const error = s.status === 'rejected' ? s.reason : (s.value as ApplyManifestsResult).error;
      return error ? [`${fleet.clusters[i]!.name}: ${(error as Error).message}`] : [];
    });
    const delta = (key: keyof SandboxStats) => after.reduce((sum, s, i) => sum + s[key] - (before[i]?.[key] ?? 0), 0);
    return {
      wallMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      bytesSent: delta('bytesReceived'),
      requests: delta('requests'),
      retries: results.reduce((sum, r) => sum + (r?.stats.retries ?? 0), 0),
      establishedPolls: Math.max(0, ...results.map((r) => r?.stats.establishedPolls ?? 0)),
      failures,
    };
  } finally {
    for (const client of clients) client.close();
    await fleet.stop();
  }
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

console.log(
  `prometheus-operator v0.80.0: ${objects.length} objects, ${mb(Buffer.byteLength(JSON.stringify(objects)))} as JSON; latency ${latencyMs} ms; concurrency ${concurrency}`,
);
const header = ['clusters', 'runs', 'wall (median)', 'ideal', 'ratio', 'floor @0 ms', 'CPU', 'requests/cluster', 'retries', 'bytes sent', 'peak RSS'];
const rows: string[][] = [];
for (const n of fleetSizes) {
  const runs = n <= 10 ? runsWanted : 1;
  peakRss = 0;
  const results: RunResult[] = [];
  for (let i = 0; i < runs; i++) results.push(await run(n));
  const rss = peakRss;
  const floor = await run(n, 0);
  const failures = results.flatMap((r) => r.failures);
  if (failures.length > 0) console.log(`N=${n}: ${failures.length} cluster applies failed:\n  ${failures.slice(0, 5).join('\n  ')}`);
  const ideal = idealRoundTrips(results.every((r) => r.establishedPolls === 0));
  const idealMs = ideal.roundTrips * latencyMs;
  const wall = median(results.map((r) => r.wallMs));
  if (n === fleetSizes[0]) console.log(`ideal: ${ideal.roundTrips} round trips (${ideal.detail}) × ${latencyMs} ms = ${idealMs} ms`);
  rows.push([
    String(n),
    String(runs),
    `${Math.round(wall)} ms`,
    `${idealMs} ms`,
    `${(wall / idealMs).toFixed(2)}`,
    `${Math.round(floor.wallMs)} ms`,
    `${Math.round(median(results.map((r) => r.cpuMs)))} ms`,
    String(Math.round(median(results.map((r) => r.requests)) / n)),
    String(median(results.map((r) => r.retries))),
    mb(median(results.map((r) => r.bytesSent))),
    mb(rss),
  ]);
}
clearInterval(sampler);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
console.log(line(header));
for (const r of rows) console.log(line(r));
console.log(
  `floor @0 ms: the same apply without simulated latency (one run): the CPU time of client and sandbox servers${args['separate-process'] ? '' : ', which share this process'};\n` +
    `CPU, peak RSS: this process${args['separate-process'] ? ' (the sandbox runs in a child process)' : ', sandbox servers included (--separate-process for the client alone)'}.`,
);
