// validateCrdCompatibility and the CRD registry over real HTTP against sandbox clusters, for
// API-version changes: with the cert-manager corpus, v1.5.0 → v1.6.0 is breaking (three API
// versions stop being served, one of them still in status.storedVersions), v1.13.0 → v1.14.0 is
// not; with the project's PKI operator (test/fixtures/operators/pki), v1.0.0 → v1.1.0 is breaking
// (two API versions stop being served, one is removed, v1alpha1 is still in status.storedVersions
// where objects were stored in it), v1.2.0 → v1.3.0 is not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crdsOf, type KubeObject } from '../../src/kube/types.ts';
import {
  CrdDocument,
  CrdsDocument,
  CrdVersionSchemaDocument,
  DeprecateCrdDocument,
  ReactivateCrdDocument,
  RegisterOperatorDocument,
  ValidateCrdCompatibilityDocument,
} from '../generated/graphql.ts';
import { corpus } from '../helpers/corpus.ts';
import { startFleet, type Fleet } from '../helpers/fleet.ts';
import { crdFixtureObjects, fixtureTemplate, operatorObjects } from '../helpers/operators.ts';
import { describeSources, type SourceCase } from '../helpers/sources.ts';
import { clone, putAll } from './helpers.ts';

interface Operator extends SourceCase {
  operator: string;
  namespace: string;
  /** The operator's manifest URL template. */
  template: () => string;
  /** The CRDs of a release (read in hooks and tests only). */
  crds: (version: string) => KubeObject[];
  /** The API group of its Certificates, Issuers and ClusterIssuers. */
  group: string;
  /** Custom resources that live in clusters (a file under test/fixtures/crd). */
  objects: string;
  /** The breaking upgrade, checked on legacy-1. */
  breaking: {
    from: string;
    to: string;
    /** What breaks, in the test's title. */
    what: string;
    /** The old storage version of Certificates and Issuers, where legacy-1 stored objects. */
    storedVersion: string;
    /** `crd version changeType severity` of every finding, sorted. */
    findings: string[];
    /** The versions of Certificates the target release no longer serves, sorted. */
    unserved: string[];
    /** The versions of ClusterIssuers in the target release. */
    clusterIssuers: Array<{ name: string; served: boolean; storage: boolean }>;
  };
  /** The compatible upgrade, checked on modern-1. */
  compatible: { from: string; to: string };
  /** status.storedVersions of CRDs on legacy-1, by name. */
  storedVersions: Record<string, string[]>;
  /** Every CRD of the operator, sorted. */
  crdNames: string[];
  /** Some of the fields of an Issuer's spec. */
  issuerSpec: string[];
  deprecate: { name: string; reason: string; migrationGuide: string };
}

const certManagerCrds = ['certificaterequests', 'certificates', 'challenges.acme', 'clusterissuers', 'issuers', 'orders.acme'].map(
  (n) => `${n}.cert-manager.io`,
);
const pkiCrds = ['certificates', 'clusterissuers', 'issuers'].map((n) => `${n}.pki.example.com`);

