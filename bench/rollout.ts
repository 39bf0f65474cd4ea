// Rollout benchmark: the whole product path — GraphQL createDeployment → engine → cluster
// steps (render, preflight, server-side apply, wait healthy, record release) → events →
// graphql-ws subscribers — for the prometheus-operator v0.80.0 bundle (15 objects, 10 CRDs,
// ~4 MB of YAML) on sandbox clusters that delay every API request by a simulated latency.
//
//   npm run bench:rollout [-- --clusters 100 --parallel 10,50 --canary-clusters 20 --latency 20
//                            --subscribers 50 --direct-runs 1 --canary-runs 3 --in-process
//                            --direct install,upgrade,reapply --profile DIR --heap-snapshot DIR --sql-top N --postgres URL --embedded disk|memory
//                            --replicas N --step-concurrency N --step-threads N]
//
// Scenarios: Direct to `clusters` clusters at each `parallel`; Canary over `canary-clusters`
// (stages 10 %, 30 % … 100 %, evaluationPeriod PT1S, healthCheckInterval PT0.2S). Every run is
// an install on a fresh fleet with a fresh app on the embedded database in a new DATA_DIR, as
// `npm start` runs it (--embedded memory: in memory; --postgres URL: a new database on that
// PostgreSQL server per run); `subscribers`
// graphql-ws clients subscribe to deploymentProgress as soon as the deployment exists. The
// fleet runs in child processes (`npm run sandbox`, 100 clusters each) and the subscribers and the query probe in
// another (bench/clients.ts), so the product's CPU, event loop and RSS are its own, as when it
// faces real clusters and real users; --in-process puts everything in one process.
// --replicas N (with --postgres): N − 1 more replicas in child processes (src/main.ts) on the
// same database take cluster steps too (src/rollout/step-queue.ts); their CPU is reported
// apart and counted in the CPU per cluster, with the share of steps this process ran.
// --step-threads N: ENGINE_STEP_THREADS of every replica (default: the product's default);
// a process's CPU includes its step threads.
//
// The ideal is what a cluster step cannot avoid at that latency, times the waves the
// strategy forces, plus the configured waits:
//   per cluster R = 1 preflight (GET /version) + the apply plan's round trips (stages one
//                after another, a stage's objects 8 at a time — the executor's default, which
//                the engine uses) + 1 round of health reads
//   Direct:  ⌈N / parallelClusters⌉ × R × latency
//   Canary:  Σ over stages (R × latency + evaluationPeriod)   (a stage's new clusters run at once)
// Everything else — discovery, listing what the operator owns, retries, database writes,
// event fan-out, CPU on both sides — is overhead that the ratio shows. The sandbox costs
// ~0.7 ms of CPU per request, but a 2 MB CRD body costs much more to serialise, parse and
// merge on both sides: the output prints CPU time and event-loop utilisation beside the
// wall time, and a line per scenario saying what dominated.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import inspector from 'node:inspector/promises';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { writeHeapSnapshot } from 'node:v8';
import type { App } from '../src/app.ts';
import { BENCH_ENCRYPTION_KEY, BENCH_JWT_SECRET, freshPostgresDatabase, startBenchApp } from './app.ts';
import { ended, graphql, outcomeOf, type Receipt, startClients } from './clients.ts';
import { median, percentile, printTable, processUsage } from './report.ts';
import { planApply } from '../src/kube/apply/plan.ts';
import { canaryStages } from '../src/rollout/strategies/canary.ts';
import { startSandbox } from '../src/sandbox/index.ts';
import { startSandboxProcess } from './sandbox-process.ts';
import { startReplicaProcess, type ReplicaProcess } from './replica-process.ts';
import { requireCorpus } from '../test/helpers/corpus.ts';
import { countStatements } from '../test/helpers/statements.ts';
import { embeddedMemory } from '../src/persistence/embedded.ts';
import { parseManifests } from '../src/sources/yaml.ts';

