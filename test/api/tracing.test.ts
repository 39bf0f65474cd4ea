import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTracing, type Tracing } from '../../src/observability/tracing.ts';
import { RegisterClusterDocument, ViewerDocument } from '../generated/graphql.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

describe('traces', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let t: TestApp;
  beforeAll(async () => {
    tracing = startTracing({ serviceName: 'operator-manager' }, exporter);
    t = await startTestApp('pglite');
  });
  afterAll(async () => {
    await t?.stop();
    await tracing?.shutdown();
  });

  it('records a span per GraphQL operation, marked as an error when the operation fails', async () => {
    await t.ok(ViewerDocument, {}, await t.token('vic', ['VIEWER']));
    const failed = await t.gql(RegisterClusterDocument, { input: { name: 'Bad', environment: 'DEVELOPMENT', kubeconfig: 'x: y' } });
    expect(failed.errors).toBeDefined();
    await tracing.flush();
    const spans = exporter.getFinishedSpans();
    const viewer = spans.find((s) => s.name === 'graphql.query Viewer');
    expect(viewer?.attributes).toMatchObject({ 'graphql.operation.type': 'query', 'graphql.operation.name': 'Viewer', 'enduser.id': 'vic' });
    expect(viewer?.attributes['operator_manager.request_id']).toMatch(/^[0-9a-f-]{36}$/);
    const register = spans.find((s) => s.name === 'graphql.mutation RegisterCluster');
    expect(register?.status.code).toBe(2); // ERROR
    expect(register?.status.message).toMatch(/input.name/);
  });
});
