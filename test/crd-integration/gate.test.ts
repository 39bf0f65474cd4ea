// The CRD gate end to end, over real HTTP with sandbox clusters running the older release of an
// operator and custom resources labelled with what the newer release does to them:
// prometheus-operator v0.75.0 → v0.80.0 (the corpus; test/fixtures/crd/prometheus-operator-
// v0.75.0-objects.yaml) and the project's telemetry operator v1.0.0 → v1.1.0 (test/fixtures/
// operators/telemetry; test/fixtures/crd/telemetry-v1.0.0-objects.yaml). The report names exactly
// the objects the upgrade breaks, the upgrade stops for a CRD_CHANGE approval that only an ADMIN
// can give (and that notifies), a rejected one never runs, an approved one does; where only safe
// objects live, it goes ahead with warnings. Then a rollback that keeps the newer CRD where the
// older schema would prune data of objects created since.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { canonicalJson } from '../../src/domain/json.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { crdsOf, type KubeObject } from '../../src/kube/types.ts';
import {
  ApproveDocument,
  CreateDeploymentDocument,
  DeploymentCrdGateDocument,
  RegisterOperatorDocument,
  RejectDocument,
  RollbackDeploymentDocument,
  ValidateCrdCompatibilityDocument,
} from '../generated/graphql.ts';
import { corpus } from '../helpers/corpus.ts';
import { eventually } from '../helpers/eventually.ts';
import { finishedDeployment, startFleet, type Fleet } from '../helpers/fleet.ts';
import { once } from '../helpers/once.ts';
import { crdFixtureObjects, fixtureTemplate, operatorObjects } from '../helpers/operators.ts';
import { literal } from '../helpers/regexp.ts';
import { describeSources, type SourceCase } from '../helpers/sources.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../notifications/helpers.ts';
import { idOf, putAll } from './helpers.ts';

interface Upgrade extends SourceCase {
  operator: string;
  /** The older release, installed first, and the newer one. */
  versions: [string, string];
  /** The operator's manifest URL template. */
  template: () => string;
  /** The CRDs of a release (read in hooks and tests only). */
  crds: (version: string) => KubeObject[];
  /**
   * Custom resources of the older release (a file under test/fixtures/crd), each labelled
   * `upgrade-check/expect: safe` or `breaks`, with the paths the newer release breaks in
   * `upgrade-check/breaks-at`.
   */
  objects: string;
  /** Findings the report must have, by change type and field path, and what they say. */
  findings: Array<{ changeType: string; fieldPath: string; expected: Record<string, unknown> }>;
  /** The CRD whose endpoints become required: a warning where only safe objects live. */
  newlyRequired: string;
  /** The CRD a rollback keeps at the newer release: the older schema would prune data of `onlyNew`. */
  kept: string;
  /** An object of the kept CRD with a field only the newer release knows. */
  onlyNew: KubeObject;
  /** The resources (`group/plural`) whose objects are counted across the rollback. */
  counted: string[];
}

