// The CRD gate end to end, over real HTTP with sandbox clusters running
// prometheus-operator v0.75.0 and the realistic objects fixture: the report names exactly
// the objects v0.80.0 breaks, the upgrade stops for a CRD_CHANGE approval that only an ADMIN
// can give (and that notifies), a rejected one never runs, an approved one does; where
// only safe objects live, it goes ahead with warnings. Then a rollback that keeps the newer
// CRD where the older schema would prune data of objects created since.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient } from '../../src/kube/client.ts';
import type { KubeObject } from '../../src/kube/types.ts';
import {
  ApproveDocument,
  CreateDeploymentDocument,
  DeploymentCrdGateDocument,
  RegisterOperatorDocument,
  RejectDocument,
  RollbackDeploymentDocument,
  ValidateCrdCompatibilityDocument,
} from '../generated/graphql.ts';
import { finishedDeployment, startFleet, type Fleet } from '../helpers/fleet.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../notifications/helpers.ts';
import { corpus, corpusTitle } from '../helpers/corpus.ts';
import { eventually } from '../helpers/eventually.ts';
import { crdFixtureObjects } from '../helpers/operators.ts';
import { idOf, putAll } from './helpers.ts';

const OPERATOR = 'prometheus-operator';
const objects = crdFixtureObjects('prometheus-operator-v0.75.0-objects.yaml');
const expect_ = (o: KubeObject) => o.metadata.labels?.['upgrade-check/expect'];
const safe = objects.filter((o) => expect_(o) === 'safe');
const breaking = objects.filter((o) => expect_(o) === 'breaks');
/** `Kind/ns/name fieldPath` of every break the fixture announces (its annotations). */
const expectedBreaks = breaking
  .flatMap((o) => o.metadata.annotations!['upgrade-check/breaks-at']!.split(',').map((p) => `mixed-1 ${idOf(o)} ${p.trim()}`))
  .sort();
// Read only when the corpus is there: a skipped suite's body still runs to collect its tests.
const byName = (version: string) => new Map(corpus.present ? corpus.crds(`prometheus-operator/${version}/bundle.yaml`).map((c) => [c.metadata.name!, c]) : []);
const [v075, v080] = [byName('v0.75.0'), byName('v0.80.0')];
/** The fields of `.spec` a CRD's storage version declares, sorted: tells the two releases' CRDs apart. */
const specFields = (crd: KubeObject) =>
  Object.keys(crd.spec.versions.find((v: { storage: boolean }) => v.storage).schema.openAPIV3Schema.properties.spec.properties).sort();

