// API benchmark at the specification's scale: 500 operators, 100 clusters, 20 deployments of
// 50 clusters each (seeded straight into an in-memory embedded database; 10 installed
// operators per cluster, each with a superseded release behind its current one). Measures
// three list queries over HTTP — p50/p99 latency and SQL statements per request — next to
// raw SQL reading the same rows, and prints the ratio p99(API) ÷ p99(raw SQL) (goal ≤ 2).
//
//   npm run bench:api [-- --runs 100]
//
// Statements are counted where the embedded database receives them (test/helpers/
// statements.ts), so Prisma's and Pothos's statements are all counted.
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { startBenchApp } from './app.ts';
import { percentile, printTable } from './report.ts';
import { countStatements } from '../test/helpers/statements.ts';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '100' } } });
const RUNS = Number(args.runs);
const SCALE = { operators: 500, clusters: 100, deployments: 20, clustersPerDeployment: 50, installedPerCluster: 10 };

const sql = countStatements();

const QUERIES: Array<{ name: string; graphql: string; sql: string[] }> = [
  {
    name: 'clusters(first: 100) { operators }',
    graphql: '{ clusters(first: 100) { edges { node { name environment healthStatus operators { operatorName version revision health } } } } }',
    sql: [
      'SELECT * FROM clusters ORDER BY name LIMIT 101',
      `SELECT DISTINCT ON (cluster_id, operator_id) * FROM releases WHERE status = 'DEPLOYED' ORDER BY cluster_id, operator_id, revision DESC`,
    ],
  },
  {
    name: 'operators(first: 100)',
    graphql: '{ operators(first: 100) { edges { node { name namespace currentVersion latestVersion versions installedClusterCount } } } }',
    sql: ['SELECT * FROM operators ORDER BY name LIMIT 101'],
  },
  {
    name: 'deployments(first: 50) { clusters }',
    graphql: '{ deployments(first: 50) { edges { node { id operatorName targetVersion status clusters { clusterName status } } } } }',
    sql: [
      'SELECT * FROM deployments ORDER BY created_at DESC LIMIT 51',
      'SELECT * FROM cluster_deployments WHERE deployment_id IN (SELECT deployment_id FROM deployments ORDER BY created_at DESC LIMIT 51) ORDER BY wave, position',
    ],
  },
];

async function main(): Promise<void> {
  const { app, url, token } = await startBenchApp();
  const prisma = app.db.prisma;

  // Seed: finished deployments, so the engine leaves them alone.
  const seeded = performance.now();
  const operators = Array.from({ length: SCALE.operators }, (_, i) => ({
    name: `op-${String(i).padStart(3, '0')}`,
    namespace: 'ops',
    versions: ['v1.1.0', 'v1.0.0'],
    latestVersion: 'v1.1.0',
    currentVersion: 'v1.1.0',
  }));
  await prisma.operator.createMany({ data: operators });
  const ops = await prisma.operator.findMany({ orderBy: { name: 'asc' }, select: { id: true, name: true } });
  await prisma.cluster.createMany({
    data: Array.from({ length: SCALE.clusters }, (_, i) => ({
      name: `cluster-${String(i).padStart(3, '0')}`,
      environment: 'PRODUCTION',
      kubeconfigEncrypted: 'x',
      kubeconfigKeyId: 'k',
      apiServerUrl: 'https://127.0.0.1:1',
    })),
  });
  const clusters = await prisma.cluster.findMany({ orderBy: { name: 'asc' }, select: { id: true, name: true } });
  await prisma.renderedManifest.create({ data: { digest: 'sha256:bench', operatorName: ops[0]!.name, version: 'v1.1.0', manifests: '' } });
  const releases = clusters.flatMap((c, ci) =>
    Array.from({ length: SCALE.installedPerCluster }, (_, k) => ops[(ci * 7 + k * 37) % ops.length]!).flatMap((o) =>
      [1, 2].map((revision) => ({
        operatorId: o.id,
        operatorName: o.name,
        clusterId: c.id,
        clusterName: c.name,
        version: revision === 1 ? 'v1.0.0' : 'v1.1.0',
        revision,
        namespace: 'ops',
        status: revision === 1 ? 'SUPERSEDED' : 'DEPLOYED',
        manifestDigest: 'sha256:bench',
        valuesDigest: 'sha256:values',
        health: 'HEALTHY',
      })),
    ),
  );
  await prisma.release.createMany({ data: releases, skipDuplicates: true });
  for (let d = 0; d < SCALE.deployments; d++) {
    const o = ops[d]!;
    const targets = clusters.slice(d % 50, (d % 50) + SCALE.clustersPerDeployment).map((c) => c.name);
    const dep = await prisma.deployment.create({
      data: {
        operatorId: o.id,
        operatorName: o.name,
        targetVersion: 'v1.1.0',
        strategy: 'ROLLING',
        targetClusters: targets,
        status: 'COMPLETED',
        initiatedBy: 'bench',
      },
    });
    await prisma.clusterDeployment.createMany({
      data: targets.map((clusterName, position) => ({ deploymentId: dep.id, clusterName, status: 'COMPLETED', position })),
    });
  }
  console.log(
    `seeded ${SCALE.operators} operators, ${SCALE.clusters} clusters, ${releases.length} releases, ${SCALE.deployments} deployments × ${SCALE.clustersPerDeployment} clusters in ${((performance.now() - seeded) / 1000).toFixed(1)} s; ${RUNS} runs per query, one at a time`,
  );

  const rows: string[][] = [];
  for (const q of QUERIES) {
    const ask = async () => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: q.graphql }),
      });
      const body = (await res.json()) as { errors?: unknown[] };
      if (body.errors) throw new Error(`${q.name}: ${JSON.stringify(body.errors)}`);
    };
    for (let i = 0; i < 5; i++) await ask();
    const api: number[] = [];
    const perRequest: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const before = sql.statements;
      const started = performance.now();
      await ask();
      api.push(performance.now() - started);
      perRequest.push(sql.statements - before);
    }
    const raw: number[] = [];
    for (let i = 0; i < RUNS + 5; i++) {
      const started = performance.now();
      for (const sql of q.sql) await prisma.$queryRawUnsafe(sql);
      if (i >= 5) raw.push(performance.now() - started);
    }
    rows.push([
      q.name,
      `${percentile(api, 50).toFixed(1)} ms`,
      `${percentile(api, 99).toFixed(1)} ms`,
      `${percentile(perRequest, 50)} (max ${Math.max(...perRequest)})`,
      `${percentile(raw, 50).toFixed(1)} ms`,
      `${percentile(raw, 99).toFixed(1)} ms`,
      (percentile(api, 99) / percentile(raw, 99)).toFixed(1),
    ]);
  }
  const header = ['query', 'p50', 'p99', 'statements/request', 'raw SQL p50', 'raw SQL p99', 'ratio p99'];
  printTable(header, rows);
  console.log(
    [
      'p50/p99: HTTP request → parsed answer, one request at a time; statements/request: SQL statements the embedded database ran per request (median, max).',
      'raw SQL: hand-written statements reading the same rows through the same client (no GraphQL, no Prisma query building); ratio p99 = API p99 ÷ raw SQL p99 (goal ≤ 2).',
    ].join('\n'),
  );
  await app.stop();
}

await main();
