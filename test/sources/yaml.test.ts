import { describe, expect, it } from 'vitest';
import { ManifestParseError } from '../../src/sources/errors.ts';
import { canonicalJson } from '../../src/domain/json.ts';
import { parseManifests, parseYamlDocument, sourcePositionOf, toJson, toYaml } from '../../src/sources/yaml.ts';
import { corpus, corpusTitle } from '../helpers/corpus.ts';
import { operatorText } from '../helpers/operators.ts';
import { itSources, type SourceCase } from '../helpers/sources.ts';

const kindsOf = (objects: Array<{ kind: string }>) => {
  const counts: Record<string, number> = {};
  for (const o of objects) counts[o.kind] = (counts[o.kind] ?? 0) + 1;
  return counts;
};

interface Release extends SourceCase {
  /** The release's bundle as written (the telemetry Collector CRD not inflated). */
  text: () => string;
  version: string;
  crds: number;
  /** The operator: the name of its Deployment. */
  operator: string;
  /** The Deployment's image. */
  image: string;
}

const prometheus = (version: string): Release => ({
  name: `prometheus-operator ${version}`,
  corpus: true,
  text: () => corpus.read(`prometheus-operator/${version}/bundle.yaml`),
  version,
  crds: 10,
  operator: 'prometheus-operator',
  image: `quay.io/prometheus-operator/prometheus-operator:${version}`,
});
const telemetry = (version: string): Release => ({
  name: `telemetry ${version}`,
  corpus: false,
  text: () => operatorText('telemetry', version, { inflate: false }),
  version,
  crds: 5,
  operator: 'telemetry-operator',
  image: `registry.example.com/telemetry/telemetry-operator:${version}`,
});

interface Bundle extends SourceCase {
  text: () => string;
  crds: number;
  /** The CRD with an enum that has a bare `=` value. */
  withBareEquals: string;
}

const bundles: Bundle[] = [
  {
    name: 'the prometheus-operator v0.75.0 bundle',
    corpus: true,
    text: () => corpus.read('prometheus-operator/v0.75.0/bundle.yaml'),
    crds: 10,
    withBareEquals: 'alertmanagerconfigs.monitoring.coreos.com',
  },
  {
    name: "the project's telemetry v1.0.0 bundle",
    corpus: false,
    text: () => operatorText('telemetry', 'v1.0.0', { inflate: false }),
    crds: 5,
    withBareEquals: 'routeconfigs.telemetry.example.com',
  },
];

interface LargeBundle extends SourceCase {
  text: () => string;
}

const largeBundles: LargeBundle[] = [
  { name: 'the prometheus-operator v0.80.0 bundle (4 MB)', corpus: true, text: () => corpus.read('prometheus-operator/v0.80.0/bundle.yaml') },
  { name: "the project's inflated telemetry v1.1.0 bundle (over 1 MB)", corpus: false, text: () => operatorText('telemetry', 'v1.1.0') },
];

