// Property-based tests (fast-check, fixed seeds, bounded runs) of the parsers and
// validators that take input from outside: whatever they are given, they answer with a
// value or their own error class — never another exception, never a secret echoed back.
import fc from 'fast-check';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/domain/duration.ts';
import { ValidationErrors } from '../../src/domain/errors.ts';
import { dns1123LabelProblem } from '../../src/domain/names.ts';
import { parseVersion, versionProblem } from '../../src/domain/version.ts';
import { checkKubeconfig, KubeconfigError } from '../../src/kube/kubeconfig.ts';
import { checkLabels, checkValues } from '../../src/services/input.ts';
import { ManifestParseError } from '../../src/sources/errors.ts';
import { parseManifests, parseYamlDocument, toYaml } from '../../src/sources/yaml.ts';
import { kubeconfigObject } from '../helpers/kubeconfigs.ts';

const runs = (numRuns: number, seed: number) => ({ numRuns, seed });

/** YAML-looking text: fragments that exercise documents, anchors, aliases, tags, flows and quoting. */
const yamlish = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '---\n',
        '...\n',
        'apiVersion: v1\n',
        'kind: ConfigMap\n',
        'metadata:\n',
        '  name: x\n',
        '  labels: {a: b}\n',
        'items: []\n',
        '- ',
        '&a ',
        '*a ',
        '!!binary ',
        '!!js/function ',
        '<<: *a\n',
        '{',
        '}',
        '[',
        ']',
        ': ',
        '"',
        "'",
        '\t',
        '\n',
        '#',
        '%YAML 1.2\n',
        '=',
        '0644',
        '~',
        'null',
        'yes',
      ),
      fc.string({ maxLength: 12 }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

const dnsLabel = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/);

/** Kubernetes-shaped objects with arbitrary JSON under spec. */
const kubeObject = fc.record({
  apiVersion: fc.constantFrom('v1', 'apps/v1', 'example.com/v1alpha1'),
  kind: fc.constantFrom('ConfigMap', 'Deployment', 'Widget'),
  metadata: fc.record({ name: dnsLabel, namespace: dnsLabel, labels: fc.dictionary(dnsLabel, fc.string({ maxLength: 20 }), { maxKeys: 4 }) }),
  spec: fc.jsonValue({ maxDepth: 4 }),
});

describe('manifest YAML (src/sources/yaml.ts)', () => {
  it('answers any text with objects or a ManifestParseError, never another exception', () => {
    fc.assert(
      fc.property(yamlish, (text) => {
        try {
          const objects = parseManifests(text, { maxDocumentBytes: 64 * 1024, maxTotalBytes: 256 * 1024 });
          for (const o of objects) {
            expect(typeof o.apiVersion).toBe('string');
            expect(typeof o.kind).toBe('string');
            expect(typeof o.metadata?.name).toBe('string');
          }
        } catch (err) {
          expect(err).toBeInstanceOf(ManifestParseError);
        }
      }),
      runs(1500, 20261204),
    );
  });

  it('reads back exactly the objects it writes (toYaml then parseManifests)', () => {
    fc.assert(
      fc.property(fc.array(kubeObject, { minLength: 1, maxLength: 4 }), (objects) => {
        const parsed = parseManifests(toYaml(objects as never));
        expect(JSON.parse(JSON.stringify(parsed))).toEqual(JSON.parse(JSON.stringify(objects)));
      }),
      runs(300, 42),
    );
  });

  it('refuses alias bombs of any fan-out and depth, and parses the small ones', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 12 }), fc.integer({ min: 1, max: 12 }), (fanOut, depth) => {
        const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: bomb}', 'data:', `  l0: &l0 "${'x'.repeat(8)}"`];
        for (let i = 1; i <= depth; i++)
          lines.push(
            `  l${i}: &l${i} [${Array(fanOut)
              .fill(`*l${i - 1}`)
              .join(', ')}]`,
          );
        const expanded = 9 * fanOut ** depth;
        try {
          parseManifests(lines.join('\n'), { maxDocumentBytes: 1024 * 1024 });
          expect(expanded).toBeLessThan(2 * 1024 * 1024);
        } catch (err) {
          expect(err).toBeInstanceOf(ManifestParseError);
          expect((err as Error).message).toMatch(/YAML aliases/);
          expect(expanded).toBeGreaterThan((1024 * 1024) / 4);
        }
      }),
      runs(200, 7),
    );
  });

  it('answers any text as a single YAML document (a Helm index) or a ManifestParseError', () => {
    fc.assert(
      fc.property(yamlish, (text) => {
        try {
          parseYamlDocument(text, { maxTotalBytes: 256 * 1024 });
        } catch (err) {
          expect(err).toBeInstanceOf(ManifestParseError);
        }
      }),
      runs(1000, 99),
    );
  });
});

