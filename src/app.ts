// Composition root: config → secrets → database → services → API. Returns {start, stop}.
import { resolveSecrets, type ResolvedSecrets } from './auth/secrets.ts';
import { createTokenVerifier } from './auth/tokens.ts';
import { createApiServer, type ApiServer } from './api/server.ts';
import type { Config } from './config/index.ts';
import { createLogger, type Logger } from './observability/logger.ts';
import { createMetrics } from './observability/metrics.ts';
import { openDatabase, type Database } from './persistence/database.ts';
import { createSecretBox } from './persistence/secret-box.ts';
import { createEventBus } from './services/events.ts';
import { createServices, type Services } from './services/index.ts';

export interface App {
  config: Config;
  secrets: ResolvedSecrets;
  db: Database;
  services: Services;
  log: Logger;
  /** Starts listening; resolves with the bound port. */
  start(): Promise<number>;
  /** Graceful stop: stop accepting, finish in-flight requests, close the database. */
  stop(): Promise<void>;
}

export interface AppOptions {
  logger?: Logger;
}

export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const log = options.logger ?? createLogger(config.logLevel);
  const secrets = await resolveSecrets(config);
  const secretBox = createSecretBox(secrets.encryptionKey, config.encryption.keyId, config.encryption.previousKeys);
  const verifyToken = createTokenVerifier({ ...config.jwt, secret: secrets.jwtSecret });
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, migrate: config.migrateOnStart });
  if (db.appliedMigrations.length) log.info({ migrations: db.appliedMigrations }, 'database migrated');
  const services = createServices({ prisma: db.prisma, secretBox, events: createEventBus() });
  const metrics = createMetrics();
  const api: ApiServer = createApiServer({
    services,
    verifyToken,
    log,
    metrics,
    limits: { maxDepth: config.api.maxDepth, maxFields: config.api.maxFields, maxRequestBytes: config.api.maxRequestBytes },
    health: async () => {
      const dbOk = await db.ping();
      return { ok: dbOk, details: { database: dbOk ? 'reachable' : 'unreachable', databaseKind: db.kind } };
    },
  });

  let stopping: Promise<void> | undefined;
  return {
    config,
    secrets,
    db,
    services,
    log,
    async start() {
      const port = await api.listen(config.port, config.host);
      log.info({ port, database: db.kind }, 'Operator Manager listening');
      return port;
    },
    stop() {
      stopping ??= (async () => {
        await api.close();
        await db.close();
        log.info('stopped');
      })();
      return stopping;
    },
  };
}
