import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yaml from 'js-yaml';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { clientsFor, raw, statusOf } from './helpers.ts';

describe('sandbox discovery, TLS and authentication', () => {
  let tlsFleet: Sandbox;
  let plain: Sandbox;
  beforeAll(async () => {
    tlsFleet = await startSandbox({ clusters: [{ name: 'dev-1' }, { name: 'prod-1', environment: 'PRODUCTION', kubernetesVersion: 'v1.29.6', nodes: 5 }] });
    plain = await startSandbox({ clusters: [{ name: 'plain' }], tls: false });
  });
  afterAll(async () => {
    await tlsFleet?.stop();
    await plain?.stop();
  });

  it('writes kubeconfigs with the fleet CA and a bearer token, and client-node verifies the certificate', async () => {
    const c = tlsFleet.cluster('prod-1');
    expect(c.environment).toBe('PRODUCTION');
    const cfg = yaml.load(c.kubeconfig) as any;
    expect(cfg.clusters[0].cluster.server).toBe(c.url);
    expect(c.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(Buffer.from(cfg.clusters[0].cluster['certificate-authority-data'], 'base64').toString()).toBe(tlsFleet.caCert);
    expect(cfg.users[0].user.token).toBe(c.token);

    const { kc } = clientsFor(c);
    const version = await kc.makeApiClient(k8s.VersionApi).getCode();
    expect(version.gitVersion).toBe('v1.29.6');
    const nodes = await clientsFor(c).core.listNode();
    expect(nodes.items.map((n) => n.metadata?.name)).toHaveLength(5);
    expect(nodes.items[0]?.status?.nodeInfo?.kubeletVersion).toBe('v1.29.6');
  });

  it('refuses a client that trusts another CA', async () => {
    const other = await startSandbox({ clusters: [{ name: 'other' }] });
    try {
      const kc = new k8s.KubeConfig();
      const cfg = yaml.load(tlsFleet.cluster('dev-1').kubeconfig) as any;
      cfg.clusters[0].cluster['certificate-authority-data'] = Buffer.from(other.caCert!).toString('base64');
      kc.loadFromString(yaml.dump(cfg));
      await expect(kc.makeApiClient(k8s.CoreV1Api).listNamespace()).rejects.toThrow(/certificate|self.signed|verify/i);
    } finally {
      await other.stop();
    }
  });

  it('plain-HTTP clusters get kubeconfigs that skip TLS verification', async () => {
    const c = plain.cluster('plain');
    expect(c.url).toMatch(/^http:\/\//);
    expect((yaml.load(c.kubeconfig) as any).clusters[0].cluster['insecure-skip-tls-verify']).toBe(true);
    const ns = await clientsFor(c).core.listNamespace();
    expect(ns.items.map((n) => n.metadata?.name)).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
  });

  it('serves /version, health endpoints and a 404 for /openapi/v2 as kubectl expects', async () => {
    const c = plain.cluster('plain');
    const v = await raw(c, 'GET', '/version', undefined, { authorization: '' });
    expect(v.body).toMatchObject({ major: '1', minor: '30', gitVersion: 'v1.30.2' });
    expect((await raw(c, 'GET', '/healthz', undefined, { authorization: '' })).text).toBe('ok');
    expect((await raw(c, 'GET', '/readyz')).status).toBe(200);
    const openapi = await raw(c, 'GET', '/openapi/v2');
    expect(openapi.status).toBe(404);
    expect(openapi.body).toMatchObject({ kind: 'Status', code: 404, reason: 'NotFound' });
  });

  it('lists API groups with preferred versions and resource lists with verbs, kinds and subresources', async () => {
    const c = plain.cluster('plain');
    expect((await raw(c, 'GET', '/api')).body).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const groups = (await raw(c, 'GET', '/apis')).body;
    expect(groups.kind).toBe('APIGroupList');
    const names = groups.groups.map((g: any) => g.name);
    expect(names).toEqual(
      expect.arrayContaining(['apps', 'batch', 'rbac.authorization.k8s.io', 'apiextensions.k8s.io', 'admissionregistration.k8s.io', 'coordination.k8s.io']),
    );
    expect(groups.groups.find((g: any) => g.name === 'apps').preferredVersion).toEqual({ groupVersion: 'apps/v1', version: 'v1' });

    const apps = (await raw(c, 'GET', '/apis/apps/v1')).body;
    expect(apps).toMatchObject({ kind: 'APIResourceList', groupVersion: 'apps/v1' });
    const byName = new Map(apps.resources.map((r: any) => [r.name, r]));
    expect(byName.get('deployments')).toMatchObject({
      kind: 'Deployment',
      namespaced: true,
      shortNames: ['deploy'],
      verbs: expect.arrayContaining(['create', 'get', 'list', 'patch', 'watch']),
    });
    expect(byName.get('deployments/status')).toMatchObject({ verbs: ['get', 'patch', 'update'] });
    expect(byName.get('deployments/scale')).toMatchObject({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
    const core = (await raw(c, 'GET', '/api/v1')).body;
    expect(core.resources.find((r: any) => r.name === 'namespaces')).toMatchObject({ namespaced: false, kind: 'Namespace' });
    expect((await raw(c, 'GET', '/apis/apps')).body).toMatchObject({ kind: 'APIGroup', name: 'apps' });
    expect((await raw(c, 'GET', '/apis/nope.example.com/v1')).status).toBe(404);
  });

  it('answers 401 Unauthorized without a valid token and 403 Forbidden for writes with the read-only token', async () => {
    const c = plain.cluster('plain');
    const none = await raw(c, 'GET', '/api/v1/namespaces', undefined, { authorization: '' });
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    expect((await raw(c, 'GET', '/apis', undefined, { authorization: 'Bearer wrong' })).status).toBe(401);

    const viewer = { authorization: `Bearer ${c.viewerToken}` };
    expect((await raw(c, 'GET', '/api/v1/namespaces/default/configmaps', undefined, viewer)).status).toBe(200);
    const write = await raw(c, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'x' } }, viewer);
    expect(write.status).toBe(403);
    expect(write.body).toMatchObject({ reason: 'Forbidden', code: 403 });
    expect(write.body.message).toContain('cannot create resource "configmaps"');

    const kc = new k8s.KubeConfig();
    const cfg = yaml.load(c.kubeconfig) as any;
    cfg.users[0].user.token = 'not-the-token';
    kc.loadFromString(yaml.dump(cfg));
    const err = await statusOf(kc.makeApiClient(k8s.CoreV1Api).listNamespace());
    expect(err.code).toBe(401);
  });

  it('starts a fleet of five TLS clusters quickly, with one CA for all of them', async () => {
    const started = Date.now();
    const fleet = await startSandbox({ clusters: ['a', 'b', 'c', 'd', 'e'].map((name) => ({ name })) });
    const elapsed = Date.now() - started;
    try {
      expect(new Set(fleet.clusters.map((c) => c.url)).size).toBe(5);
      for (const c of fleet.clusters) expect((await clientsFor(c).core.listNamespace()).items.length).toBe(4);
      // generous bound: the point is that keys are not generated per cluster
      expect(elapsed).toBeLessThan(5000);
    } finally {
      await fleet.stop();
    }
  });
});
