// Where the real-operator corpus is, for tests and benches: the directory CORPUS_DIR names
// (a relative value is taken from the project root), by default ../shared/corpus beside the
// project root. The corpus is read in place, never copied into the project. Tests that need
// it are skipped when it is absent, the reason in their name (`corpusTitle`); .ci/run
// insists on it. Every mechanism these tests cover is also covered by the project's own
// fixtures (test/fixtures, test/helpers/operators.ts), which always run.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { crdsOf } from '../../src/kube/types.ts';
import { parseManifests } from '../../src/sources/yaml.ts';
import type { KubeObject } from '../../src/kube/types.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** The corpus directory, absolute, without a trailing slash. */
const dir = path.resolve(PROJECT_ROOT, process.env.CORPUS_DIR || '../shared/corpus');
const present = isDirectory(dir);
const skipReason = `skipped: no real-operator corpus at ${dir}; set CORPUS_DIR`;
const crdCache = new Map<string, KubeObject[]>();

export const corpus = {
  dir,
  /** Whether the directory exists: tests that read it run only then. */
  present,
  /** Absolute path of a corpus file such as `prometheus-operator/v0.75.0/bundle.yaml`. */
  path: (relative: string): string => path.join(dir, relative),
  read: (relative: string): string => readFileSync(path.join(dir, relative), 'utf8'),
  /** The CRDs of a corpus file (parsed once per test file). */
  crds(relative: string): KubeObject[] {
    let crds = crdCache.get(relative);
    if (!crds) {
      crds = crdsOf(parseManifests(corpus.read(relative)));
      crdCache.set(relative, crds);
    }
    return crds;
  },
  /** `file://…/corpus/<operator>/{version}/<file>`: an operator's manifest URL template. */
  template: (operator: string, file: string): string => `${pathToFileURL(path.join(dir, operator)).href}/{version}/${file}`,
};

/** A test or describe name that says why it was skipped when the corpus is absent. */
export function corpusTitle(title: string): string {
  return present ? title : `${title} (${skipReason})`;
}

/** For benches, which need the corpus: its directory, or exit with a message that says how to point at it. */
export function requireCorpus(bench: string): string {
  if (!present) {
    process.stderr.write(
      `${bench}: the real-operator corpus is not at ${dir}. Set CORPUS_DIR to its directory (default: ../shared/corpus beside the project root).\n`,
    );
    process.exit(2);
  }
  return dir;
}
