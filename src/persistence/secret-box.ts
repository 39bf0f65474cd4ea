// AES-256-GCM encryption of secrets at rest (kubeconfigs). Each ciphertext names the key
// that made it, so keys rotate: configure the new key, keep the old one in
// ENCRYPTION_PREVIOUS_KEYS until every row has been re-encrypted.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { ConfigError } from '../config/env.ts';

interface Sealed {
  keyId: string;
  ciphertext: string;
}

export interface SecretBox {
  readonly keyId: string;
  seal(plaintext: string): Sealed;
  open(sealed: Sealed): string;
}

function parseKey(variable: string, text: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32) throw new ConfigError(variable, 'must be 32 bytes, as base64 (44 characters) or hex (64 characters)');
  return key;
}

const keyIdOf = (key: Buffer): string => createHash('sha256').update(key).digest('hex').slice(0, 12);

export function createSecretBox(currentKey: string, keyId?: string, previousKeys = ''): SecretBox {
  const current = parseKey('ENCRYPTION_KEY', currentKey);
  const currentId = keyId ?? keyIdOf(current);
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(currentId)) throw new ConfigError('ENCRYPTION_KEY_ID', 'must be 1-64 letters, digits, ".", "_" or "-"');
  const keys = new Map<string, Buffer>([[currentId, current]]);
  for (const entry of previousKeys
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const colon = entry.indexOf(':');
    if (colon <= 0) throw new ConfigError('ENCRYPTION_PREVIOUS_KEYS', 'must be "keyId:key" pairs separated by commas');
    keys.set(entry.slice(0, colon), parseKey('ENCRYPTION_PREVIOUS_KEYS', entry.slice(colon + 1)));
  }
  return {
    keyId: currentId,
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      cipher.setAAD(Buffer.from(currentId));
      const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return { keyId: currentId, ciphertext: ['v1', iv.toString('base64'), tag.toString('base64'), data.toString('base64')].join(':') };
    },
    open({ keyId: id, ciphertext }) {
      const key = keys.get(id);
      if (!key) throw new Error(`encryption key "${id}" is not configured (set it in ENCRYPTION_PREVIOUS_KEYS)`);
      const [version, iv, tag, data] = ciphertext.split(':');
      if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('ciphertext is not in the v1 format');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
      decipher.setAAD(Buffer.from(id));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
    },
  };
}
