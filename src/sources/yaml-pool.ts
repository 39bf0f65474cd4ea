// YAML off the event loop. Parsing a 4 MB bundle and dumping it as normalised YAML holds a
// thread for 0.5–1.5 s (js-yaml is synchronous); on the API's thread that is how late every
// request and live event would be. Bundles above INLINE_BYTES are parsed (and dumped) in a
// worker thread of a piscina pool; the objects come back by structured clone (13–36 ms for
// the 4 MB bundle), with their source positions. Small documents are parsed here: a thread
// hop would cost more than the parse.
//
// piscina: a maintained pool of worker threads with a task queue, idle timeouts and error
// propagation — the job, not worth writing again. One thread (rendering is rare, and the
// other core is the database's and the fleet's), started on demand and stopped after a
// minute idle, so an idle service holds no parser thread.
import { Piscina } from 'piscina';
import { recordSourcePosition, type KubeObject } from '../kube/types.ts';
import { ManifestParseError } from './errors.ts';
import type { YamlTask, YamlTaskResult } from './yaml-task.ts';
import { type ParseManifestOptions, parseManifests, toYaml } from './yaml.ts';

/** Inputs up to this size are parsed on the calling thread. */
export const INLINE_BYTES = 256 * 1024;

let pool: Piscina<YamlTask, YamlTaskResult> | undefined;

function poolOf(): Piscina<YamlTask, YamlTaskResult> {
  if (!pool) {
    // Under tsx the task is loaded through a small entry that registers tsx's loader in the thread.
    const filename = new URL(import.meta.url.endsWith('.ts') ? './yaml-task-tsx.mjs' : './yaml-task.js', import.meta.url).href;
    pool = new Piscina<YamlTask, YamlTaskResult>({ filename, minThreads: 0, maxThreads: 1, idleTimeout: 60_000 });
  }
  return pool;
}

const sizeOf = (input: string | Uint8Array) => (typeof input === 'string' ? input.length : input.byteLength);

async function offLoop(task: YamlTask): Promise<{ objects: KubeObject[]; manifests?: string }> {
  const result = await poolOf().run(task);
  if ('parseError' in result) throw new ManifestParseError(result.parseError.message, result.parseError.documentIndex, result.parseError.line);
  result.objects.forEach((obj, i) => {
    const position = result.positions[i];
    if (position) recordSourcePosition(obj, position);
  });
  return result;
}

/** parseManifests, in the YAML thread for large inputs. */
export async function parseManifestsOffLoop(input: string | Uint8Array, options: ParseManifestOptions = {}): Promise<KubeObject[]> {
  if (sizeOf(input) <= INLINE_BYTES) return parseManifests(input, options);
  return (await offLoop({ input, options, dump: false })).objects;
}

/** parseManifests and toYaml of the result, in the YAML thread for large inputs. */
export async function normaliseManifests(
  input: string | Uint8Array,
  options: ParseManifestOptions = {},
): Promise<{ objects: KubeObject[]; manifests: string }> {
  if (sizeOf(input) <= INLINE_BYTES) {
    const objects = parseManifests(input, options);
    return { objects, manifests: toYaml(objects) };
  }
  const { objects, manifests } = await offLoop({ input, options, dump: true });
  return { objects, manifests: manifests! };
}