const { values: args } = parseArgs({
  options: {
    clusters: { type: 'string', default: '100' },
    parallel: { type: 'string', default: '10,50' },
    'canary-clusters': { type: 'string', default: '20' },
    latency: { type: 'string', default: '20' },
    subscribers: { type: 'string', default: '50' },
    'direct-runs': { type: 'string', default: '1' },
    'canary-runs': { type: 'string', default: '3' },
    'in-process': { type: 'boolean', default: false },
    direct: { type: 'string', default: 'install,upgrade,reapply' },
    profile: { type: 'string' },
    'heap-snapshot': { type: 'string' },
    'sql-top': { type: 'string', default: '0' },
    postgres: { type: 'string' },
    embedded: { type: 'string', default: 'disk' },
    replicas: { type: 'string', default: '1' },
    'step-concurrency': { type: 'string' },
    'step-threads': { type: 'string' },
  },
});
const replicaCount = Number(args.replicas);
if (!(replicaCount >= 1)) throw new Error(`--replicas: a number ≥ 1, not ${args.replicas}`);
if (replicaCount > 1 && !args.postgres) throw new Error('--replicas: replicas share PostgreSQL; give --postgres URL');
const latencyMs = Number(args.latency);
if (!['disk', 'memory'].includes(args.embedded)) throw new Error(`--embedded: disk or memory, not ${args.embedded}`);
const subscriberCount = Number(args.subscribers);

// The corpus is read in place, never copied (CORPUS_DIR, default ../shared/corpus beside the project root).
const CORPUS = path.join(requireCorpus('bench:rollout'), 'prometheus-operator');
const VERSION = 'v0.80.0';
/** The version an upgrade scenario starts from. */
const FROM_VERSION = 'v0.75.0';
const OPERATOR = 'prometheus-operator';
const NAMESPACE = 'default'; // the bundle's own namespace
const APPLY_CONCURRENCY = 8;
const CANARY = { initialPercentage: 10, incrementPercentage: 20, evaluationPeriod: 'PT1S', healthCheckInterval: 'PT0.2S' };
const CANARY_EVALUATION_MS = 1000;