describe('parseManifests on operator bundles', () => {
  itSources(
    [prometheus('v0.75.0'), prometheus('v0.80.0'), telemetry('v1.0.0'), telemetry('v1.1.0')],
    (c) => `${c.name}: ${c.crds} CRDs and the controller objects`,
    (c) => {
      const text = c.text();
      expect(text.split(/^---$/m).filter((d) => d.trim() === '').length).toBeGreaterThanOrEqual(c.crds - 1); // empty documents exist
      const objects = parseManifests(text);
      expect(kindsOf(objects)).toEqual({
        CustomResourceDefinition: c.crds,
        Deployment: 1,
        Service: 1,
        ServiceAccount: 1,
        ClusterRole: 1,
        ClusterRoleBinding: 1,
      });
      const deployment = objects.find((o) => o.kind === 'Deployment')!;
      expect(deployment.metadata).toMatchObject({ name: c.operator, namespace: 'default' });
      expect(deployment.spec.template.spec.containers[0].image).toBe(c.image);
    },
  );

  itSources(
    bundles,
    (c) => `keeps the bare "=" enum value of ${c.name} as the string "="`,
    (c) => {
      const text = c.text();
      expect(text).toMatch(/^ *- =$/m); // written bare, as real bundles do
      const objects = parseManifests(text);
      const crd = objects.find((o) => o.metadata.name === c.withBareEquals)!;
      expect(JSON.stringify(crd)).toContain('["!=","=","=~","!~"]');
      // …and serialisation quotes it, so a YAML 1.1 reader cannot take it for a tag.
      expect(toYaml([crd])).toMatch(/^ *- '='$/m);
    },
  );

  itSources(
    bundles,
    (c) => `records where each object of ${c.name} came from (empty documents count)`,
    (c) => {
      const text = c.text();
      const objects = parseManifests(text);
      const crb = objects.find((o) => o.kind === 'ClusterRoleBinding')!;
      // The CRB's document starts at the `---` line above its `kind:`.
      const lines = text.split('\n');
      let start = lines.indexOf('kind: ClusterRoleBinding');
      while (lines[start] !== '---') start--;
      // The CRDs each followed by an empty document, except the last, then the CRB.
      expect(sourcePositionOf(crb)).toEqual({ document: 2 * c.crds, line: start + 1 });
      expect(sourcePositionOf(objects[0]!)).toEqual({ document: 1, line: 1 });
    },
  );

  it.skipIf(!corpus.present).each(['v1.5.0', 'v1.13.0', 'v1.14.0'])(corpusTitle('cert-manager %s rendered.yaml: 6 CRDs'), (tag) => {
    const objects = parseManifests(corpus.read(`cert-manager/${tag}/rendered.yaml`));
    expect(kindsOf(objects)).toEqual({ CustomResourceDefinition: 6 });
    expect(objects.map((o) => o.metadata.name)).toContain('certificates.cert-manager.io');
  });

  it.each(['v1.0.0', 'v1.1.0', 'v1.2.0', 'v1.3.0'])('pki %s: 3 CRDs, webhooks, workloads and their namespace; merge keys resolved', (tag) => {
    const objects = parseManifests(operatorText('pki', tag));
    expect(kindsOf(objects)).toEqual({
      CustomResourceDefinition: 3,
      Deployment: 2,
      Service: 1,
      ServiceAccount: 1,
      ClusterRole: 1,
      ClusterRoleBinding: 1,
      Namespace: 1,
      MutatingWebhookConfiguration: 1,
      ValidatingWebhookConfiguration: 1,
    });
    const certificates = objects.find((o) => o.metadata.name === 'certificates.pki.example.com')!;
    const versions = certificates.spec.versions as Array<{ name: string; schema: unknown }>;
    expect(versions.at(-1)!.name).toBe('v1');
    for (const v of versions) expect(v.schema, v.name).toEqual(versions.at(-1)!.schema);
  });

  itSources(
    largeBundles,
    (c) => `round-trips ${c.name} through toYaml and toJson without loss`,
    (c) => {
      const text = c.text();
      expect(text.length).toBeGreaterThan(1024 * 1024);
      const objects = parseManifests(text);
      expect(canonicalJson(parseManifests(toYaml(objects)))).toBe(canonicalJson(objects));
      expect(canonicalJson(parseManifests(toJson(objects)))).toBe(canonicalJson(objects));
    },
  );
});

