// Kubeconfigs for tests, shaped like real ones.
import yaml from 'js-yaml';

export interface KubeconfigParts {
  server?: string;
  token?: string;
  insecure?: boolean;
  caData?: string;
  user?: Record<string, unknown>;
}

export function kubeconfigObject(p: KubeconfigParts = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'admin@test',
    clusters: [
      {
        name: 'test',
        cluster: {
          server: p.server ?? 'https://10.0.0.1:6443',
          ...(p.insecure
            ? { 'insecure-skip-tls-verify': true }
            : { 'certificate-authority-data': p.caData ?? Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64') }),
        },
      },
    ],
    contexts: [{ name: 'admin@test', context: { cluster: 'test', user: 'admin' } }],
    users: [{ name: 'admin', user: p.user ?? { token: p.token ?? 'super-secret-token-value-1234567890' } }],
  };
}

export const kubeconfigYaml = (p: KubeconfigParts = {}) => yaml.dump(kubeconfigObject(p));

/**
 * YAML lines (each indented by `indent`) of a mapping whose ten keys nest nine aliases of
 * the one before: a few hundred bytes that stand for 9^10 strings once expanded.
 */
export function aliasBombLines(indent: string, levels = 10): string {
  const lines = [`${indent}l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]`];
  for (let i = 1; i < levels; i++)
    lines.push(
      `${indent}l${i}: &l${i} [${Array(9)
        .fill(`*l${i - 1}`)
        .join(',')}]`,
    );
  return lines.join('\n');
}

/** A kubeconfig that is valid in every way, plus an alias bomb under `where`. */
export function aliasBombKubeconfig(where: 'extra key' | 'user' | 'preferences', token = 'super-secret-token-value-1234567890'): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'current-context: admin@test',
    'clusters:',
    '- name: test',
    '  cluster:',
    '    server: https://10.0.0.1:6443',
    'contexts:',
    '- name: admin@test',
    '  context: {cluster: test, user: admin}',
    'users:',
    '- name: admin',
    '  user:',
    `    token: ${token}`,
    ...(where === 'user' ? ['    extensions:', aliasBombLines('      ')] : []),
    ...(where === 'preferences' ? ['preferences:', aliasBombLines('  ')] : []),
    ...(where === 'extra key' ? ['x-bomb:', aliasBombLines('  ')] : []),
    '',
  ].join('\n');
}