interface DeliveryStats {
  eventsPerSubscriber: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

function summarizeDeliveries(perSubscriber: Receipt[][]): DeliveryStats {
  const all = perSubscriber.flat();
  const times = all.map((r) => r.receivedAt);
  const spanMs = Math.max(1, Math.max(...times) - Math.min(...times));
  const live = all
    .filter((r) => !r.replay)
    .map((r) => r.latencyMs)
    .sort((a, b) => a - b);
  const sequences = perSubscriber.map((rs) => rs.map((r) => r.sequence));
  // Every subscriber must have seen 1..n exactly once, or the figures mean nothing.
  for (const seq of sequences) {
    if (seq.some((s, i) => s !== i + 1) || seq.length !== sequences[0]!.length) throw new Error(`a subscriber received sequences ${seq.join(',')}`);
  }
  return { eventsPerSubscriber: sequences[0]?.length ?? 0, perSecond: (all.length / spanMs) * 1000, p50Ms: percentile(live, 50), p99Ms: percentile(live, 99) };
}

// ---------------------------------------------------------------- scenarios

const objects = parseManifests(readFileSync(path.join(CORPUS, VERSION, 'bundle.yaml'), 'utf8'));

/** Sequential round trips of one cluster step (see the file comment). */
function roundTripsPerCluster(): { trips: number; detail: string } {
  const plan = planApply(objects, { operatorName: OPERATOR, namespace: NAMESPACE });
  const stages = plan.stages.map((s) => ({ name: s.name, trips: Math.ceil(s.objects.length / APPLY_CONCURRENCY) }));
  const apply = stages.reduce((sum, s) => sum + s.trips, 0);
  return { trips: 1 + apply + 1, detail: `1 preflight + apply ${stages.map((s) => `${s.name} ${s.trips}`).join(' + ')} + 1 health read` };
}

interface Scenario {
  label: string;
  /** Installed on every cluster (untimed, at no latency) before the measured deployment: an upgrade or a re-apply. */
  from?: string;
  clusters: number;
  strategy: 'DIRECT' | 'CANARY';
  strategyConfig: Record<string, unknown>;
  idealMs: number;
}

interface RunResult {
  /** Latencies of the small query sent during the rollout, ms, sorted. */
  queryMs: number[];
  wallMs: number;
  status: string;
  requestsPerCluster: number;
  /** This process: API, engine, database, subscribers (and the sandbox with --in-process). */
  cpuMs: number;
  /** The sandbox child process. */
  sandboxCpuMs?: number;
  /** The clients' child process (subscribers and query probe). */
  clientsCpuMs?: number;
  /** The other replicas' child processes (--replicas). */
  replicasCpuMs: number;
  /** Share of the cluster steps this process ran (the rest: the other replicas). */
  stepsHere: number;
  eventLoopUtilization: number;
  /** The event loop's delay (how late a timer fires), p99 and max, ms. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  deliveries: DeliveryStats;
  peakRssBytes: number;
  /** RSS when the deployment was created (after start-up and registrations). */
  startRssBytes: number;
  sandboxPeakRssBytes?: number;
  /** SQL statements the embedded database ran per cluster (simple queries and parses: BEGIN/COMMIT included). */
  statementsPerCluster: number;
  /** CPU the embedded database spent running them, per cluster. */
  dbMsPerCluster: number;
}

// SQL statements and the embedded database's own time, counted where PGlite receives them
// (test/helpers/statements.ts). With --sql-top N, also per statement text, and the N
// costliest are printed after each run.
const sqlTop = Number(args['sql-top']);
const sql = countStatements({ byText: sqlTop > 0 });

async function printSqlTop(label: string, clusters: number): Promise<void> {
  if (sqlTop <= 0) return;
  console.log(`  costliest statements of ${label} (per cluster: how many, DB ms):`);
  for (const [text, e] of [...(await sql.takeTexts())].sort((a, b) => b[1].ms - a[1].ms).slice(0, sqlTop)) {
    console.log(`    ${(e.count / clusters).toFixed(1).padStart(6)}  ${(e.ms / clusters).toFixed(2).padStart(7)} ms  ${text}`);
  }
}

let peakRss = 0;
setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 100).unref();

// ---------------------------------------------------------------- fleet

/** The sandbox fleet, in this process or in a child; counters and faults work the same. */
interface BenchFleet {
  clusters: Array<{ name: string; kubeconfig: string }>;
  /** Requests answered so far, all clusters. */
  requests(): Promise<number>;
  setLatency(ms: number): Promise<void>;
  /** CPU time (ms) and peak RSS (bytes) of the child process; undefined in-process. */
  childUsage(): { cpuMs: number; peakRssBytes: number } | undefined;
  stop(): Promise<void>;
}

/** Clusters per sandbox child process. */
const CLUSTERS_PER_PROCESS = 100;
const clusterNames = (n: number) => Array.from({ length: n }, (_, i) => `bench-${String(i + 1).padStart(3, '0')}`);

async function inProcessFleet(n: number): Promise<BenchFleet> {
  const fleet = await startSandbox({ clusters: clusterNames(n).map((name) => ({ name, nodes: 1 })), podReadyDelayMs: 50 });
  return {
    clusters: fleet.clusters,
    requests: async () => fleet.clusters.reduce((sum, c) => sum + c.stats.requests, 0),
    setLatency: async (ms) => void (await Promise.all(fleet.clusters.map((c) => c.setFaults({ latencyMs: ms })))),
    childUsage: () => undefined,
    stop: () => fleet.stop(),
  };
}

/**
 * The fleet in child processes (`npm run sandbox`), at most CLUSTERS_PER_PROCESS clusters
 * each: the product gets a core of its own, as it would facing real clusters, and no sandbox
 * process holds more clusters' objects than a V8 heap comfortably does (500 clusters with
 * the prometheus-operator CRDs are several GB).
 */
