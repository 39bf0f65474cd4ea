// The CRD-safety check on field-level schema changes, over two upgrades: prometheus-operator
// v0.75.0 → v0.80.0 (the corpus) and the project's telemetry operator v1.0.0 → v1.1.0
// (test/fixtures/operators/telemetry, Collector CRD inflated past 1 MB), which changes field
// schemas in every way that can break objects. Custom resources of each (test/fixtures/crd/
// prometheus-operator-v0.75.0-objects.yaml, telemetry-v1.0.0-objects.yaml) say in their labels
// which ones the upgrade breaks and where.
import { beforeAll, expect, it } from 'vitest';
import { compareCrdSets } from '../../../src/crd/compat/compare.ts';
import { crdsOf } from '../../../src/kube/types.ts';
import { checkCluster } from '../../../src/crd/objects/cluster.ts';
import { buildReport } from '../../../src/crd/objects/report.ts';
import { admit, crdKind, schemaOf } from '../../../src/crd/structural/validate.ts';
import type { KubeObject } from '../../../src/kube/types.ts';
import { corpus } from '../../helpers/corpus.ts';
import { crdFixtureObjects, operatorObjects } from '../../helpers/operators.ts';
import { describeSources, type SourceCase } from '../../helpers/sources.ts';
import { asLive, pagedListing } from '../helpers.ts';

const id = (o: { kind: string; metadata?: { namespace?: string; name?: string }; namespace?: string | null; name?: string }) =>
  `${o.kind}/${o.metadata?.namespace ?? o.namespace}/${o.metadata?.name ?? o.name}`;
const expectation = (o: KubeObject) => o.metadata.labels?.['upgrade-check/expect'];

interface Upgrade extends SourceCase {
  /** The CRDs of the live release and of the target release. */
  crds: () => [KubeObject[], KubeObject[]];
  /** Custom resources of the live release (a file under test/fixtures/crd), labelled with what the upgrade does to them. */
  objects: string;
  /** The target's CRDs over 256 KiB as compact JSON. */
  large: string[];
  /** `crd changeType fieldPath old→new` of the schema findings, sorted: all of them, or some (expect.arrayContaining). */
  findings: unknown;
  /** Additions among the INFO findings. */
  added: string[];
  /** Why each broken object breaks: `name fieldPath` → `category changeType`. */
  why: Record<string, string>;
  /** More of some broken objects, by name. */
  affected: Record<string, Record<string, unknown>>;
  /** Findings the broken objects escalate to BREAKING (among others). */
  escalated: string[];
}