const operators: Operator[] = [
  {
    name: 'cert-manager',
    corpus: true,
    operator: 'cert-manager',
    namespace: 'cert-manager',
    template: () => corpus.template('cert-manager', 'rendered.yaml'),
    crds: (version) => corpus.crds(`cert-manager/${version}/rendered.yaml`),
    group: 'cert-manager.io',
    objects: 'cert-manager-objects.yaml',
    breaking: {
      from: 'v1.5.0',
      to: 'v1.6.0',
      what: 'three API versions stop being served',
      // legacy-1 was upgraded from cert-manager 0.x: Certificates and Issuers were written while
      // v1alpha2 was the storage version.
      storedVersion: 'v1alpha2',
      // Every cert-manager CRD (six of them) stops serving each of the three versions.
      findings: [
        ...certManagerCrds.flatMap((crd) => ['v1alpha2', 'v1alpha3', 'v1beta1'].map((v) => `${crd} ${v} VERSION_NOT_SERVED BREAKING`)),
        'certificates.cert-manager.io v1alpha2 STORED_VERSION_DROPPED BREAKING',
        'issuers.cert-manager.io v1alpha2 STORED_VERSION_DROPPED BREAKING',
      ].sort(),
      unserved: ['v1alpha2', 'v1alpha3', 'v1beta1'],
      clusterIssuers: [
        { name: 'v1alpha2', served: false, storage: false },
        { name: 'v1alpha3', served: false, storage: false },
        { name: 'v1beta1', served: false, storage: false },
        { name: 'v1', served: true, storage: true },
      ],
    },
    compatible: { from: 'v1.13.0', to: 'v1.14.0' },
    storedVersions: {
      'certificates.cert-manager.io': ['v1alpha2', 'v1'],
      'issuers.cert-manager.io': ['v1alpha2', 'v1'],
      'clusterissuers.cert-manager.io': ['v1'],
    },
    crdNames: certManagerCrds,
    issuerSpec: ['acme', 'ca', 'selfSigned', 'vault', 'venafi'],
    deprecate: {
      name: 'challenges.acme.cert-manager.io',
      reason: 'ACME challenges are managed by the new issuer',
      migrationGuide: 'Move to ClusterIssuer http01 solvers.',
    },
  },
  {
    name: "the project's PKI operator",
    corpus: false,
    operator: 'pki',
    namespace: 'pki-system',
    template: () => fixtureTemplate('pki'),
    crds: (version) => crdsOf(operatorObjects('pki', version)),
    group: 'pki.example.com',
    objects: 'pki-objects.yaml',
    breaking: {
      from: 'v1.0.0',
      to: 'v1.1.0',
      what: 'versions stop being served or are removed',
      // legacy-1 was installed when v1alpha1 was the storage version of Certificates and Issuers.
      storedVersion: 'v1alpha1',
      // ClusterIssuers move their storage to v1; v1beta1, where they are stored, is still served.
      findings: [
        ...['certificates', 'issuers'].flatMap((crd) => ['v1alpha1', 'v1beta1'].map((v) => `${crd}.pki.example.com ${v} VERSION_NOT_SERVED BREAKING`)),
        'clusterissuers.pki.example.com v1alpha1 VERSION_REMOVED BREAKING',
        'clusterissuers.pki.example.com v1beta1 VERSION_DEPRECATED WARNING',
        'clusterissuers.pki.example.com v1 STORAGE_VERSION_CHANGED WARNING',
        'certificates.pki.example.com v1alpha1 STORED_VERSION_DROPPED BREAKING',
        'issuers.pki.example.com v1alpha1 STORED_VERSION_DROPPED BREAKING',
      ].sort(),
      unserved: ['v1alpha1', 'v1beta1'],
      clusterIssuers: [
        { name: 'v1beta1', served: true, storage: false },
        { name: 'v1', served: true, storage: true },
      ],
    },
    compatible: { from: 'v1.2.0', to: 'v1.3.0' },
    storedVersions: {
      'certificates.pki.example.com': ['v1alpha1', 'v1'],
      'issuers.pki.example.com': ['v1alpha1', 'v1'],
      'clusterissuers.pki.example.com': ['v1beta1'],
    },
    crdNames: pkiCrds,
    issuerSpec: ['acme', 'ca', 'selfSigned', 'vault'],
    deprecate: {
      name: 'clusterissuers.pki.example.com',
      reason: 'cluster-wide issuers are replaced by per-namespace Issuers',
      migrationGuide: 'Create an Issuer in each namespace.',
    },
  },
];

