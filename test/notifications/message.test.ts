import { describe, expect, it } from 'vitest';
import { retryDelayMs } from '../../src/notifications/backoff.ts';
import { approvalMessage, type ApprovalFacts } from '../../src/notifications/message.ts';
import { describeError, redactUrl, scrub } from '../../src/notifications/redact.ts';

const deployment: ApprovalFacts = {
  id: 'appr-1',
  kind: 'DEPLOYMENT',
  status: 'PENDING',
  environment: 'PRODUCTION',
  requestedBy: 'alice',
  deploymentId: 'dep-1',
  details: null,
  deployment: { operatorName: 'prometheus-operator', targetVersion: '0.80.0', targetClusters: ['prod-1', 'prod-2'] },
};

const crdReport = {
  compatible: false,
  findings: [
    {
      crdName: 'servicemonitors.monitoring.coreos.com',
      version: 'v1',
      fieldPath: '.spec.endpoints[*].scheme',
      changeType: 'ENUM_VALUE_REMOVED',
      severity: 'BREAKING',
      message: 'enum value HTTPS removed',
    },
    {
      crdName: 'podmonitors.monitoring.coreos.com',
      version: 'v1',
      fieldPath: '.spec.x',
      changeType: 'FIELD_REMOVED',
      severity: 'BREAKING',
      message: 'field x removed',
    },
    {
      crdName: 'probes.monitoring.coreos.com',
      version: 'v1',
      fieldPath: '.spec.y',
      changeType: 'CONSTRAINT_TIGHTENED',
      severity: 'WARNING',
      message: 'maximum lowered',
    },
  ],
  affectedObjects: [
    {
      clusterName: 'prod-1',
      kind: 'ServiceMonitor',
      namespace: 'monitoring',
      name: 'api',
      fieldPath: '.spec.endpoints[0].scheme',
      reason: 'HTTPS is not allowed',
      category: 'INVALID',
    },
    {
      clusterName: 'prod-1',
      kind: 'ServiceMonitor',
      namespace: 'monitoring',
      name: 'api',
      fieldPath: '.spec.endpoints[1].scheme',
      reason: 'HTTPS is not allowed',
      category: 'INVALID',
    },
    { clusterName: 'prod-2', kind: 'PodMonitor', namespace: 'apps', name: 'web', fieldPath: '.spec.x', reason: 'pruned', category: 'DATA_LOSS' },
    {
      clusterName: 'prod-2',
      kind: 'PodMonitor',
      namespace: 'apps',
      name: 'old',
      fieldPath: '.spec.x',
      reason: 'already bad',
      category: 'INVALID',
      preexisting: true,
    },
    { clusterName: 'prod-2', kind: 'PodMonitor', namespace: 'apps', name: 'cel', fieldPath: '.spec', reason: 'CEL', category: 'NOT_CHECKED' },
  ],
  affectedObjectsTruncated: 0,
};

