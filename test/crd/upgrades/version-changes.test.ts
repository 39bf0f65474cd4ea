// The CRD-safety check on API-version changes, over the cert-manager corpus (v1.5.0 → v1.6.0
// stops serving three versions; v1.13.0 → v1.14.0 is compatible) and the project's PKI operator
// (test/fixtures/operators/pki): v1.0.0 → v1.1.0 stops serving versions, removes one and moves a
// storage version (breaking); v1.1.0 → v1.2.0 removes a version still in storedVersions; v1.2.0 →
// v1.3.0 only adds fields (compatible). Objects: test/fixtures/crd/cert-manager-objects.yaml and
// pki-objects.yaml, one of each still written in the oldest version.
import { beforeAll, describe, expect, it } from 'vitest';
import { compareCrdSets } from '../../../src/crd/compat/compare.ts';
import { crdsOf, type KubeObject } from '../../../src/kube/types.ts';
import { checkCluster } from '../../../src/crd/objects/cluster.ts';
import { buildReport } from '../../../src/crd/objects/report.ts';
import { admit, crdKind, crdName, schemaOf } from '../../../src/crd/structural/validate.ts';
import { corpus } from '../../helpers/corpus.ts';
import { crdFixtureObjects, operatorObjects } from '../../helpers/operators.ts';
import { describeSources, type SourceCase } from '../../helpers/sources.ts';
import { asLive, pagedListing } from '../helpers.ts';

const pki = (version: string) => crdsOf(operatorObjects('pki', version));
const certManager = (version: string) => corpus.crds(`cert-manager/${version}/rendered.yaml`);
const CERT_MANAGER_CRDS = [
  'certificaterequests.cert-manager.io',
  'certificates.cert-manager.io',
  'challenges.acme.cert-manager.io',
  'clusterissuers.cert-manager.io',
  'issuers.cert-manager.io',
  'orders.acme.cert-manager.io',
];

interface Upgrade extends SourceCase {
  /** The CRDs of the live release and of the target release. */
  crds: () => [KubeObject[], KubeObject[]];
  /** Custom resources of the live release (a file under test/fixtures/crd). */
  objects: string;
}

interface BreakingUpgrade extends Upgrade {
  /** How many objects the fixture has, and CRDs the live release. */
  counts: { objects: number; crds: number };
  /** `crd version changeType severity` of every finding, sorted. */
  findings: string[];
  /** [old, new] of the storage version a CRD moves, if one does. */
  storageMove?: [string, string];
  /** The oldest version of Certificates, where the fixture's legacy Certificate is written and stored. */
  storedVersion: string;
  /** The CRD of Certificates. */
  certificates: string;
}

const breakingUpgrades: BreakingUpgrade[] = [
  {
    name: 'cert-manager v1.5.0 → v1.6.0 (stops serving v1alpha2, v1alpha3, v1beta1)',
    corpus: true,
    crds: () => [certManager('v1.5.0'), certManager('v1.6.0')],
    objects: 'cert-manager-objects.yaml',
    counts: { objects: 4, crds: 6 },
    // Every CRD stops serving the three old versions, and nothing else changes at schema level.
    findings: CERT_MANAGER_CRDS.flatMap((crd) => ['v1alpha2', 'v1alpha3', 'v1beta1'].map((v) => `${crd} ${v} VERSION_NOT_SERVED BREAKING`)),
    storedVersion: 'v1alpha2',
    certificates: 'certificates.cert-manager.io',
  },
  {
    name: 'pki v1.0.0 → v1.1.0 (stops serving v1alpha1 and v1beta1, removes ClusterIssuer v1alpha1, moves its storage to v1)',
    corpus: false,
    crds: () => [pki('v1.0.0'), pki('v1.1.0')],
    objects: 'pki-objects.yaml',
    counts: { objects: 4, crds: 3 },
    findings: [
      'certificates.pki.example.com v1alpha1 VERSION_NOT_SERVED BREAKING',
      'certificates.pki.example.com v1beta1 VERSION_NOT_SERVED BREAKING',
      'issuers.pki.example.com v1alpha1 VERSION_NOT_SERVED BREAKING',
      'issuers.pki.example.com v1beta1 VERSION_NOT_SERVED BREAKING',
      'clusterissuers.pki.example.com v1alpha1 VERSION_REMOVED BREAKING',
      'clusterissuers.pki.example.com v1beta1 VERSION_DEPRECATED WARNING',
      'clusterissuers.pki.example.com v1 STORAGE_VERSION_CHANGED WARNING',
    ].sort(),
    storageMove: ['v1beta1', 'v1'],
    storedVersion: 'v1alpha1',
    certificates: 'certificates.pki.example.com',
  },
];

