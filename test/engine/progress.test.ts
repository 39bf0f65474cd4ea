// Live progress: a subscriber that reconnects mid-stream with afterSequence receives every
// event exactly once; late subscribers get the replay; dashboards get status changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelDeploymentDocument, CreateDeploymentDocument, DeploymentDocument } from '../generated/graphql.ts';
import { subscribe, untilLive } from '../helpers/app.ts';
import { startFleet, type Fleet } from '../helpers/fleet.ts';
import { eventually } from '../helpers/eventually.ts';

const PROGRESS = 'subscription($id: ID!, $after: Int) { deploymentProgress(deploymentId: $id, afterSequence: $after) { sequence status clusterName message } }';
type Progress = { deploymentProgress: { sequence: number; status: string; clusterName: string | null } };

describe('deployment progress subscriptions', () => {
  let f: Fleet;
  beforeAll(async () => {
    f = await startFleet({
      clusters: [
        ...['a', 'b', 'c'].map((n) => ({ name: `dev-${n}`, environment: 'DEVELOPMENT' as const })),
        // Only for deployments that wait for an approval and are cancelled: they never touch a cluster.
        { name: 'prod-a', environment: 'PRODUCTION' },
      ],
    });
  });
  afterAll(() => f?.stopAll());

  it('delivers every sequence exactly once to a client that reconnects mid-stream, then completes', async () => {
    const updates = subscribe<{ deploymentUpdated: { id: string; status: string } }>(
      f.wsClient(),
      'subscription { deploymentUpdated(operatorName: "demo") { id status } }',
    );
    // Live once it receives the updates of a deployment that waits for approval and is cancelled.
    const probes = new Set<string>();
    await untilLive(
      async () => {
        const { createDeployment } = await f.ok(CreateDeploymentDocument, {
          input: { operatorName: 'demo', targetVersion: 'v1.0.0', strategy: 'DIRECT', targetClusters: ['prod-a'] },
        });
        probes.add(createDeployment.id);
        await f.ok(CancelDeploymentDocument, { id: createDeployment.id });
      },
      () => updates.events.some((e) => probes.has(e.data?.deploymentUpdated.id ?? '')),
      'the dashboard subscription to be live',
    );
    const { createDeployment } = await f.ok(CreateDeploymentDocument, {
      input: {
        operatorName: 'demo',
        targetVersion: 'v1.0.0',
        strategy: 'ROLLING',
        targetClusters: ['dev-a', 'dev-b', 'dev-c'],
        strategyConfig: { rolling: { validationPeriod: 'PT0.5S' } },
      },
    });
    const id = createDeployment.id;
    const first = f.wsClient();
    const s1 = subscribe<Progress>(first, PROGRESS, { id });
    await s1.until(() => s1.events.length >= 4);
    await first.dispose();
    const seen = s1.events.map((e) => e.data!.deploymentProgress.sequence);
    const last = seen.at(-1)!;
    const s2 = subscribe<Progress>(f.wsClient(), PROGRESS, { id, after: last });
    await s2.until(() => s2.completed, 60_000);
    expect(s2.error).toBeUndefined();
    const all = [...seen, ...s2.events.map((e) => e.data!.deploymentProgress.sequence)];
    const d = (await f.ok(DeploymentDocument, { id })).deployment!;
    expect(d.status).toBe('COMPLETED');
    expect(all).toEqual(d.events.map((e) => e.sequence));
    expect(all).toEqual(all.map((_s, i) => i + 1));
    expect(s2.events.at(-1)!.data!.deploymentProgress).toMatchObject({ status: 'COMPLETED', clusterName: null });

    // A subscriber arriving after the end gets the whole replay and completes at once.
    const late = subscribe<Progress>(f.wsClient(), PROGRESS, { id });
    await late.until(() => late.completed);
    expect(late.events.map((e) => e.data!.deploymentProgress.sequence)).toEqual(all);

    // The dashboard stream saw the statuses a deployment goes through.
    await updates.until(() => updates.events.some((e) => e.data?.deploymentUpdated.status === 'COMPLETED'));
    const statuses = [...new Set(updates.events.filter((e) => e.data?.deploymentUpdated.id === id).map((e) => e.data!.deploymentUpdated.status))];
    expect(statuses).toEqual(expect.arrayContaining(['PLANNING', 'DEPLOYING', 'VALIDATING', 'COMPLETED']));
    updates.unsubscribe();
  });

  it('streams progress over SSE too', async () => {
    const { createDeployment } = await f.ok(CreateDeploymentDocument, {
      input: { operatorName: 'demo', targetVersion: 'v1.1.0', strategy: 'DIRECT', targetClusters: ['dev-a'] },
    });
    const res = await fetch(f.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${f.adminToken}` },
      body: JSON.stringify({ query: PROGRESS, variables: { id: createDeployment.id } }),
    });
    const text = await res.text(); // the stream ends when the deployment has ended
    const sequences = [...text.matchAll(/"sequence":(\d+)/g)].map((m) => Number(m[1]));
    expect(sequences.length).toBeGreaterThan(3);
    expect(sequences).toEqual(sequences.map((_s, i) => i + 1));
    expect(text).toContain('"status":"COMPLETED"');
    await eventually(async () => (await f.ok(DeploymentDocument, { id: createDeployment.id })).deployment!.status === 'COMPLETED');
  });
});