async function childFleet(n: number): Promise<BenchFleet> {
  const names = clusterNames(n);
  const groups = Array.from({ length: Math.ceil(n / CLUSTERS_PER_PROCESS) }, (_, i) => names.slice(i * CLUSTERS_PER_PROCESS, (i + 1) * CLUSTERS_PER_PROCESS));
  const fleets = await Promise.all(groups.map((g) => startSandboxProcess(g.join(','))));
  return {
    clusters: fleets.flatMap((f) => f.clusters),
    async requests() {
      const counts = await Promise.all(
        fleets.map(async (f) => {
          const all = (await (await f.admin('/clusters', f.clusters[0]!.kubeconfig)).json()) as Array<{ stats: { requests: number } }>;
          return all.reduce((sum, c) => sum + c.stats.requests, 0);
        }),
      );
      return counts.reduce((a, b) => a + b, 0);
    },
    async setLatency(ms) {
      await Promise.all(fleets.flatMap((f) => f.clusters.map((c) => f.admin(`/clusters/${c.name}/faults`, c.kubeconfig, { latencyMs: ms }))));
    },
    childUsage() {
      // CPU summed over the processes; peak RSS of the largest (each holds its share of the fleet).
      const all = fleets.map((f) => processUsage(f.child.pid!));
      return { cpuMs: all.reduce((sum, u) => sum + u.cpuMs, 0), peakRssBytes: Math.max(...all.map((u) => u.peakRssBytes)) };
    },
    stop: async () => void (await Promise.all(fleets.map((f) => f.stop()))),
  };
}

// ---------------------------------------------------------------- one run

async function startFleetAndApp(
  n: number,
): Promise<{ fleet: BenchFleet; app: App; url: string; token: string; replicas: ReplicaProcess[]; dropDatabase(): Promise<void> }> {
  const fleet = await (args['in-process'] ? inProcessFleet(n) : childFleet(n));
  // --postgres: a new database on that server for this run; otherwise the embedded database in
  // a new DATA_DIR, as `npm start` runs it (--embedded memory: in memory, as the tests do).
  const database = args.postgres ? await freshPostgresDatabase(args.postgres) : undefined;
  const dataDir = args.embedded === 'memory' ? 'memory://' : mkdtempSync(path.join(tmpdir(), 'om-bench-data-'));
  if (dataDir !== 'memory://') process.once('exit', () => rmSync(dataDir, { recursive: true, force: true }));
  // The operator is read from the corpus in place: it is the source fence's one file root here.
  const shared = {
    ENGINE_POLL_INTERVAL: 'PT0.5S',
    SOURCE_FILE_ROOTS: CORPUS,
    HEALTH_CHECK_INTERVAL: 'PT0S',
    // Replicas decrypt the kubeconfigs this one stores.
    ENCRYPTION_KEY: BENCH_ENCRYPTION_KEY,
    ...(args['step-concurrency'] ? { ENGINE_STEP_CONCURRENCY: args['step-concurrency'] } : {}),
    ...(args['step-threads'] ? { ENGINE_STEP_THREADS: args['step-threads'] } : {}),
  };
  const { app, url, token } = await startBenchApp({ ...shared, ...(database ? { DATABASE_URL: database.url } : { DATA_DIR: dataDir }) });
  const replicas = database
    ? await Promise.all(
        Array.from({ length: replicaCount - 1 }, (_, i) =>
          startReplicaProcess({ ...shared, DATABASE_URL: database.url, JWT_SECRET: BENCH_JWT_SECRET, ENGINE_REPLICA_ID: `bench-replica-${i + 2}` }),
        ),
      )
    : [];
  // Registered (each one probed by the API) before the latency is switched on: set-up is not what is measured.
  for (let i = 0; i < n; i += 25) {
    const register = (c: { name: string; kubeconfig: string }) =>
      graphql(url, token, 'mutation($input: RegisterClusterInput!) { registerCluster(input: $input) { name } }', {
        input: { name: c.name, environment: 'DEVELOPMENT', kubeconfig: c.kubeconfig },
      });
    await Promise.all(fleet.clusters.slice(i, i + 25).map(register));
  }
  await graphql(url, token, 'mutation($input: RegisterOperatorInput!) { registerOperator(input: $input) { name } }', {
    input: {
      name: OPERATOR,
      namespace: NAMESPACE,
      manifestUrlTemplate: `${pathToFileURL(CORPUS).href}/{version}/bundle.yaml`,
      versions: [FROM_VERSION, VERSION],
    },
  });
  return { fleet, app, url, token, replicas, dropDatabase: async () => void (await database?.drop()) };
}

