// The CRD gate end to end with the project's telemetry operator (test/fixtures/operators/
// telemetry), over real HTTP with sandbox clusters running v1.0.0 and the objects of
// test/fixtures/crd/telemetry-v1.0.0-objects.yaml: the report names exactly the objects v1.1.0
// breaks, the upgrade stops for a CRD_CHANGE approval that only an ADMIN can give (and that
// notifies), a rejected one never runs, an approved one does; where only safe objects live,
// it goes ahead with warnings. Then a rollback that keeps the newer CRD where the older
// schema would prune data of objects created since.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crdsOf } from '../../src/kube/types.ts';
import { KubeClient } from '../../src/kube/client.ts';
import type { KubeObject } from '../../src/kube/types.ts';
import { canonicalJson } from '../../src/domain/json.ts';
import {
  ApproveDocument,
  CreateDeploymentDocument,
  DeploymentCrdGateDocument,
  RegisterOperatorDocument,
  RejectDocument,
  RollbackDeploymentDocument,
  ValidateCrdCompatibilityDocument,
} from '../generated/graphql.ts';
import { eventually } from '../helpers/eventually.ts';
import { finishedDeployment, startFleet, type Fleet } from '../helpers/fleet.ts';
import { crdFixtureObjects, fixtureTemplate, operatorObjects } from '../helpers/operators.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../notifications/helpers.ts';
import { idOf, putAll } from './helpers.ts';

const OPERATOR = 'telemetry-operator';
const objects = crdFixtureObjects('telemetry-v1.0.0-objects.yaml');
const expect_ = (o: KubeObject) => o.metadata.labels?.['upgrade-check/expect'];
const safe = objects.filter((o) => expect_(o) === 'safe');
const breaking = objects.filter((o) => expect_(o) === 'breaks');
/** `Kind/ns/name fieldPath` of every break the fixture announces (its annotations). */
const expectedBreaks = breaking
  .flatMap((o) => o.metadata.annotations!['upgrade-check/breaks-at']!.split(',').map((p) => `mixed-1 ${idOf(o)} ${p.trim()}`))
  .sort();
const byName = (version: string) => new Map(crdsOf(operatorObjects('telemetry', version, { inflate: false })).map((c) => [c.metadata.name!, c]));
const [v100, v110] = [byName('v1.0.0'), byName('v1.1.0')];
/** A CRD's versions with their schemas: tells the two releases' CRDs apart. */
const versionsOf = (crd: KubeObject) => canonicalJson(crd.spec.versions);
const SCRAPEJOBS = 'scrapejobs.telemetry.example.com';

