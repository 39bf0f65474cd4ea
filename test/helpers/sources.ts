// Tests written once for both sources of operators: the real-operator corpus (corpus.ts) and
// the project's own fixtures (operators.ts). A table of cases carries what differs between the
// sources (bundles, versions, CRD names, expected objects); a corpus case is skipped when the
// corpus is absent, the reason in its title (`corpusTitle`), and reads the corpus only inside
// hooks and tests: vitest runs a skipped suite's body to collect its tests.
import { describe, it } from 'vitest';
import { corpus, corpusTitle } from './corpus.ts';

/** A case of a test written once for both sources. */
export interface SourceCase {
  /** The case in titles, such as `prometheus-operator v0.75.0 → v0.80.0`. */
  name: string;
  /** Whether the case reads the corpus: then it is skipped when the corpus is absent, saying why in its title. */
  corpus: boolean;
}

const skipped = (c: SourceCase): boolean => c.corpus && !corpus.present;
const titleOf = (c: SourceCase, title: string): string => (c.corpus ? corpusTitle(title) : title);

/** `describe.each` over source cases: a corpus case is skipped when the corpus is absent, its title saying why. */
export function describeSources<C extends SourceCase>(cases: readonly C[], title: (c: C) => string, body: (c: C) => void): void {
  for (const c of cases) describe.skipIf(skipped(c))(titleOf(c, title(c)), () => body(c));
}

/**
 * `it.each` over source cases: a corpus case is skipped when the corpus is absent, its title saying
 * why; `skip` skips every case (its reason belongs in `title`).
 */
export function itSources<C extends SourceCase>(
  cases: readonly C[],
  title: (c: C) => string,
  fn: (c: C) => unknown,
  options: { timeout?: number; skip?: boolean } = {},
): void {
  for (const c of cases) it.skipIf(options.skip || skipped(c))(titleOf(c, title(c)), async () => void (await fn(c)), options.timeout);
}
