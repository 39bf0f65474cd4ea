// The fence source tests read through: the project's fixtures and the corpus on disk, any
// server on 127.0.0.1 (as in development and test), no prefix list.
import { fileURLToPath } from 'node:url';
import { SourceFence, type SourceFenceOptions } from '../../src/sources/fence.ts';
import { CORPUS_DIR } from './corpus.ts';

export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

export function testFence(overrides: Partial<SourceFenceOptions> = {}): SourceFence {
  return new SourceFence({ fileRoots: [FIXTURES_DIR, CORPUS_DIR], allowedUrlPrefixes: [], allowPrivateNetworks: true, ...overrides });
}
