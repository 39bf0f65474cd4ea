// Kubeconfig files for sandbox clusters, shaped like the ones real clusters hand out.
import yaml from 'js-yaml';

export interface KubeconfigInput {
  name: string;
  server: string;
  token: string;
  /** PEM of the CA; omitted for plain-HTTP clusters, which skip TLS verification instead */
  caCert?: string;
  namespace?: string;
}

export function renderKubeconfig(k: KubeconfigInput): string {
  const cluster: Record<string, unknown> = { server: k.server };
  if (k.caCert) cluster['certificate-authority-data'] = Buffer.from(k.caCert).toString('base64');
  else cluster['insecure-skip-tls-verify'] = true;
  const user = `${k.name}-admin`;
  return yaml.dump(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: k.name, cluster }],
      contexts: [{ name: k.name, context: { cluster: k.name, user, namespace: k.namespace ?? 'default' } }],
      'current-context': k.name,
      preferences: {},
      users: [{ name: user, user: { token: k.token } }],
    },
    { lineWidth: -1 },
  );
}