describe("the project's telemetry operator v1.0.0 → v1.1.0 behind the CRD gate", () => {
  let f: Fleet;
  let hooks: WebhookReceiver;
  let olivia: string;

  beforeAll(async () => {
    hooks = await startWebhookReceiver();
    f = await startFleet({
      clusters: [
        { name: 'mixed-1', environment: 'DEVELOPMENT' },
        { name: 'safe-1', environment: 'STAGING' },
      ],
      env: { DEFAULT_TIMEOUT: 'PT30S', NOTIFY_WEBHOOK_URLS: `${hooks.url}/hook`, NOTIFY_POLL_INTERVAL: 'PT0.2S' },
    });
    olivia = await f.token('olivia', ['OPERATOR']);
    await f.ok(RegisterOperatorDocument, {
      input: { name: OPERATOR, namespace: 'default', manifestUrlTemplate: fixtureTemplate('telemetry'), versions: ['v1.0.0', 'v1.1.0'] },
    });
    const install = await deploy(['mixed-1', 'safe-1'], 'v1.0.0');
    if (install.status !== 'COMPLETED') throw new Error(`v1.0.0 install ended ${install.status}: ${install.errorMessage}`);
    putAll(f.sandbox.cluster('mixed-1'), objects);
    putAll(f.sandbox.cluster('safe-1'), safe);
  }, 240_000);
  afterAll(async () => {
    await f?.stopAll();
    await hooks?.close();
  });

  async function create(targetClusters: string[], targetVersion = 'v1.1.0', operatorName = OPERATOR) {
    const { createDeployment } = await f.ok(CreateDeploymentDocument, { input: { operatorName, targetVersion, strategy: 'DIRECT', targetClusters } }, olivia);
    return createDeployment.id;
  }
  async function deploy(targetClusters: string[], targetVersion = 'v1.1.0') {
    return finishedDeployment(f, await create(targetClusters, targetVersion), 180_000);
  }
  const gate = async (id: string) => (await f.ok(DeploymentCrdGateDocument, { id })).deployment!;
  const waitingApproval = (id: string) =>
    eventually(async () => ((await gate(id)).status === 'PENDING_APPROVAL' ? gate(id) : undefined), 60_000, 'PENDING_APPROVAL');
  const liveCrd = (cluster: string, name: string) =>
    f.sandbox.cluster(cluster).objects.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, name)!;
  const isV110 = (cluster: string, name: string) => {
    const live = versionsOf(liveCrd(cluster, name));
    if (live === versionsOf(v110.get(name)!)) return true;
    if (live === versionsOf(v100.get(name)!)) return false;
    throw new Error(`${name} in ${cluster} is neither release's CRD`);
  };
  const brokenIn = (
    objs: ReadonlyArray<{
      clusterName: string;
      kind: string;
      namespace: string | null;
      name: string;
      fieldPath: string;
      category: string;
      preexisting?: boolean;
    }>,
  ) =>
    objs
      .filter((o) => o.category !== 'NOT_CHECKED' && !o.preexisting)
      .map((o) => `${o.clusterName} ${idOf(o)} ${o.fieldPath}`)
      .sort();

  it('validateCrdCompatibility (clusters omitted: both installed clusters) names exactly the objects that break', async () => {
    const r = (await f.ok(ValidateCrdCompatibilityDocument, { operatorName: OPERATOR, targetVersion: 'v1.1.0' })).validateCrdCompatibility;
    expect(r).toMatchObject({ compatible: false, requiresApproval: true });
    expect(brokenIn(r.affectedObjects)).toEqual(expectedBreaks);
    const byCluster = Object.fromEntries(r.clusters.map((c) => [c.clusterName, c]));
    expect(byCluster['mixed-1']).toMatchObject({ requiresApproval: true, complete: true, objectsScanned: objects.length, objectsBroken: breaking.length });
    expect(byCluster['safe-1']).toMatchObject({ compatible: true, requiresApproval: false, complete: true, objectsScanned: safe.length, objectsBroken: 0 });
    expect(r.findings.find((x) => x.changeType === 'FIELD_REMOVED' && x.fieldPath === '.spec.ConsulSDConfigs')).toMatchObject({
      severity: 'BREAKING',
      newValue: 'consulSDConfigs',
      affectedObjectCount: 1,
    });
    expect(r.findings.find((x) => x.changeType === 'TYPE_CHANGED' && x.fieldPath === '.spec.scrapeInterval')).toMatchObject({
      severity: 'BREAKING',
      affectedObjectCount: 1,
    });
  });

  it('with only objects that stay valid, the upgrade goes ahead and shows warnings', async () => {
    const d = await deploy(['safe-1']);
    expect(d.status).toBe('COMPLETED');
    const g = await gate(d.id);
    expect(g.approvals).toEqual([]);
    expect(g.crdReport).toMatchObject({ compatible: true, requiresApproval: false, affectedObjects: [] });
    expect(g.warnings).toEqual(
      expect.arrayContaining([expect.stringMatching(/^CRD servicetargets\.telemetry\.example\.com v1 \.spec\.endpoints: FIELD_NEWLY_REQUIRED/)]),
    );
    expect(g.events.some((e) => /^CRD check passed/.test(e.message))).toBe(true);
    expect(isV110('safe-1', SCRAPEJOBS)).toBe(true);
  }, 200_000);

  it('a breaking upgrade stops before any cluster is touched, for an approval only an ADMIN gives; rejected, it never runs', async () => {
    const id = await create(['mixed-1']);
    const d = await waitingApproval(id);
    expect(d).toMatchObject({ approvalStatus: 'PENDING', startedAt: null });
    expect(d.clusters.map((c) => c.status)).toEqual(['PENDING']);
    expect(brokenIn(d.crdReport!.affectedObjects)).toEqual(expectedBreaks);
    const [approval] = d.approvals;
    expect(approval).toMatchObject({ kind: 'CRD_CHANGE', status: 'PENDING', requestedBy: 'olivia' });
    expect(brokenIn(approval!.crdReport!.affectedObjects.map((o) => ({ ...o, preexisting: false })))).toEqual(expectedBreaks);
    expect(isV110('mixed-1', SCRAPEJOBS)).toBe(false);

    const refusals = await Promise.all([
      f.gql(ApproveDocument, { id: approval!.id }, olivia),
      f.gql(ApproveDocument, { id: approval!.id }, await f.token('oscar', ['OPERATOR'])),
      f.gql(ApproveDocument, { id: approval!.id }, await f.token('erin', ['ENVIRONMENT_OWNER'], { environments: ['DEVELOPMENT'] })),
    ]);
    expect(refusals.map((r) => r.errors?.[0]?.extensions?.code)).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
    expect(refusals[2]!.errors![0]!.message).toMatch(/needs an ADMIN/);

    // The approvers were told, by webhook, with the counts from the report.
    const hook = await eventually(async () => hooks.received.find((h) => h.body.approval.id === approval!.id), 30_000, 'the webhook');
    expect(hook.body.approval).toMatchObject({ kind: 'CRD_CHANGE', breakingFindings: expect.any(Number), affectedObjects: breaking.length });
    expect(hook.body.text).toMatch(/CRD change in telemetry-operator v1\.1\.0/);
    expect((await gate(id)).approvals[0]!.notifications).toEqual([expect.objectContaining({ channel: 'WEBHOOK', status: 'SENT', attempts: 1 })]);

    const { reject } = await f.ok(RejectDocument, { id: approval!.id, reason: 'ScrapeJobs need migrating first' });
    expect(reject.status).toBe('REJECTED');
    const ended = await finishedDeployment(f, id);
    expect(ended).toMatchObject({ status: 'CANCELLED', approvalStatus: 'REJECTED', startedAt: null });
    // A later deployment on the same cluster runs to its end: the engine has had every chance
    // to pick up the rejected one, and did not.
    const later = await finishedDeployment(f, await create(['mixed-1'], 'v1.0.0', 'demo'), 120_000);
    expect(later.status).toBe('COMPLETED');
    expect((await gate(id)).clusters.map((c) => c.status)).toEqual(['PENDING']);
    expect(isV110('mixed-1', SCRAPEJOBS)).toBe(false);
  }, 200_000);

  it('approved by an ADMIN, the same upgrade runs', async () => {
    const id = await create(['mixed-1']);
    const [approval] = (await waitingApproval(id)).approvals;
    await f.ok(ApproveDocument, { id: approval!.id, comment: 'migrations scheduled' });
    const d = await finishedDeployment(f, id, 180_000);
    expect(d.status).toBe('COMPLETED');
    const g = await gate(id);
    expect(g.events.some((e) => /^CRD check: breaking change approved by admin/.test(e.message))).toBe(true);
    expect(g.approvals.map((a) => [a.kind, a.status, a.decidedBy])).toEqual([['CRD_CHANGE', 'APPROVED', 'admin']]);
    expect(isV110('mixed-1', SCRAPEJOBS)).toBe(true);
  }, 200_000);

  it('a rollback keeps the newer CRD where the older schema would prune data of objects created since, and restores the others', async () => {
    const mixed = f.sandbox.cluster('mixed-1');
    // Only v1.1.0 knows consulSDConfigs (v1.0.0 spelt it ConsulSDConfigs).
    const onlyNew: KubeObject = {
      apiVersion: 'telemetry.example.com/v1alpha1',
      kind: 'ScrapeJob',
      metadata: { name: 'consul-jobs', namespace: 'monitoring' },
      spec: { consulSDConfigs: [{ server: 'consul.example.com:8500', datacenter: 'dc2' }] },
    };
    putAll(mixed, [onlyNew]);
    const count = () =>
      mixed.store.list('telemetry.example.com/scrapejobs', undefined).length + mixed.store.list('telemetry.example.com/servicetargets', undefined).length;
    const before = count();

    const last = (await f.ok(DeploymentCrdGateDocument, { id: (await latestDeployment()).id })).deployment!;
    await f.ok(RollbackDeploymentDocument, { id: last.id, reason: 'back to v1.0.0' });
    const d = await finishedDeployment(f, last.id, 180_000);
    expect(d.status).toBe('ROLLED_BACK');
    const done = d.events.find((e) => e.clusterName === 'mixed-1' && e.status === 'ROLLED_BACK')!;
    expect(done.message).toMatch(/re-applied \d+ older CRD\(s\)/);
    expect(done.message).toMatch(
      /kept 1 newer CRD\(s\) so no custom resource is lost \(scrapejobs\.telemetry\.example\.com: the older schema would prune data .*consul-jobs/,
    );

    // The kept CRD is still v1.1.0's; the others are v1.0.0's again (each pair differs).
    for (const name of v100.keys()) expect(versionsOf(v110.get(name)!), name).not.toEqual(versionsOf(v100.get(name)!));
    expect(isV110('mixed-1', SCRAPEJOBS)).toBe(true);
    for (const name of [...v100.keys()].filter((n) => n !== SCRAPEJOBS)) expect(isV110('mixed-1', name), name).toBe(false);
    // Every object is still there and readable through the API, the new field included.
    expect(count()).toBe(before);
    const client = await KubeClient.fromKubeconfig('mixed-1', mixed.kubeconfig);
    try {
      const read = await client.get({ apiVersion: 'telemetry.example.com/v1alpha1', kind: 'ScrapeJob', namespace: 'monitoring', name: 'consul-jobs' });
      expect(read?.spec).toEqual(onlyNew.spec);
      for (const o of objects) {
        expect(await client.get({ apiVersion: o.apiVersion, kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name! }), idOf(o)).toBeDefined();
      }
    } finally {
      client.close();
    }
  }, 200_000);

  async function latestDeployment() {
    const r = await f.raw({ query: `{ deployments(operatorName: "${OPERATOR}", first: 1) { edges { node { id } } } }` });
    return r.data.deployments.edges[0].node as { id: string };
  }
});
