import { describe, expect, it } from 'vitest';
import { compareCrdSets } from '../../../src/crd/compat/compare.ts';
import { checkCluster } from '../../../src/crd/objects/cluster.ts';
import { buildReport } from '../../../src/crd/objects/report.ts';
import { admit, crdKind, schemaOf } from '../../../src/crd/structural/validate.ts';
import type { KubeObject } from '../../../src/kube/types.ts';
import { corpus, corpusTitle } from '../../helpers/corpus.ts';
import { crdFixtureObjects } from '../../helpers/operators.ts';
import { asLive, pagedListing } from '../helpers.ts';

// Read only when the corpus is there: a skipped suite's body still runs to collect its tests.
const live = corpus.present ? corpus.crds('prometheus-operator/v0.75.0/bundle.yaml') : [];
const target = corpus.present ? corpus.crds('prometheus-operator/v0.80.0/bundle.yaml') : [];
const objects = crdFixtureObjects('prometheus-operator-v0.75.0-objects.yaml');
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

describe.skipIf(!corpus.present)(corpusTitle('prometheus-operator v0.75.0 → v0.80.0'), () => {
  it('the bundle keeps the bare "=" enum value as a string', () => {
    expect(JSON.stringify(target)).toContain('"enum":["!=","=","=~","!~"]');
  });

  it('every fixture object is valid under v0.75.0 and loses nothing to pruning', () => {
    expect(safe.length).toBeGreaterThan(breaking.length);
    for (const o of objects) {
      const crd = live.find((c) => crdKind(c) === o.kind);
      const result = admit(schemaOf(crd!, o.apiVersion.split('/')[1]!)!, o);
      expect([result.issues, result.removedPaths], id(o)).toEqual([[], []]);
    }
  });

  it('schema findings: no version change, field changes are warnings, renames are hinted', () => {
    const findings = compareCrdSets(live, target);
    expect(findings.filter((f) => f.severity !== 'WARNING')).toEqual([]);
    const rows = findings.map((f) => `${f.crdName.split('.')[0]} ${f.changeType} ${f.fieldPath} ${f.oldValue ?? ''}→${f.newValue ?? ''}`);
    expect(rows).toEqual(
      expect.arrayContaining([
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
    );
    expect(findings.filter((f) => f.changeType === 'FIELD_REMOVED')).toHaveLength(2);
  });

  it('names exactly the objects that break, and stops for approval', async () => {
    const r = await report(objects);
    expect(r).toMatchObject({ compatible: false, requiresApproval: true });
    expect(r.affectedObjects.map((a) => `${id(a)} ${a.fieldPath}`).sort()).toEqual(expectedBreaks);
    expect(r.clusters[0]).toMatchObject({ objectsScanned: objects.length, objectsBroken: breaking.length, complete: true });
    // Every broken object is explained by a schema finding.
    expect(r.affectedObjects.filter((a) => !a.changeType).map((a) => `${id(a)} ${a.fieldPath}`)).toEqual([]);
    const byName = new Map(r.affectedObjects.map((a) => [a.name, a]));
    expect(byName.get('nomad-services')).toMatchObject({ category: 'DATA_LOSS', changeType: 'FIELD_REMOVED' });
    expect(byName.get('nomad-services')!.reason).toMatch(/possibly renamed to \.spec\.nomadSDConfigs/);
    expect(byName.get('main')).toMatchObject({ category: 'DATA_LOSS', namespace: 'monitoring', kind: 'Alertmanager' });
    expect(byName.get('kubelet-nodes')).toMatchObject({ category: 'INVALID', changeType: 'ENUM_VALUE_REMOVED' });
    expect(byName.get('static-duplicates')).toMatchObject({ category: 'INVALID', changeType: 'LIST_TYPE_CHANGED' });
    expect(byName.get('placeholder')).toMatchObject({ category: 'INVALID', changeType: 'FIELD_NEWLY_REQUIRED', reason: 'Required value' });
    // The findings those objects hit are escalated to BREAKING; the rest stay warnings.
    const escalated = r.findings.filter((f) => f.severity === 'BREAKING').map((f) => `${f.changeType} ${f.fieldPath}`);
    expect(escalated).toEqual(expect.arrayContaining(['ENUM_VALUE_REMOVED .spec.kubernetesSDConfigs[*].role', 'FIELD_REMOVED .spec.NomadSDConfigs']));
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
