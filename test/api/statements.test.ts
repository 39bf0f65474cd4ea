// Statements per request: a page of clusters with what is installed on each is read in a
// bounded number of SQL statements, however many clusters the page holds (no statement per
// cluster), and shows the current release of each operator. Counted on the embedded database
// (test/helpers/statements.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { countStatements, type StatementCounter } from '../helpers/statements.ts';

const PAGE = `query($first: Int) { clusters(first: $first) { edges { node { name operators { operatorName version revision } } } } }`;

describe('statements per request', () => {
  let t: TestApp;
  let sql: StatementCounter;
  beforeAll(async () => {
    sql = countStatements();
    t = await startTestApp('pglite');
    const prisma = t.app.db.prisma;
    const [a, b] = await Promise.all(['alpha', 'beta'].map((name) => prisma.operator.create({ data: { name, namespace: 'ops' } })));
    await prisma.renderedManifest.create({ data: { digest: 'sha256:m', operatorName: 'alpha', version: 'v1', manifests: '' } });
    for (let i = 1; i <= 40; i++) {
      const name = `c${String(i).padStart(2, '0')}`;
      const c = await prisma.cluster.create({
        data: { name, environment: 'DEVELOPMENT', kubeconfigEncrypted: 'x', kubeconfigKeyId: 'k', apiServerUrl: 'https://127.0.0.1:1' },
      });
      const release = (operator: { id: string; name: string }, revision: number, version: string, status: string) => ({
        operatorId: operator.id,
        operatorName: operator.name,
        clusterId: c.id,
        clusterName: name,
        version,
        revision,
        namespace: 'ops',
        status,
        manifestDigest: 'sha256:m',
        valuesDigest: 'sha256:v',
      });
      // beta: v1 current, its v2 rolled back; alpha: v1 superseded by v2.
      await prisma.release.createMany({
        data: [release(b!, 1, 'v1', 'DEPLOYED'), release(a!, 2, 'v1', 'SUPERSEDED'), release(a!, 3, 'v2', 'DEPLOYED'), release(b!, 4, 'v2', 'ROLLED_BACK')],
      });
    }
  });
  afterAll(async () => {
    await t?.stop();
  });

  const page = async (first: number) => {
    const before = sql.statements;
    const r = await t.raw({ query: PAGE, variables: { first } });
    expect(r.errors).toBeUndefined();
    return { nodes: r.data.clusters.edges.map((e: { node: unknown }) => e.node), statements: sql.statements - before };
  };

  it('reads 40 clusters with what is installed in as few statements as 5', async () => {
    await page(5); // warm: anything read once per process
    const small = await page(5);
    const large = await page(40);
    expect(large.nodes).toHaveLength(40);
    expect(large.statements).toBeLessThanOrEqual(small.statements + 2); // a background poll may land in between
    expect(large.statements).toBeLessThan(10);
    for (const node of large.nodes) {
      expect(node.operators).toEqual([
        { operatorName: 'alpha', version: 'v2', revision: 3 },
        { operatorName: 'beta', version: 'v1', revision: 1 },
      ]);
    }
  });
});
