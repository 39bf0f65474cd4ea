// What a cluster step reads of the releases table in one statement (stepReleases), checked
// against the one-question-each readers it replaces, on the embedded database and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/persistence/database.ts';
import { currentRelease, deploymentRelease, nextRevision, recordRelease, releaseAt, stepReleases } from '../../src/persistence/releases.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../helpers/databases.ts';

describe.each(DATABASE_KINDS)('stepReleases (%s)', (kind) => {
  let tdb: TestDatabase;
  let db: Database;
  let operatorId: string;
  let clusterId: string;
  const inventory = [{ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ops', name: 'c', applied: { digest: 'sha256:ab', resourceVersion: '7' } }];

  beforeAll(async () => {
    tdb = await createTestDatabase(kind);
    db = await openDatabase(tdb.url ? { url: tdb.url } : { dataDir: 'memory://' });
    operatorId = (await db.prisma.operator.create({ data: { name: 'op', namespace: 'ops' } })).id;
    clusterId = (
      await db.prisma.cluster.create({
        data: { name: 'c1', environment: 'dev', kubeconfigEncrypted: 'x', kubeconfigKeyId: 'k', apiServerUrl: 'https://127.0.0.1:1' },
      })
    ).id;
    await db.prisma.renderedManifest.create({ data: { digest: 'sha256:m', operatorName: 'op', version: 'v1', manifests: '' } });
  });
  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  const record = (revision: number, version: string, deploymentId: string, previousStatus?: string) =>
    db.prisma.$transaction((tx) =>
      recordRelease(
        tx,
        {
          operatorId,
          operatorName: 'op',
          clusterId,
          clusterName: 'c1',
          version,
          revision,
          namespace: 'ops',
          inventory,
          manifestDigest: 'sha256:m',
          values: {},
          deploymentId,
          health: 'HEALTHY',
        },
        previousStatus,
      ),
    );
  /** The answers of the readers a step used before, one statement each. */
  const oneByOne = async (deploymentId: string, version: string, previousRevision: number | null) => {
    const own = await deploymentRelease(db.prisma, deploymentId, clusterId, version);
    const previous =
      previousRevision != null
        ? await releaseAt(db.prisma, operatorId, clusterId, previousRevision)
        : own
          ? null
          : await currentRelease(db.prisma, operatorId, clusterId);
    return { own: own?.id ?? null, previous: previous?.id ?? null, nextRevision: await nextRevision(db.prisma, operatorId, clusterId) };
  };
  const together = async (deploymentId: string, version: string, previousRevision: number | null) => {
    const r = await stepReleases(db.prisma, { operatorId, clusterId, deploymentId, version, previousRevision });
    return { own: r.own?.id ?? null, previous: r.previous?.id ?? null, nextRevision: r.nextRevision, full: r };
  };

  it('answers as the readers it replaces, from an empty table to a history with rollbacks', async () => {
    const cases: Array<[string, string, number | null]> = [
      ['d1', 'v1', null],
      ['d2', 'v2', null],
      ['d2', 'v2', 1],
      ['d3', 'v3', 2],
      ['d1', 'v1', null],
    ];
    const check = async () => {
      for (const [d, v, p] of cases) {
        const { full, ...answer } = await together(d, v, p);
        expect(answer, `${d} ${v} previous ${p}`).toEqual(await oneByOne(d, v, p));
      }
    };
    await check(); // nothing recorded: no own, no previous, revision 1
    expect((await together('d1', 'v1', null)).nextRevision).toBe(1);
    await record(1, 'v1', 'd1');
    await record(2, 'v2', 'd2');
    await check();
    // Revision 3 was rolled back: revision 2 is current again, the next is 4.
    await record(3, 'v3', 'd3');
    await db.prisma.release.update({ where: { operatorId_clusterId_revision: { operatorId, clusterId, revision: 3 } }, data: { status: 'ROLLED_BACK' } });
    await db.prisma.release.update({ where: { operatorId_clusterId_revision: { operatorId, clusterId, revision: 2 } }, data: { status: 'DEPLOYED' } });
    await check();
    const step = await together('d4', 'v4', null);
    expect(step.full.previous).toMatchObject({ revision: 2, version: 'v2', status: 'DEPLOYED', health: 'HEALTHY', inventory });
    expect(step.nextRevision).toBe(4);
    // A re-run of d3 finds its own release even rolled back, and no previous unless told.
    expect((await together('d3', 'v3', null)).full.own).toMatchObject({ revision: 3, status: 'ROLLED_BACK' });
  });
});