const upgrades: Upgrade[] = [
  {
    name: 'prometheus-operator',
    corpus: true,
    operator: 'prometheus-operator',
    versions: ['v0.75.0', 'v0.80.0'],
    template: () => corpus.template('prometheus-operator', 'bundle.yaml'),
    crds: (version) => corpus.crds(`prometheus-operator/${version}/bundle.yaml`),
    objects: 'prometheus-operator-v0.75.0-objects.yaml',
    findings: [
      {
        changeType: 'FIELD_REMOVED',
        fieldPath: '.spec.NomadSDConfigs',
        expected: { severity: 'BREAKING', newValue: 'nomadSDConfigs', affectedObjectCount: 1 },
      },
    ],
    newlyRequired: 'servicemonitors.monitoring.coreos.com',
    kept: 'scrapeconfigs.monitoring.coreos.com',
    // Only v0.80.0 knows nomadSDConfigs (v0.75.0 spelt it NomadSDConfigs).
    onlyNew: {
      apiVersion: 'monitoring.coreos.com/v1alpha1',
      kind: 'ScrapeConfig',
      metadata: { name: 'nomad-jobs', namespace: 'monitoring' },
      spec: { nomadSDConfigs: [{ server: 'https://nomad.example.com:4646', namespace: 'default' }] },
    },
    counted: ['monitoring.coreos.com/scrapeconfigs', 'monitoring.coreos.com/servicemonitors'],
  },
  {
    name: "the project's telemetry operator",
    corpus: false,
    operator: 'telemetry-operator',
    versions: ['v1.0.0', 'v1.1.0'],
    template: () => fixtureTemplate('telemetry'),
    crds: (version) => crdsOf(operatorObjects('telemetry', version, { inflate: false })),
    objects: 'telemetry-v1.0.0-objects.yaml',
    findings: [
      {
        changeType: 'FIELD_REMOVED',
        fieldPath: '.spec.ConsulSDConfigs',
        expected: { severity: 'BREAKING', newValue: 'consulSDConfigs', affectedObjectCount: 1 },
      },
      { changeType: 'TYPE_CHANGED', fieldPath: '.spec.scrapeInterval', expected: { severity: 'BREAKING', affectedObjectCount: 1 } },
    ],
    newlyRequired: 'servicetargets.telemetry.example.com',
    kept: 'scrapejobs.telemetry.example.com',
    // Only v1.1.0 knows consulSDConfigs (v1.0.0 spelt it ConsulSDConfigs).
    onlyNew: {
      apiVersion: 'telemetry.example.com/v1alpha1',
      kind: 'ScrapeJob',
      metadata: { name: 'consul-jobs', namespace: 'monitoring' },
      spec: { consulSDConfigs: [{ server: 'consul.example.com:8500', datacenter: 'dc2' }] },
    },
    counted: ['telemetry.example.com/scrapejobs', 'telemetry.example.com/servicetargets'],
  },
];

/** A CRD's versions with their schemas: tells the two releases' CRDs apart. */
const versionsOf = (crd: KubeObject) => canonicalJson(crd.spec.versions);

