// The scale subresource (autoscaling/v1 Scale) of workloads and of custom resources
// whose CRD declares one.
import type { KubeObject } from '../kube/types.ts';
import type { KubeApi, PatchType, WriteOptions } from './api.ts';
import { badRequest, conflict, unsupportedMediaType } from './errors.ts';
import { getPath, setPath } from './objects.ts';
import { formatLabelSelector } from './selectors.ts';
import { jsonPatch, mergePatch } from './patch.ts';
import type { ResourceType } from './resources.ts';
import { clone } from './store.ts';

export function scaleOf(rt: ResourceType, obj: KubeObject): KubeObject {
  const paths = rt.scale!;
  const { name, namespace, uid, resourceVersion, creationTimestamp } = obj.metadata;
  // Built-in workloads report their spec.selector; custom resources name a path to a selector string.
  const selector = rt.crd ? (paths.labelSelectorPath ? getPath(obj, paths.labelSelectorPath) : undefined) : formatLabelSelector(obj.spec?.selector);
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: Number(getPath(obj, paths.specReplicasPath) ?? 0) },
    status: { replicas: Number(getPath(obj, paths.statusReplicasPath) ?? 0), ...(selector ? { selector } : {}) },
  };
}

/** Writes a Scale back into its object: only spec.replicas changes. */
export function writeScale(api: KubeApi, rt: ResourceType, ns: string | undefined, name: string, scale: KubeObject, opts: WriteOptions): KubeObject {
  const live = api.get(rt, ns, name);
  const rv = scale.metadata?.resourceVersion;
  if (rv && rv !== live.metadata.resourceVersion) {
    throw conflict(api.subject(rt, name), 'the object has been modified; please apply your changes to the latest version and try again');
  }
  const replicas = scale.spec?.replicas;
  if (!Number.isInteger(replicas) || replicas < 0) throw badRequest('spec.replicas must be a non-negative integer');
  const next = clone(live);
  setPath(next, rt.scale!.specReplicasPath, replicas);
  const { subresource: _ignored, ...mainOpts } = opts;
  return scaleOf(rt, api.update(rt, ns, name, next, mainOpts));
}

export function patchScale(
  api: KubeApi,
  rt: ResourceType,
  ns: string | undefined,
  name: string,
  type: PatchType,
  patch: unknown,
  opts: WriteOptions,
): KubeObject {
  const current = scaleOf(rt, api.get(rt, ns, name));
  if (type === 'apply') throw unsupportedMediaType('application/apply-patch+yaml', ['application/json-patch+json', 'application/merge-patch+json']);
  const patched = (type === 'json' ? jsonPatch(current, patch) : mergePatch(current, patch)) as KubeObject;
  return writeScale(api, rt, ns, name, patched, opts);
}