describe('kubeconfigs (src/kube/kubeconfig.ts)', () => {
  it('answers any text with a checked kubeconfig or a KubeconfigError', () => {
    fc.assert(
      fc.property(fc.oneof(yamlish, fc.base64String({ maxLength: 200 }), fc.string({ maxLength: 300 })), (text) => {
        try {
          checkKubeconfig(text);
        } catch (err) {
          expect(err).toBeInstanceOf(KubeconfigError);
        }
      }),
      runs(1500, 11),
    );
  });

  it('never echoes the credentials of a kubeconfig broken in any one place', () => {
    const token = 'tok-SECRET-0123456789abcdef';
    const paths = [
      ['clusters'],
      ['contexts'],
      ['users'],
      ['current-context'],
      ['kind'],
      ['clusters', 0, 'cluster', 'server'],
      ['users', 0, 'user'],
      ['users', 0, 'user', 'token'],
      ['contexts', 0, 'context', 'user'],
    ] as const;
    fc.assert(
      fc.property(
        fc.constantFrom(...paths),
        fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(token), fc.constant(undefined)),
        fc.boolean(),
        (path, value, base64) => {
          // Names (of contexts, clusters, users) are shown in messages on purpose; a token typed there is not a credential field.
          fc.pre(!(value === token && ['current-context', 'contexts.0.context.user'].includes(path.join('.'))));
          const k = kubeconfigObject({ token }) as Record<string, unknown>;
          let at: Record<string | number, unknown> = k;
          for (const step of path.slice(0, -1)) at = at[step] as Record<string | number, unknown>;
          at[path[path.length - 1]!] = value;
          const text = yaml.dump(k, { skipInvalid: true });
          try {
            const checked = checkKubeconfig(base64 ? Buffer.from(text).toString('base64') : text);
            expect(checked.apiServerUrl).not.toContain(token);
          } catch (err) {
            expect(err).toBeInstanceOf(KubeconfigError);
            expect((err as Error).message).not.toContain(token);
            expect((err as Error).message).not.toContain('SECRET');
          }
        },
      ),
      runs(800, 5),
    );
  });
});

describe('input validators', () => {
  it('accepts exactly the DNS-1123 labels', () => {
    const reference = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
    fc.assert(
      fc.property(fc.oneof(dnsLabel, fc.string({ maxLength: 80 }), fc.stringMatching(/^[a-z0-9-]{60,70}$/)), (name) => {
        expect(dns1123LabelProblem(name) === undefined).toBe(reference.test(name) && name.length <= 63);
      }),
      runs(2000, 3),
    );
  });

  it('reads durations as finite, non-negative whole milliseconds, and exactly when built from parts', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (text) => {
        const ms = parseDuration(text);
        if (ms !== undefined) expect(Number.isInteger(ms) && ms >= 0).toBe(true);
      }),
      runs(2000, 8),
    );
    fc.assert(
      fc.property(fc.nat(30), fc.nat(23), fc.nat(59), fc.nat(59), (d, h, m, s) => {
        const text = `P${d}DT${h}H${m}M${s}S`;
        expect(parseDuration(text)).toBe((((d * 24 + h) * 60 + m) * 60 + s) * 1000);
      }),
      runs(500, 9),
    );
  });

  it('agrees with itself on versions: a version without a problem parses, one with a problem does not', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 30 }),
          fc.tuple(fc.nat(99), fc.nat(99), fc.nat(99), fc.boolean()).map(([a, b, c, v]) => `${v ? 'v' : ''}${a}.${b}.${c}`),
        ),
        (text) => {
          expect(versionProblem(text) === undefined).toBe(parseVersion(text) !== undefined);
        },
      ),
      runs(2000, 10),
    );
  });

  it('checks any JSON as labels or Helm values without throwing, accepting only what fits', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
        const labelErrors = new ValidationErrors();
        checkLabels(labelErrors, 'input.labels', value);
        const isLabelMap =
          value !== null &&
          typeof value === 'object' &&
          !Array.isArray(value) &&
          Object.entries(value).length <= 64 &&
          Object.entries(value).every(([k, v]) => typeof v === 'string' && k.length > 0 && k.length <= 253 && v.length <= 253);
        if (labelErrors.empty) expect(value === null || isLabelMap).toBe(true);
        const valueErrors = new ValidationErrors();
        checkValues(valueErrors, 'input.defaultValues', value);
        if (valueErrors.empty) expect(value === null || (typeof value === 'object' && !Array.isArray(value))).toBe(true);
      }),
      runs(1500, 12),
    );
  });
});
