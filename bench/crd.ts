// CRD-compatibility benchmark: prometheus-operator v0.75.0 → v0.80.0 against N existing
// custom resources in one cluster (default 10,000 ServiceMonitors, PodMonitors and
// PrometheusRules). Prints wall time, objects/s, peak RSS of the checking process and the
// ratio to the 5 s budget for 10,000 objects (docs/benchmarks.md); median of 3 runs.
//
//   npm run bench:crd [-- --objects 10000 --page 500 --runs 3 --source sandbox|memory --clusters 1 --concurrency N]
//
// --source sandbox (default): a sandbox cluster in a child process (so its store does not
//   count in the RSS measured here) holds the v0.75.0 CRDs and N objects, written straight
//   into its store; each run is the product's real cluster check through the kube layer:
//   read the live CRDs over HTTPS, list the custom resources in pages (limit/continue),
//   check them (src/services/crd-check.ts, the code behind validateCrdCompatibility).
//   --clusters N: N sandbox clusters of N × --objects objects in that child, checked by one
//   call as planning checks a deployment's clusters (--concurrency at a time; default: the
//   product's). Besides wall time it prints the CPU of this process (the product) and of the
//   sandbox child (the simulated API servers serialising the lists), which share the machine.
// --source memory: the pure check over an in-memory generator that never holds more than
//   one page (no HTTP, no JSON decoding).

import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { crdsOf } from '../src/kube/types.ts';
import { parseManifests } from '../src/sources/yaml.ts';
import { checkCluster, type ClusterSource } from '../src/crd/objects/cluster.ts';
import { buildReport, type CrdCompatibilityReport } from '../src/crd/objects/report.ts';
import { KubeClients } from '../src/kube/client-registry.ts';
import type { KubeObject } from '../src/kube/types.ts';
import { startSandbox } from '../src/sandbox/index.ts';
import { checkCrdCompatibility } from '../src/services/crd-check.ts';
import { requireCorpus } from '../test/helpers/corpus.ts';
import { median, processUsage } from './report.ts';

const BUDGET_MS = 5_000;
// The corpus is read in place (CORPUS_DIR, default ../shared/corpus beside the project root).
const corpus = path.join(requireCorpus('bench:crd'), 'prometheus-operator');

/** Where the existing custom resources come from: given a live CRD, its objects in pages. */
export type ObjectSourceFactory = (liveCrd: KubeObject) => AsyncIterable<KubeObject[]>;

const { values: args } = parseArgs({
  options: {
    objects: { type: 'string', default: '10000' },
    page: { type: 'string', default: '500' },
    runs: { type: 'string', default: '3' },
    source: { type: 'string', default: 'sandbox' },
    serve: { type: 'boolean', default: false },
    clusters: { type: 'string', default: '1' },
    concurrency: { type: 'string' },
  },
});
const clusterCount = Number(args.clusters);
if (!(clusterCount >= 1)) throw new Error(`--clusters: a number ≥ 1, not ${args.clusters}`);
const clusterNames = Array.from({ length: clusterCount }, (_, i) => (clusterCount === 1 ? 'bench' : `bench-${i + 1}`));
const total = Number(args.objects);
const pageSize = Number(args.page);
const runs = Number(args.runs);
if (!['sandbox', 'memory'].includes(args.source!)) throw new Error(`--source must be sandbox or memory (got ${args.source})`);

let peakRss = 0;
let peakHeap = 0;
const sampleRss = () => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
};

// ---------------------------------------------------------------- generated objects
const SHARE: Record<string, number> = { ServiceMonitor: 0.5, PodMonitor: 0.3, PrometheusRule: 0.2 };
const teams = ['payments', 'search', 'checkout', 'identity', 'data', 'platform', 'mobile', 'ads'];

