// Rollouts through a faulty fleet: every cluster answers 10 % of API requests with a 5xx,
// leaves 5 % unanswered (the kube request timeout fires) and delays 5 % by a latency
// spike. A Rolling and a Canary rollout over 20 clusters each either complete or fail and
// roll back cleanly: events numbered without gaps, no release recorded twice, and a final
// status that says what the clusters run. The fault draws are seeded (FAULT_SEED replays a
// run's draws; the seed is in the suite's name).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateDeploymentDocument, RegisterOperatorDocument } from '../generated/graphql.ts';
import { DATABASE_KINDS } from '../helpers/databases.ts';
import { DEMO_TEMPLATE, DEMO_VERSIONS, finishedDeployment, startFleet, workloadImage, type Fleet } from '../helpers/fleet.ts';

const SEED = Number(process.env.FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31));
const FAULTS = { latencyMs: 5, errorRate: 0.1, timeoutRate: 0.05, spikeRate: 0.05, spikeMs: 400 };
const CLUSTERS = Array.from({ length: 20 }, (_v, i) => `c-${String(i + 1).padStart(2, '0')}`);
// PostgreSQL when there is one (several connections, real concurrency), the embedded database otherwise.
const KIND = DATABASE_KINDS.at(-1)!;
const tag = (v: string) => `registry.example.com/demo-operator:${v.slice(1)}`;

