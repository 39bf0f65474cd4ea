// The CRD-safety check on API-version changes, with the project's PKI operator
// (test/fixtures/operators/pki): v1.0.0 → v1.1.0 stops serving versions, removes one and moves
// a storage version (breaking); v1.1.0 → v1.2.0 removes a version still in storedVersions;
// v1.2.0 → v1.3.0 only adds fields (compatible). Objects: test/fixtures/crd/pki-objects.yaml.
import { describe, expect, it } from 'vitest';
import { compareCrdSets } from '../../../src/crd/compat/compare.ts';
import { crdsOf } from '../../../src/kube/types.ts';
import { checkCluster } from '../../../src/crd/objects/cluster.ts';
import { buildReport } from '../../../src/crd/objects/report.ts';
import { admit, crdKind, crdName, schemaOf } from '../../../src/crd/structural/validate.ts';
import { crdFixtureObjects, operatorObjects } from '../../helpers/operators.ts';
import { asLive, pagedListing } from '../helpers.ts';

const objects = crdFixtureObjects('pki-objects.yaml');
const crds = (version: string) => crdsOf(operatorObjects('pki', version));
const CERTIFICATES = 'certificates.pki.example.com';

describe('pki v1.0.0 → v1.1.0 (stops serving v1alpha1 and v1beta1, removes ClusterIssuer v1alpha1, moves its storage to v1)', () => {
  const live = crds('v1.0.0');
  const target = crds('v1.1.0');

  it('the fixture objects are valid under v1.0.0', () => {
    expect(objects).toHaveLength(4);
    for (const o of objects) {
      const crd = live.find((c) => crdKind(c) === o.kind)!;
      expect(admit(schemaOf(crd, o.apiVersion.split('/')[1]!)!, o).issues, `${o.kind}/${o.metadata.name}`).toEqual([]);
    }
  });

  it('a served version that stops being served or is removed is breaking; a new storage version and a deprecation are warnings', () => {
    const rows = compareCrdSets(
      live.map((c) => asLive(c)),
      target,
    ).map((f) => `${f.crdName} ${f.version} ${f.changeType} ${f.severity}`);
    expect(live).toHaveLength(3);
    expect(rows.sort()).toEqual(
      [
        'certificates.pki.example.com v1alpha1 VERSION_NOT_SERVED BREAKING',
        'certificates.pki.example.com v1beta1 VERSION_NOT_SERVED BREAKING',
        'issuers.pki.example.com v1alpha1 VERSION_NOT_SERVED BREAKING',
        'issuers.pki.example.com v1beta1 VERSION_NOT_SERVED BREAKING',
        'clusterissuers.pki.example.com v1alpha1 VERSION_REMOVED BREAKING',
        'clusterissuers.pki.example.com v1beta1 VERSION_DEPRECATED WARNING',
        'clusterissuers.pki.example.com v1 STORAGE_VERSION_CHANGED WARNING',
      ].sort(),
    );
    const storage = compareCrdSets(live, target).find((f) => f.changeType === 'STORAGE_VERSION_CHANGED')!;
    expect([storage.oldValue, storage.newValue]).toEqual(['v1beta1', 'v1']);
  });

  it('says so when objects are still stored as v1alpha1 (status.storedVersions)', () => {
    const liveWithStored = live.map((c) => (crdName(c) === CERTIFICATES ? asLive(c, ['v1alpha1', 'v1']) : asLive(c)));
    const dropped = compareCrdSets(liveWithStored, target).filter((f) => f.changeType === 'STORED_VERSION_DROPPED');
    // ClusterIssuers are stored as v1beta1, which v1.1.0 still serves: nothing lost there.
    expect(dropped.map((f) => [f.crdName, f.version, f.severity])).toEqual([[CERTIFICATES, 'v1alpha1', 'BREAKING']]);
    expect(dropped[0]!.message).toMatch(/storedVersions/);
  });

  it('the report blocks for approval and names the object written in v1alpha1', async () => {
    const liveCrds = live.map((c) => asLive(c, crdName(c) === CERTIFICATES ? ['v1alpha1', 'v1'] : undefined));
    const check = await checkCluster(target, { clusterName: 'prod-eu', liveCrds, listObjects: pagedListing(objects) });
    const report = buildReport([check]);
    expect(report).toMatchObject({ compatible: false, requiresApproval: true });
    expect(report.affectedObjects.map((a) => [a.kind, a.namespace, a.name, a.category, a.fieldPath])).toEqual([
      ['Certificate', 'tools', 'legacy-dashboard', 'UNSERVED_VERSION', '.apiVersion'],
    ]);
    expect(report.clusters[0]).toMatchObject({ clusterName: 'prod-eu', objectsScanned: 4, objectsBroken: 1, complete: true });
  });
});

describe('pki v1.1.0 → v1.2.0 (old versions removed)', () => {
  it('removing a version still in storedVersions drops stored objects; removing unserved ones does not break', () => {
    const live = crds('v1.1.0').map((c) => asLive(c, crdName(c) === 'clusterissuers.pki.example.com' ? ['v1beta1', 'v1'] : ['v1']));
    const breaking = compareCrdSets(live, crds('v1.2.0')).filter((f) => f.severity === 'BREAKING');
    expect(breaking.map((f) => `${f.crdName} ${f.version} ${f.changeType}`).sort()).toEqual([
      'clusterissuers.pki.example.com v1beta1 STORED_VERSION_DROPPED',
      'clusterissuers.pki.example.com v1beta1 VERSION_REMOVED',
    ]);
  });
});

describe('pki v1.2.0 → v1.3.0 (compatible)', () => {
  const live = crds('v1.2.0');
  const target = crds('v1.3.0');
  const v1Objects = objects.filter((o) => o.apiVersion.endsWith('/v1'));

  it('has no breaking finding and no warning; the changes are additions', () => {
    expect(compareCrdSets(live, target)).toEqual([]);
    const info = compareCrdSets(live, target, { includeInfo: true });
    expect(new Set(info.map((f) => f.changeType))).toEqual(new Set(['FIELD_ADDED']));
    expect(info.filter((f) => f.crdName === CERTIFICATES).map((f) => f.fieldPath)).toEqual([
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
