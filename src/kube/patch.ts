// JSON merge patches (RFC 7386, `application/merge-patch+json`): change a few fields of a
// live object — replicas, a node selector, a service namespace — and nothing else.
//
// Why not server-side apply: an apply of a partial object under our field manager would
// drop every field that manager owns and the partial object lacks (the whole pod
// template). A merge patch is recorded as an Update by our manager for the fields it
// touches, leaves the rest alone, and `null` removes a key.

import { FIELD_MANAGER } from './apply/types.ts';
import type { CallOptions, KubeClient } from './client.ts';
import { KubeError } from './errors.ts';
import type { KubeObject, ObjectRef } from './types.ts';

const MERGE_PATCH = 'application/merge-patch+json';

/** Merge-patches one object and returns it as the server answered; a KubeError NOT_FOUND when it does not exist. */
export async function mergePatch(client: KubeClient, ref: ObjectRef, patch: Record<string, unknown>, options: CallOptions = {}): Promise<KubeObject> {
  const path = `${await client.objectPath(ref, options)}?fieldManager=${FIELD_MANAGER}`;
  const res = await client.send({ method: 'PATCH', path, body: JSON.stringify(patch), contentType: MERGE_PATCH }, options);
  try {
    return JSON.parse(res.text) as KubeObject;
  } catch {
    throw new KubeError({ kind: 'PROTOCOL', clusterName: client.clusterName, operation: `PATCH ${path}`, detail: 'the answer is not JSON' });
  }
}