describe(`rollouts through a faulty fleet (${KIND}, FAULT_SEED=${SEED})`, () => {
  let f: Fleet;

  beforeAll(async () => {
    f = await startFleet({
      clusters: CLUSTERS.map((name) => ({ name, environment: 'DEVELOPMENT' as const })),
      demo: false,
      kind: KIND,
      seed: SEED,
      // A lost answer costs one request timeout; health waits poll every 400 ms (FAST_ENGINE_ENV's PT8S / 20).
      env: { KUBE_REQUEST_TIMEOUT: 'PT1S' },
    });
    for (const name of ['rolling', 'canary']) {
      await f.ok(RegisterOperatorDocument, { input: { name, namespace: `${name}-system`, manifestUrlTemplate: DEMO_TEMPLATE, versions: DEMO_VERSIONS } });
    }
    // The version every cluster runs before the faults start: what a rollback returns to.
    const baseline = await Promise.all(
      ['rolling', 'canary'].map((operatorName) =>
        deploy({ operatorName, targetVersion: 'v1.0.0', strategy: 'DIRECT', strategyConfig: { direct: { parallelClusters: 20 } } }),
      ),
    );
    for (const id of baseline) expect((await finishedDeployment(f, id)).status).toBe('COMPLETED');
    for (const c of f.sandbox.clusters) await c.setFaults(FAULTS);
  }, 120_000);
  afterAll(() => f?.stopAll());

  async function deploy(input: Record<string, unknown>): Promise<string> {
    const r = await f.gql(CreateDeploymentDocument, { input: { targetClusters: CLUSTERS, ...input } as never });
    if (!r.data) throw new Error(JSON.stringify(r.errors));
    return r.data.createDeployment.id;
  }

  /** Ended COMPLETED or ROLLED_BACK, and the database and the clusters agree on what runs where. */
  async function expectCleanEnd(id: string, operatorName: string, from: string, to: string) {
    // Usually 40–80 s; a failure late in the rollout adds a rollback of every changed cluster.
    const d = await finishedDeployment(f, id, 240_000);
    const what = `${d.strategy} ${d.status} (${d.errorMessage ?? 'no error'})`;
    expect(['COMPLETED', 'ROLLED_BACK'], what).toContain(d.status);

    const prisma = f.app.db.prisma;
    const events = await prisma.deploymentEvent.findMany({
      where: { deploymentId: id },
      orderBy: { sequence: 'asc' },
      select: { sequence: true, clusterName: true, status: true },
    });
    expect(events.map((e) => e.sequence)).toEqual(events.map((_e, i) => i + 1));
    // No step recorded twice: a cluster completes (or is rolled back) once.
    const ends = events.filter((e) => e.clusterName && ['COMPLETED', 'ROLLED_BACK'].includes(e.status)).map((e) => `${e.clusterName} ${e.status}`);
    expect(
      ends.filter((e, i) => ends.indexOf(e) !== i),
      'steps recorded twice',
    ).toEqual([]);

    const releases = await prisma.release.findMany({ where: { operatorName }, orderBy: [{ clusterName: 'asc' }, { revision: 'asc' }] });
    const keys = releases.map((r) => `${r.clusterName}@${r.revision}`);
    expect(new Set(keys).size, 'one release per (cluster, revision)').toBe(keys.length);
    const ofTarget = releases.filter((r) => r.deploymentId === id && r.version === to).map((r) => r.clusterName);
    expect(new Set(ofTarget).size, `${to} recorded once per cluster: ${ofTarget.join(', ')}`).toBe(ofTarget.length);

    const deployed = releases.filter((r) => r.status === 'DEPLOYED');
    expect(deployed.length, 'one current release per cluster').toBe(new Set(deployed.map((r) => r.clusterName)).size);
    const current = new Map(deployed.map((r) => [r.clusterName, r.version]));
    const expected = d.status === 'COMPLETED' ? to : from;
    for (const cluster of CLUSTERS) {
      expect(current.get(cluster), `${what}: release of ${cluster}`).toBe(expected);
      expect(workloadImage(f.sandbox.cluster(cluster), `${operatorName}-system`, 'demo-operator'), `${what}: image on ${cluster}`).toBe(tag(expected));
    }
    // Per cluster: every one completed; or every one it changed rolled back, the others never touched.
    const rows = await prisma.clusterDeployment.findMany({ where: { deploymentId: id }, select: { clusterName: true, status: true, changed: true } });
    const allowed = (r: (typeof rows)[number]) =>
      d.status === 'COMPLETED' ? r.status === 'COMPLETED' : r.changed ? r.status === 'ROLLED_BACK' : r.status === 'SKIPPED' || r.status === 'FAILED';
    expect(
      rows.filter((r) => !allowed(r)),
      what,
    ).toEqual([]);
    return d;
  }

  // The two rollouts run at the same time (two operators on one fleet), as they would in
  // production; one test, since the faults counted at the end are those of both.
  it('Rolling and Canary over 20 clusters at once, through every kind of fault: each completes, or fails and rolls back every cluster it changed', async () => {
    const [rolling, canary] = await Promise.all([
      deploy({
        operatorName: 'rolling',
        targetVersion: 'v1.1.0',
        strategy: 'ROLLING',
        strategyConfig: { rolling: { validationPeriod: 'PT0S' } },
      }),
      deploy({
        operatorName: 'canary',
        targetVersion: 'v1.1.0',
        strategy: 'CANARY',
        strategyConfig: {
          canary: { initialPercentage: 10, incrementPercentage: 30, evaluationPeriod: 'PT1S', healthCheckInterval: 'PT0.25S', successThreshold: 0.9 },
        },
      }),
    ]);
    const ends = await Promise.allSettled([expectCleanEnd(rolling, 'rolling', 'v1.0.0', 'v1.1.0'), expectCleanEnd(canary, 'canary', 'v1.0.0', 'v1.1.0')]);
    expect(
      ends.flatMap((end) => (end.status === 'rejected' ? [String(end.reason)] : [])),
      'what went wrong, rollout by rollout',
    ).toEqual([]);

    // Every kind of fault really was injected along the way.
    const injected = f.sandbox.clusters.map((c) => c.stats.injected);
    const sum = (k: 'errors' | 'timeouts' | 'spikes') => injected.reduce((n, i) => n + i[k], 0);
    expect(sum('errors')).toBeGreaterThan(20);
    expect(sum('timeouts')).toBeGreaterThan(10);
    expect(sum('spikes')).toBeGreaterThan(10);
  }, 280_000);
});
