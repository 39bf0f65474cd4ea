import { randomBytes } from 'node:crypto';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { checkKubeconfig, KubeconfigError } from '../../src/kube/kubeconfig.ts';
import { createSecretBox } from '../../src/persistence/secret-box.ts';
import { aliasBombKubeconfig, kubeconfigObject, kubeconfigYaml } from '../helpers/kubeconfigs.ts';

describe('kubeconfig checks', () => {
  it('reads server, TLS mode and credential kind from YAML and base64 alike', () => {
    const text = kubeconfigYaml();
    const a = checkKubeconfig(text);
    const b = checkKubeconfig(Buffer.from(text).toString('base64'));
    expect(a).toMatchObject({ apiServerUrl: 'https://10.0.0.1:6443', tlsInsecure: false, credentialKind: 'token', contextName: 'admin@test' });
    expect(b.apiServerUrl).toBe(a.apiServerUrl);
    const cert = checkKubeconfig(kubeconfigYaml({ user: { 'client-certificate-data': 'Y2VydA==', 'client-key-data': 'a2V5' } }));
    expect(cert.credentialKind).toBe('client-certificate');
  });

  it.each([
    [{ user: { tokenFile: '/var/run/token' } }, /refers to files on disk/],
    [{ user: { 'auth-provider': { name: 'oidc' } } }, /auth-provider/],
    [{ user: { 'client-certificate-data': 'Y2VydA==' } }, /both client-certificate-data and client-key-data/],
    [{ server: 'ftp://x' }, /must be an http\(s\) URL/],
    [{ server: 'https://u:p@x' }, /must not carry credentials/],
  ])('refuses %j', (parts, message) => {
    expect(() => checkKubeconfig(kubeconfigYaml(parts))).toThrow(KubeconfigError);
    expect(() => checkKubeconfig(kubeconfigYaml(parts))).toThrow(message);
  });

  it.each(['extra key', 'user', 'preferences'] as const)('refuses an alias bomb under %s quickly, without echoing values', (where) => {
    const started = Date.now();
    const refuse = () => checkKubeconfig(aliasBombKubeconfig(where));
    expect(refuse).toThrow(KubeconfigError);
    expect(refuse).toThrow(/^kubeconfig expands to more than 256 KiB through YAML aliases$/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses an alias that refers to a node containing it', () => {
    const doc = `${kubeconfigYaml()}preferences: &p {self: *p}\n`;
    expect(() => checkKubeconfig(doc)).toThrow(/kubeconfig has a YAML alias that refers to a node containing it/);
  });

  it('keeps a re-serialisation without anchors or aliases, which reads back as the same kubeconfig', () => {
    const doc = kubeconfigObject();
    const text = [
      yaml.dump({ ...doc, users: undefined, preferences: undefined }),
      'users:',
      '- name: admin',
      '  user: &admin',
      '    token: super-secret-token-value-1234567890',
      '- name: admin-again',
      '  user: *admin',
      '',
    ].join('\n');
    const checked = checkKubeconfig(text);
    expect(checked.yaml).not.toMatch(/[&*]admin/);
    const stored = yaml.load(checked.yaml) as Record<string, unknown>;
    expect(stored).toEqual(yaml.load(text));
    // Nothing shared any more: whatever reads the stored text has nothing to expand.
    const users = stored.users as Array<{ user: unknown }>;
    expect(users[0]!.user).toEqual(users[1]!.user);
    expect(users[0]!.user).not.toBe(users[1]!.user);
    expect(checkKubeconfig(checked.yaml)).toEqual(checked);
  });

  it('refuses a CA file path, naming the cluster and never its data', () => {
    const doc = kubeconfigObject();
    (doc.clusters[0]!.cluster as Record<string, unknown>)['certificate-authority'] = '/etc/ca.crt';
    expect(() => checkKubeconfig(yaml.dump(doc))).toThrow(/cluster "test" refers to a CA file/);
  });
});

describe('secret box (AES-256-GCM with key ids)', () => {
  const key1 = randomBytes(32).toString('base64');
  const key2 = randomBytes(32).toString('hex');

  it('round-trips and never leaves the plaintext in the ciphertext', () => {
    const box = createSecretBox(key1);
    const sealed = box.seal('token: abc123');
    expect(sealed.ciphertext).not.toContain('abc123');
    expect(box.open(sealed)).toBe('token: abc123');
  });

  it('rotates: a new key opens nothing old unless the old key is kept as a previous key', () => {
    const old = createSecretBox(key1, 'k1');
    const sealed = old.seal('secret');
    expect(() => createSecretBox(key2, 'k2').open(sealed)).toThrow(/encryption key "k1" is not configured/);
    const rotated = createSecretBox(key2, 'k2', `k1:${key1}`);
    expect(rotated.open(sealed)).toBe('secret');
    expect(rotated.seal('x').keyId).toBe('k2');
  });

  it('detects tampering', () => {
    const box = createSecretBox(key1);
    const sealed = box.seal('secret');
    const parts = sealed.ciphertext.split(':');
    parts[3] = Buffer.from('tampered').toString('base64');
    expect(() => box.open({ ...sealed, ciphertext: parts.join(':') })).toThrow();
  });

  it.each(['short', randomBytes(16).toString('base64')])('refuses a key that is not 32 bytes (%s)', (key) => {
    expect(() => createSecretBox(key)).toThrow(/ENCRYPTION_KEY must be 32 bytes/);
  });
});
