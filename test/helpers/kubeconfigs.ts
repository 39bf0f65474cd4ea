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
          ...(p.insecure ? { 'insecure-skip-tls-verify': true } : { 'certificate-authority-data': p.caData ?? Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64') }),
        },
      },
    ],
    contexts: [{ name: 'admin@test', context: { cluster: 'test', user: 'admin' } }],
    users: [{ name: 'admin', user: p.user ?? { token: p.token ?? 'super-secret-token-value-1234567890' } }],
  };
}

export const kubeconfigYaml = (p: KubeconfigParts = {}) => yaml.dump(kubeconfigObject(p));
