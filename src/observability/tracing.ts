// OpenTelemetry traces: one span per GraphQL operation and per rollout step (own spans
// through @opentelemetry/api), exported over OTLP/HTTP when the settings name a URL
// (src/config/tracing.ts). Without one the API's no-op tracer is used and tracing costs nothing.
import { context, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BatchSpanProcessor, type SpanExporter, type SpanProcessor, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { TracingSettings } from '../config/tracing.ts';

const TRACER = 'operator-manager';

export interface Tracing {
  shutdown(): Promise<void>;
  /** Flushes pending spans (tests). */
  flush(): Promise<void>;
}

let provider: NodeTracerProvider | undefined;

/** Starts exporting spans; `exporter` replaces OTLP (tests pass an in-memory exporter). */
export function startTracing(settings: TracingSettings, exporter?: SpanExporter): Tracing {
  if (provider || (!exporter && !settings.tracesUrl)) return { shutdown: async () => {}, flush: async () => {} };
  const processor: SpanProcessor = exporter ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(new OTLPTraceExporter({ url: settings.tracesUrl }));
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName }),
    spanProcessors: [processor],
  });
  provider.register();
  const p = provider;
  return {
    flush: () => p.forceFlush(),
    async shutdown() {
      await p.shutdown();
      trace.disable();
      context.disable();
      if (provider === p) provider = undefined;
    },
  };
}

/** Runs `fn` in a span; a thrown error marks the span and is rethrown. */
export async function inSpan<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T>): Promise<T> {
  return trace.getTracer(TRACER).startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      throw err;
    } finally {
      span.end();
    }
  });
}

export function startSpan(name: string, attributes: Attributes): Span {
  return trace.getTracer(TRACER).startSpan(name, { attributes });
}
