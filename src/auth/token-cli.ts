// npm run token -- --sub alice --role OPERATOR [--role VIEWER] [--env PRODUCTION] [--ttl PT1H]
// Prints a token signed with the configured secret (JWT_SECRET, or the development secret in DATA_DIR).
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/index.ts';
import { parseDuration } from '../domain/duration.ts';
import { ENVIRONMENTS, ROLES, type Environment, type Role } from '../domain/model.ts';
import { isEnvironment, isRole } from './principal.ts';
import { resolveSecrets } from './secrets.ts';
import { mintToken } from './tokens.ts';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      sub: { type: 'string' },
      role: { type: 'string', multiple: true },
      env: { type: 'string', multiple: true },
      ttl: { type: 'string' },
    },
  });
  const config = loadConfig();
  if (!values.sub) {
    console.error('usage: npm run token -- --sub <user> --role <ROLE> [--role …] [--env <ENVIRONMENT> …] [--ttl PT1H]');
    return 2;
  }
  const roles = (values.role ?? []).map((r) => r.toUpperCase());
  const badRole = roles.find((r) => !isRole(r));
  if (roles.length === 0 || badRole) {
    console.error(`--role must be one of ${ROLES.join(', ')}${badRole ? ` (got "${badRole}")` : ''}`);
    return 2;
  }
  const envs = (values.env ?? []).map((e) => e.toUpperCase());
  const badEnv = envs.find((e) => !isEnvironment(e));
  if (badEnv) {
    console.error(`--env must be one of ${ENVIRONMENTS.join(', ')} (got "${badEnv}")`);
    return 2;
  }
  const ttlMs = values.ttl ? parseDuration(values.ttl) : config.jwt.expirationMinutes * 60_000;
  if (!ttlMs) {
    console.error(`--ttl must be an ISO-8601 duration such as PT1H (got "${values.ttl}")`);
    return 2;
  }
  const secrets = await resolveSecrets(config);
  if (!secrets.jwtSecret) {
    console.error('tokens are verified with JWT_JWKS_URL here; mint them with your identity provider');
    return 2;
  }
  const token = await mintToken(secrets.jwtSecret, {
    sub: values.sub,
    roles: roles as Role[],
    environments: envs as Environment[],
    ttlSeconds: Math.ceil(ttlMs / 1000),
    issuer: config.jwt.issuer,
    audience: config.jwt.audience,
  });
  console.log(token);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof ConfigError ? err.message : err);
    process.exit(1);
  },
);