describe.skipIf(!corpus.present)(corpusTitle('prometheus-operator v0.75.0 → v0.80.0 behind the CRD gate'), () => {
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
      // The demo operator (registered as "demo") gives quick deployments to run after one that must stay untouched.
      // One deployment at a time, oldest first: once a later one has run, the engine has passed the earlier one over.
      env: { DEFAULT_TIMEOUT: 'PT30S', NOTIFY_WEBHOOK_URLS: `${hooks.url}/hook`, NOTIFY_POLL_INTERVAL: 'PT0.2S', MAX_CONCURRENT_DEPLOYMENTS: '1' },
    });
    olivia = await f.token('olivia', ['OPERATOR']);
    await f.ok(RegisterOperatorDocument, {
      input: { name: OPERATOR, namespace: 'default', manifestUrlTemplate: corpus.template(OPERATOR, 'bundle.yaml'), versions: ['v0.75.0', 'v0.80.0'] },
    });
    const install = await deploy(['mixed-1', 'safe-1'], 'v0.75.0');
    if (install.status !== 'COMPLETED') throw new Error(`v0.75.0 install ended ${install.status}: ${install.errorMessage}`);
    putAll(f.sandbox.cluster('mixed-1'), objects);
    putAll(f.sandbox.cluster('safe-1'), safe);
  }, 240_000);
  afterAll(async () => {
    await f?.stopAll();
    await hooks?.close();
  });

  async function create(targetClusters: string[], targetVersion = 'v0.80.0') {
    const { createDeployment } = await f.ok(
      CreateDeploymentDocument,
      { input: { operatorName: OPERATOR, targetVersion, strategy: 'DIRECT', targetClusters } },
      olivia,
    );
    return createDeployment.id;
  }
  async function deploy(targetClusters: string[], targetVersion = 'v0.80.0') {
    return finishedDeployment(f, await create(targetClusters, targetVersion), 180_000);
  }
  const gate = async (id: string) => (await f.ok(DeploymentCrdGateDocument, { id })).deployment!;
  const waitingApproval = (id: string) =>
    eventually(async () => ((await gate(id)).status === 'PENDING_APPROVAL' ? gate(id) : undefined), 60_000, 'PENDING_APPROVAL');
  const liveCrd = (cluster: string, name: string) =>
    f.sandbox.cluster(cluster).objects.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, name)!;
  const isV080 = (cluster: string, name: string) => {
    const live = specFields(liveCrd(cluster, name));
    if (JSON.stringify(live) === JSON.stringify(specFields(v080.get(name)!))) return true;
    if (JSON.stringify(live) === JSON.stringify(specFields(v075.get(name)!))) return false;
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
    const r = (await f.ok(ValidateCrdCompatibilityDocument, { operatorName: OPERATOR, targetVersion: 'v0.80.0' })).validateCrdCompatibility;
    expect(r).toMatchObject({ compatible: false, requiresApproval: true });
    expect(brokenIn(r.affectedObjects)).toEqual(expectedBreaks);
    const byCluster = Object.fromEntries(r.clusters.map((c) => [c.clusterName, c]));
    expect(byCluster['mixed-1']).toMatchObject({ requiresApproval: true, complete: true, objectsScanned: objects.length, objectsBroken: breaking.length });
    expect(byCluster['safe-1']).toMatchObject({ compatible: true, requiresApproval: false, complete: true, objectsScanned: safe.length, objectsBroken: 0 });
    expect(r.findings.find((x) => x.changeType === 'FIELD_REMOVED' && x.fieldPath === '.spec.NomadSDConfigs')).toMatchObject({
      severity: 'BREAKING',
      newValue: 'nomadSDConfigs',
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
      expect.arrayContaining([expect.stringMatching(/^CRD servicemonitors\.monitoring\.coreos\.com v1 \.spec\.endpoints: FIELD_NEWLY_REQUIRED/)]),
    );
    expect(g.events.some((e) => /^CRD check passed/.test(e.message))).toBe(true);
    expect(isV080('safe-1', 'scrapeconfigs.monitoring.coreos.com')).toBe(true);
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
    expect(isV080('mixed-1', 'scrapeconfigs.monitoring.coreos.com')).toBe(false);

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
    expect(hook.body.text).toMatch(/CRD change in prometheus-operator v0\.80\.0/);
    expect((await gate(id)).approvals[0]!.notifications).toEqual([expect.objectContaining({ channel: 'WEBHOOK', status: 'SENT', attempts: 1 })]);

    const mixed = f.sandbox.cluster('mixed-1');
    const requestsBefore = mixed.stats.requests;
    const { reject } = await f.ok(RejectDocument, { id: approval!.id, reason: 'ScrapeConfigs need migrating first' });
    expect(reject.status).toBe('REJECTED');
    const ended = await finishedDeployment(f, id);
    expect(ended).toMatchObject({ status: 'CANCELLED', approvalStatus: 'REJECTED', startedAt: null });
    // A deployment created after the rejection has run to its end since: the engine has had its
    // chance at the rejected one, and must have left it alone.
    const { createDeployment: later } = await f.ok(CreateDeploymentDocument, {
      input: { operatorName: 'demo', targetVersion: 'v1.0.0', strategy: 'DIRECT', targetClusters: ['safe-1'] },
    });
    expect((await finishedDeployment(f, later.id)).status).toBe('COMPLETED');
    const after = await gate(id);
    expect(after.clusters.map((c) => c.status)).toEqual(['PENDING']);
    expect(after.events.at(-1)!.sequence).toBe(ended.events.at(-1)!.sequence);
    expect(after).toMatchObject({ status: 'CANCELLED', startedAt: null });
    // Not a request to mixed-1 since the rejection, let alone a change.
    expect(mixed.stats.requests).toBe(requestsBefore);
    expect(isV080('mixed-1', 'scrapeconfigs.monitoring.coreos.com')).toBe(false);
  }, 120_000);

  it('approved by an ADMIN, the same upgrade runs; rolled back, it keeps the newer CRD where the older schema would prune data of objects created since, and restores the others', async () => {
    const id = await create(['mixed-1']);
    const [approval] = (await waitingApproval(id)).approvals;
    await f.ok(ApproveDocument, { id: approval!.id, comment: 'migrations scheduled' });
    const d = await finishedDeployment(f, id, 180_000);
    expect(d.status).toBe('COMPLETED');
    const g = await gate(id);
    expect(g.events.some((e) => /^CRD check: breaking change approved by admin/.test(e.message))).toBe(true);
    expect(g.approvals.map((a) => [a.kind, a.status, a.decidedBy])).toEqual([['CRD_CHANGE', 'APPROVED', 'admin']]);
    expect(isV080('mixed-1', 'scrapeconfigs.monitoring.coreos.com')).toBe(true);

    // Rolled back: the newer CRD stays where the older schema would prune data of objects created since.
    const mixed = f.sandbox.cluster('mixed-1');
    // Only v0.80.0 knows nomadSDConfigs (v0.75.0 spelt it NomadSDConfigs).
    const onlyNew: KubeObject = {
      apiVersion: 'monitoring.coreos.com/v1alpha1',
      kind: 'ScrapeConfig',
      metadata: { name: 'nomad-jobs', namespace: 'monitoring' },
      spec: { nomadSDConfigs: [{ server: 'https://nomad.example.com:4646', namespace: 'default' }] },
    };
    putAll(mixed, [onlyNew]);
    const before =
      mixed.store.list('monitoring.coreos.com/scrapeconfigs', undefined).length + mixed.store.list('monitoring.coreos.com/servicemonitors', undefined).length;

    await f.ok(RollbackDeploymentDocument, { id, reason: 'back to v0.75.0' });
    const rolledBack = await finishedDeployment(f, id, 180_000);
    expect(rolledBack.status).toBe('ROLLED_BACK');
    const done = rolledBack.events.find((e) => e.clusterName === 'mixed-1' && e.status === 'ROLLED_BACK')!;
    expect(done.message).toMatch(/re-applied \d+ older CRD\(s\)/);
    expect(done.message).toMatch(
      /kept 1 newer CRD\(s\) so no custom resource is lost \(scrapeconfigs\.monitoring\.coreos\.com: the older schema would prune data .*nomad-jobs/,
    );

    // The kept CRD is still v0.80.0's; one without objects is v0.75.0's again (the two differ).
    expect(specFields(v080.get('thanosrulers.monitoring.coreos.com')!)).not.toEqual(specFields(v075.get('thanosrulers.monitoring.coreos.com')!));
    expect(isV080('mixed-1', 'scrapeconfigs.monitoring.coreos.com')).toBe(true);
    expect(isV080('mixed-1', 'thanosrulers.monitoring.coreos.com')).toBe(false);
    // Every object is still there and readable through the API, the new field included.
    expect(
      mixed.store.list('monitoring.coreos.com/scrapeconfigs', undefined).length + mixed.store.list('monitoring.coreos.com/servicemonitors', undefined).length,
    ).toBe(before);
    const client = await KubeClient.fromKubeconfig('mixed-1', mixed.kubeconfig);
    try {
      const read = await client.get({ apiVersion: 'monitoring.coreos.com/v1alpha1', kind: 'ScrapeConfig', namespace: 'monitoring', name: 'nomad-jobs' });
      expect(read?.spec).toEqual(onlyNew.spec);
      for (const o of objects) {
        expect(await client.get({ apiVersion: o.apiVersion, kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name! }), idOf(o)).toBeDefined();
      }
    } finally {
      client.close();
    }
  }, 400_000);
});
