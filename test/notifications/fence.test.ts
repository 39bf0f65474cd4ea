// Webhook URLs under the source fence: refused at configuration load (ConfigError naming
// NOTIFY_WEBHOOK_URLS and the rule, never the token in the path) and again at every
// delivery, where the address the host resolves to then is what counts and a redirect is
// never followed.
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../src/config/env.ts';
import { loadConfig } from '../../src/config/index.ts';
import { NotificationDispatcher } from '../../src/notifications/dispatcher.ts';
import { notificationsOf } from '../../src/notifications/query.ts';
import { postWebhook } from '../../src/notifications/webhook.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { SourceFence, type HostLookup } from '../../src/sources/fence.ts';
import {
  enqueueWaitingApproval,
  openNotificationDatabase,
  startWebhookReceiver,
  type NotificationTestDatabase,
  type WebhookReceiver,
  notificationsFrom,
} from './helpers.ts';
import { eventually } from '../helpers/eventually.ts';

const TOKEN = 'T0001/B0001/XoXb0123456789abcdefSECRET';
const PRIVATE_REFUSAL = 'refused (loopback and private networks need SOURCE_ALLOW_PRIVATE_NETWORKS=true; it defaults to false when NODE_ENV=production)';
const PAYLOAD = { text: 'Approval needed', approval: { id: 'a1' } } as never;

/** `hook.example` resolves to 127.0.0.1 (where the receiver listens), `rebind.example` to the metadata address. */
const lookup: HostLookup = async (hostname) => {
  const address = { 'hook.example': '127.0.0.1', 'rebind.example': '169.254.169.254' }[hostname];
  if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return [{ address, family: 4 }];
};
const fenceFor = (env: Record<string, string>) => new SourceFence({ ...loadConfig(env).sources, lookup });
const production = fenceFor({ NODE_ENV: 'production' });
const testing = fenceFor({ NODE_ENV: 'test' });

