// The CRD-safety check on the project's telemetry operator, v1.0.0 → v1.1.0
// (test/fixtures/operators/telemetry, Collector CRD inflated past 1 MB): field-level schema
// changes of every kind, and the custom resources of test/fixtures/crd/telemetry-v1.0.0-objects.yaml
// whose labels say which ones the upgrade breaks and where.
import { describe, expect, it } from 'vitest';
import { compareCrdSets } from '../../../src/crd/compat/compare.ts';
import { crdsOf } from '../../../src/kube/types.ts';
import { checkCluster } from '../../../src/crd/objects/cluster.ts';
import { buildReport } from '../../../src/crd/objects/report.ts';
import { admit, crdKind, schemaOf } from '../../../src/crd/structural/validate.ts';
import type { KubeObject } from '../../../src/kube/types.ts';
import { crdFixtureObjects, operatorObjects } from '../../helpers/operators.ts';
import { asLive, pagedListing } from '../helpers.ts';

const live = crdsOf(operatorObjects('telemetry', 'v1.0.0'));
const target = crdsOf(operatorObjects('telemetry', 'v1.1.0'));
const objects = crdFixtureObjects('telemetry-v1.0.0-objects.yaml');
const id = (o: { kind: string; metadata?: { namespace?: string; name?: string }; namespace?: string | null; name?: string }) =>
  `${o.kind}/${o.metadata?.namespace ?? o.namespace}/${o.metadata?.name ?? o.name}`;
const expectation = (o: KubeObject) => o.metadata.labels?.['upgrade-check/expect'];
const safe = objects.filter((o) => expectation(o) === 'safe');
const breaking = objects.filter((o) => expectation(o) === 'breaks');

/** What the fixture says must break: `Kind/ns/name fieldPath`, from its annotations. */
const expectedBreaks = breaking.flatMap((o) => o.metadata.annotations!['upgrade-check/breaks-at']!.split(',').map((p) => `${id(o)} ${p.trim()}`)).sort();

async function report(objs: readonly KubeObject[]) {
  const check = await checkCluster(target, { clusterName: 'prod-us', liveCrds: live.map((c) => asLive(c)), listObjects: pagedListing(objs) });
  return buildReport([check]);
}

describe('telemetry v1.0.0 → v1.1.0', () => {
  it('reads a CRD of over 1 MB, and keeps the bare "=" enum value as a string', () => {
    const collectors = target.find((c) => c.metadata.name === 'collectors.telemetry.example.com')!;
    expect(JSON.stringify(collectors).length).toBeGreaterThan(256 * 1024);
    expect(JSON.stringify(target)).toContain('"enum":["!=","=","=~","!~"]');
  });

  it('every fixture object is valid under v1.0.0 and loses nothing to pruning', () => {
    expect(safe.length).toBeGreaterThan(breaking.length);
    expect(safe.length + breaking.length).toBe(objects.length);
    for (const o of objects) {
      const crd = live.find((c) => crdKind(c) === o.kind);
      const result = admit(schemaOf(crd!, o.apiVersion.split('/')[1]!)!, o);
      expect([result.issues, result.removedPaths], id(o)).toEqual([[], []]);
    }
  });

  it('schema findings: no version change, field changes of every kind are warnings, renames are hinted', () => {
    const findings = compareCrdSets(live, target);
    expect(findings.filter((f) => f.severity !== 'WARNING')).toEqual([]);
    const rows = findings.map((f) => `${f.crdName.split('.')[0]} ${f.changeType} ${f.fieldPath} ${f.oldValue ?? ''}→${f.newValue ?? ''}`);
    expect(rows.sort()).toEqual(
      [
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
    );
    // The additions are INFO, shown only when asked for.
    const added = compareCrdSets(live, target, { includeInfo: true }).filter((f) => f.severity === 'INFO');
    expect(added.map((f) => `${f.crdName.split('.')[0]} ${f.changeType} ${f.fieldPath}`)).toEqual(
      expect.arrayContaining(['collectors FIELD_ADDED .spec.retentionSize', 'scrapejobs FIELD_ADDED .spec.consulSDConfigs']),
    );
  });

  it('names exactly the objects that break, why, and stops for approval', async () => {
    const r = await report(objects);
    expect(r).toMatchObject({ compatible: false, requiresApproval: true });
    expect(r.affectedObjects.map((a) => `${id(a)} ${a.fieldPath}`).sort()).toEqual(expectedBreaks);
    expect(r.clusters[0]).toMatchObject({ objectsScanned: objects.length, objectsBroken: breaking.length, complete: true });
    // Every broken object is explained by a schema finding.
    expect(r.affectedObjects.filter((a) => !a.changeType).map((a) => `${id(a)} ${a.fieldPath}`)).toEqual([]);
    const why = Object.fromEntries(r.affectedObjects.map((a) => [`${a.name} ${a.fieldPath}`, `${a.category} ${a.changeType}`]));
    expect(why).toEqual({
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
    });
    const byName = new Map(r.affectedObjects.map((a) => [a.name, a]));
    expect(byName.get('consul-services')!.reason).toMatch(/possibly renamed to \.spec\.consulSDConfigs/);
    expect(byName.get('main')).toMatchObject({ namespace: 'monitoring', kind: 'Relay' });
    expect(byName.get('main')!.reason).toMatch(/possibly renamed to \.spec\.global\.httpConfig\.proxyUrl/);
    expect(byName.get('placeholder')!.reason).toBe('Required value');
    expect(byName.get('port-typo')!.reason).toMatch(/less than or equal to 65535/);
    // The findings those objects hit are escalated to BREAKING; the rest stay warnings.
    const escalated = r.findings.filter((f) => f.severity === 'BREAKING').map((f) => `${f.changeType} ${f.fieldPath}`);
    expect(escalated).toEqual(
      expect.arrayContaining([
        'ENUM_VALUE_REMOVED .spec.kubernetesSDConfigs[*].role',
        'FIELD_REMOVED .spec.ConsulSDConfigs',
        'TYPE_CHANGED .spec.scrapeInterval',
        'PATTERN_CHANGED .spec.openstackSDConfigs[*].identityEndpoint',
      ]),
    );
    expect(r.findings.filter((f) => f.severity === 'WARNING').length).toBeGreaterThan(0);
  });

  it('with only the objects that stay valid, the upgrade goes ahead with warnings', async () => {
    const r = await report(safe);
    expect(r).toMatchObject({ compatible: true, requiresApproval: false, affectedObjects: [] });
    expect(r.findings.length).toBeGreaterThan(0);
    expect(r.findings.every((f) => f.severity === 'WARNING')).toBe(true);
    expect(r.clusters[0]).toMatchObject({ objectsScanned: safe.length, objectsBroken: 0, warningFindings: r.findings.length });
  });
});
