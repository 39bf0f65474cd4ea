// Secrets the server needs (JWT signing secret, kubeconfig encryption key): from
// configuration, or — outside production — generated once and kept in DATA_DIR so a
// newcomer runs with zero setup and restarts keep working tokens and readable data.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, type Config } from '../config/index.ts';

export interface ResolvedSecrets {
  jwtSecret?: string;
  /** True when jwtSecret was generated for development (start-up prints a token). */
  jwtSecretGenerated: boolean;
  encryptionKey: string;
  encryptionKeyGenerated: boolean;
}

async function devSecret(dataDir: string, file: string, make: () => string): Promise<string> {
  const full = path.join(dataDir, file);
  const existing = await readFile(full, 'utf8').catch(() => undefined);
  if (existing?.trim()) return existing.trim();
  await mkdir(dataDir, { recursive: true });
  const value = make();
  await writeFile(full, `${value}\n`, { mode: 0o600 });
  return value;
}

export async function resolveSecrets(config: Config): Promise<ResolvedSecrets> {
  const production = config.nodeEnv === 'production';
  const inMemory = config.dataDir.startsWith('memory:');
  let jwtSecret = config.jwt.secret;
  let jwtSecretGenerated = false;
  if (!jwtSecret && !config.jwt.jwksUrl) {
    if (production) throw new ConfigError('JWT_SECRET', 'is required in production (or set JWT_JWKS_URL)');
    jwtSecret = inMemory ? randomBytes(32).toString('base64url') : await devSecret(config.dataDir, 'jwt-secret', () => randomBytes(32).toString('base64url'));
    jwtSecretGenerated = true;
  }
  if (jwtSecret && jwtSecret.length < 16) throw new ConfigError('JWT_SECRET', 'must be at least 16 characters');
  let encryptionKey = config.encryption.key;
  let encryptionKeyGenerated = false;
  if (!encryptionKey) {
    if (production) throw new ConfigError('ENCRYPTION_KEY', 'is required in production (32 bytes, base64 or hex)');
    encryptionKey = inMemory ? randomBytes(32).toString('base64') : await devSecret(config.dataDir, 'encryption-key', () => randomBytes(32).toString('base64'));
    encryptionKeyGenerated = true;
  }
  return { jwtSecret, jwtSecretGenerated, encryptionKey, encryptionKeyGenerated };
}