/** Creates a deployment of `version` to every cluster of the fleet; returns its id. */
async function deploy(url: string, token: string, fleet: BenchFleet, version: string, s: Scenario): Promise<string> {
  const { createDeployment } = await graphql<{ createDeployment: { id: string } }>(
    url,
    token,
    'mutation($input: CreateDeploymentInput!) { createDeployment(input: $input) { id } }',
    {
      input: {
        operatorName: OPERATOR,
        targetVersion: version,
        strategy: s.strategy,
        targetClusters: fleet.clusters.map((c) => c.name),
        strategyConfig: s.strategyConfig,
      },
    },
  );
  return createDeployment.id;
}

/** Installs `version` everywhere before the measured deployment, waiting until it has ended. */
async function installFirst(url: string, token: string, fleet: BenchFleet, version: string, s: Scenario): Promise<void> {
  const id = await deploy(url, token, fleet, version, { ...s, strategyConfig: { direct: { parallelClusters: 50 } }, strategy: 'DIRECT' });
  const d = await ended(url, token, id, `installing ${version} first`);
  if (d.status !== 'COMPLETED') throw new Error(`installing ${version} first ended ${d.status}: ${d.errorMessage}`);
}

/** A CPU profile of this process while `fn` runs, written to `file` (--profile). */
async function profiled<T>(file: string | undefined, fn: () => Promise<T>): Promise<T> {
  if (!file) return fn();
  const session = new inspector.Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
    console.log(`  CPU profile of the measured deployment: ${file}`);
  }
}

/** Share of the deployment's cluster steps this process (its main thread or its step threads) ran: the rows name who ran them. */
async function stepsRunBy(app: App, deploymentId: string): Promise<number> {
  const rows = await app.db.prisma.clusterDeployment.findMany({ where: { deploymentId }, select: { claimedBy: true } });
  const me = app.engine?.replicaId ?? '';
  return rows.filter((r) => r.claimedBy === me || r.claimedBy?.startsWith(`${me}/`)).length / Math.max(1, rows.length);
}

