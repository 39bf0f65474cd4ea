// validateCrdCompatibility and the CRD registry over real HTTP against sandbox clusters, with
// the project's PKI operator (test/fixtures/operators/pki): v1.0.0 → v1.1.0 is breaking (two
// API versions stop being served, one is removed, v1alpha1 is still in status.storedVersions
// where objects were stored in it), v1.2.0 → v1.3.0 is not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crdsOf } from '../../src/kube/types.ts';
import type { KubeObject } from '../../src/kube/types.ts';
import {
  CrdDocument,
  CrdsDocument,
  CrdVersionSchemaDocument,
  DeprecateCrdDocument,
  ReactivateCrdDocument,
  RegisterOperatorDocument,
  ValidateCrdCompatibilityDocument,
} from '../generated/graphql.ts';
import { startFleet, type Fleet } from '../helpers/fleet.ts';
import { crdFixtureObjects, fixtureTemplate, operatorObjects } from '../helpers/operators.ts';
import { clone, putAll } from './helpers.ts';

const VERSIONS = ['v1.3.0', 'v1.2.0', 'v1.1.0', 'v1.0.0'];
const objects = crdFixtureObjects('pki-objects.yaml');
const inV1 = objects.filter((o) => o.apiVersion === 'pki.example.com/v1');
const UNSERVED = ['v1alpha1', 'v1beta1'];
const crds = (version: string) => crdsOf(operatorObjects('pki', version));

/** The CRD as an older installation had it: v1alpha1 was the storage version. */
const storedAsV1alpha1 = (crd: KubeObject): KubeObject => {
  const old = clone(crd);
  for (const v of old.spec.versions) v.storage = v.name === 'v1alpha1';
  return old;
};