describe('approval messages', () => {
  it('summarises a production deployment in one line for Slack, the webhook JSON and the email subject', () => {
    const m = approvalMessage(deployment);
    expect(m.summary).toBe('Approval needed: prometheus-operator v0.80.0 → prod-1, prod-2 (PRODUCTION deployment requested by alice)');
    expect(m.subject).toBe(`[Operator Manager] ${m.summary}`);
    expect(m.payload.text.split('\n')[0]).toBe(`:warning: ${m.summary}`);
    expect(m.payload.approval).toEqual({
      id: 'appr-1',
      kind: 'DEPLOYMENT',
      status: 'PENDING',
      environment: 'PRODUCTION',
      requestedBy: 'alice',
      deploymentId: 'dep-1',
      operatorName: 'prometheus-operator',
      targetVersion: 'v0.80.0',
      targetClusters: ['prod-1', 'prod-2'],
    });
    expect(m.emailText).toContain('Requested by:      alice');
    expect(m.emailText).toContain('approve(id: "appr-1")');
  });

  it('counts breaking findings and distinct objects the upgrade breaks for a CRD change (report nested or not)', () => {
    for (const details of [crdReport, { report: crdReport }, { crdReport }]) {
      const m = approvalMessage({ ...deployment, kind: 'CRD_CHANGE', details });
      expect(m.summary).toBe(
        'Approval needed: CRD change in prometheus-operator v0.80.0 → prod-1, prod-2 (2 breaking findings, 2 affected objects; requested by alice)',
      );
      expect(m.payload.approval).toMatchObject({ breakingFindings: 2, affectedObjects: 2 });
      expect(m.emailText).toContain('servicemonitors.monitoring.coreos.com v1 .spec.endpoints[*].scheme: enum value HTTPS removed');
      expect(m.emailText).toContain('prod-2 PodMonitor apps/web .spec.x: pruned');
      expect(m.emailText).not.toContain('maximum lowered');
    }
    const truncated = approvalMessage({ ...deployment, kind: 'CRD_CHANGE', details: { ...crdReport, affectedObjectsTruncated: 40 } });
    expect(truncated.summary).toContain('at least 2 affected objects');
    expect(approvalMessage({ ...deployment, kind: 'CRD_CHANGE', details: null }).summary).toBe(
      'Approval needed: CRD change in prometheus-operator v0.80.0 → prod-1, prod-2 (breaking CRD change requested by alice)',
    );
  });

  it('shortens long cluster lists, escapes Slack control characters and keeps header text on one line', () => {
    const clusters = Array.from({ length: 8 }, (_, i) => `prod-${i + 1}`);
    const m = approvalMessage({
      ...deployment,
      requestedBy: 'eve <script>&\r\nBcc: x@evil.example',
      deployment: { ...deployment.deployment!, targetClusters: clusters },
    });
    expect(m.summary).toContain('prod-1, prod-2, prod-3, prod-4, prod-5 and 3 more');
    expect(m.payload.text).toContain('eve &lt;script&gt;&amp;');
    expect(m.payload.text.split('\n')[0]).not.toContain('<script>');
    expect(m.subject).not.toMatch(/[\r\n]/);
  });

  it('links to GraphiQL under NOTIFY_PUBLIC_URL with a query for the approval', () => {
    const m = approvalMessage(deployment, 'https://om.example.com');
    const link = new URL(m.payload.approval.link!);
    expect(link.origin + link.pathname).toBe('https://om.example.com/graphql');
    expect(link.searchParams.get('query')).toContain('deployment(id: "dep-1")');
    expect(m.payload.text).toContain(`<${m.payload.approval.link}|Review in Operator Manager>`);
    expect(m.emailText).toContain(`Review: ${m.payload.approval.link}`);
    expect(approvalMessage(deployment).payload.approval.link).toBeUndefined();
  });
});

describe('credentials stay out of text', () => {
  it('redacts webhook URLs to scheme, host and first segment with a fingerprint that tells targets apart', () => {
    const a = redactUrl('https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX');
    const b = redactUrl('https://hooks.slack.com/services/T000/B000/YYYYYYYYYYYYYYYYYYYYYYYY');
    expect(a).toMatch(/^https:\/\/hooks\.slack\.com\/services\/… \(#[0-9a-f]{8}\)$/);
    expect(a).not.toBe(b);
    expect(redactUrl('http://user:pw@10.0.0.5:8080/hook?token=abc')).toMatch(/^http:\/\/10\.0\.0\.5:8080\/…\?… \(#[0-9a-f]{8}\)$/);
  });

  it('scrubs URL user info and known secrets, including from error causes', () => {
    expect(scrub('connect to smtp://bob:hunter22@mail failed', [])).toBe('connect to smtp://***@mail failed');
    const err = new Error('request failed', { cause: Object.assign(new Error('echo: hunter22'), { code: 'EPROTO' }) });
    expect(describeError(err, ['hunter22'])).toBe('request failed: echo: *** (EPROTO)');
  });
});

describe('retry delays', () => {
  const policy = { baseMs: 1000, capMs: 60_000 };
  it('double per attempt with equal jitter, up to the cap', () => {
    expect([1, 2, 3].map((n) => retryDelayMs(n, policy, () => 0))).toEqual([500, 1000, 2000]);
    expect([1, 2, 3].map((n) => retryDelayMs(n, policy, () => 1))).toEqual([1000, 2000, 4000]);
    expect(retryDelayMs(20, policy, () => 1)).toBe(60_000);
  });
  it('honour Retry-After within the cap', () => {
    expect(retryDelayMs(1, policy, () => 0, 30_000)).toBe(30_000);
    expect(retryDelayMs(1, policy, () => 0, 600_000)).toBe(60_000);
  });
});