async function run(s: Scenario): Promise<RunResult> {
  const { fleet, app, url, token, replicas, dropDatabase } = await startFleetAndApp(s.clusters);
  const replicasCpu = () => replicas.reduce((sum, r) => sum + processUsage(r.child.pid!).cpuMs, 0);
  if (s.from) await installFirst(url, token, fleet, s.from, s);
  await fleet.setLatency(latencyMs);
  // The subscribers in one process, the query probe in another (see bench/clients.ts).
  const [subscribers, prober] = await Promise.all([
    startClients({ url, token, subscribers: subscriberCount, probe: false, inProcess: args['in-process'] }),
    startClients({ url, token, subscribers: 0, probe: true, inProcess: args['in-process'] }),
  ]);
  const clientsCpu = () => {
    const [a, b] = [subscribers.cpuMs(), prober.cpuMs()];
    return a === undefined || b === undefined ? undefined : a + b;
  };
  try {
    if (args['heap-snapshot']) {
      mkdirSync(args['heap-snapshot'], { recursive: true });
      const file = writeHeapSnapshot(path.join(args['heap-snapshot'], `${s.label.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.heapsnapshot`));
      const m = process.memoryUsage();
      const db = await embeddedMemory();
      console.log(
        `  heap snapshot of the main thread before the measured deployment: ${file} (process RSS ${mb(m.rss)}; main thread heap used ${mb(m.heapUsed)} of ${mb(m.heapTotal)}, external ${mb(m.external)}; embedded database thread: WebAssembly ${mb(db.wasmBytes)}, heap used ${mb(db.heapUsedBytes)})`,
      );
    }
    const startRssBytes = (peakRss = process.memoryUsage.rss());
    const requestsBefore = await fleet.requests();
    const childBefore = fleet.childUsage();
    const sqlBefore = { statements: sql.statements, ms: sql.ms };
    if (sqlTop > 0) await sql.takeTexts();
    const cpuBefore = process.cpuUsage();
    const eluBefore = performance.eventLoopUtilization();
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const file = args.profile ? path.join(args.profile, `${s.label.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.cpuprofile`) : undefined;
    const clientsBefore = clientsCpu();
    const replicasBefore = replicasCpu();
    const { id, received, queryMs } = await profiled(file, async () => {
      const id = await deploy(url, token, fleet, VERSION, s);
      const [followed, probed] = await Promise.all([subscribers.watch(id), prober.watch(id)]);
      return { id, received: followed.received, queryMs: probed.queryMs };
    });
    const clientsAfter = clientsCpu();
    const replicasCpuMs = replicasCpu() - replicasBefore;
    const cpu = process.cpuUsage(cpuBefore);
    const sqlDone = { statements: sql.statements - sqlBefore.statements, ms: sql.ms - sqlBefore.ms };
    await printSqlTop(s.label, s.clusters);
    const elu = performance.eventLoopUtilization(eluBefore);
    loopDelay.disable();
    const childAfter = fleet.childUsage();
    const deployment = await outcomeOf(url, token, id);
    if (deployment.status !== 'COMPLETED') console.log(`  ${s.label}: ${deployment.status}: ${deployment.errorMessage}`);
    return {
      wallMs: Date.parse(deployment.completedAt ?? '') - Date.parse(deployment.createdAt),
      status: deployment.status,
      requestsPerCluster: ((await fleet.requests()) - requestsBefore) / s.clusters,
      cpuMs: (cpu.user + cpu.system) / 1000,
      sandboxCpuMs: childBefore && childAfter ? childAfter.cpuMs - childBefore.cpuMs : undefined,
      clientsCpuMs: clientsBefore !== undefined && clientsAfter !== undefined ? clientsAfter - clientsBefore : undefined,
      replicasCpuMs,
      stepsHere: await stepsRunBy(app, id),
      eventLoopUtilization: elu.utilization,
      loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
      loopDelayMaxMs: loopDelay.max / 1e6,
      deliveries: summarizeDeliveries(received),
      queryMs,
      peakRssBytes: peakRss,
      startRssBytes,
      sandboxPeakRssBytes: childAfter?.peakRssBytes,
      statementsPerCluster: sqlDone.statements / s.clusters,
      dbMsPerCluster: sqlDone.ms / s.clusters,
    };
  } finally {
    await Promise.all([subscribers.close(), prober.close()]);
    await Promise.all(replicas.map((r) => r.stop()));
    await app.stop();
    await fleet.stop();
    await dropDatabase();
  }
}

const medianBy = (rs: RunResult[], f: (r: RunResult) => number) => median(rs.map(f));
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function scenarios(): Array<Scenario & { runs: number }> {
  const { trips } = roundTripsPerCluster();
  const n = Number(args.clusters);
  const kinds = args.direct.split(',').filter(Boolean);
  for (const k of kinds) if (!['install', 'upgrade', 'reapply'].includes(k)) throw new Error(`--direct: unknown kind ${k} (install, upgrade, reapply)`);
  const direct = args.parallel
    .split(',')
    .map(Number)
    .flatMap((p) =>
      kinds.map((kind) => ({
        label: {
          install: `Direct ${n} clusters, parallelClusters ${p}`,
          upgrade: `Direct ${n} clusters ${FROM_VERSION} → ${VERSION}, parallelClusters ${p}`,
          reapply: `Direct ${n} clusters re-apply ${VERSION}, parallelClusters ${p}`,
        }[kind]!,
        ...(kind === 'upgrade' ? { from: FROM_VERSION } : kind === 'reapply' ? { from: VERSION } : {}),
        clusters: n,
        strategy: 'DIRECT' as const,
        strategyConfig: { direct: { parallelClusters: p } },
        idealMs: Math.ceil(n / p) * trips * latencyMs,
        runs: Number(args['direct-runs']),
      })),
    );
  const c = Number(args['canary-clusters']);
  if (c === 0 || Number(args['canary-runs']) === 0) return direct;
  const stages = canaryStages(c, CANARY.initialPercentage, CANARY.incrementPercentage);
  const canary = {
    label: `Canary ${c} clusters, ${stages.length} stages`,
    clusters: c,
    strategy: 'CANARY' as const,
    strategyConfig: { canary: CANARY },
    idealMs: stages.length * (trips * latencyMs + CANARY_EVALUATION_MS),
    runs: Number(args['canary-runs']),
  };
  return [...direct, canary];
}