describe('parseManifests semantics', () => {
  it('skips empty and comment-only documents, expands List kinds', () => {
    const text = [
      '# leading comment',
      '---',
      '---',
      '# only a comment',
      '---',
      'apiVersion: v1',
      'kind: List',
      'items:',
      '- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}',
      '- {apiVersion: v1, kind: Secret, metadata: {name: b}}',
      '---',
      'apiVersion: rbac.authorization.k8s.io/v1',
      'kind: RoleList',
      'items: [{apiVersion: rbac.authorization.k8s.io/v1, kind: Role, metadata: {name: r}}]',
      '...',
    ].join('\n');
    const objects = parseManifests(text);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['ConfigMap/a', 'Secret/b', 'Role/r']);
    expect(sourcePositionOf(objects[1]!)).toEqual({ document: 3, item: 2, line: 5 });
  });

  it('reads values the way kubectl does: timestamps stay strings, 0644 is octal, merge keys work', () => {
    const [cm] = parseManifests(
      [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata: {name: x, annotations: {since: "2024-01-01"}}',
        'base: &base {mode: 0644, date: 2024-01-01, flag: yes}',
        'merged: {<<: *base, extra: 1}',
      ].join('\n'),
    );
    expect(cm).toMatchObject({ base: { mode: 420, date: '2024-01-01', flag: 'yes' }, merged: { mode: 420, extra: 1 } });
  });

  it('serialises deterministically whatever the key order of the input', () => {
    const a = parseManifests('kind: ConfigMap\napiVersion: v1\ndata: {z: "1", a: "2"}\nmetadata: {namespace: n, name: x}\n');
    const b = parseManifests('apiVersion: v1\nmetadata: {name: x, namespace: n}\nkind: ConfigMap\ndata: {a: "2", z: "1"}\n');
    expect(toYaml(a)).toBe(toYaml(b));
    // "n" is quoted: a YAML 1.1 reader would take it for false.
    expect(toYaml(a)).toBe("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: 'n'\ndata:\n  a: '2'\n  z: '1'\n");
    expect(toJson(a)).toBe(toJson(b));
  });

  it.each([
    [
      'a scalar',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\njust text\n',
      /document 2 \(line 4\): expected a Kubernetes object \(a mapping\), got a string/,
    ],
    ['a list', '- a\n- b\n', /document 1 \(line 1\): expected a Kubernetes object \(a mapping\), got a list/],
    ['no apiVersion', '---\nkind: Service\nmetadata: {name: web}\n', /document 1 \(line 1\) \[Service\/web\]: apiVersion is missing/],
    ['no kind', 'apiVersion: v1\nmetadata: {name: web}\n', /document 1 \(line 1\) \[\?\/web\]: kind is missing/],
    ['no metadata', 'apiVersion: v1\nkind: Service\n', /document 1 .*\[Service\/\?\]: metadata is missing/],
    ['no name', 'apiVersion: v1\nkind: Pod\nmetadata: {namespace: x}\n', /document 1 .*: metadata.name is missing/],
    ['generateName only', 'apiVersion: v1\nkind: Pod\nmetadata: {generateName: x-}\n', /generateName is not supported/],
    ['a non-string label', 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {on: true}}\n', /\[Pod\/p\]: metadata.labels.on must be a string/],
    ['a bad List item', 'apiVersion: v1\nkind: List\nitems: [{kind: Pod}]\n', /document 1, item 1 \(line 1\) \[Pod\/\?\]: apiVersion is missing/],
    [
      'a duplicate key',
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n---\napiVersion: v1\nkind: Pod\nkind: Service\nmetadata: {name: q}\n',
      /document 2 \(line 7\): duplicated mapping key/,
    ],
    ['broken indentation', '---\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n   namespace: x\n', /document 2 \(line 7\): bad indentation/],
    ['an unknown alias', 'apiVersion: v1\nkind: Pod\nmetadata: *nothing\n', /document 1 .*unidentified alias "nothing"/],
  ])('rejects %s, naming the document', (_case, text, message) => {
    const attempt = () => parseManifests(text, { source: 'bundle.yaml' });
    expect(attempt).toThrow(ManifestParseError);
    expect(attempt).toThrow(message);
  });

  it('enforces the total, per-document and document-count limits', () => {
    const doc = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: "${'x'.repeat(2000)}"}\n`;
    expect(() => parseManifests(doc, { maxTotalBytes: 1000 })).toThrow(/bytes exceed the limit of 1000/);
    expect(() => parseManifests(`---\n${doc}---\n${doc}`, { maxDocumentBytes: 1000 })).toThrow(
      /document 1 \(line 1\): \d+ bytes exceed the per-document limit of 1000/,
    );
    expect(() => parseManifests('---\n'.repeat(20), { maxDocuments: 10 })).toThrow(/20 documents exceed the limit of 10/);
    expect(parseManifests(doc, { maxDocumentBytes: 4000 })).toHaveLength(1);
  });

  it('rejects an alias bomb quickly instead of expanding it', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const bomb = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n${levels.map((l) => `  ${l}`).join('\n')}\n`;
    const started = Date.now();
    expect(() => parseManifests(bomb)).toThrow(/document 1 .*\[ConfigMap\/lol\]: expands to more than 8388608 bytes through YAML aliases/);
    expect(Date.now() - started).toBeLessThan(2000); // seconds, not hours: the guard stops early
  });

  it('rejects a recursive alias', () => {
    expect(() => parseManifests('apiVersion: v1\nkind: ConfigMap\nmetadata: &m {name: x, self: *m}\n')).toThrow(/recursive structure/);
  });

  it('accepts a Buffer and a byte-order mark', () => {
    const objects = parseManifests(Buffer.from('\uFEFFapiVersion: v1\nkind: Namespace\nmetadata: {name: ns}\n'));
    expect(objects[0]?.metadata.name).toBe('ns');
  });

  it('parseYamlDocument reads a single document and reports errors with a line', () => {
    expect(parseYamlDocument('apiVersion: v1\nentries: {}\n')).toEqual({ apiVersion: 'v1', entries: {} });
    expect(parseYamlDocument('')).toBeUndefined();
    expect(() => parseYamlDocument('a: [\n', { source: 'index.yaml' })).toThrow(/^index.yaml: /);
  });
});
