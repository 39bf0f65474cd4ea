// The deployment store's group commit: cluster transitions of one deployment committed at
// the same time share a transaction, each caller learning its own events once that
// transaction has committed; numbering stays gapless and ordered; a transition that cannot
// be written fails alone. On the embedded database and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/persistence/database.ts';
import { DeploymentStore } from '../../src/services/deployment-store.ts';
import { createEventBus, type DeploymentEventPayload } from '../../src/services/events.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../helpers/databases.ts';

describe.each(DATABASE_KINDS)('deployment store group commit (%s)', (kind) => {
  let tdb: TestDatabase;
  let db: Database;
  let store: DeploymentStore;
  const bus = createEventBus();
  const clusters = Array.from({ length: 12 }, (_, i) => `c${i + 1}`);
  let deploymentId: string;
  let transactions = 0;

  beforeAll(async () => {
    tdb = await createTestDatabase(kind);
    db = await openDatabase(tdb.url ? { url: tdb.url } : { dataDir: 'memory://' });
    store = new DeploymentStore(db.prisma, bus, createLogger('silent'));
    const operator = await db.prisma.operator.create({ data: { name: 'grouped', namespace: 'ops' } });
    const d = await db.prisma.deployment.create({
      data: { operatorId: operator.id, operatorName: 'grouped', targetVersion: 'v1', strategy: 'DIRECT', targetClusters: clusters, initiatedBy: 'test' },
    });
    deploymentId = d.id;
    await db.prisma.clusterDeployment.createMany({ data: clusters.map((clusterName) => ({ deploymentId, clusterName })) });
    // Every transaction the store opens goes through $transaction: counted here.
    const original = db.prisma.$transaction.bind(db.prisma) as (...args: unknown[]) => Promise<unknown>;
    (db.prisma as { $transaction: unknown }).$transaction = (...args: unknown[]) => {
      transactions++;
      return original(...args);
    };
  });
  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  const step = (clusterName: string, status: string) =>
    store.commit(deploymentId, { clusters: { [clusterName]: { status } }, events: [{ clusterName, status, message: `${clusterName}: ${status}` }] });

  it('commits what arrives together in fewer transactions, each caller getting its own events, numbered in order without gaps', async () => {
    const published: DeploymentEventPayload[] = [];
    const stop = new AbortController();
    const listening = (async () => {
      for await (const e of bus.subscribe('deploymentEvent', stop.signal)) published.push(e);
    })();
    const before = transactions;
    const results = await Promise.all(clusters.map((c) => step(c, 'DEPLOYING')));
    const used = transactions - before;
    expect(used).toBeGreaterThanOrEqual(1);
    expect(used).toBeLessThan(clusters.length);
    results.forEach((events, i) => {
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ clusterName: clusters[i], status: 'DEPLOYING' });
    });
    // Numbered in the order the transitions were committed by their callers.
    expect(results.map((e) => e[0]!.sequence)).toEqual(clusters.map((_, i) => i + 1));
    const rows = await db.prisma.deploymentEvent.findMany({ where: { deploymentId }, orderBy: { sequence: 'asc' } });
    expect(rows.map((r) => [r.sequence, r.clusterName])).toEqual(clusters.map((c, i) => [i + 1, c]));
    const cds = await db.prisma.clusterDeployment.findMany({ where: { deploymentId } });
    expect(cds.every((r) => r.status === 'DEPLOYING')).toBe(true);
    expect((await db.prisma.deployment.findUniqueOrThrow({ where: { id: deploymentId } })).lastSequence).toBe(clusters.length);
    stop.abort();
    await listening.catch(() => {});
    expect(published.map((e) => e.sequence)).toEqual(clusters.map((_, i) => i + 1));
  });

  it('writes the other tables a transition brings (also) in its commit', async () => {
    const [events] = await Promise.all([
      store.commit(deploymentId, {
        clusters: { c1: { status: 'COMPLETED' } },
        events: [{ clusterName: 'c1', status: 'COMPLETED', message: 'c1: done' }],
        also: (tx) => tx.operator.update({ where: { name: 'grouped' }, data: { currentVersion: 'v1' } }).then(() => {}),
      }),
      step('c2', 'VALIDATING'),
    ]);
    expect(events).toHaveLength(1);
    expect((await db.prisma.operator.findUniqueOrThrow({ where: { name: 'grouped' } })).currentVersion).toBe('v1');
  });

  it('runs an afterAlso write once per key and transaction, after every also of the group', async () => {
    const seen: number[] = [];
    let alsoRuns = 0;
    const before = transactions;
    await Promise.all(
      clusters.map((clusterName) =>
        store.commit(deploymentId, {
          clusters: { [clusterName]: { status: 'COMPLETED' } },
          events: [{ clusterName, status: 'COMPLETED', message: `${clusterName}: completed` }],
          also: async () => void alsoRuns++,
          afterAlso: { key: 'count', write: async () => void seen.push(alsoRuns) },
        }),
      ),
    );
    const used = transactions - before;
    expect(alsoRuns).toBe(clusters.length);
    expect(seen).toHaveLength(used); // once per transaction, not once per transition
    expect(used).toBeLessThan(clusters.length);
    expect(seen.at(-1)).toBe(clusters.length); // the last ran after every also
  });

  it('fails a transition that cannot be written alone, committing the others of its group', async () => {
    const last = (await db.prisma.deployment.findUniqueOrThrow({ where: { id: deploymentId } })).lastSequence;
    const outcomes = await Promise.allSettled([
      step('c3', 'VALIDATING'),
      step('no-such-cluster', 'VALIDATING'),
      step('c4', 'VALIDATING'),
      store.commit(deploymentId, { events: [{ status: 'PLANNING', message: 'x' }], also: async () => Promise.reject(new Error('refused by a check')) }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected']);
    expect((outcomes[3] as PromiseRejectedResult).reason.message).toBe('refused by a check');
    const rows = await db.prisma.deploymentEvent.findMany({ where: { deploymentId, sequence: { gt: last } }, orderBy: { sequence: 'asc' } });
    expect(rows.map((r) => [r.sequence, r.clusterName])).toEqual([
      [last + 1, 'c3'],
      [last + 2, 'c4'],
    ]);
    expect(
      (await db.prisma.clusterDeployment.findMany({ where: { deploymentId, clusterName: { in: ['c3', 'c4'] } }, orderBy: { clusterName: 'asc' } })).map(
        (r) => r.status,
      ),
    ).toEqual(['VALIDATING', 'VALIDATING']);
  });
});