function configError(env: Record<string, string>, fence: SourceFence): ConfigError {
  try {
    notificationsFrom(env, fence);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('no ConfigError');
}

describe('webhook URLs at configuration load', () => {
  it.each([
    [`http://169.254.169.254/${TOKEN}`, testing, '169.254.169.254 is a link-local/cloud-metadata address, refused'],
    [
      `http://[::ffff:169.254.169.254]/${TOKEN}`,
      testing,
      '::ffff:a9fe:a9fe is an IPv4-mapped form of 169.254.169.254, a link-local/cloud-metadata address, refused',
    ],
    [`http://127.0.0.1:9000/${TOKEN}`, production, `127.0.0.1 is a loopback address, ${PRIVATE_REFUSAL}`],
    [`http://localhost:9000/${TOKEN}`, production, `localhost is a loopback name, ${PRIVATE_REFUSAL}`],
    [
      `https://evil.example/${TOKEN}`,
      fenceFor({ NODE_ENV: 'production', SOURCE_ALLOWED_URL_PREFIXES: 'https://hooks.slack.com/' }),
      'https://evil.example/… does not start with any SOURCE_ALLOWED_URL_PREFIXES entry (https://hooks.slack.com/)',
    ],
  ])('refuses %s naming the variable and the rule', (url, fence, problem) => {
    const err = configError({ NOTIFY_WEBHOOK_URLS: `https://hooks.slack.com/services/ok,${url}` }, fence);
    expect(err.variable).toBe('NOTIFY_WEBHOOK_URLS');
    expect(err.message).toBe(`Invalid configuration: NOTIFY_WEBHOOK_URLS holds a URL the source fence refuses: ${problem}`);
    expect(err.message).not.toContain('XoXb');
  });

  it('accepts a loopback webhook in production with SOURCE_ALLOW_PRIVATE_NETWORKS=true', () => {
    const allowed = fenceFor({ NODE_ENV: 'production', SOURCE_ALLOW_PRIVATE_NETWORKS: 'true' });
    expect(notificationsFrom({ NOTIFY_WEBHOOK_URLS: 'http://127.0.0.1:9000/hook' }, allowed).webhookUrls).toEqual(['http://127.0.0.1:9000/hook']);
  });
});

describe('webhooks at delivery', () => {
  let receiver: WebhookReceiver;
  let redirecting: WebhookReceiver;
  let port: number;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    redirecting = await startWebhookReceiver(() => ({ status: 307, headers: { location: `http://169.254.169.254/latest/${TOKEN}` } }));
    port = Number(new URL(receiver.url).port);
  });
  afterAll(async () => {
    await receiver.close();
    await redirecting.close();
  });
  afterEach(() => vi.restoreAllMocks());

  it('posts through a name that resolves to an allowed address', async () => {
    const before = receiver.received.length;
    await postWebhook(`http://hook.example:${port}/hook`, PAYLOAD, { fence: testing });
    expect(receiver.received.length).toBe(before + 1);
  });

  it('refuses, before connecting, a host that resolves to a forbidden address at send time', async () => {
    const requests = receiver.requests;
    // The URL names a host, so it passes at configuration load; its address decides at send.
    expect(notificationsFrom({ NOTIFY_WEBHOOK_URLS: `http://hook.example:${port}/hook` }, production).webhookUrls).toHaveLength(1);
    await expect(postWebhook(`http://hook.example:${port}/hook`, PAYLOAD, { fence: production })).rejects.toThrow(
      `not sent: hook.example resolves to 127.0.0.1, a loopback address, ${PRIVATE_REFUSAL}`,
    );
    await expect(postWebhook(`http://rebind.example:${port}/hook`, PAYLOAD, { fence: testing })).rejects.toThrow(
      'not sent: rebind.example resolves to 169.254.169.254, a link-local/cloud-metadata address, refused',
    );
    expect(receiver.requests).toBe(requests);
  });

  it('does not follow a redirect, and says when its target is refused too', async () => {
    const connect = vi.spyOn(net.Socket.prototype, 'connect');
    await expect(postWebhook(`${redirecting.url}/hook`, PAYLOAD, { fence: testing })).rejects.toThrow(
      'HTTP 307 Temporary Redirect: redirect to http://169.254.169.254 not followed (webhooks do not follow redirects; the fence refuses it as well: 169.254.169.254 is a link-local/cloud-metadata address, refused)',
    );
    expect(connect).toHaveBeenCalledTimes(1); // the receiver only
    expect(redirecting.requests).toBe(1);
  });

  describe('through the dispatcher', () => {
    let db: NotificationTestDatabase;
    beforeAll(async () => {
      db = await openNotificationDatabase('pglite');
    });
    afterAll(() => db?.close());

    /** Delivers one approval's webhook to hook.example (→ 127.0.0.1) through `fence`; the record and the requests the receiver saw. */
    async function deliver(fence: SourceFence) {
      const requests = receiver.requests;
      const config = notificationsFrom(
        { NOTIFY_WEBHOOK_URLS: `http://hook.example:${port}/${TOKEN}`, NOTIFY_MAX_ATTEMPTS: '1', NOTIFY_POLL_INTERVAL: 'PT0.05S' },
        fence,
      );
      const { approval } = await enqueueWaitingApproval(db.prisma, config);
      const dispatcher = new NotificationDispatcher({ prisma: db.prisma, config, fence, logger: createLogger('silent') });
      dispatcher.start();
      try {
        const [record] = await eventually(async () => {
          const records = await notificationsOf(db.prisma, approval.id);
          return records.every((r) => r.status === 'SENT' || r.status === 'FAILED') && records;
        });
        return { record: record!, requests: receiver.requests - requests };
      } finally {
        await dispatcher.stop();
      }
    }

    it('records FAILED, without a request, a webhook a production fence refuses at send time', async () => {
      const { record, requests } = await deliver(production);
      expect(record).toMatchObject({ status: 'FAILED', lastError: `not sent: hook.example resolves to 127.0.0.1, a loopback address, ${PRIVATE_REFUSAL}` });
      expect(requests).toBe(0);
    });

    it('delivers the same webhook through a fence that allows loopback', async () => {
      const { record, requests } = await deliver(testing);
      expect(record.status).toBe('SENT');
      expect(requests).toBe(1);
    });
  });
});