function serviceMonitor(i: number): KubeObject {
  const ns = teams[i % teams.length]!;
  // One in 200 is a placeholder without endpoints, which v0.80.0 rejects (endpoints became required).
  const endpoints =
    i % 200 === 7
      ? undefined
      : [
          {
            port: 'metrics',
            interval: `${15 + (i % 4) * 15}s`,
            path: '/metrics',
            honorLabels: i % 3 === 0,
            relabelings: [{ action: 'replace', sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'node' }],
            metricRelabelings: [{ action: 'drop', sourceLabels: ['__name__'], regex: `go_gc_.*|process_${i % 7}_.*` }],
          },
          ...(i % 5 === 0 ? [{ port: 'admin', scheme: 'https', tlsConfig: { insecureSkipVerify: true }, interval: '60s' }] : []),
        ];
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name: `svc-${i}`, namespace: ns, labels: { team: ns, release: 'kube-prometheus' }, resourceVersion: String(1000 + i), uid: `uid-sm-${i}` },
    spec: {
      selector: { matchLabels: { app: `svc-${i}` } },
      namespaceSelector: { matchNames: [ns] },
      jobLabel: 'app',
      ...(endpoints ? { endpoints } : {}),
      targetLabels: ['team'],
      sampleLimit: 10_000 + i,
    },
  };
}

function podMonitor(i: number): KubeObject {
  const ns = teams[(i + 3) % teams.length]!;
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PodMonitor',
    metadata: { name: `pods-${i}`, namespace: ns, labels: { team: ns }, resourceVersion: String(2000 + i), uid: `uid-pm-${i}` },
    spec: {
      selector: { matchExpressions: [{ key: 'app', operator: 'In', values: [`worker-${i}`, `worker-${i}-canary`] }] },
      podMetricsEndpoints: [
        { port: 'metrics', interval: '30s', relabelings: [{ action: 'keep', sourceLabels: ['__meta_kubernetes_pod_phase'], regex: 'Running' }] },
      ],
      podTargetLabels: ['queue'],
    },
  };
}

function prometheusRule(i: number): KubeObject {
  const ns = teams[(i + 5) % teams.length]!;
  const rules = Array.from({ length: 4 + (i % 6) }, (_, r) =>
    r % 2 === 0
      ? {
          alert: `HighErrorRate${r}`,
          expr: `sum(rate(http_requests_total{job="svc-${i}",code=~"5.."}[5m])) > ${r + 1}`,
          for: '10m',
          labels: { severity: r % 4 === 0 ? 'critical' : 'warning' },
          annotations: { summary: `Errors on svc-${i}`, runbook_url: `https://runbooks.example.com/${i}` },
        }
      : { record: `job:svc_${i}_requests:rate5m_${r}`, expr: `sum by (job) (rate(http_requests_total{job="svc-${i}"}[5m]))` },
  );
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: `rules-${i}`, namespace: ns, labels: { prometheus: 'k8s', role: 'alert-rules' }, resourceVersion: String(3000 + i), uid: `uid-pr-${i}` },
    spec: { groups: [{ name: `svc-${i}.rules`, interval: '1m', rules }] },
  };
}

const GENERATORS: Record<string, (i: number) => KubeObject> = { ServiceMonitor: serviceMonitor, PodMonitor: podMonitor, PrometheusRule: prometheusRule };

/** Generates the objects of each kind page by page; only the current page exists in memory. */
export function generatedSource(totalObjects: number, size: number): ObjectSourceFactory {
  return (liveCrd) => {
    const kind = String(liveCrd.spec?.names?.kind);
    const make = GENERATORS[kind];
    const count = make ? Math.round(totalObjects * SHARE[kind]!) : 0;
    return {
      async *[Symbol.asyncIterator]() {
        for (let start = 0; start < count; start += size) {
          sampleRss();
          const page: KubeObject[] = [];
          for (let i = start; i < Math.min(count, start + size); i++) page.push(make!(i));
          yield page;
          await new Promise((r) => setImmediate(r)); // like a network round trip between pages
        }
      },
    };
  };
}

// ---------------------------------------------------------------- run
function loadCrds(version: string): KubeObject[] {
  return crdsOf(parseManifests(readFileSync(path.join(corpus, version, 'bundle.yaml'), 'utf8')));
}

/** Every generated object, kind by kind, one at a time. */
function* allObjects(totalObjects: number): Generator<KubeObject> {
  for (const [kind, make] of Object.entries(GENERATORS)) {
    const count = Math.round(totalObjects * SHARE[kind]!);
    for (let i = 0; i < count; i++) yield make(i);
  }
}

