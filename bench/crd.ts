// CRD-compatibility benchmark: prometheus-operator v0.75.0 → v0.80.0 against N existing
// custom resources in one cluster (default 10,000 ServiceMonitors, PodMonitors and
// PrometheusRules), streamed in pages of 500 as a paged list call would return them.
// Prints wall time, objects/s, peak RSS and the ratio to the 5 s budget of the original
// specification; median of 3 runs.
//
//   npm run bench:crd [-- --objects 10000 --page 500 --runs 3]
//
// The object source is pluggable (`ObjectSourceFactory`): today an in-memory generator
// that never holds more than one page; later a listing of a sandbox cluster.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { crdsOf, parseManifests } from '../src/crd/manifests.ts';
import { checkCluster, type ClusterSource } from '../src/crd/objects/cluster.ts';
import { buildReport } from '../src/crd/objects/report.ts';
import type { KubeObject } from '../src/kube/types.ts';

const BUDGET_MS = 5_000;
const corpus = fileURLToPath(new URL('../../shared/corpus/prometheus-operator/', import.meta.url));

/** Where the existing custom resources come from: given a live CRD, its objects in pages. */
export type ObjectSourceFactory = (liveCrd: KubeObject) => AsyncIterable<KubeObject[]>;

const { values: args } = parseArgs({
  options: { objects: { type: 'string', default: '10000' }, page: { type: 'string', default: '500' }, runs: { type: 'string', default: '3' } },
});
const total = Number(args.objects);
const pageSize = Number(args.page);
const runs = Number(args.runs);

let peakRss = 0;
const sampleRss = () => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
};

// ---------------------------------------------------------------- generated objects
const SHARE: Record<string, number> = { ServiceMonitor: 0.5, PodMonitor: 0.3, PrometheusRule: 0.2 };
const teams = ['payments', 'search', 'checkout', 'identity', 'data', 'platform', 'mobile', 'ads'];

function serviceMonitor(i: number): KubeObject {
  const ns = teams[i % teams.length]!;
  // One in 200 is a placeholder without endpoints, which v0.80.0 rejects (endpoints became required).
  const endpoints = i % 200 === 7 ? undefined : [
    { port: 'metrics', interval: `${15 + (i % 4) * 15}s`, path: '/metrics', honorLabels: i % 3 === 0,
      relabelings: [{ action: 'replace', sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'node' }],
      metricRelabelings: [{ action: 'drop', sourceLabels: ['__name__'], regex: `go_gc_.*|process_${i % 7}_.*` }] },
    ...(i % 5 === 0 ? [{ port: 'admin', scheme: 'https', tlsConfig: { insecureSkipVerify: true }, interval: '60s' }] : []),
  ];
  return {
    apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor',
    metadata: { name: `svc-${i}`, namespace: ns, labels: { team: ns, release: 'kube-prometheus' }, resourceVersion: String(1000 + i), uid: `uid-sm-${i}` },
    spec: { selector: { matchLabels: { app: `svc-${i}` } }, namespaceSelector: { matchNames: [ns] }, jobLabel: 'app',
      ...(endpoints ? { endpoints } : {}), targetLabels: ['team'], sampleLimit: 10_000 + i },
  };
}

function podMonitor(i: number): KubeObject {
  const ns = teams[(i + 3) % teams.length]!;
  return {
    apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor',
    metadata: { name: `pods-${i}`, namespace: ns, labels: { team: ns }, resourceVersion: String(2000 + i), uid: `uid-pm-${i}` },
    spec: { selector: { matchExpressions: [{ key: 'app', operator: 'In', values: [`worker-${i}`, `worker-${i}-canary`] }] },
      podMetricsEndpoints: [{ port: 'metrics', interval: '30s', relabelings: [{ action: 'keep', sourceLabels: ['__meta_kubernetes_pod_phase'], regex: 'Running' }] }],
      podTargetLabels: ['queue'] },
  };
}

function prometheusRule(i: number): KubeObject {
  const ns = teams[(i + 5) % teams.length]!;
  const rules = Array.from({ length: 4 + (i % 6) }, (_, r) =>
    r % 2 === 0
      ? { alert: `HighErrorRate${r}`, expr: `sum(rate(http_requests_total{job="svc-${i}",code=~"5.."}[5m])) > ${r + 1}`, for: '10m',
          labels: { severity: r % 4 === 0 ? 'critical' : 'warning' }, annotations: { summary: `Errors on svc-${i}`, runbook_url: `https://runbooks.example.com/${i}` } }
      : { record: `job:svc_${i}_requests:rate5m_${r}`, expr: `sum by (job) (rate(http_requests_total{job="svc-${i}"}[5m]))` });
  return {
    apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule',
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
  return crdsOf(parseManifests(readFileSync(`${corpus}${version}/bundle.yaml`, 'utf8')));
}

async function once(source: ObjectSourceFactory) {
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

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const results: number[] = [];
let last: Awaited<ReturnType<typeof once>>['report'] | undefined;
for (let r = 0; r < runs; r++) {
  const { ms, report } = await once(generatedSource(total, pageSize));
  results.push(ms);
  last = report;
  console.log(`run ${r + 1}: ${ms.toFixed(0)} ms`);
}
const ms = median(results);
const scanned = last!.clusters[0]!.objectsScanned;
console.log(JSON.stringify({
  benchmark: 'crd-compat prometheus-operator v0.75.0 → v0.80.0',
  objects: scanned,
  pageSize,
  runs,
  wallTimeMs: Math.round(ms),
  objectsPerSecond: Math.round(scanned / (ms / 1000)),
  peakRssMiB: Math.round(peakRss / 2 ** 20),
  ratioToBudget: Number((ms / BUDGET_MS).toFixed(3)),
  budgetMs: BUDGET_MS,
  objectsBroken: last!.clusters[0]!.objectsBroken,
  findings: last!.findings.length,
  compatible: last!.compatible,
}, null, 2));