const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

/** One line saying what the wall time went to, from the medians of a scenario. */
function verdict(s: Scenario, wallMs: number, cpuMs: number, loopBusy: number, sandboxCpuMs: number | undefined): string {
  const waits = s.strategy === 'CANARY' ? ` (of which ${secs(s.idealMs)} ideal, mostly evaluation periods)` : '';
  // The fleet shares this machine: a child process busy most of the wall time is a bound of its own.
  const fleet =
    sandboxCpuMs !== undefined && sandboxCpuMs / wallMs >= 0.6
      ? `; the simulated fleet used ${secs(sandboxCpuMs)} of CPU in that time (${Math.round((sandboxCpuMs / wallMs) * 100)} % of a core), so it bounds the wall time too`
      : '';
  if (loopBusy >= 0.8)
    return `${s.label}: CPU-bound — the product's event loop was busy ${Math.round(loopBusy * 100)} % of ${secs(wallMs)}${waits}; ${Math.round(cpuMs / s.clusters)} ms of CPU per cluster${fleet}.`;
  return `${s.label}: not CPU-bound in the product (event loop busy ${Math.round(loopBusy * 100)} %, ${Math.round(cpuMs / s.clusters)} ms of CPU per cluster) — waits dominate: latency, polling intervals and configured periods${waits}${fleet}.`;
}

