// The deployment files are validated as far as this machine allows (no Docker engine, no
// cluster): they parse, and the configuration they give the server is accepted by it.
import { readFile } from 'node:fs/promises';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/index.ts';
import { parseManifests } from '../src/sources/yaml.ts';

const SECRETS: Record<string, string> = {
  JWT_SECRET: 'a-jwt-secret-of-enough-length',
  ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  POSTGRES_PASSWORD: 'pw',
};

describe('deployment files', () => {
  it('docker-compose.yml gives the server a production configuration it accepts', async () => {
    const compose = yaml.load(await readFile('docker-compose.yml', 'utf8')) as { services: Record<string, { environment: Record<string, string> }> };
    const env = Object.fromEntries(
      Object.entries(compose.services['operator-manager']!.environment).map(([k, v]) => [
        k,
        String(v).replace(/\$\{(\w+)(:[-?][^}]*)?\}/g, (_m, name: string, dflt?: string) => SECRETS[name] ?? dflt?.slice(2) ?? ''),
      ]),
    );
    const config = loadConfig(env);
    expect(config.nodeEnv).toBe('production');
    expect(config.databaseUrl).toBe('postgresql://operator_user:pw@postgres:5432/operator_manager');
    expect(config.clusterHealth.intervalMs).toBe(60_000);
  });

  it('the Kubernetes manifests parse and their environment is accepted by the server', async () => {
    const objects = (
      await Promise.all(
        ['namespace', 'secret.example', 'postgres', 'operator-manager'].map(async (f) =>
          parseManifests(await readFile(`deploy/kubernetes/${f}.yaml`, 'utf8'), { source: f }),
        ),
      )
    ).flat();
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(
      expect.arrayContaining([
        'Namespace/operator-manager',
        'StatefulSet/postgres',
        'Deployment/operator-manager-api',
        'Service/operator-manager-api',
        'ConfigMap/operator-manager-config',
      ]),
    );
    const configMap = objects.find((o) => o.kind === 'ConfigMap')!;
    const deployment = objects.find((o) => o.kind === 'Deployment')!;
    const container = deployment.spec.template.spec.containers[0];
    const env: Record<string, string> = { ...(configMap.data as Record<string, string>) };
    for (const e of container.env as Array<{ name: string; value?: string; valueFrom?: unknown }>) {
      env[e.name] = e.value !== undefined ? e.value.replace(/\$\((\w+)\)/g, (_m, n: string) => env[n] ?? '') : (SECRETS[e.name] ?? 'x');
    }
    const config = loadConfig(env);
    expect(config.databaseUrl).toBe('postgresql://operator_user:pw@postgres:5432/operator_manager');
    expect(config.engine.maxConcurrentDeployments).toBe(10);
    expect(container.readinessProbe.httpGet.path).toBe('/health');
    expect(container.ports[0].containerPort).toBe(config.port);
  });

  it('the Dockerfile runs the server as non-root on the configured port with a health check', async () => {
    const dockerfile = await readFile('Dockerfile', 'utf8');
    expect(dockerfile).toMatch(/^USER opmanager$/m);
    expect(dockerfile).toMatch(/^EXPOSE 4000$/m);
    expect(dockerfile).toMatch(/HEALTHCHECK[\s\S]*\/health/);
    expect(dockerfile).toMatch(/CMD \["node", "--import", "tsx", "src\/main.ts"\]/);
  });
});
