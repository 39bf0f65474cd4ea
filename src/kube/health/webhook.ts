// admissionregistration.k8s.io/v1 Validating/MutatingWebhookConfiguration: every webhook
// must reach a Service that exists and has ready endpoints, through certificates that are
// valid now. A webhook that cannot be called breaks every API request it matches
// (failurePolicy Fail) or silently stops enforcing (Ignore).

import type { KubeObject } from '../types.ts';
import { certificateProblem, daysUntilExpiry } from './certificates.ts';
import type { HealthStatus } from '../../domain/health.ts';
import { healthOf, nowOf, plural, worst, type Health, type HealthContext } from './types.ts';

interface Webhook {
  name: string;
  failurePolicy?: 'Fail' | 'Ignore';
  clientConfig?: { caBundle?: string; url?: string; service?: { namespace: string; name: string; port?: number } };
}

interface Finding {
  status: HealthStatus;
  failed: boolean;
  detail: string;
}

/** Ready addresses of a Service, from its EndpointSlices if given, else its Endpoints. */
function readyEndpointCount(ctx: HealthContext, namespace: string, name: string): { ready: number; notReady: number } | undefined {
  const slices = ctx.endpointSlices?.(namespace, name);
  if (slices && slices.length > 0) {
    let ready = 0;
    let notReady = 0;
    for (const slice of slices) {
      for (const ep of (slice.endpoints as Array<{ conditions?: { ready?: boolean } }> | undefined) ?? []) {
        // An endpoint without a ready condition counts as ready (EndpointSlice API semantics).
        if (ep.conditions?.ready === false) notReady++;
        else ready++;
      }
    }
    return { ready, notReady };
  }
  if (!ctx.endpoints) return slices ? { ready: 0, notReady: 0 } : undefined;
  const endpoints = ctx.endpoints(namespace, name);
  let ready = 0;
  let notReady = 0;
  for (const subset of (endpoints?.subsets as Array<{ addresses?: unknown[]; notReadyAddresses?: unknown[] }> | undefined) ?? []) {
    ready += subset.addresses?.length ?? 0;
    notReady += subset.notReadyAddresses?.length ?? 0;
  }
  return { ready, notReady };
}

function assessWebhook(hook: Webhook, ctx: HealthContext): Finding[] {
  const now = nowOf(ctx);
  const findings: Finding[] = [];
  const policy = hook.failurePolicy ?? 'Fail';
  // Unreachable backends hurt most when requests fail with them.
  const unreachable: HealthStatus = policy === 'Fail' ? 'UNHEALTHY' : 'DEGRADED';
  const consequence = policy === 'Fail' ? 'API requests it matches fail' : 'it is skipped (failurePolicy Ignore)';
  const cc = hook.clientConfig ?? {};
  const prefix = `webhook ${hook.name}`;

  if (cc.caBundle) {
    const pem = Buffer.from(cc.caBundle, 'base64').toString('utf8'); // bad base64 yields no PEM block
    const problem = certificateProblem(pem, now, 'caBundle');
    if (problem) findings.push({ status: 'UNHEALTHY', failed: problem.failed, detail: `${prefix}: ${problem.detail}; ${consequence}` });
  } else if (cc.service) {
    // In-cluster services are served with private certificates: without a caBundle the API
    // server cannot verify them. CA injectors (cert-manager) fill it shortly after apply.
    findings.push({ status: 'PROGRESSING', failed: false, detail: `${prefix}: no caBundle yet (waiting for CA injection)` });
  }

  const svcRef = cc.service;
  if (!svcRef) return findings;
  const svcName = `${svcRef.namespace}/${svcRef.name}`;
  if (!ctx.service) {
    findings.push({ status: 'UNKNOWN', failed: false, detail: `${prefix}: service ${svcName} not checked (no service lookup in the health context)` });
    return findings;
  }
  if (!ctx.service(svcRef.namespace, svcRef.name)) {
    findings.push({ status: unreachable, failed: false, detail: `${prefix}: service ${svcName} not found; ${consequence}` });
    return findings;
  }
  const endpoints = readyEndpointCount(ctx, svcRef.namespace, svcRef.name);
  if (!endpoints) {
    findings.push({ status: 'UNKNOWN', failed: false, detail: `${prefix}: endpoints of service ${svcName} not checked (no endpoints lookup)` });
  } else if (endpoints.ready === 0) {
    const notReady = endpoints.notReady > 0 ? ` (${endpoints.notReady} not ready)` : '';
    findings.push({ status: unreachable, failed: false, detail: `${prefix}: service ${svcName} has no ready endpoints${notReady}; ${consequence}` });
  }
  const serving = ctx.servingCertificate?.(svcRef.namespace, svcRef.name);
  if (serving) {
    const problem = certificateProblem(serving, now, `serving certificate of service ${svcName}`);
    if (problem) findings.push({ status: 'UNHEALTHY', failed: problem.failed, detail: `${prefix}: ${problem.detail}; ${consequence}` });
  }
  return findings;
}

export function webhookConfigurationHealth(obj: KubeObject, ctx: HealthContext = {}): Health {
  const hooks = (obj.webhooks as Webhook[] | undefined) ?? [];
  if (hooks.length === 0) return healthOf(obj, 'HEALTHY', 'no webhooks configured');
  const findings = hooks.flatMap((hook) => assessWebhook(hook, ctx).map((f) => ({ ...f, message: f.detail })));
  const top = worst(findings);
  if (!top) {
    const services = [
      ...new Set(
        hooks.map((h) => (h.clientConfig?.service ? `${h.clientConfig.service.namespace}/${h.clientConfig.service.name}` : (h.clientConfig?.url ?? '?'))),
      ),
    ];
    const days = hooks
      .map((h) => (h.clientConfig?.caBundle ? daysUntilExpiry(Buffer.from(h.clientConfig.caBundle, 'base64').toString('utf8'), nowOf(ctx)) : undefined))
      .filter((d): d is number => d !== undefined);
    const expiry = days.length ? `, caBundle valid for ${Math.min(...days)} more days` : '';
    return healthOf(obj, 'HEALTHY', `${plural(hooks.length, 'webhook')} served by ${services.join(', ')}${expiry}`);
  }
  const more = findings.length > 1 ? ` (and ${plural(findings.length - 1, 'more problem')})` : '';
  return healthOf(obj, top.status, `${top.detail}${more}`, top.failed);
}
