// Paths of the shared real-operator corpus, read at run time (never copied into the project).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `../shared/corpus` relative to the project root. */
export const CORPUS_DIR = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));

export function corpusPath(relative: string): string {
  return CORPUS_DIR + relative;
}

export function readCorpus(relative: string): string {
  return readFileSync(corpusPath(relative), 'utf8');
}
