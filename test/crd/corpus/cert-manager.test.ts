import { describe, expect, it } from 'vitest';
import { compareCrdSets } from '../../../src/crd/compat/compare.ts';
import { checkCluster } from '../../../src/crd/objects/cluster.ts';
import { buildReport } from '../../../src/crd/objects/report.ts';
import { admit, crdKind, crdName, schemaOf } from '../../../src/crd/structural/validate.ts';
import { corpus, corpusTitle } from '../../helpers/corpus.ts';
import { crdFixtureObjects } from '../../helpers/operators.ts';
import { asLive, pagedListing } from '../helpers.ts';

const objects = crdFixtureObjects('cert-manager-objects.yaml');
// Read only when the corpus is there: a skipped suite's body still runs to collect its tests.
const corpusCrds = (file: string) => (corpus.present ? corpus.crds(file) : []);

describe.skipIf(!corpus.present)(corpusTitle('cert-manager v1.5.0 → v1.6.0 (stops serving v1alpha2, v1alpha3, v1beta1)'), () => {
  const live = corpusCrds('cert-manager/v1.5.0/rendered.yaml');
  const target = corpusCrds('cert-manager/v1.6.0/rendered.yaml');

  it('the fixture objects are valid under v1.5.0', () => {
    for (const o of objects) {
      const crd = live.find((c) => crdKind(c) === o.kind)!;
      expect(admit(schemaOf(crd, o.apiVersion.split('/')[1]!)!, o).issues, `${o.kind}/${o.metadata.name}`).toEqual([]);
    }
  });

  it('every CRD stops serving the three old versions, and nothing else breaks at schema level', () => {
    const breaking = compareCrdSets(live, target).filter((f) => f.severity === 'BREAKING');
    const expected = live.flatMap((c) => ['v1alpha2', 'v1alpha3', 'v1beta1'].map((v) => `${crdName(c)} ${v} VERSION_NOT_SERVED`));
    expect(live).toHaveLength(6);
    expect(breaking.map((f) => `${f.crdName} ${f.version} ${f.changeType}`).sort()).toEqual(expected.sort());
  });

  it('says so when objects are still stored as v1alpha2 (status.storedVersions)', () => {
    const liveWithStored = live.map((c) => (crdName(c) === 'certificates.cert-manager.io' ? asLive(c, ['v1alpha2', 'v1']) : asLive(c)));
    const dropped = compareCrdSets(liveWithStored, target).filter((f) => f.changeType === 'STORED_VERSION_DROPPED');
    expect(dropped.map((f) => [f.crdName, f.version, f.severity])).toEqual([['certificates.cert-manager.io', 'v1alpha2', 'BREAKING']]);
    expect(dropped[0]!.message).toMatch(/storedVersions/);
  });

  it('the report blocks for approval and names the object written in v1alpha2', async () => {
    const liveCrds = live.map((c) => asLive(c, crdName(c) === 'certificates.cert-manager.io' ? ['v1alpha2', 'v1'] : undefined));
    const check = await checkCluster(target, { clusterName: 'prod-eu', liveCrds, listObjects: pagedListing(objects) });
    const report = buildReport([check]);
    expect(report).toMatchObject({ compatible: false, requiresApproval: true });
    expect(report.affectedObjects.map((a) => [a.kind, a.namespace, a.name, a.category, a.fieldPath])).toEqual([
      ['Certificate', 'tools', 'legacy-dashboard', 'UNSERVED_VERSION', '.apiVersion'],
    ]);
    expect(report.clusters[0]).toMatchObject({ clusterName: 'prod-eu', objectsScanned: 4, objectsBroken: 1, complete: true });
  });
});

describe.skipIf(!corpus.present)(corpusTitle('cert-manager v1.13.0 → v1.14.0 (compatible)'), () => {
  const live = corpusCrds('cert-manager/v1.13.0/rendered.yaml');
  const target = corpusCrds('cert-manager/v1.14.0/rendered.yaml');
  const v1Objects = objects.filter((o) => o.apiVersion.endsWith('/v1'));

  it('has no breaking finding and no warning; the changes are additions', () => {
    expect(compareCrdSets(live, target)).toEqual([]);
    const info = compareCrdSets(live, target, { includeInfo: true });
    expect(new Set(info.map((f) => f.changeType))).toEqual(new Set(['FIELD_ADDED']));
    expect(info.filter((f) => f.crdName === 'certificates.cert-manager.io').map((f) => f.fieldPath)).toEqual([
      '.spec.nameConstraints',
      '.spec.otherNames',
      '.spec.keystores.pkcs12.profile',
    ]);
  });

  it('the report is compatible for objects that exist', async () => {
    const check = await checkCluster(target, { clusterName: 'staging', liveCrds: live.map((c) => asLive(c)), listObjects: pagedListing(v1Objects) });
    const report = buildReport([check]);
    expect(report).toMatchObject({ compatible: true, requiresApproval: false, affectedObjects: [], findings: [] });
    expect(report.clusters[0]!.objectsScanned).toBe(3);
  });
});