describe("the project's PKI operator: CRD upgrades checked against live clusters", () => {
  let f: Fleet;
  beforeAll(async () => {
    f = await startFleet({
      clusters: [
        { name: 'legacy-1', environment: 'STAGING' },
        { name: 'modern-1', environment: 'PRODUCTION' },
      ],
      demo: false,
    });
    await f.ok(RegisterOperatorDocument, { input: { name: 'pki', namespace: 'pki-system', manifestUrlTemplate: fixtureTemplate('pki'), versions: VERSIONS } });

    // legacy-1 was installed when v1alpha1 was the storage version of Certificates and
    // Issuers: objects were written in it, so it stays in their status.storedVersions.
    const legacy = f.sandbox.cluster('legacy-1');
    const v100 = crds('v1.0.0');
    for (const crd of v100.filter((c) => ['certificates.pki.example.com', 'issuers.pki.example.com'].includes(c.metadata.name!)))
      legacy.objects.put(storedAsV1alpha1(crd));
    putAll(legacy, [
      {
        apiVersion: 'pki.example.com/v1alpha1',
        kind: 'Issuer',
        metadata: { name: 'old-ca', namespace: 'tools' },
        spec: { ca: { secretName: 'old-ca-key-pair' } },
      },
      {
        apiVersion: 'pki.example.com/v1alpha1',
        kind: 'Certificate',
        metadata: { name: 'old-dashboard', namespace: 'tools' },
        spec: { secretName: 'old-dashboard-tls', dnsNames: ['dashboard.example.com'], issuerRef: { name: 'old-ca' } },
      },
    ]);
    for (const crd of v100) legacy.objects.put(clone(crd));
    putAll(legacy, inV1);

    const modern = f.sandbox.cluster('modern-1');
    for (const crd of crds('v1.2.0')) modern.objects.put(clone(crd));
    putAll(modern, inV1);
  });
  afterAll(() => f?.stopAll());

  const validate = (targetVersion: string, clusters?: string[], token?: string) =>
    f.gql(ValidateCrdCompatibilityDocument, { operatorName: 'pki', targetVersion, ...(clusters ? { clusters } : {}) }, token);

  it('the sandbox shows v1alpha1 in storedVersions of the CRDs that stored objects in it, v1beta1 for ClusterIssuers', () => {
    const storedVersions = (name: string) =>
      f.sandbox.cluster('legacy-1').objects.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, name)?.status?.storedVersions;
    expect(storedVersions('certificates.pki.example.com')).toEqual(['v1alpha1', 'v1']);
    expect(storedVersions('issuers.pki.example.com')).toEqual(['v1alpha1', 'v1']);
    expect(storedVersions('clusterissuers.pki.example.com')).toEqual(['v1beta1']);
  });

  it('v1.0.0 → v1.1.0 is breaking: versions stop being served or are removed, and v1alpha1 holds stored objects', async () => {
    const r = (await validate('v1.1.0', ['legacy-1'])).data!.validateCrdCompatibility;
    expect(r).toMatchObject({ operatorName: 'pki', targetVersion: 'v1.1.0', compatible: false, requiresApproval: true });
    const rows = (type: string) =>
      r.findings
        .filter((x) => x.changeType === type)
        .map((x) => `${x.crdName} ${x.version} ${x.severity}`)
        .sort();
    expect(rows('VERSION_NOT_SERVED')).toEqual(
      ['certificates.pki.example.com', 'issuers.pki.example.com'].flatMap((crd) => UNSERVED.map((v) => `${crd} ${v} BREAKING`)),
    );
    expect(rows('VERSION_REMOVED')).toEqual(['clusterissuers.pki.example.com v1alpha1 BREAKING']);
    // ClusterIssuers move their storage to v1; v1beta1, where they are stored, is still served.
    expect(rows('STORAGE_VERSION_CHANGED')).toEqual(['clusterissuers.pki.example.com v1 WARNING']);
    expect(rows('STORED_VERSION_DROPPED')).toEqual(['certificates.pki.example.com v1alpha1 BREAKING', 'issuers.pki.example.com v1alpha1 BREAKING']);
    expect(r.findings.find((x) => x.changeType === 'STORED_VERSION_DROPPED')!.message).toMatch(/storedVersions/);
    expect(r.clusters).toEqual([
      expect.objectContaining({ clusterName: 'legacy-1', compatible: false, requiresApproval: true, complete: true, reachable: true }),
    ]);
  });

  it('v1.2.0 → v1.3.0 is compatible, with every existing object checked', async () => {
    const r = (await validate('v1.3.0', ['modern-1'])).data!.validateCrdCompatibility;
    expect(r).toMatchObject({ compatible: true, requiresApproval: false, affectedObjects: [] });
    expect(r.findings.filter((x) => x.severity === 'BREAKING')).toEqual([]);
    expect(r.clusters[0]).toMatchObject({ clusterName: 'modern-1', compatible: true, complete: true, objectsScanned: inV1.length, objectsBroken: 0 });
  });

  it('with clusters omitted, checks every cluster where the operator is installed (none yet)', async () => {
    const r = (await validate('v1.3.0')).data!.validateCrdCompatibility;
    expect(r).toMatchObject({ compatible: true, requiresApproval: false, clusters: [] });
  });

  it('a cluster that cannot be read is reported incomplete and unreachable, never compatible', async () => {
    const modern = f.sandbox.cluster('modern-1');
    await modern.setFaults({ unreachable: true });
    try {
      const r = (await validate('v1.3.0', ['modern-1'])).data!.validateCrdCompatibility;
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
    expect(await codes(validate('v1.3.0', ['modern-1', 'ghost']))).toEqual([['BAD_USER_INPUT', ['clusters']]]);
    expect(await codes(validate('v1.3.0', []))).toEqual([['BAD_USER_INPUT', ['clusters']]]);
    expect(await codes(validate('v1.3.0', ['modern-1'], null as never))).toEqual([['UNAUTHENTICATED', undefined]]);
    const viewer = await f.token('vera', ['VIEWER']);
    expect((await validate('v1.3.0', ['modern-1'], viewer)).data?.validateCrdCompatibility.compatible).toBe(true);
  });

  describe('the registry', () => {
    it('records every CRD of every rendered version, one entry per name with its history', async () => {
      const { crds } = await f.ok(CrdsDocument, { operatorName: 'pki' });
      expect(crds.map((c) => c.name)).toEqual(['certificates.pki.example.com', 'clusterissuers.pki.example.com', 'issuers.pki.example.com']);
      const cert = crds.find((c) => c.name === 'certificates.pki.example.com')!;
      expect(cert).toMatchObject({
        group: 'pki.example.com',
        kind: 'Certificate',
        plural: 'certificates',
        scope: 'Namespaced',
        status: 'ACTIVE',
        latestOperatorVersion: 'v1.3.0',
        storageVersion: 'v1',
      });
      expect(cert.operatorVersions).toEqual(['v1.3.0', 'v1.1.0']);
      expect(cert.versions).toEqual([{ name: 'v1', served: true, storage: true, deprecated: false }]);
      const v110 = cert.history.find((h) => h.operatorVersion === 'v1.1.0')!;
      expect(
        v110.versions
          .filter((v) => !v.served)
          .map((v) => v.name)
          .sort(),
      ).toEqual(UNSERVED);
      expect(v110.schemaDigest).toMatch(/^sha256:/);
      expect(v110.schemaDigest).not.toBe(cert.schemaDigest);
      const clusterIssuers = crds.find((c) => c.name === 'clusterissuers.pki.example.com')!;
      expect(clusterIssuers).toMatchObject({ scope: 'Cluster', storageVersion: 'v1' });
      expect(clusterIssuers.history.find((h) => h.operatorVersion === 'v1.1.0')!.versions).toEqual([
        { name: 'v1beta1', served: true, storage: false },
        { name: 'v1', served: true, storage: true },
      ]);
      expect((await f.ok(CrdsDocument, { operatorName: 'someone-else' })).crds).toEqual([]);
    });

    it('shows the schema of each version', async () => {
      const { crd } = await f.ok(CrdVersionSchemaDocument, { name: 'issuers.pki.example.com' });
      const schema = crd!.versions[0]!.schema as { properties?: { spec?: { properties?: Record<string, unknown> } } };
      expect(Object.keys(schema.properties!.spec!.properties!)).toEqual(expect.arrayContaining(['acme', 'ca', 'selfSigned', 'vault']));
      expect((await f.ok(CrdDocument, { name: 'nothing.example.com' })).crd).toBeNull();
    });

    it('an ADMIN deprecates a CRD with a reason and a migration guide, and can undo it', async () => {
      const name = 'clusterissuers.pki.example.com';
      const input = { name, reason: 'cluster-wide issuers are replaced by per-namespace Issuers', migrationGuide: 'Create an Issuer in each namespace.' };
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
      await validate('v1.2.0', ['modern-1']);
      expect((await f.ok(CrdDocument, { name })).crd).toMatchObject({ status: 'DEPRECATED', operatorVersions: ['v1.3.0', 'v1.2.0', 'v1.1.0'] });

      expect((await f.ok(ReactivateCrdDocument, { name })).reactivateCrd).toEqual({ name, status: 'ACTIVE', deprecationReason: null });
    });
  });
});