/** Child process: sandbox clusters with the v0.75.0 CRDs and the objects each; answers with their kubeconfigs. */
async function serve(): Promise<void> {
  const fleet = await startSandbox({ clusters: clusterNames.map((name) => ({ name })) });
  const started = performance.now();
  for (const name of clusterNames) {
    const cluster = fleet.cluster(name);
    for (const crd of loadCrds('v0.75.0')) cluster.objects.put(crd);
    for (const ns of teams) cluster.objects.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    for (const obj of allObjects(total)) {
      const { resourceVersion: _rv, uid: _uid, ...metadata } = obj.metadata;
      cluster.objects.put({ ...obj, metadata });
    }
  }
  const kubeconfigs = Object.fromEntries(clusterNames.map((name) => [name, fleet.cluster(name).kubeconfig]));
  process.send!({ kubeconfigs, loadMs: Math.round(performance.now() - started) });
  process.on('message', async (m: { stats?: boolean; stop?: boolean }) => {
    if (m.stats) {
      const all = clusterNames.map((name) => fleet.cluster(name).stats);
      const byVerb: Record<string, number> = {};
      for (const s of all) for (const [verb, n] of Object.entries(s.byVerb)) byVerb[verb] = (byVerb[verb] ?? 0) + n;
      process.send!({ stats: { requests: all.reduce((sum, s) => sum + s.requests, 0), bytesSent: all.reduce((sum, s) => sum + s.bytesSent, 0), byVerb } });
    }
    if (m.stop) {
      await fleet.stop();
      process.exit(0);
    }
  });
}

interface Sandboxed {
  child: ChildProcess;
  kubeconfigs: Record<string, string>;
  loadMs: number;
  ask<T>(message: object, key: string): Promise<T>;
}

async function startSandboxChild(): Promise<Sandboxed> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve', '--objects', String(total), '--clusters', String(clusterCount)], {
    execArgv: process.execArgv,
  });
  const first = await new Promise<{ kubeconfigs: Record<string, string>; loadMs: number }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { kubeconfigs: Record<string, string>; loadMs: number }));
    child.once('exit', (code) => reject(new Error(`sandbox process exited (${code})`)));
  });
  const ask = <T>(message: object, key: string) =>
    new Promise<T>((resolve) => {
      child.once('message', (m) => resolve((m as Record<string, T>)[key]!));
      child.send(message);
    });
  return { child, ...first, ask };
}

/**
 * One check of the product over every sandbox cluster (kube layer → paged listing →
 * src/crd), from reading live CRDs to the report, with the CPU it and the sandbox spent.
 */
async function onceThroughClusters(sandbox: Sandboxed) {
  const target = loadCrds('v0.80.0');
  const kube = new KubeClients(async (name) => sandbox.kubeconfigs[name]!);
  const timer = setInterval(sampleRss, 5);
  const cpuBefore = process.cpuUsage();
  const sandboxBefore = processUsage(sandbox.child.pid!).cpuMs;
  const started = performance.now();
  // prisma is not touched: no cluster has a recorded release to fall back on.
  const report = await checkCrdCompatibility(
    { prisma: undefined as never, kube },
    {
      operatorName: 'prometheus-operator',
      targetVersion: 'v0.80.0',
      targetCrds: target,
      clusters: clusterNames.map((name) => ({ name })),
      pageSize,
      ...(args.concurrency ? { concurrency: Number(args.concurrency) } : {}),
    },
  );
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const sandboxCpuMs = processUsage(sandbox.child.pid!).cpuMs - sandboxBefore;
  clearInterval(timer);
  sampleRss();
  await kube.close();
  return { ms, report, cpuMs: (cpu.user + cpu.system) / 1000, sandboxCpuMs };
}

