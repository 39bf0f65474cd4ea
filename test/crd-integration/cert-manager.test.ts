// validateCrdCompatibility and the CRD registry over real HTTP against sandbox clusters,
// with the cert-manager corpus: v1.5.0 → v1.6.0 is breaking (three API versions
// stop being served, one of them still in status.storedVersions), v1.13.0 → v1.14.0 is not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { corpus, corpusTitle } from '../helpers/corpus.ts';
import { crdFixtureObjects } from '../helpers/operators.ts';
import { clone, putAll } from './helpers.ts';

const VERSIONS = ['v1.14.0', 'v1.13.0', 'v1.6.0', 'v1.5.0'];
const objects = crdFixtureObjects('cert-manager-objects.yaml');
const inV1 = objects.filter((o) => o.apiVersion === 'cert-manager.io/v1');
const DROPPED = ['v1alpha2', 'v1alpha3', 'v1beta1'];

/** The CRD as a cert-manager 0.x cluster had it: v1alpha2 was the storage version. */
const storedAsV1alpha2 = (crd: KubeObject): KubeObject => {
  const old = clone(crd);
  for (const v of old.spec.versions) v.storage = v.name === 'v1alpha2';
  return old;
};

describe.skipIf(!corpus.present)(corpusTitle('cert-manager CRD upgrades, checked against live clusters'), () => {
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
      input: { name: 'cert-manager', namespace: 'cert-manager', manifestUrlTemplate: corpus.template('cert-manager', 'rendered.yaml'), versions: VERSIONS },
    });

    // legacy-1 was upgraded from cert-manager 0.x: Certificates and Issuers were written while
    // v1alpha2 was the storage version, so it stays in their status.storedVersions.
    const legacy = f.sandbox.cluster('legacy-1');
    const v150 = corpus.crds('cert-manager/v1.5.0/rendered.yaml');
    for (const crd of v150.filter((c) => ['certificates.cert-manager.io', 'issuers.cert-manager.io'].includes(c.metadata.name!)))
      legacy.objects.put(storedAsV1alpha2(crd));
    putAll(legacy, [
      {
        apiVersion: 'cert-manager.io/v1alpha2',
        kind: 'Issuer',
        metadata: { name: 'old-ca', namespace: 'tools' },
        spec: { ca: { secretName: 'old-ca-key-pair' } },
      },
      {
        apiVersion: 'cert-manager.io/v1alpha2',
        kind: 'Certificate',
        metadata: { name: 'old-dashboard', namespace: 'tools' },
        spec: { secretName: 'old-dashboard-tls', dnsNames: ['dashboard.example.com'], issuerRef: { name: 'old-ca' } },
      },
    ]);
    for (const crd of v150) legacy.objects.put(clone(crd));
    putAll(legacy, inV1);

    const modern = f.sandbox.cluster('modern-1');
    for (const crd of corpus.crds('cert-manager/v1.13.0/rendered.yaml')) modern.objects.put(clone(crd));
    putAll(modern, inV1);
  });
  afterAll(() => f?.stopAll());

  const validate = (targetVersion: string, clusters?: string[], token?: string) =>
    f.gql(ValidateCrdCompatibilityDocument, { operatorName: 'cert-manager', targetVersion, ...(clusters ? { clusters } : {}) }, token);

  it('the sandbox shows v1alpha2 in storedVersions of the CRDs that stored objects in it', () => {
    const crd = f.sandbox.cluster('legacy-1').objects.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, 'certificates.cert-manager.io');
    expect(crd?.status?.storedVersions).toEqual(['v1alpha2', 'v1']);
  });

  it('v1.5.0 → v1.6.0 is breaking: three API versions stop being served, and v1alpha2 holds stored objects', async () => {
    const r = (await validate('v1.6.0', ['legacy-1'])).data!.validateCrdCompatibility;
    expect(r).toMatchObject({ operatorName: 'cert-manager', targetVersion: 'v1.6.0', compatible: false, requiresApproval: true });
    const unserved = r.findings.filter((f) => f.changeType === 'VERSION_NOT_SERVED');
    // Every cert-manager CRD (six of them) stops serving each of the three versions.
    expect(new Set(unserved.map((f) => f.crdName)).size).toBe(6);
    for (const crdName of new Set(unserved.map((f) => f.crdName))) {
      expect(
        unserved
          .filter((f) => f.crdName === crdName)
          .map((f) => f.version)
          .sort(),
        crdName,
      ).toEqual(DROPPED);
    }
    expect(unserved.every((f) => f.severity === 'BREAKING')).toBe(true);
    const stored = r.findings.filter((f) => f.changeType === 'STORED_VERSION_DROPPED');
    expect(stored.map((f) => `${f.crdName} ${f.version} ${f.severity}`).sort()).toEqual([
      'certificates.cert-manager.io v1alpha2 BREAKING',
      'issuers.cert-manager.io v1alpha2 BREAKING',
    ]);
    expect(stored[0]!.message).toMatch(/storedVersions/);
    expect(r.clusters).toEqual([
      expect.objectContaining({ clusterName: 'legacy-1', compatible: false, requiresApproval: true, complete: true, reachable: true }),
    ]);
  });

  it('v1.13.0 → v1.14.0 is compatible, with every existing object checked', async () => {
    const r = (await validate('v1.14.0', ['modern-1'])).data!.validateCrdCompatibility;
    expect(r).toMatchObject({ compatible: true, requiresApproval: false, affectedObjects: [] });
    expect(r.findings.filter((f) => f.severity === 'BREAKING')).toEqual([]);
    expect(r.clusters[0]).toMatchObject({ clusterName: 'modern-1', compatible: true, complete: true, objectsScanned: inV1.length, objectsBroken: 0 });
  });

  it('with clusters omitted, checks every cluster where the operator is installed (none yet)', async () => {
    const r = (await validate('v1.14.0')).data!.validateCrdCompatibility;
    expect(r).toMatchObject({ compatible: true, requiresApproval: false, clusters: [] });
  });

  it('a cluster that cannot be read is reported incomplete and unreachable, never compatible', async () => {
    const modern = f.sandbox.cluster('modern-1');
    await modern.setFaults({ unreachable: true });
    try {
      const r = (await validate('v1.14.0', ['modern-1'])).data!.validateCrdCompatibility;
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
    expect(await codes(validate('v1.14.0', ['modern-1', 'ghost']))).toEqual([['BAD_USER_INPUT', ['clusters']]]);
    expect(await codes(validate('v1.14.0', []))).toEqual([['BAD_USER_INPUT', ['clusters']]]);
    expect(await codes(validate('v1.14.0', ['modern-1'], null as never))).toEqual([['UNAUTHENTICATED', undefined]]);
    const viewer = await f.token('vera', ['VIEWER']);
    expect((await validate('v1.14.0', ['modern-1'], viewer)).data?.validateCrdCompatibility.compatible).toBe(true);
  });

  describe('the registry', () => {
    // Every check renders its target version and records its CRDs: these two are the ones rendered.
    beforeAll(async () => {
      for (const [version, cluster] of [
        ['v1.6.0', 'legacy-1'],
        ['v1.14.0', 'modern-1'],
      ] as const) {
        const r = await validate(version, [cluster]);
        if (!r.data) throw new Error(`checking ${version}: ${JSON.stringify(r.errors)}`);
      }
    });

    it('records every CRD of every rendered version, one entry per name with its history', async () => {
      const { crds } = await f.ok(CrdsDocument, { operatorName: 'cert-manager' });
      expect(crds.map((c) => c.name)).toEqual([
        'certificaterequests.cert-manager.io',
        'certificates.cert-manager.io',
        'challenges.acme.cert-manager.io',
        'clusterissuers.cert-manager.io',
        'issuers.cert-manager.io',
        'orders.acme.cert-manager.io',
      ]);
      const cert = crds.find((c) => c.name === 'certificates.cert-manager.io')!;
      expect(cert).toMatchObject({
        group: 'cert-manager.io',
        kind: 'Certificate',
        plural: 'certificates',
        scope: 'Namespaced',
        status: 'ACTIVE',
        latestOperatorVersion: 'v1.14.0',
        storageVersion: 'v1',
      });
      expect(cert.operatorVersions).toEqual(['v1.14.0', 'v1.6.0']);
      expect(cert.versions).toEqual([{ name: 'v1', served: true, storage: true, deprecated: false }]);
      const v160 = cert.history.find((h) => h.operatorVersion === 'v1.6.0')!;
      expect(
        v160.versions
          .filter((v) => !v.served)
          .map((v) => v.name)
          .sort(),
      ).toEqual(DROPPED);
      expect(v160.schemaDigest).toMatch(/^sha256:/);
      expect(v160.schemaDigest).not.toBe(cert.schemaDigest);
      expect((await f.ok(CrdsDocument, { operatorName: 'someone-else' })).crds).toEqual([]);
    });

    it('shows the schema of each version', async () => {
      const { crd } = await f.ok(CrdVersionSchemaDocument, { name: 'issuers.cert-manager.io' });
      const schema = crd!.versions[0]!.schema as { properties?: { spec?: { properties?: Record<string, unknown> } } };
      expect(Object.keys(schema.properties!.spec!.properties!)).toEqual(expect.arrayContaining(['acme', 'ca', 'selfSigned', 'vault', 'venafi']));
      expect((await f.ok(CrdDocument, { name: 'nothing.example.com' })).crd).toBeNull();
    });

    it('an ADMIN deprecates a CRD with a reason and a migration guide, and can undo it', async () => {
      const name = 'challenges.acme.cert-manager.io';
      const input = { name, reason: 'ACME challenges are managed by the new issuer', migrationGuide: 'Move to ClusterIssuer http01 solvers.' };
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
      await validate('v1.13.0', ['modern-1']);
      expect((await f.ok(CrdDocument, { name })).crd).toMatchObject({ status: 'DEPRECATED', operatorVersions: ['v1.14.0', 'v1.13.0', 'v1.6.0'] });

      expect((await f.ok(ReactivateCrdDocument, { name })).reactivateCrd).toEqual({ name, status: 'ACTIVE', deprecationReason: null });
    });
  });
});
