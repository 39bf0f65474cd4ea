// The project's own fixtures under test/fixtures: custom resources that live in clusters
// (test/fixtures/crd) and the operators' release bundles (test/fixtures/operators).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubeObject } from '../../src/kube/types.ts';
import { parseManifests } from '../../src/sources/yaml.ts';

/** test/fixtures/, with a trailing slash. */
export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

function readFixture(relative: string): string {
  return readFileSync(path.join(FIXTURES_DIR, relative), 'utf8');
}

/** Objects of a file under test/fixtures/crd (custom resources that live in clusters). */
export function crdFixtureObjects(name: string): KubeObject[] {
  return parseManifests(readFixture(`crd/${name}`));
}