const upgrades: Upgrade[] = [
  {
    name: 'prometheus-operator v0.75.0 → v0.80.0',
    corpus: true,
    crds: () => [corpus.crds('prometheus-operator/v0.75.0/bundle.yaml'), corpus.crds('prometheus-operator/v0.80.0/bundle.yaml')],
    objects: 'prometheus-operator-v0.75.0-objects.yaml',
    large: [
      'alertmanagerconfigs.monitoring.coreos.com',
      'alertmanagers.monitoring.coreos.com',
      'prometheusagents.monitoring.coreos.com',
      'prometheuses.monitoring.coreos.com',
      'scrapeconfigs.monitoring.coreos.com',
      'thanosrulers.monitoring.coreos.com',
    ],
    findings: expect.arrayContaining([
      'scrapeconfigs FIELD_REMOVED .spec.NomadSDConfigs NomadSDConfigs→nomadSDConfigs',
      'alertmanagers FIELD_REMOVED .spec.alertmanagerConfiguration.global.httpConfig.proxyURL proxyURL→proxyUrl',
      'servicemonitors FIELD_NEWLY_REQUIRED .spec.endpoints →endpoints',
      'scrapeconfigs FIELD_NEWLY_REQUIRED .spec.staticConfigs[*].targets →targets',
      'alertmanagerconfigs FIELD_NEWLY_REQUIRED .spec.muteTimeIntervals[*].name →name',
      'scrapeconfigs ENUM_VALUE_REMOVED .spec.kubernetesSDConfigs[*].role node→',
      'scrapeconfigs LIST_TYPE_CHANGED .spec.staticConfigs[*].targets atomic→set',
      'scrapeconfigs CONSTRAINT_TIGHTENED .spec.metricsPath →1',
      'scrapeconfigs PATTERN_CHANGED .spec.openstackSDConfigs[*].identityEndpoint →^http(s)?:\\/\\/.+$',
    ]),
    added: ['alertmanagers FIELD_ADDED .spec.alertmanagerConfiguration.global.httpConfig.proxyUrl', 'scrapeconfigs FIELD_ADDED .spec.nomadSDConfigs'],
    why: {
      'unnamed-mute .spec.muteTimeIntervals[0].name': 'INVALID FIELD_NEWLY_REQUIRED',
      'main .spec.alertmanagerConfiguration.global.httpConfig.proxyURL': 'DATA_LOSS FIELD_REMOVED',
      'kubelet-nodes .spec.kubernetesSDConfigs[0].role': 'INVALID ENUM_VALUE_REMOVED',
      'nomad-services .spec.NomadSDConfigs': 'DATA_LOSS FIELD_REMOVED',
      'static-duplicates .spec.staticConfigs[0].targets[2]': 'INVALID LIST_TYPE_CHANGED',
      'labels-only .spec.staticConfigs[0].targets': 'INVALID FIELD_NEWLY_REQUIRED',
      'empty-values .spec.metricsPath': 'INVALID CONSTRAINT_TIGHTENED',
      'empty-values .spec.relabelings': 'INVALID CONSTRAINT_TIGHTENED',
      'placeholder .spec.endpoints': 'INVALID FIELD_NEWLY_REQUIRED',
    },
    affected: {
      'nomad-services': { reason: expect.stringMatching(/possibly renamed to \.spec\.nomadSDConfigs/) },
      main: { namespace: 'monitoring', kind: 'Alertmanager' },
      placeholder: { reason: 'Required value' },
    },
    escalated: ['ENUM_VALUE_REMOVED .spec.kubernetesSDConfigs[*].role', 'FIELD_REMOVED .spec.NomadSDConfigs'],
  },
  {
    name: 'telemetry v1.0.0 → v1.1.0',
    corpus: false,
    crds: () => [crdsOf(operatorObjects('telemetry', 'v1.0.0')), crdsOf(operatorObjects('telemetry', 'v1.1.0'))],
    objects: 'telemetry-v1.0.0-objects.yaml',
    large: ['collectors.telemetry.example.com'],
    findings: [
      'relays FIELD_REMOVED .spec.global.httpConfig.proxyURL proxyURL→proxyUrl',
      'routeconfigs FIELD_NEWLY_REQUIRED .spec.muteTimeIntervals[*].name →name',
      'scrapejobs CONSTRAINT_TIGHTENED .spec.fileSDConfigs[*].files →3',
      'scrapejobs CONSTRAINT_TIGHTENED .spec.jobName →63',
      'scrapejobs CONSTRAINT_TIGHTENED .spec.metricsPath →1',
      'scrapejobs CONSTRAINT_TIGHTENED .spec.relabelings →1',
      'scrapejobs CONSTRAINT_TIGHTENED .spec.staticConfigs[*].targets →1',
      'scrapejobs CONSTRAINT_TIGHTENED .spec.targetPort →1',
      'scrapejobs CONSTRAINT_TIGHTENED .spec.targetPort →65535',
      'scrapejobs ENUM_VALUE_REMOVED .spec.kubernetesSDConfigs[*].role endpoints→',
      'scrapejobs ENUM_VALUE_REMOVED .spec.kubernetesSDConfigs[*].role node→',
      'scrapejobs ENUM_VALUE_REMOVED .spec.kubernetesSDConfigs[*].role pod→',
      'scrapejobs ENUM_VALUE_REMOVED .spec.kubernetesSDConfigs[*].role service→',
      'scrapejobs FIELD_NEWLY_REQUIRED .spec.staticConfigs[*].targets →targets',
      'scrapejobs FIELD_REMOVED .spec.ConsulSDConfigs ConsulSDConfigs→consulSDConfigs',
      'scrapejobs LIST_TYPE_CHANGED .spec.staticConfigs[*].targets atomic→set',
      'scrapejobs PATTERN_CHANGED .spec.openstackSDConfigs[*].identityEndpoint →^http(s)?:\\/\\/.+$',
      'scrapejobs TYPE_CHANGED .spec.scrapeInterval integer→string',
      'servicetargets FIELD_NEWLY_REQUIRED .spec.endpoints →endpoints',
    ].sort(),
    added: ['collectors FIELD_ADDED .spec.retentionSize', 'scrapejobs FIELD_ADDED .spec.consulSDConfigs'],
    why: {
      'placeholder .spec.endpoints': 'INVALID FIELD_NEWLY_REQUIRED',
      'kubelet-nodes .spec.kubernetesSDConfigs[0].role': 'INVALID ENUM_VALUE_REMOVED',
      'consul-services .spec.ConsulSDConfigs': 'DATA_LOSS FIELD_REMOVED',
      'static-duplicates .spec.staticConfigs[0].targets[2]': 'INVALID LIST_TYPE_CHANGED',
      'labels-only .spec.staticConfigs[0].targets': 'INVALID FIELD_NEWLY_REQUIRED',
      'empty-values .spec.metricsPath': 'INVALID CONSTRAINT_TIGHTENED',
      'empty-values .spec.relabelings': 'INVALID CONSTRAINT_TIGHTENED',
      'numeric-interval .spec.scrapeInterval': 'INVALID TYPE_CHANGED',
      'port-zero .spec.targetPort': 'INVALID CONSTRAINT_TIGHTENED',
      'port-typo .spec.targetPort': 'INVALID CONSTRAINT_TIGHTENED',
      'long-job-name .spec.jobName': 'INVALID CONSTRAINT_TIGHTENED',
      'many-files .spec.fileSDConfigs[0].files': 'INVALID CONSTRAINT_TIGHTENED',
      'keystone-without-scheme .spec.openstackSDConfigs[0].identityEndpoint': 'INVALID PATTERN_CHANGED',
      'unnamed-mute .spec.muteTimeIntervals[0].name': 'INVALID FIELD_NEWLY_REQUIRED',
      'main .spec.global.httpConfig.proxyURL': 'DATA_LOSS FIELD_REMOVED',
    },
    affected: {
      'consul-services': { reason: expect.stringMatching(/possibly renamed to \.spec\.consulSDConfigs/) },
      main: { namespace: 'monitoring', kind: 'Relay', reason: expect.stringMatching(/possibly renamed to \.spec\.global\.httpConfig\.proxyUrl/) },
      placeholder: { reason: 'Required value' },
      'port-typo': { reason: expect.stringMatching(/less than or equal to 65535/) },
    },
    escalated: [
      'ENUM_VALUE_REMOVED .spec.kubernetesSDConfigs[*].role',
      'FIELD_REMOVED .spec.ConsulSDConfigs',
      'TYPE_CHANGED .spec.scrapeInterval',
      'PATTERN_CHANGED .spec.openstackSDConfigs[*].identityEndpoint',
    ],
  },
];

