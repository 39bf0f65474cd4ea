import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.ts';

describe('configuration', () => {
  it('runs with zero setup', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 4000, databaseUrl: undefined, migrateOnStart: true });
    expect(c.dataDir).toMatch(/\/\.data$/);
    expect(c.engine).toMatchObject({ maxConcurrentDeployments: 10, healthTimeoutMs: 300_000, stepConcurrency: 50, stepThreads: 0 });
    expect(loadConfig({ ENGINE_STEP_THREADS: '2' }).engine.stepThreads).toBe(2);
    expect(() => loadConfig({ ENGINE_STEP_THREADS: '17' })).toThrow(/ENGINE_STEP_THREADS/);
    expect(loadConfig({ ENGINE_STEP_CONCURRENCY: '8' }).engine.stepConcurrency).toBe(8);
    expect(() => loadConfig({ ENGINE_STEP_CONCURRENCY: '0' })).toThrow(/ENGINE_STEP_CONCURRENCY/);
    expect(c.clusterHealth).toEqual({ intervalMs: 60_000, timeoutMs: 10_000 });
    expect(c.notifications.enabled).toBe(false);
    expect(c.tracing).toEqual({ serviceName: 'operator-manager' });
  });

  it('accepts the Section__Key aliases of docs/configuration.md', () => {
    const c = loadConfig({
      ConnectionStrings__PostgreSQL: 'Host=postgres;Database=operator_manager;Username=operator_user;Password=p@ss',
      JWT__Secret: 'guide-secret-guide-secret',
      JWT__Issuer: 'https://operator-manager.example.com',
      JWT__Audience: 'operator-manager-api',
      JWT__ExpirationMinutes: '90',
      KubernetesManager__MaxConcurrentDeployments: '4',
      KubernetesManager__DefaultTimeout: 'PT2M',
      KubernetesManager__HealthCheckInterval: 'PT30S',
    });
    expect(c.databaseUrl).toBe('postgresql://operator_user:p%40ss@postgres:5432/operator_manager');
    expect(c.jwt).toMatchObject({
      secret: 'guide-secret-guide-secret',
      issuer: 'https://operator-manager.example.com',
      audience: 'operator-manager-api',
      expirationMinutes: 90,
    });
    expect(c.engine).toMatchObject({ maxConcurrentDeployments: 4, healthTimeoutMs: 120_000 });
    expect(c.clusterHealth.intervalMs).toBe(30_000);
  });

  it('has safe entrance limits and picks the rate-limit profile and suggestions from NODE_ENV', () => {
    const dev = loadConfig({});
    expect(dev.api).toMatchObject({ maxRequestBytes: 1024 * 1024, maxHeaderBytes: 16 * 1024, requestTimeoutMs: 30_000, corsAllowedOrigins: [] });
    expect(dev.api.graphql).toMatchObject({ maxDepth: 12, maxTokens: 2000, maxAliases: 30, blockFieldSuggestions: false });
    expect(dev.rateLimit.profile).toBe('development');
    const prod = loadConfig({ NODE_ENV: 'production' });
    expect(prod.api.graphql.blockFieldSuggestions).toBe(true);
    expect(prod.rateLimit).toMatchObject({
      profile: 'production',
      trustProxyHops: 0,
      limits: { createDeployment: { points: 10 }, registerCluster: { points: 5 }, lists: { points: 60 } },
    });
    expect(loadConfig({ CORS_ALLOWED_ORIGINS: 'https://dash.example.com/, http://localhost:3000' }).api.corsAllowedOrigins).toEqual([
      'https://dash.example.com',
      'http://localhost:3000',
    ]);
  });

  it('reads every setting in one place: notifications and tracing too', () => {
    const c = loadConfig({
      NOTIFY_WEBHOOK_URLS: 'https://hooks.example.com/T0/B0/x',
      NOTIFY_MAX_ATTEMPTS: '3',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318/',
      OTEL_SERVICE_NAME: 'om-eu',
    });
    expect(c.notifications).toMatchObject({ enabled: true, webhookUrls: ['https://hooks.example.com/T0/B0/x'], maxAttempts: 3 });
    expect(c.tracing).toEqual({ tracesUrl: 'http://jaeger:4318/v1/traces', serviceName: 'om-eu' });
    expect(
      loadConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://otel.example.com/v1/traces', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://ignored:4318' }).tracing
        .tracesUrl,
    ).toBe('https://otel.example.com/v1/traces');
    expect(loadConfig({ HELM_BIN: '/usr/local/bin/helm', OPERATOR_VERSIONS_REFRESH_INTERVAL: 'PT0S' }).sources).toMatchObject({
      helmBin: '/usr/local/bin/helm',
      versionsRefreshIntervalMs: 0,
    });
  });

  it('prefers the product names over the aliases', () => {
    expect(loadConfig({ DATABASE_URL: 'postgresql://a@h/db', ConnectionStrings__PostgreSQL: 'Host=x;Database=y' }).databaseUrl).toBe('postgresql://a@h/db');
  });

  it.each([
    [{ PORT: 'http' }, 'PORT must be an integer'],
    [{ PORT: '70000' }, 'PORT must be between 0 and 65535'],
    [{ KubernetesManager__DefaultTimeout: '5 minutes' }, 'KubernetesManager__DefaultTimeout must be an ISO-8601 duration'],
    [{ KubernetesManager__MaxConcurrentDeployments: '0' }, 'KubernetesManager__MaxConcurrentDeployments must be between 1'],
    [{ ConnectionStrings__PostgreSQL: 'Database=x' }, 'ConnectionStrings__PostgreSQL has no Host'],
    [{ ConnectionStrings__PostgreSQL: 'Host=x;Port=abc;Database=y' }, 'ConnectionStrings__PostgreSQL has an invalid Port'],
    [{ DATABASE_URL: 'postgresql://[bad' }, 'DATABASE_URL is not a valid postgresql:// URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of'],
    [{ MIGRATE_ON_START: 'maybe' }, 'MIGRATE_ON_START must be true or false'],
    [{ JWT_JWKS_URL: 'ftp://keys' }, 'JWT_JWKS_URL must be an http(s) URL'],
    [{ MAX_REQUEST_BYTES: '10' }, 'MAX_REQUEST_BYTES must be between 1024'],
    [{ REQUEST_TIMEOUT: 'PT0.1S' }, 'REQUEST_TIMEOUT must be between 1 s'],
    [{ GRAPHQL_MAX_DEPTH: '1' }, 'GRAPHQL_MAX_DEPTH must be between 2 and 100'],
    [{ GRAPHQL_BLOCK_FIELD_SUGGESTIONS: 'sometimes' }, 'GRAPHQL_BLOCK_FIELD_SUGGESTIONS must be true or false'],
    [{ WS_MAX_SUBSCRIPTIONS: '0' }, 'WS_MAX_SUBSCRIPTIONS must be between 1'],
    [{ CORS_ALLOWED_ORIGINS: 'https://ok.example,https://bad.example/path' }, 'CORS_ALLOWED_ORIGINS must hold origins'],
    [{ RATE_LIMITS: 'lists=lots' }, 'RATE_LIMITS has "lists=lots"'],
    [{ TRUST_PROXY_HOPS: '-1' }, 'TRUST_PROXY_HOPS must be between 0 and 10'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'jaeger:4318' }, 'OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL'],
    [{ NOTIFY_MAX_ATTEMPTS: '0' }, 'NOTIFY_MAX_ATTEMPTS must be between 1 and 100'],
  ])('stops on %j naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