describeSources(
  operators,
  (c) => `${c.name}: CRD upgrades checked against live clusters`,
  (c) => {
    const { breaking, compatible } = c;
    const inV1 = crdFixtureObjects(c.objects).filter((o) => o.apiVersion === `${c.group}/v1`);
    /** The CRD as an older installation had it: `breaking.storedVersion` was the storage version. */
    const storedAsOld = (crd: KubeObject): KubeObject => {
      const old = clone(crd);
      for (const v of old.spec.versions) v.storage = v.name === breaking.storedVersion;
      return old;
    };

    let f: Fleet;
    beforeAll(async () => {
      f = await startFleet({
        clusters: [
          { name: 'legacy-1', environment: 'STAGING' },
          { name: 'modern-1', environment: 'PRODUCTION' },
        ],
        demo: false,
      });
      await f.ok(RegisterOperatorDocument, {
        input: {
          name: c.operator,
          namespace: c.namespace,
          manifestUrlTemplate: c.template(),
          versions: [compatible.to, compatible.from, breaking.to, breaking.from],
        },
      });

      // legacy-1 has Certificates and Issuers written while the old version was the storage
      // version, so it stays in their status.storedVersions.
      const legacy = f.sandbox.cluster('legacy-1');
      const old = c.crds(breaking.from);
      for (const crd of old.filter((x) => [`certificates.${c.group}`, `issuers.${c.group}`].includes(x.metadata.name!))) legacy.objects.put(storedAsOld(crd));
      putAll(legacy, [
        {
          apiVersion: `${c.group}/${breaking.storedVersion}`,
          kind: 'Issuer',
          metadata: { name: 'old-ca', namespace: 'tools' },
          spec: { ca: { secretName: 'old-ca-key-pair' } },
        },
        {
          apiVersion: `${c.group}/${breaking.storedVersion}`,
          kind: 'Certificate',
          metadata: { name: 'old-dashboard', namespace: 'tools' },
          spec: { secretName: 'old-dashboard-tls', dnsNames: ['dashboard.example.com'], issuerRef: { name: 'old-ca' } },
        },
      ]);
      for (const crd of old) legacy.objects.put(clone(crd));
      putAll(legacy, inV1);

      const modern = f.sandbox.cluster('modern-1');
      for (const crd of c.crds(compatible.from)) modern.objects.put(clone(crd));
      putAll(modern, inV1);
    });
    afterAll(() => f?.stopAll());

    const validate = (targetVersion: string, clusters?: string[], token?: string) =>
      f.gql(ValidateCrdCompatibilityDocument, { operatorName: c.operator, targetVersion, ...(clusters ? { clusters } : {}) }, token);

    it(`the sandbox shows ${breaking.storedVersion} in storedVersions of the CRDs that stored objects in it`, () => {
      const storedVersions = (name: string) =>
        f.sandbox.cluster('legacy-1').objects.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, name)?.status?.storedVersions;
      for (const [name, versions] of Object.entries(c.storedVersions)) expect(storedVersions(name), name).toEqual(versions);
    });

    it(`${breaking.from} → ${breaking.to} is breaking: ${breaking.what}, and ${breaking.storedVersion} holds stored objects`, async () => {
      const r = (await validate(breaking.to, ['legacy-1'])).data!.validateCrdCompatibility;
      expect(r).toMatchObject({ operatorName: c.operator, targetVersion: breaking.to, compatible: false, requiresApproval: true });
      expect(r.findings.map((x) => `${x.crdName} ${x.version} ${x.changeType} ${x.severity}`).sort()).toEqual(breaking.findings);
      expect(r.findings.find((x) => x.changeType === 'STORED_VERSION_DROPPED')!.message).toMatch(/storedVersions/);
      expect(r.clusters).toEqual([
        expect.objectContaining({ clusterName: 'legacy-1', compatible: false, requiresApproval: true, complete: true, reachable: true }),
      ]);
    });

    it(`${compatible.from} → ${compatible.to} is compatible, with every existing object checked`, async () => {
      const r = (await validate(compatible.to, ['modern-1'])).data!.validateCrdCompatibility;
      expect(r).toMatchObject({ compatible: true, requiresApproval: false, affectedObjects: [] });
      expect(r.findings.filter((x) => x.severity === 'BREAKING')).toEqual([]);
      expect(r.clusters[0]).toMatchObject({ clusterName: 'modern-1', compatible: true, complete: true, objectsScanned: inV1.length, objectsBroken: 0 });
    });

    it('with clusters omitted, checks every cluster where the operator is installed (none yet)', async () => {
      const r = (await validate(compatible.to)).data!.validateCrdCompatibility;
      expect(r).toMatchObject({ compatible: true, requiresApproval: false, clusters: [] });
    });

    it('a cluster that cannot be read is reported incomplete and unreachable, never compatible', async () => {
      const modern = f.sandbox.cluster('modern-1');
      await modern.setFaults({ unreachable: true });
      try {
        const r = (await validate(compatible.to, ['modern-1'])).data!.validateCrdCompatibility;
        expect(r).toMatchObject({ compatible: false, requiresApproval: true });
        expect(r.clusters[0]).toMatchObject({ clusterName: 'modern-1', reachable: false, complete: false, compatible: false, objectsScanned: 0 });
        expect(r.clusters[0]!.errors[0]).toMatch(/CRDs not readable, custom resources not checked: .*unreachable/);
      } finally {
        await modern.setFaults({ unreachable: false });
      }
    });

    it('refuses bad input naming the field, and needs a token; any role may check', async () => {
      const codes = async (p: Promise<{ errors?: Array<{ extensions?: { code?: string; fields?: string[] } }> }>) =>
        (await p).errors?.map((e) => [e.extensions?.code, e.extensions?.fields]);
      expect(await codes(f.gql(ValidateCrdCompatibilityDocument, { operatorName: 'nope', targetVersion: 'v1.0.0' }))).toEqual([
        ['BAD_USER_INPUT', ['operatorName']],
      ]);
      expect(await codes(validate('latest'))).toEqual([['BAD_USER_INPUT', ['targetVersion']]]);
      expect(await codes(validate('v9.9.9', ['modern-1']))).toEqual([['BAD_USER_INPUT', ['targetVersion']]]);
      expect(await codes(validate(compatible.to, ['modern-1', 'ghost']))).toEqual([['BAD_USER_INPUT', ['clusters']]]);
      expect(await codes(validate(compatible.to, []))).toEqual([['BAD_USER_INPUT', ['clusters']]]);
      expect(await codes(validate(compatible.to, ['modern-1'], null as never))).toEqual([['UNAUTHENTICATED', undefined]]);
      const viewer = await f.token('vera', ['VIEWER']);
      expect((await validate(compatible.to, ['modern-1'], viewer)).data?.validateCrdCompatibility.compatible).toBe(true);
    });

    describe('the registry', () => {
      // Every check renders its target version and records its CRDs: these two are the ones rendered.
      beforeAll(async () => {
        for (const [version, cluster] of [
          [breaking.to, 'legacy-1'],
          [compatible.to, 'modern-1'],
        ] as const) {
          const r = await validate(version, [cluster]);
          if (!r.data) throw new Error(`checking ${version}: ${JSON.stringify(r.errors)}`);
        }
      });

      it('records every CRD of every rendered version, one entry per name with its history', async () => {
        const { crds } = await f.ok(CrdsDocument, { operatorName: c.operator });
        expect(crds.map((x) => x.name)).toEqual(c.crdNames);
        const cert = crds.find((x) => x.name === `certificates.${c.group}`)!;
        expect(cert).toMatchObject({
          group: c.group,
          kind: 'Certificate',
          plural: 'certificates',
          scope: 'Namespaced',
          status: 'ACTIVE',
          latestOperatorVersion: compatible.to,
          storageVersion: 'v1',
        });
        expect(cert.operatorVersions).toEqual([compatible.to, breaking.to]);
        expect(cert.versions).toEqual([{ name: 'v1', served: true, storage: true, deprecated: false }]);
        const atBreak = cert.history.find((h) => h.operatorVersion === breaking.to)!;
        expect(
          atBreak.versions
            .filter((v) => !v.served)
            .map((v) => v.name)
            .sort(),
        ).toEqual(breaking.unserved);
        expect(atBreak.schemaDigest).toMatch(/^sha256:/);
        expect(atBreak.schemaDigest).not.toBe(cert.schemaDigest);
        const clusterIssuers = crds.find((x) => x.name === `clusterissuers.${c.group}`)!;
        expect(clusterIssuers).toMatchObject({ scope: 'Cluster', storageVersion: 'v1' });
        expect(clusterIssuers.history.find((h) => h.operatorVersion === breaking.to)!.versions).toEqual(breaking.clusterIssuers);
        expect((await f.ok(CrdsDocument, { operatorName: 'someone-else' })).crds).toEqual([]);
      });

      it('shows the schema of each version', async () => {
        const { crd } = await f.ok(CrdVersionSchemaDocument, { name: `issuers.${c.group}` });
        const schema = crd!.versions[0]!.schema as { properties?: { spec?: { properties?: Record<string, unknown> } } };
        expect(Object.keys(schema.properties!.spec!.properties!)).toEqual(expect.arrayContaining(c.issuerSpec));
        expect((await f.ok(CrdDocument, { name: 'nothing.example.com' })).crd).toBeNull();
      });

      it('an ADMIN deprecates a CRD with a reason and a migration guide, and can undo it', async () => {
        const input = c.deprecate;
        const { name } = input;
        const operator = await f.token('olivia', ['OPERATOR']);
        expect((await f.gql(DeprecateCrdDocument, { input }, operator)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        const empty = await f.gql(DeprecateCrdDocument, { input: { ...input, reason: ' ' } });
        expect(empty.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: ['input.reason'] });
        expect((await f.gql(DeprecateCrdDocument, { input: { ...input, name: 'nope.example.com' } })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

        const { deprecateCrd } = await f.ok(DeprecateCrdDocument, { input });
        expect(deprecateCrd).toMatchObject({ name, status: 'DEPRECATED', deprecationReason: input.reason, migrationGuide: input.migrationGuide });
        expect(deprecateCrd.deprecatedAt).toBeTruthy();
        expect((await f.ok(CrdDocument, { name })).crd).toMatchObject({ status: 'DEPRECATED' });
        // A newly rendered version inherits the deprecation.
        await validate(compatible.from, ['modern-1']);
        expect((await f.ok(CrdDocument, { name })).crd).toMatchObject({
          status: 'DEPRECATED',
          operatorVersions: [compatible.to, compatible.from, breaking.to],
        });

        expect((await f.ok(ReactivateCrdDocument, { name })).reactivateCrd).toEqual({ name, status: 'ACTIVE', deprecationReason: null });
      });
    });
  },
);
