// A stand-in for the helm binary (none exists here): a Node script that records its
// arguments and the values file it was given, and prints what `helm template` would.
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = String.raw`
const fs = require('node:fs');
const args = process.argv.slice(2);
const opt = (name) => args[args.indexOf(name) + 1];
const values = JSON.parse(fs.readFileSync(opt('--values'), 'utf8'));
fs.appendFileSync(process.env.HELM_STAND_IN_LOG, JSON.stringify({ args, values }) + '\n');
const [, release, chart] = args;
const version = opt('--version');
const namespace = opt('--namespace');
if (version === '9.9.9') {
  process.stderr.write('Error: chart "' + chart + '" version "9.9.9" not found in ' + opt('--repo') + ' repository\n');
  process.exit(1);
}
if (version === '0.0.1-hang') setInterval(() => {}, 1000);
else process.stdout.write([
  '---',
  '# Source: ' + chart + '/crds/widgets.yaml',
  'apiVersion: apiextensions.k8s.io/v1',
  'kind: CustomResourceDefinition',
  'metadata: {name: widgets.example.com}',
  'spec: {group: example.com, scope: Namespaced, names: {kind: Widget, plural: widgets}, versions: [{name: v1, served: true, storage: true}]}',
  '---',
  '# Source: ' + chart + '/templates/configmap.yaml',
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata: {name: ' + release + '-config, namespace: ' + namespace + '}',
  'data: {values.json: ' + JSON.stringify(JSON.stringify(values)) + '}',
  '---',
  '# Source: ' + chart + '/templates/deployment.yaml',
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata: {name: ' + release + ', namespace: ' + namespace + '}',
  'spec: {replicas: ' + (values.replicaCount ?? 1) + ', selector: {matchLabels: {app: ' + release + '}}, template: {metadata: {labels: {app: ' + release + '}}, spec: {containers: [{name: operator, image: "example/' + chart + ':' + version + '"}]}}}',
  '',
].join('\n'));
`;

export interface HelmStandIn {
  /** Path of the executable. */
  bin: string;
  /** Environment to run it with (where it logs its calls). */
  env: NodeJS.ProcessEnv;
  /** The calls so far: arguments and the parsed values file. */
  calls(): Promise<Array<{ args: string[]; values: Record<string, unknown> }>>;
}

export async function createHelmStandIn(): Promise<HelmStandIn> {
  const dir = await mkdtemp(join(tmpdir(), 'helm-stand-in-'));
  const bin = join(dir, 'helm');
  const log = join(dir, 'calls.jsonl');
  await writeFile(bin, `#!${process.execPath}\n${SCRIPT}`);
  await chmod(bin, 0o755);
  await writeFile(log, '');
  return {
    bin,
    env: { ...process.env, HELM_STAND_IN_LOG: log },
    calls: async () =>
      (await readFile(log, 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line)),
  };
}
