// A driver that goes round in circles says so: when the committed position of a deployment
// comes back pass after pass without any wait, the deployment is failed with an event
// naming where it was stuck, and an error is logged (src/rollout/no-progress.ts). Here the
// position cannot move because the database drops the cursor every commit of the rollout
// writes (a trigger), as a write that never sticks would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateDeploymentDocument } from '../generated/graphql.ts';
import { DATABASE_KINDS } from '../helpers/databases.ts';
import { finishedDeployment, startFleet, type Fleet } from '../helpers/fleet.ts';
import { capturingLogger } from '../helpers/logs.ts';

describe.each(DATABASE_KINDS)('a deployment the driver cannot move on (%s)', (kind) => {
  let f: Fleet;
  const { logger, lines } = capturingLogger();
  beforeAll(async () => {
    f = await startFleet({ clusters: [{ name: 'dev-1', environment: 'DEVELOPMENT' }], kind, logger });
    const prisma = f.app.db.prisma;
    await prisma.$executeRawUnsafe(
      `CREATE FUNCTION keep_engine_state() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.status = 'DEPLOYING' THEN NEW.engine_state := OLD.engine_state; END IF; RETURN NEW; END $$`,
    );
    await prisma.$executeRawUnsafe(`CREATE TRIGGER keep_engine_state BEFORE UPDATE ON deployments FOR EACH ROW EXECUTE FUNCTION keep_engine_state()`);
  });
  afterAll(() => f?.stopAll());

  it('is failed with a FAILED event naming the position it was stuck at, and an error in the log', async () => {
    const { createDeployment } = await f.ok(CreateDeploymentDocument, {
      input: { operatorName: 'demo', targetVersion: 'v1.0.0', strategy: 'DIRECT', targetClusters: ['dev-1'] },
    });
    const d = await finishedDeployment(f, createDeployment.id, 30_000);
    expect(d.status).toBe('FAILED');
    expect(d.errorMessage).toMatch(
      /made no progress: \d+ passes in a row, with no wait in between, found the deployment at the same position \(status DEPLOYING, wave 0 \(.+\) phase deploy, no requested action\)/,
    );
    expect(d.events.at(-1)).toMatchObject({ status: 'FAILED', message: d.errorMessage });
    // The cluster step itself went through; only the driver's position never moved.
    expect(d.clusters[0]).toMatchObject({ clusterName: 'dev-1', status: 'COMPLETED' });
    const logged = lines.find((l) => l.level === 'error' && /no progress/.test(String(l.msg)));
    expect(logged).toMatchObject({
      deploymentId: createDeployment.id,
      component: 'engine',
      position: { status: 'DEPLOYING', cursor: { waveIndex: 0, phase: 'deploy' } },
    });
  });
});
