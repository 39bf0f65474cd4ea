// Composition root: config → secrets → database → kube clients → services → engine → API.
// Returns {start, stop}; stop is graceful (API first, then background work, then the database).
import { resolveSecrets, type ResolvedSecrets } from './auth/secrets.ts';
import { createTokenVerifier } from './auth/tokens.ts';
import pg from 'pg';
import { createRateLimiter } from './api/rate-limit.ts';
import { createApiServer, type ApiServer } from './api/server.ts';
import type { Config } from './config/index.ts';
import { KubeClients } from './kube/client-registry.ts';
import { checkClusterHealth, createClusterProber } from './kube/probe.ts';
import { checkWebhookUrls, enqueueApprovalNotifications, NotificationDispatcher } from './notifications/index.ts';
import { createLogger, type Logger } from './observability/logger.ts';
import { createMetrics } from './observability/metrics.ts';
import { openDatabase, type Database } from './persistence/database.ts';
import { createSecretBox } from './persistence/secret-box.ts';
import { defaultReplicaId, engineSettings, RolloutEngine } from './rollout/engine.ts';
import { startStepThreads, type StepThreads } from './step-threads.ts';
import { Renderer } from './rollout/render.ts';
import { SourceFence } from './sources/fence.ts';
import { CrdGate } from './services/crd-gate.ts';
import { createEventBus } from './services/events.ts';
import { startReplicaBridge, type ReplicaBridge } from './services/replica-bridge.ts';
import { registeredKubeconfig } from './services/clusters.ts';
import { createServices, type Services } from './services/index.ts';
import { bundleVersionChecker, repositoryVersionLister } from './services/sources.ts';

export interface App {
  config: Config;
  secrets: ResolvedSecrets;
  db: Database;
  services: Services;
  kube: KubeClients;
  engine?: RolloutEngine;
  log: Logger;
  /** Starts listening and the background work; resolves with the bound port. */
  start(): Promise<number>;
  /** Graceful stop: stop accepting, finish in-flight requests, stop the engine and monitors, close the database. */
  stop(): Promise<void>;
}

export interface AppOptions {
  logger?: Logger;
}