async function onceInMemory(source: ObjectSourceFactory) {
  // Fresh CRD objects every run, so schema compilation is part of the measured time.
  const live = loadCrds('v0.75.0').map((c) => ({ ...c, status: { storedVersions: [c.spec.versions.find((v: { storage: boolean }) => v.storage).name] } }));
  const target = loadCrds('v0.80.0');
  const cluster: ClusterSource = { clusterName: 'bench', liveCrds: live, listObjects: source };
  const timer = setInterval(sampleRss, 5);
  const started = performance.now();
  const report = buildReport([await checkCluster(target, cluster)]);
  const ms = performance.now() - started;
  clearInterval(timer);
  sampleRss();
  return { ms, report };
}

async function main(): Promise<void> {
  const sandbox = args.source === 'sandbox' ? await startSandboxChild() : undefined;
  if (sandbox) console.log(`sandbox ready: ${clusterCount} cluster(s) × ${total} objects written in ${sandbox.loadMs} ms (child process ${sandbox.child.pid})`);
  // With `node --expose-gc --import tsx bench/crd.ts`, the heap is also measured after a full
  // collection before and after the checks: what the check keeps, apart from what the collector
  // had not reclaimed yet.
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const rssBefore = process.memoryUsage.rss();
  const heapBefore = process.memoryUsage().heapUsed;
  const results: number[] = [];
  const cpus: number[] = [];
  const sandboxCpus: number[] = [];
  let last: CrdCompatibilityReport | undefined;
  for (let r = 0; r < runs; r++) {
    const { ms, report, cpuMs, sandboxCpuMs } = sandbox
      ? await onceThroughClusters(sandbox)
      : { ...(await onceInMemory(generatedSource(total, pageSize))), cpuMs: undefined, sandboxCpuMs: undefined };
    results.push(ms);
    if (cpuMs !== undefined) cpus.push(cpuMs);
    if (sandboxCpuMs !== undefined) sandboxCpus.push(sandboxCpuMs);
    last = report;
    console.log(`run ${r + 1}: ${ms.toFixed(0)} ms${cpuMs !== undefined ? ` (CPU: product ${cpuMs.toFixed(0)} ms, sandbox ${sandboxCpuMs} ms)` : ''}`);
  }
  gc?.();
  const heapAfter = process.memoryUsage().heapUsed;
  const stats = sandbox ? await sandbox.ask<{ requests: number; byVerb: Record<string, number>; bytesSent: number }>({ stats: true }, 'stats') : undefined;
  sandbox?.child.send({ stop: true });
  const ms = median(results);
  const scanned = last!.clusters.reduce((sum, c) => sum + c.objectsScanned, 0);
  console.log(
    JSON.stringify(
      {
        benchmark: 'crd-compat prometheus-operator v0.75.0 → v0.80.0',
        source: args.source === 'sandbox' ? 'sandbox cluster over HTTPS (kube layer, paged list calls)' : 'in-memory generator',
        clusters: last!.clusters.length,
        objects: scanned,
        pageSize,
        runs,
        wallTimeMs: Math.round(ms),
        objectsPerSecond: Math.round(scanned / (ms / 1000)),
        ...(cpus.length ? { productCpuMs: Math.round(median(cpus)), sandboxCpuMs: Math.round(median(sandboxCpus)) } : {}),
        peakRssMiB: Math.round(peakRss / 2 ** 20),
        rssBeforeChecksMiB: Math.round(rssBefore / 2 ** 20),
        peakHeapUsedMiB: Math.round(peakHeap / 2 ** 20),
        heapUsedBeforeMiB: Math.round(heapBefore / 2 ** 20),
        ...(gc ? { heapUsedAfterChecksAndGcMiB: Math.round(heapAfter / 2 ** 20) } : {}),
        ratioToBudget: Number((ms / BUDGET_MS).toFixed(3)),
        budgetMs: BUDGET_MS,
        ...(stats
          ? { listCallsPerRun: Math.round((stats.byVerb.list ?? 0) / runs), mibServedPerRun: Number((stats.bytesSent / runs / 2 ** 20).toFixed(1)) }
          : {}),
        objectsBroken: last!.clusters.reduce((sum, c) => sum + c.objectsBroken, 0),
        complete: last!.clusters.every((c) => c.complete),
        findings: last!.findings.length,
        compatible: last!.compatible,
      },
      null,
      2,
    ),
  );
}

if (args.serve) await serve();
else await main();
