// Process entry: load config, build the app, start, stop gracefully on SIGTERM/SIGINT.
import { createApp } from './app.ts';
import { mintToken } from './auth/tokens.ts';
import { ConfigError, loadConfig } from './config/index.ts';
import { startTracing } from './observability/tracing.ts';

async function main() {
  const config = loadConfig();
  const tracing = startTracing(config.tracing);
  const app = await createApp(config);
  const port = await app.start();
  const base = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
  if (app.secrets.jwtSecretGenerated && app.secrets.jwtSecret) {
    const token = await mintToken(app.secrets.jwtSecret, {
      sub: 'admin',
      roles: ['ADMIN'],
      ttlSeconds: 24 * 3600,
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
    });
    process.stdout.write(
      `\nOperator Manager is running (development mode: the JWT secret was generated and is kept in ${config.dataDir}).\n` +
        `  GraphiQL:  ${base}/graphql\n` +
        `  Header:    {"Authorization": "Bearer ${token}"}\n` +
        `  (ADMIN token for "admin", valid 24 h; mint others with: npm run token -- --sub alice --role OPERATOR)\n\n`,
    );
  }
  let signalled = false;
  const shutdown = (signal: string) => {
    if (signalled) return;
    signalled = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    app.stop().then(
      () => tracing.shutdown().finally(() => process.exit(0)),
      (err) => {
        app.log.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error('Operator Manager failed to start:', err instanceof Error ? err.stack : err);
  process.exit(1);
});