describeSources(
  upgrades,
  (c) => c.name,
  (c) => {
    const objects = crdFixtureObjects(c.objects);
    const safe = objects.filter((o) => expectation(o) === 'safe');
    const breaking = objects.filter((o) => expectation(o) === 'breaks');
    /** What the fixture says must break: `Kind/ns/name fieldPath`, from its annotations. */
    const expectedBreaks = breaking.flatMap((o) => o.metadata.annotations!['upgrade-check/breaks-at']!.split(',').map((p) => `${id(o)} ${p.trim()}`)).sort();
    let live: KubeObject[];
    let target: KubeObject[];
    beforeAll(() => {
      [live, target] = c.crds();
    });

    async function report(objs: readonly KubeObject[]) {
      const check = await checkCluster(target, { clusterName: 'prod-us', liveCrds: live.map((crd) => asLive(crd)), listObjects: pagedListing(objs) });
      return buildReport([check]);
    }

    it('reads CRDs of over 256 KiB as JSON, and keeps the bare "=" enum value as a string', () => {
      expect(target.filter((crd) => JSON.stringify(crd).length > 256 * 1024).map((crd) => crd.metadata.name)).toEqual(c.large);
      expect(JSON.stringify(target)).toContain('"enum":["!=","=","=~","!~"]');
    });

    it('every fixture object is valid under the live release and loses nothing to pruning', () => {
      expect(safe.length).toBeGreaterThan(breaking.length);
      expect(safe.length + breaking.length).toBe(objects.length);
      for (const o of objects) {
        const crd = live.find((candidate) => crdKind(candidate) === o.kind);
        const result = admit(schemaOf(crd!, o.apiVersion.split('/')[1]!)!, o);
        expect([result.issues, result.removedPaths], id(o)).toEqual([[], []]);
      }
    });

    it('schema findings: no version change, field changes are warnings, renames are hinted', () => {
      const findings = compareCrdSets(live, target);
      expect(findings.filter((f) => f.severity !== 'WARNING')).toEqual([]);
      const rows = findings.map((f) => `${f.crdName.split('.')[0]} ${f.changeType} ${f.fieldPath} ${f.oldValue ?? ''}→${f.newValue ?? ''}`);
      expect(rows.sort()).toEqual(c.findings);
      expect(findings.filter((f) => f.changeType === 'FIELD_REMOVED')).toHaveLength(2);
      // The additions are INFO, shown only when asked for.
      const added = compareCrdSets(live, target, { includeInfo: true }).filter((f) => f.severity === 'INFO');
      expect(added.map((f) => `${f.crdName.split('.')[0]} ${f.changeType} ${f.fieldPath}`)).toEqual(expect.arrayContaining(c.added));
    });

    it('names exactly the objects that break, why, and stops for approval', async () => {
      const r = await report(objects);
      expect(r).toMatchObject({ compatible: false, requiresApproval: true });
      expect(r.affectedObjects.map((a) => `${id(a)} ${a.fieldPath}`).sort()).toEqual(expectedBreaks);
      expect(r.clusters[0]).toMatchObject({ objectsScanned: objects.length, objectsBroken: breaking.length, complete: true });
      // Every broken object is explained by a schema finding.
      expect(r.affectedObjects.filter((a) => !a.changeType).map((a) => `${id(a)} ${a.fieldPath}`)).toEqual([]);
      expect(Object.fromEntries(r.affectedObjects.map((a) => [`${a.name} ${a.fieldPath}`, `${a.category} ${a.changeType}`]))).toEqual(c.why);
      const byName = new Map(r.affectedObjects.map((a) => [a.name, a]));
      for (const [name, expected] of Object.entries(c.affected)) expect(byName.get(name), name).toMatchObject(expected);
      // The findings those objects hit are escalated to BREAKING; the rest stay warnings.
      const escalated = r.findings.filter((f) => f.severity === 'BREAKING').map((f) => `${f.changeType} ${f.fieldPath}`);
      expect(escalated).toEqual(expect.arrayContaining(c.escalated));
      expect(r.findings.filter((f) => f.severity === 'WARNING').length).toBeGreaterThan(0);
    });

    it('with only the objects that stay valid, the upgrade goes ahead with warnings', async () => {
      const r = await report(safe);
      expect(r).toMatchObject({ compatible: true, requiresApproval: false, affectedObjects: [] });
      expect(r.findings.length).toBeGreaterThan(0);
      expect(r.findings.every((f) => f.severity === 'WARNING')).toBe(true);
      expect(r.clusters[0]).toMatchObject({ objectsScanned: safe.length, objectsBroken: 0, warningFindings: r.findings.length });
    });
  },
);
