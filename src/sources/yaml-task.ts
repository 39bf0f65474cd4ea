// The YAML work of one call, as a worker thread of the YAML pool runs it (yaml-pool.ts):
// parsing a multi-megabyte bundle, and dumping it again as the normalised text that is
// stored and digested. Positions of the objects in the stream live in a WeakMap, which
// does not cross threads: they travel beside the objects. A manifest error comes back as
// data, so the main thread can throw the same ManifestParseError.
import type { KubeObject, SourcePosition } from '../kube/types.ts';
import { ManifestParseError } from './errors.ts';
import { type ParseManifestOptions, parseManifests, sourcePositionOf, toYaml } from './yaml.ts';

export interface YamlTask {
  input: string | Uint8Array;
  options: ParseManifestOptions;
  /** Also dump the objects as normalised YAML. */
  dump: boolean;
}

export type YamlTaskResult =
  | { objects: KubeObject[]; positions: Array<SourcePosition | null>; manifests?: string }
  | { parseError: { message: string; documentIndex?: number; line?: number } };

export default function runYamlTask(task: YamlTask): YamlTaskResult {
  try {
    const objects = parseManifests(task.input, task.options);
    return {
      objects,
      positions: objects.map((o) => sourcePositionOf(o) ?? null),
      ...(task.dump ? { manifests: toYaml(objects) } : {}),
    };
  } catch (err) {
    if (err instanceof ManifestParseError) return { parseError: { message: err.message, documentIndex: err.documentIndex, line: err.line } };
    throw err;
  }
}