export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const log = options.logger ?? createLogger(config.logLevel);
  const secrets = await resolveSecrets(config);
  // One fence for everything the server reads or posts to: manifests, chart indexes, webhooks.
  const fence = new SourceFence(config.sources);
  const notifyConfig = checkWebhookUrls(config.notifications, fence);
  const secretBox = createSecretBox(secrets.encryptionKey, config.encryption.keyId, config.encryption.previousKeys);
  const verifyToken = createTokenVerifier({ ...config.jwt, secret: secrets.jwtSecret });
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, migrate: config.migrateOnStart });
  if (db.appliedMigrations.length) log.info({ migrations: db.appliedMigrations }, 'database migrated');

  const events = createEventBus();
  // Clients are built from the decrypted kubeconfig on first use and dropped when it changes.
  const kube = new KubeClients((name) => registeredKubeconfig(db.prisma, secretBox, name), {
    requestTimeoutMs: config.kube.requestTimeoutMs,
    maxResponseBytes: config.kube.maxResponseBytes,
  });
  const notifier = new NotificationDispatcher({ prisma: db.prisma, config: notifyConfig, fence, logger: log.child({ component: 'notifications' }) });
  const renderer = new Renderer({ prisma: db.prisma, fence, helmBin: config.sources.helmBin });
  const services = createServices({
    prisma: db.prisma,
    secretBox,
    events,
    log,
    fence,
    probeCluster: createClusterProber({ requestTimeoutMs: config.clusterHealth.timeoutMs, maxResponseBytes: config.kube.maxResponseBytes }),
    listChartVersions: repositoryVersionLister(fence),
    checkVersion: bundleVersionChecker(fence),
    approvalNotices: { enqueue: (tx, approval) => enqueueApprovalNotifications(tx, approval, notifyConfig), wake: () => notifier.wake() },
    onClusterChanged: (name) => kube.invalidate(name),
    readClusterHealth: (name) => checkClusterHealth(kube, name, { requestTimeoutMs: config.clusterHealth.timeoutMs }),
    healthCheckTimeoutMs: config.clusterHealth.timeoutMs,
    kube,
    renderer,
  });
  // Planning checks CRD compatibility before any cluster is touched; a CRD_CHANGE approval notifies at once.
  const crdGate = new CrdGate({ prisma: db.prisma, kube, store: services.store, notifications: notifyConfig, notificationsEnqueued: () => notifier.wake() });
  const replicaId = config.engine.replicaId ?? (db.kind === 'pglite' ? 'embedded' : defaultReplicaId());
  const metrics = createMetrics();
  // Replicas sharing PostgreSQL hear of each other's commits through LISTEN/NOTIFY.
  const bridge: ReplicaBridge | undefined = db.url
    ? await startReplicaBridge({ url: db.url, replicaId, prisma: db.prisma, store: services.store, events, log: log.child({ component: 'replicas' }), metrics })
    : undefined;
  const engine = config.engine.enabled
    ? new RolloutEngine({
        prisma: db.prisma,
        store: services.store,
        events,
        kube,
        renderer,
        crdGate,
        log: log.child({ component: 'engine' }),
        // With step threads, the main thread runs no step itself.
        settings: engineSettings(config.engine, replicaId, config.engine.stepThreads > 0 ? 0 : config.engine.stepConcurrency),
      })
    : undefined;

  // Rate limits hold for the whole service: counted in PostgreSQL when replicas share it.
  const rateLimitPool = db.url && config.rateLimit.profile !== 'off' ? new pg.Pool({ connectionString: db.url, max: 4 }) : undefined;
  rateLimitPool?.on('error', (err) => log.warn({ err }, 'rate-limit database connection failed'));
  const limiter = createRateLimiter(config.rateLimit, rateLimitPool ? { pool: rateLimitPool } : undefined);
  const api: ApiServer = createApiServer({
    services,
    verifyToken,
    log,
    metrics,
    settings: config.api,
    rateLimit: { settings: config.rateLimit, limiter },
    health: async () => {
      const dbOk = await db.ping();
      return { ok: dbOk, details: { database: dbOk ? 'reachable' : 'unreachable', databaseKind: db.kind } };
    },
  });

  let stepThreads: StepThreads | undefined;
  let versionsTimer: NodeJS.Timeout | undefined;
  let stopping: Promise<void> | undefined;
  return {
    config,
    secrets,
    db,
    services,
    kube,
    engine,
    log,
    async start() {
      const port = await api.listen(config.port, config.host);
      engine?.start();
      if (engine && config.engine.stepThreads > 0)
        stepThreads = await startStepThreads({
          count: config.engine.stepThreads,
          config,
          encryptionKey: secrets.encryptionKey,
          replicaId,
          db,
          store: services.store,
          events,
          log,
        });
      notifier.start();
      if (config.clusterHealth.intervalMs > 0) services.clusterHealth.start(config.clusterHealth.intervalMs);
      if (config.sources.versionsRefreshIntervalMs > 0) {
        versionsTimer = setInterval(() => {
          services.operators.refreshVersions().then(
            (results) => {
              for (const r of results) if (r.error) log.warn({ operator: r.operator, error: r.error }, 'chart versions not refreshed');
            },
            (err) => log.warn({ err }, 'chart versions not refreshed'),
          );
        }, config.sources.versionsRefreshIntervalMs);
        versionsTimer.unref();
      }
      log.info({ port, database: db.kind, engine: engine ? engine.replicaId : 'disabled' }, 'Operator Manager listening');
      return port;
    },
    stop() {
      stopping ??= (async () => {
        clearInterval(versionsTimer);
        await api.close();
        await engine?.stop();
        await stepThreads?.stop();
        await services.clusterHealth.stop();
        await notifier.stop();
        await kube.close();
        await bridge?.close();
        await rateLimitPool?.end();
        await db.close();
        log.info('stopped');
      })();
      return stopping;
    },
  };
}
