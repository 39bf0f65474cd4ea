// A deployment waiting for a PRODUCTION approval notifies at once (webhook), and the
// approval shows what was sent.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateDeploymentDocument, RegisterClusterDocument, RegisterOperatorDocument } from '../generated/graphql.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { kubeconfigYaml } from '../helpers/kubeconfigs.ts';
import { eventually } from '../helpers/eventually.ts';

describe('approval notifications', () => {
  let t: TestApp;
  let receiver: Server;
  const received: Array<{ text: string; approval: { kind: string; deploymentId: string } }> = [];
  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    t = await startTestApp('pglite', {
      ENGINE_ENABLED: 'false',
      NOTIFY_WEBHOOK_URLS: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
      NOTIFY_POLL_INTERVAL: 'PT15S',
    });
    await t.ok(RegisterClusterDocument, { input: { name: 'prod-1', environment: 'PRODUCTION', kubeconfig: kubeconfigYaml(), skipConnectivityCheck: true } });
    await t.ok(RegisterOperatorDocument, {
      input: {
        name: 'demo',
        namespace: 'demo',
        manifestUrlTemplate: `${pathToFileURL(path.resolve('test/fixtures/operators/demo')).href}/{version}.yaml`,
        versions: ['v1.0.0'],
      },
    });
  });
  afterAll(async () => {
    await t?.stop();
    receiver?.close();
  });

  it('sends a webhook as soon as a production deployment waits, and records it on the approval', async () => {
    const started = Date.now();
    const { createDeployment } = await t.ok(
      CreateDeploymentDocument,
      { input: { operatorName: 'demo', targetVersion: 'v1.0.0', strategy: 'DIRECT', targetClusters: ['prod-1'] } },
      await t.token('olga', ['OPERATOR']),
    );
    expect(createDeployment.status).toBe('PENDING_APPROVAL');
    // The poll interval is 15 s: arriving well before it means the commit woke the dispatcher.
    await eventually(async () => received.length > 0, 10_000, 'the webhook');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(received[0]!.approval).toMatchObject({ kind: 'DEPLOYMENT', deploymentId: createDeployment.id });
    expect(received[0]!.text).toMatch(/Approval needed: demo v1\.0\.0 → prod-1 \(PRODUCTION deployment requested by olga\)/);
    const r = await t.raw({ query: '{ approvals(status: PENDING) { deploymentId notifications { channel status attempts } } }' });
    expect(r.data.approvals[0].notifications).toEqual([{ channel: 'WEBHOOK', status: 'SENT', attempts: 1 }]);
  });
});
