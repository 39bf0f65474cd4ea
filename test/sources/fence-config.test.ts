// The sources section of Config: defaults per NODE_ENV, the default file root found from
// the code's location (not the working directory), and settings refused naming the variable.
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.ts';

const DEMO_OPERATORS = fileURLToPath(new URL('../../demo/operators', import.meta.url));
const CONFIG_MODULE = new URL('../../src/config/index.ts', import.meta.url).href;
const TSX = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;

describe('Config.sources', () => {
  it.each([
    ['production', false],
    ['development', true],
    ['test', true],
  ])('defaults with NODE_ENV=%s: demo/operators only, no prefixes, private networks %s', (nodeEnv, allowPrivateNetworks) => {
    expect(loadConfig({ NODE_ENV: nodeEnv }).sources).toEqual({
      fileRoots: [DEMO_OPERATORS],
      allowedUrlPrefixes: [],
      allowPrivateNetworks,
      fetchTimeoutMs: 30_000,
      maxBytes: 32 * 1024 * 1024,
      versionsRefreshIntervalMs: 900_000,
    });
  });

  it('finds demo/operators from the code, whatever the working directory', async () => {
    const script = `import(${JSON.stringify(CONFIG_MODULE)}).then((m) => console.log(JSON.stringify(m.loadConfig({}).sources.fileRoots)))`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', TSX, '--input-type=module', '-e', script], { cwd: tmpdir() });
    expect(JSON.parse(stdout)).toEqual([DEMO_OPERATORS]);
  });

  it('reads roots, prefixes and the private-network switch', () => {
    const { sources } = loadConfig({
      NODE_ENV: 'production',
      SOURCE_FILE_ROOTS: ' /srv/operators/ , /opt/bundles/../charts ,',
      SOURCE_ALLOWED_URL_PREFIXES: 'https://charts.example.com,https://github.com/acme/',
      SOURCE_ALLOW_PRIVATE_NETWORKS: 'true',
      SOURCE_FETCH_TIMEOUT: 'PT5S',
      SOURCE_MAX_BYTES: '1048576',
    });
    expect(sources).toEqual({
      fileRoots: ['/srv/operators', '/opt/charts'],
      allowedUrlPrefixes: ['https://charts.example.com/', 'https://github.com/acme/'],
      allowPrivateNetworks: true,
      fetchTimeoutMs: 5000,
      maxBytes: 1024 * 1024,
      versionsRefreshIntervalMs: 900_000,
    });
    expect(loadConfig({ SOURCE_ALLOW_PRIVATE_NETWORKS: 'false' }).sources.allowPrivateNetworks).toBe(false);
  });

  it.each([
    [{ SOURCE_FILE_ROOTS: '/srv/operators,bundles' }, 'SOURCE_FILE_ROOTS', 'must hold absolute directories (got "bundles")'],
    [{ SOURCE_FILE_ROOTS: './demo/operators' }, 'SOURCE_FILE_ROOTS', 'must hold absolute directories'],
    [{ SOURCE_ALLOWED_URL_PREFIXES: 'charts.example.com' }, 'SOURCE_ALLOWED_URL_PREFIXES', 'must hold http(s) URL prefixes'],
    [{ SOURCE_ALLOWED_URL_PREFIXES: 'https://ok.example.com/,file:///etc/' }, 'SOURCE_ALLOWED_URL_PREFIXES', 'must hold http(s) URL prefixes'],
    [{ SOURCE_ALLOWED_URL_PREFIXES: 'https://u:tok3n@charts.example.com/' }, 'SOURCE_ALLOWED_URL_PREFIXES', 'must not carry credentials'],
    [{ SOURCE_ALLOW_PRIVATE_NETWORKS: 'sometimes' }, 'SOURCE_ALLOW_PRIVATE_NETWORKS', 'must be true or false'],
    [{ SOURCE_FETCH_TIMEOUT: '30 seconds' }, 'SOURCE_FETCH_TIMEOUT', 'must be an ISO-8601 duration'],
    [{ SOURCE_MAX_BYTES: '10' }, 'SOURCE_MAX_BYTES', 'must be between 65536'],
  ])('refuses %j naming %s', (env, variable, message) => {
    let thrown: unknown;
    try {
      loadConfig(env);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).variable).toBe(variable);
    expect((thrown as ConfigError).message).toContain(`${variable} ${message}`);
    expect((thrown as ConfigError).message).not.toContain('tok3n');
  });
});
