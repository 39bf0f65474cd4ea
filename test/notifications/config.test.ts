import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/env.ts';
import { notificationsFrom } from './helpers.ts';
import { testFence } from '../sources/test-fence.ts';

const fence = testFence();

const email = { SMTP_URL: 'smtp://mail.example.com', NOTIFY_EMAIL_FROM: 'om@example.com', NOTIFY_EMAIL_TO: 'ops@example.com' };

describe('notification settings', () => {
  it('is off, with defaults, when nothing is configured', () => {
    expect(notificationsFrom({}, fence)).toEqual({
      enabled: false,
      webhookUrls: [],
      email: undefined,
      publicUrl: undefined,
      maxAttempts: 8,
      pollIntervalMs: 2000,
    });
  });

  it('reads webhooks, SMTP with credentials and options, recipients, public URL, attempts and poll interval', () => {
    const config = notificationsFrom(
      {
        NOTIFY_WEBHOOK_URLS: ' https://hooks.slack.com/services/T1/B2/abc , http://10.0.0.5:8080/hook ,',
        SMTP_URL: 'smtps://notify%40example.com:p%3Ass@smtp.example.com?rejectUnauthorized=false',
        NOTIFY_EMAIL_FROM: 'Operator Manager <om@example.com>',
        NOTIFY_EMAIL_TO: 'ops@example.com, platform-team@corp.example.org',
        NOTIFY_PUBLIC_URL: 'https://om.example.com/',
        NOTIFY_MAX_ATTEMPTS: '3',
        NOTIFY_POLL_INTERVAL: 'PT0.5S',
      },
      fence,
    );
    expect(config).toEqual({
      enabled: true,
      webhookUrls: ['https://hooks.slack.com/services/T1/B2/abc', 'http://10.0.0.5:8080/hook'],
      email: {
        smtp: {
          host: 'smtp.example.com',
          port: 465,
          secure: true,
          user: 'notify@example.com',
          password: 'p:ss',
          requireTLS: false,
          ignoreTLS: false,
          rejectUnauthorized: false,
        },
        from: 'Operator Manager <om@example.com>',
        to: ['ops@example.com', 'platform-team@corp.example.org'],
      },
      publicUrl: 'https://om.example.com',
      maxAttempts: 3,
      pollIntervalMs: 500,
    });
  });

  it('defaults smtp:// to the submission port without credentials', () => {
    expect(notificationsFrom(email, fence).email?.smtp).toMatchObject({
      host: 'mail.example.com',
      port: 587,
      secure: false,
      user: undefined,
      password: undefined,
    });
  });

  it.each([
    ['NOTIFY_WEBHOOK_URLS', { NOTIFY_WEBHOOK_URLS: 'hooks.slack.com/services/x' }],
    ['NOTIFY_WEBHOOK_URLS', { NOTIFY_WEBHOOK_URLS: 'https://ok.example.com/a,ftp://files.example.com/hook' }],
    ['NOTIFY_PUBLIC_URL', { NOTIFY_PUBLIC_URL: 'om.example.com' }],
    ['SMTP_URL', { ...email, SMTP_URL: 'http://mail.example.com' }],
    ['SMTP_URL', { ...email, SMTP_URL: 'not a url' }],
    ['SMTP_URL', { ...email, SMTP_URL: 'smtp://mail.example.com?secure=maybe' }],
    ['SMTP_URL', { ...email, SMTP_URL: 'smtp://mail.example.com?requireTLS=yes' }],
    ['SMTP_URL', { NOTIFY_EMAIL_TO: 'ops@example.com' }],
    ['NOTIFY_EMAIL_TO', { ...email, NOTIFY_EMAIL_TO: 'ops@example.com;dev@example.com' }],
    ['NOTIFY_EMAIL_TO', { ...email, NOTIFY_EMAIL_TO: 'ops.example.com' }],
    ['NOTIFY_EMAIL_TO', { ...email, NOTIFY_EMAIL_TO: '' }],
    ['NOTIFY_EMAIL_FROM', { ...email, NOTIFY_EMAIL_FROM: 'Operator Manager' }],
    ['NOTIFY_EMAIL_FROM', { ...email, NOTIFY_EMAIL_FROM: undefined }],
    ['NOTIFY_MAX_ATTEMPTS', { NOTIFY_MAX_ATTEMPTS: 'many' }],
    ['NOTIFY_MAX_ATTEMPTS', { NOTIFY_MAX_ATTEMPTS: '0' }],
    ['NOTIFY_POLL_INTERVAL', { NOTIFY_POLL_INTERVAL: '2s' }],
    ['NOTIFY_POLL_INTERVAL', { NOTIFY_POLL_INTERVAL: 'PT1M' }],
    ['NOTIFY_POLL_INTERVAL', { NOTIFY_POLL_INTERVAL: 'PT0S' }],
  ])('rejects a bad %s: %o', (variable, env) => {
    let thrown: unknown;
    try {
      notificationsFrom(env, fence);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).variable).toBe(variable);
    expect((thrown as ConfigError).message).toContain(variable);
  });

  it('never repeats a credential or a webhook token in its errors', () => {
    const attempts = [
      { NOTIFY_WEBHOOK_URLS: 'https://hooks.slack.com/services/T1/B2/tok3n-secret,ftp://u:tok3n-secret@x' },
      { ...email, SMTP_URL: 'smtp://user:tok3n-secret@mail.example.com?bogus=1' },
      { ...email, SMTP_URL: 'smtp://user:tok3n-secret@mail.example.com', NOTIFY_EMAIL_TO: 'nobody' },
    ];
    for (const env of attempts) expect(() => notificationsFrom(env, fence)).toThrow(/^(?!.*tok3n-secret)/s);
  });
});