describeSources(
  upgrades,
  (c) => `${c.name} ${c.versions[0]} → ${c.versions[1]} behind the CRD gate`,
  (c) => {
    const [older, newer] = c.versions;
    const objects = crdFixtureObjects(c.objects);
    const expect_ = (o: KubeObject) => o.metadata.labels?.['upgrade-check/expect'];
    const safe = objects.filter((o) => expect_(o) === 'safe');
    const breaking = objects.filter((o) => expect_(o) === 'breaks');
    /** `Kind/ns/name fieldPath` of every break the fixture announces (its annotations). */
    const expectedBreaks = breaking
      .flatMap((o) => o.metadata.annotations!['upgrade-check/breaks-at']!.split(',').map((p) => `mixed-1 ${idOf(o)} ${p.trim()}`))
      .sort();

    let f: Fleet;
    let hooks: WebhookReceiver;
    let olivia: string;
    let olderCrds: Map<string, KubeObject>;
    let newerCrds: Map<string, KubeObject>;

    beforeAll(async () => {
      const byName = (version: string) => new Map(c.crds(version).map((crd) => [crd.metadata.name!, crd]));
      [olderCrds, newerCrds] = [byName(older), byName(newer)];
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
        input: { name: c.operator, namespace: 'default', manifestUrlTemplate: c.template(), versions: c.versions },
      });
      const install = await deploy(['mixed-1', 'safe-1'], older);
      if (install.status !== 'COMPLETED') throw new Error(`${older} install ended ${install.status}: ${install.errorMessage}`);
      putAll(f.sandbox.cluster('mixed-1'), objects);
      putAll(f.sandbox.cluster('safe-1'), safe);
    }, 240_000);
    afterAll(async () => {
      await f?.stopAll();
      await hooks?.close();
    });

    async function create(targetClusters: string[], targetVersion = newer) {
      const { createDeployment } = await f.ok(
        CreateDeploymentDocument,
        { input: { operatorName: c.operator, targetVersion, strategy: 'DIRECT', targetClusters } },
        olivia,
      );
      return createDeployment.id;
    }
    async function deploy(targetClusters: string[], targetVersion = newer) {
      return finishedDeployment(f, await create(targetClusters, targetVersion), 180_000);
    }
    const gate = async (id: string) => (await f.ok(DeploymentCrdGateDocument, { id })).deployment!;
    const waitingApproval = (id: string) =>
      eventually(async () => ((await gate(id)).status === 'PENDING_APPROVAL' ? gate(id) : undefined), 60_000, 'PENDING_APPROVAL');
    const liveCrd = (cluster: string, name: string) =>
      f.sandbox.cluster(cluster).objects.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, name)!;
    const isNewer = (cluster: string, name: string) => {
      const live = versionsOf(liveCrd(cluster, name));
      if (live === versionsOf(newerCrds.get(name)!)) return true;
      if (live === versionsOf(olderCrds.get(name)!)) return false;
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
    /** The breaking upgrade of mixed-1, approved by an ADMIN, run to its end. */
    const approvedUpgrade = once(async () => {
      const id = await create(['mixed-1']);
      const [approval] = (await waitingApproval(id)).approvals;
      await f.ok(ApproveDocument, { id: approval!.id, comment: 'migrations scheduled' });
      return finishedDeployment(f, id, 180_000);
    });

    it('validateCrdCompatibility (clusters omitted: both installed clusters) names exactly the objects that break', async () => {
      const r = (await f.ok(ValidateCrdCompatibilityDocument, { operatorName: c.operator, targetVersion: newer })).validateCrdCompatibility;
      expect(r).toMatchObject({ compatible: false, requiresApproval: true });
      expect(brokenIn(r.affectedObjects)).toEqual(expectedBreaks);
      const byCluster = Object.fromEntries(r.clusters.map((x) => [x.clusterName, x]));
      expect(byCluster['mixed-1']).toMatchObject({ requiresApproval: true, complete: true, objectsScanned: objects.length, objectsBroken: breaking.length });
      expect(byCluster['safe-1']).toMatchObject({ compatible: true, requiresApproval: false, complete: true, objectsScanned: safe.length, objectsBroken: 0 });
      for (const { changeType, fieldPath, expected } of c.findings) {
        expect(
          r.findings.find((x) => x.changeType === changeType && x.fieldPath === fieldPath),
          `${changeType} ${fieldPath}`,
        ).toMatchObject(expected);
      }
    });

    it('with only objects that stay valid, the upgrade goes ahead and shows warnings', async () => {
      const d = await deploy(['safe-1']);
      expect(d.status).toBe('COMPLETED');
      const g = await gate(d.id);
      expect(g.approvals).toEqual([]);
      expect(g.crdReport).toMatchObject({ compatible: true, requiresApproval: false, affectedObjects: [] });
      expect(g.warnings).toEqual(
        expect.arrayContaining([expect.stringMatching(new RegExp(`^CRD ${literal(c.newlyRequired)} v1 \\.spec\\.endpoints: FIELD_NEWLY_REQUIRED`))]),
      );
      expect(g.events.some((e) => /^CRD check passed/.test(e.message))).toBe(true);
      expect(isNewer('safe-1', c.kept)).toBe(true);
    }, 200_000);

    it('a breaking upgrade stops before any cluster is touched, for an approval only an ADMIN gives; rejected, it never runs', async () => {
      const id = await create(['mixed-1']);
      const d = await waitingApproval(id);
      expect(d).toMatchObject({ approvalStatus: 'PENDING', startedAt: null });
      expect(d.clusters.map((x) => x.status)).toEqual(['PENDING']);
      expect(brokenIn(d.crdReport!.affectedObjects)).toEqual(expectedBreaks);
      const [approval] = d.approvals;
      expect(approval).toMatchObject({ kind: 'CRD_CHANGE', status: 'PENDING', requestedBy: 'olivia' });
      expect(brokenIn(approval!.crdReport!.affectedObjects.map((o) => ({ ...o, preexisting: false })))).toEqual(expectedBreaks);
      expect(isNewer('mixed-1', c.kept)).toBe(false);

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
      expect(hook.body.text).toMatch(new RegExp(literal(`CRD change in ${c.operator} ${newer}`)));
      expect((await gate(id)).approvals[0]!.notifications).toEqual([expect.objectContaining({ channel: 'WEBHOOK', status: 'SENT', attempts: 1 })]);

      const mixed = f.sandbox.cluster('mixed-1');
      const requestsBefore = mixed.stats.requests;
      const { reject } = await f.ok(RejectDocument, { id: approval!.id, reason: 'the objects need migrating first' });
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
      expect(after.clusters.map((x) => x.status)).toEqual(['PENDING']);
      expect(after.events.at(-1)!.sequence).toBe(ended.events.at(-1)!.sequence);
      expect(after).toMatchObject({ status: 'CANCELLED', startedAt: null });
      // Not a request to mixed-1 since the rejection, let alone a change.
      expect(mixed.stats.requests).toBe(requestsBefore);
      expect(isNewer('mixed-1', c.kept)).toBe(false);
    }, 200_000);

    it('approved by an ADMIN, the same upgrade runs', async () => {
      const d = await approvedUpgrade();
      expect(d.status).toBe('COMPLETED');
      const g = await gate(d.id);
      expect(g.events.some((e) => /^CRD check: breaking change approved by admin/.test(e.message))).toBe(true);
      expect(g.approvals.map((a) => [a.kind, a.status, a.decidedBy])).toEqual([['CRD_CHANGE', 'APPROVED', 'admin']]);
      expect(isNewer('mixed-1', c.kept)).toBe(true);
    }, 200_000);

    it('a rollback keeps the newer CRD where the older schema would prune data of objects created since, and restores the others', async () => {
      const { id } = await approvedUpgrade();
      const mixed = f.sandbox.cluster('mixed-1');
      putAll(mixed, [c.onlyNew]);
      const count = () => c.counted.reduce((n, resource) => n + mixed.store.list(resource, undefined).length, 0);
      const before = count();

      await f.ok(RollbackDeploymentDocument, { id, reason: `back to ${older}` });
      const d = await finishedDeployment(f, id, 180_000);
      expect(d.status).toBe('ROLLED_BACK');
      const done = d.events.find((e) => e.clusterName === 'mixed-1' && e.status === 'ROLLED_BACK')!;
      expect(done.message).toMatch(/re-applied \d+ older CRD\(s\)/);
      const kept = literal(`kept 1 newer CRD(s) so no custom resource is lost (${c.kept}: the older schema would prune data `);
      expect(done.message).toMatch(new RegExp(`${kept}.*${literal(c.onlyNew.metadata.name!)}`));

      // The kept CRD is still the newer release's; the others are the older release's again (each pair differs).
      for (const name of olderCrds.keys()) expect(versionsOf(newerCrds.get(name)!), name).not.toEqual(versionsOf(olderCrds.get(name)!));
      expect(isNewer('mixed-1', c.kept)).toBe(true);
      for (const name of [...olderCrds.keys()].filter((n) => n !== c.kept)) expect(isNewer('mixed-1', name), name).toBe(false);
      // Every object is still there and readable through the API, the new field included.
      expect(count()).toBe(before);
      const client = await KubeClient.fromKubeconfig('mixed-1', mixed.kubeconfig);
      try {
        const { apiVersion, kind, metadata } = c.onlyNew;
        const read = await client.get({ apiVersion, kind, namespace: metadata.namespace, name: metadata.name! });
        expect(read?.spec).toEqual(c.onlyNew.spec);
        for (const o of objects) {
          expect(await client.get({ apiVersion: o.apiVersion, kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name! }), idOf(o)).toBeDefined();
        }
      } finally {
        client.close();
      }
    }, 400_000);
  },
);
