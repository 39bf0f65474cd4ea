// The fence source tests read through: the project's fixtures and the real-operator corpus
// on disk (when there is one), any server on 127.0.0.1 (as in development and test), no
// prefix list.
import { SourceFence, type SourceFenceOptions } from '../../src/sources/fence.ts';
import { corpus } from '../helpers/corpus.ts';
import { FIXTURES_DIR } from '../helpers/operators.ts';

export function testFence(overrides: Partial<SourceFenceOptions> = {}): SourceFence {
  return new SourceFence({
    fileRoots: [FIXTURES_DIR, ...(corpus.present ? [corpus.dir] : [])],
    allowedUrlPrefixes: [],
    allowPrivateNetworks: true,
    ...overrides,
  });
}
