// The project's own operator fixtures: release bundles under test/fixtures/operators/<name>/
// <version>.yaml and custom resources under test/fixtures/crd. The telemetry operator's
// Collector CRD is committed small and inflated here, deterministically, past 1 MB (the size
// of the largest CRDs real operators ship): a line `# inflate: …` in a CRD schema is replaced
// by generated plugin settings at its indentation, the same in every release, so the
// inflation never shows in a schema comparison.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { KubeObject } from '../../src/kube/types.ts';
import { parseManifests } from '../../src/sources/yaml.ts';

/** test/fixtures/, with a trailing slash. */
export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** Bytes of generated schema an inflated CRD gets: over 1 MB of YAML, over 256 KiB as compact JSON. */
const INFLATED_BYTES = 1_200_000;

const MARKER = /^( *)# inflate: .*$/m;

export function fixturePath(relative: string): string {
  return path.join(FIXTURES_DIR, relative);
}

function readFixture(relative: string): string {
  return readFileSync(fixturePath(relative), 'utf8');
}

/** Objects of a file under test/fixtures/crd (custom resources that live in clusters). */
export function crdFixtureObjects(name: string): KubeObject[] {
  return parseManifests(readFixture(`crd/${name}`));
}

/** `file://…/test/fixtures/operators/<operator>/{version}.yaml`: the committed bundles as an operator's manifest URL template. */
export function fixtureTemplate(operator: string): string {
  return `${pathToFileURL(fixturePath(`operators/${operator}`)).href}/{version}.yaml`;
}

/** The settings of one generated plugin: an object schema with the usual constraints (pattern, enum, bounds, maps). */
function pluginSchema(indent: string, n: number): string {
  const id = String(n).padStart(4, '0');
  return [
    `plugin${id}:`,
    `  description: Settings of plugin ${id}. Each plugin reads its own section; settings it does not know are pruned.`,
    '  type: object',
    '  properties:',
    '    enabled:',
    `      description: Whether plugin ${id} runs.`,
    '      type: boolean',
    '    interval:',
    `      description: How often plugin ${id} collects, as a duration such as 30s.`,
    '      pattern: ^(0|(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?)$',
    '      type: string',
    '    labels:',
    `      description: Labels plugin ${id} adds to every sample.`,
    '      additionalProperties:',
    '        type: string',
    '      type: object',
    '    mode:',
    '      enum:',
    '      - push',
    '      - pull',
    '      type: string',
    '    priority:',
    '      format: int32',
    '      maximum: 100',
    '      minimum: 0',
    '      type: integer',
  ]
    .map((line) => `${indent}${line}\n`)
    .join('');
}

/** The text with each `# inflate:` marker replaced by at least INFLATED_BYTES of generated schema. */
function inflate(text: string): string {
  let out = text;
  for (let match = MARKER.exec(out); match; match = MARKER.exec(out)) {
    const indent = match[1]!;
    let generated = '';
    for (let n = 1; generated.length < INFLATED_BYTES; n++) generated += pluginSchema(indent, n);
    out = out.slice(0, match.index) + generated.slice(0, -1) + out.slice(match.index + match[0].length);
  }
  return out;
}

/** A committed bundle's text, inflated unless `{ inflate: false }`. */
export function operatorText(operator: string, version: string, options: { inflate?: boolean } = {}): string {
  const text = readFixture(`operators/${operator}/${version}.yaml`);
  return options.inflate === false ? text : inflate(text);
}

/** A committed bundle's objects (inflated unless `{ inflate: false }`). */
export function operatorObjects(operator: string, version: string, options: { inflate?: boolean } = {}): KubeObject[] {
  return parseManifests(operatorText(operator, version, options), { source: `${operator}/${version}.yaml` });
}

export interface WrittenBundles {
  /** The directory the bundles were written to (a source file root for the app under test). */
  dir: string;
  /** `file://<dir>/{version}.yaml`. */
  template: string;
  remove(): void;
}

/** Writes the inflated bundles of the given versions to a fresh temporary directory. */
export function writeInflatedBundles(operator: string, versions: readonly string[]): WrittenBundles {
  const dir = mkdtempSync(path.join(tmpdir(), `${operator}-bundles-`));
  for (const version of versions) writeFileSync(path.join(dir, `${version}.yaml`), operatorText(operator, version));
  return { dir, template: `${pathToFileURL(dir).href}/{version}.yaml`, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