async function main(): Promise<void> {
  const cluster = roundTripsPerCluster();
  const embedded = args.embedded === 'memory' ? 'embedded, in memory' : 'embedded, in a new DATA_DIR per run';
  const where = `${args['in-process'] ? 'sandbox in this process' : 'sandbox in child processes'}; database: ${args.postgres ? `PostgreSQL at ${new URL(args.postgres).host} (a new database per run; its CPU is not counted)` : embedded}`;
  console.log(`${OPERATOR} ${VERSION}: ${objects.length} objects; latency ${latencyMs} ms; ${subscriberCount} subscribers to deploymentProgress; ${where}`);
  console.log(`ideal round trips per cluster: ${cluster.trips} (${cluster.detail}); canary: ${JSON.stringify(CANARY)}`);
  const header = [
    'scenario',
    'runs',
    'wall',
    'ideal',
    'ratio',
    'CPU',
    'replicas CPU',
    'steps here',
    'loop busy',
    'loop delay p99/max',
    'sandbox CPU',
    'clients CPU',
    'req/cluster',
    'events',
    'deliveries/s',
    'p50',
    'p99',
    'peak RSS (at start)',
    'sandbox RSS',
    'query p50',
    'query p99',
    'SQL/cluster',
    'DB CPU/cluster',
  ];
  const rows: string[][] = [];
  const verdicts: string[] = [];
  for (const s of scenarios()) {
    const results: RunResult[] = [];
    for (let i = 0; i < s.runs; i++) {
      results.push(await run(s));
      console.log(`  ${s.label}, run ${i + 1}: ${secs(results.at(-1)!.wallMs)} ${results.at(-1)!.status}`);
    }
    const m = (f: (r: RunResult) => number) => medianBy(results, f);
    const wall = m((r) => r.wallMs);
    const loopBusy = m((r) => r.eventLoopUtilization);
    const sandboxKnown = results.every((r) => r.sandboxCpuMs !== undefined);
    verdicts.push(
      verdict(
        s,
        wall,
        m((r) => r.cpuMs + r.replicasCpuMs),
        loopBusy,
        sandboxKnown ? m((r) => r.sandboxCpuMs!) : undefined,
      ),
    );
    rows.push([
      s.label,
      String(s.runs),
      secs(wall),
      secs(s.idealMs),
      (wall / s.idealMs).toFixed(1),
      secs(m((r) => r.cpuMs)),
      replicaCount > 1 ? secs(m((r) => r.replicasCpuMs)) : '—',
      `${Math.round(m((r) => r.stepsHere) * 100)} %`,
      `${Math.round(loopBusy * 100)} %`,
      `${Math.round(m((r) => r.loopDelayP99Ms))}/${Math.round(m((r) => r.loopDelayMaxMs))} ms`,
      sandboxKnown ? secs(m((r) => r.sandboxCpuMs!)) : '—',
      results.every((r) => r.clientsCpuMs !== undefined) ? secs(m((r) => r.clientsCpuMs!)) : '—',
      String(Math.round(m((r) => r.requestsPerCluster))),
      String(m((r) => r.deliveries.eventsPerSubscriber)),
      String(Math.round(m((r) => r.deliveries.perSecond))),
      `${m((r) => r.deliveries.p50Ms)} ms`,
      `${m((r) => r.deliveries.p99Ms)} ms`,
      `${mb(Math.max(...results.map((r) => r.peakRssBytes)))} (${mb(m((r) => r.startRssBytes))})`,
      sandboxKnown ? mb(Math.max(...results.map((r) => r.sandboxPeakRssBytes!))) : '—',
      `${Math.round(m((r) => percentile(r.queryMs, 50)))} ms`,
      `${Math.round(m((r) => percentile(r.queryMs, 99)))} ms`,
      args.postgres ? '—' : String(Math.round(m((r) => r.statementsPerCluster))),
      args.postgres ? '—' : `${Math.round(m((r) => r.dbMsPerCluster))} ms`,
    ]);
  }
  printTable(header, rows);
  console.log(
    [
      'wall: createdAt → completedAt of the deployment (median of runs); ratio = wall ÷ ideal.',
      `CPU, loop busy, peak RSS (at start): this process — API, engine, database${args['in-process'] ? `, every sandbox server and the ${subscriberCount} subscribers and query probe` : ''}; loop busy = event-loop utilisation during the rollout.`,
      ...(args['in-process']
        ? []
        : [
            `sandbox CPU: the fleet's child processes (${CLUSTERS_PER_PROCESS} clusters each), summed; sandbox RSS: the largest of them; clients CPU: the child processes of the subscribers and of the query probe.`,
          ]),
      `replicas CPU: the ${replicaCount - 1} other replica process(es) (--replicas); steps here: the share of cluster steps this process ran. CPU per cluster in the lines below counts every replica.`,
      'loop delay p99/max: how late the event loop ran a timer (sampled every 10 ms), 99th percentile and longest — what any request may wait before it is even read.',
      'req/cluster: Kubernetes API requests the sandbox answered per cluster during the rollout.',
      'events: per subscriber; deliveries/s: events received by all subscribers ÷ time from first to last receipt (bounded by how fast the rollout produces events);',
      'p50/p99: event timestamp (set when committed) → receipt by a subscriber, live events only (replays of events older than the subscription excluded).',
      'query p50/p99: a small GraphQL query (5 clusters) sent every 100 ms during the rollout, request → answer (goal: p99 < 50 ms).',
      'SQL/cluster, DB CPU/cluster: statements the embedded database ran during the rollout (BEGIN/COMMIT included; the probe queries and subscribers too) and the time it spent on them, per cluster.',
      ...verdicts,
    ].join('\n'),
  );
}

await main();
process.exit(0);