describeSources(
  breakingUpgrades,
  (c) => c.name,
  (c) => {
    const objects = crdFixtureObjects(c.objects);
    let live: KubeObject[];
    let target: KubeObject[];
    beforeAll(() => {
      [live, target] = c.crds();
    });

    it('the fixture objects are valid under the live release', () => {
      expect(objects).toHaveLength(c.counts.objects);
      for (const o of objects) {
        const crd = live.find((candidate) => crdKind(candidate) === o.kind)!;
        expect(admit(schemaOf(crd, o.apiVersion.split('/')[1]!)!, o).issues, `${o.kind}/${o.metadata.name}`).toEqual([]);
      }
    });

    it('a served version that stops being served or is removed is breaking; a new storage version and a deprecation are warnings', () => {
      const rows = compareCrdSets(
        live.map((crd) => asLive(crd)),
        target,
      ).map((f) => `${f.crdName} ${f.version} ${f.changeType} ${f.severity}`);
      expect(live).toHaveLength(c.counts.crds);
      expect(rows.sort()).toEqual(c.findings);
      const storage = compareCrdSets(live, target).find((f) => f.changeType === 'STORAGE_VERSION_CHANGED');
      expect(storage && [storage.oldValue, storage.newValue]).toEqual(c.storageMove);
    });

    it(`says so when objects are still stored as ${c.storedVersion} (status.storedVersions)`, () => {
      const liveWithStored = live.map((crd) => (crdName(crd) === c.certificates ? asLive(crd, [c.storedVersion, 'v1']) : asLive(crd)));
      const dropped = compareCrdSets(liveWithStored, target).filter((f) => f.changeType === 'STORED_VERSION_DROPPED');
      // The other CRDs store versions the target still serves (PKI's ClusterIssuers: v1beta1): nothing lost there.
      expect(dropped.map((f) => [f.crdName, f.version, f.severity])).toEqual([[c.certificates, c.storedVersion, 'BREAKING']]);
      expect(dropped[0]!.message).toMatch(/storedVersions/);
    });

    it(`the report blocks for approval and names the object written in ${c.storedVersion}`, async () => {
      const liveCrds = live.map((crd) => asLive(crd, crdName(crd) === c.certificates ? [c.storedVersion, 'v1'] : undefined));
      const check = await checkCluster(target, { clusterName: 'prod-eu', liveCrds, listObjects: pagedListing(objects) });
      const report = buildReport([check]);
      expect(report).toMatchObject({ compatible: false, requiresApproval: true });
      expect(report.affectedObjects.map((a) => [a.kind, a.namespace, a.name, a.category, a.fieldPath])).toEqual([
        ['Certificate', 'tools', 'legacy-dashboard', 'UNSERVED_VERSION', '.apiVersion'],
      ]);
      expect(report.clusters[0]).toMatchObject({ clusterName: 'prod-eu', objectsScanned: 4, objectsBroken: 1, complete: true });
    });
  },
);

describe('pki v1.1.0 → v1.2.0 (old versions removed)', () => {
  it('removing a version still in storedVersions drops stored objects; removing unserved ones does not break', () => {
    const live = pki('v1.1.0').map((c) => asLive(c, crdName(c) === 'clusterissuers.pki.example.com' ? ['v1beta1', 'v1'] : ['v1']));
    const breaking = compareCrdSets(live, pki('v1.2.0')).filter((f) => f.severity === 'BREAKING');
    expect(breaking.map((f) => `${f.crdName} ${f.version} ${f.changeType}`).sort()).toEqual([
      'clusterissuers.pki.example.com v1beta1 STORED_VERSION_DROPPED',
      'clusterissuers.pki.example.com v1beta1 VERSION_REMOVED',
    ]);
  });
});

interface CompatibleUpgrade extends Upgrade {
  /** The CRD of Certificates. */
  certificates: string;
}

const compatibleUpgrades: CompatibleUpgrade[] = [
  {
    name: 'cert-manager v1.13.0 → v1.14.0 (compatible)',
    corpus: true,
    crds: () => [certManager('v1.13.0'), certManager('v1.14.0')],
    objects: 'cert-manager-objects.yaml',
    certificates: 'certificates.cert-manager.io',
  },
  {
    name: 'pki v1.2.0 → v1.3.0 (compatible)',
    corpus: false,
    crds: () => [pki('v1.2.0'), pki('v1.3.0')],
    objects: 'pki-objects.yaml',
    certificates: 'certificates.pki.example.com',
  },
];

describeSources(
  compatibleUpgrades,
  (c) => c.name,
  (c) => {
    const v1Objects = crdFixtureObjects(c.objects).filter((o) => o.apiVersion.endsWith('/v1'));
    let live: KubeObject[];
    let target: KubeObject[];
    beforeAll(() => {
      [live, target] = c.crds();
    });

    it('has no breaking finding and no warning; the changes are additions', () => {
      expect(compareCrdSets(live, target)).toEqual([]);
      const info = compareCrdSets(live, target, { includeInfo: true });
      expect(new Set(info.map((f) => f.changeType))).toEqual(new Set(['FIELD_ADDED']));
      expect(info.filter((f) => f.crdName === c.certificates).map((f) => f.fieldPath)).toEqual([
        '.spec.nameConstraints',
        '.spec.otherNames',
        '.spec.keystores.pkcs12.profile',
      ]);
    });

    it('the report is compatible for objects that exist', async () => {
      const check = await checkCluster(target, { clusterName: 'staging', liveCrds: live.map((crd) => asLive(crd)), listObjects: pagedListing(v1Objects) });
      const report = buildReport([check]);
      expect(report).toMatchObject({ compatible: true, requiresApproval: false, affectedObjects: [], findings: [] });
      expect(report.clusters[0]!.objectsScanned).toBe(3);
    });
  },
);
