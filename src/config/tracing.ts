// Where traces go: OTLP/HTTP when an endpoint is set (the standard OpenTelemetry
// variables), nowhere otherwise. src/observability/tracing.ts starts the exporter.
import { ConfigError, pick, type Env } from './env.ts';

export interface TracingSettings {
  /**
   * Full URL spans are posted to: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, or
   * OTEL_EXPORTER_OTLP_ENDPOINT + "/v1/traces"; none = no tracing.
   */
  tracesUrl?: string;
  /** service.name of the spans (OTEL_SERVICE_NAME, default operator-manager). */
  serviceName: string;
}

function urlVar(env: Env, name: string): string | undefined {
  const found = pick(env, [name]);
  if (!found) return undefined;
  try {
    const url = new URL(found.value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
    return url.toString();
  } catch {
    throw new ConfigError(name, 'must be an http(s) URL such as http://jaeger:4318');
  }
}

export function tracingSettings(env: Env): TracingSettings {
  const traces = urlVar(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const base = urlVar(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  return {
    ...(traces ? { tracesUrl: traces } : base ? { tracesUrl: `${base.replace(/\/+$/, '')}/v1/traces` } : {}),
    serviceName: pick(env, ['OTEL_SERVICE_NAME'])?.value ?? 'operator-manager',
  };
}
