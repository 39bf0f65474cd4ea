// The verbs of one sandbox cluster's API, independent of HTTP: get, list, create,
// update, patch (merge, JSON, strategic, apply), delete. Every write goes through one
// pipeline that applies what a real API server applies, in its order: defaults,
// custom-resource schema admission, validation, generation, managedFields, no-op
// detection, size limit, storage.
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../kube/types.ts';
import { serverSideApply, trackUpdate, nowTimestamp } from './apply.ts';
import { admitCustomResource, crdStrategy, CRD_KEY, registerCrdTypes, removeCrd } from './crd.ts';
import * as errors from './errors.ts';
import { builtinListTypes, schemaListTypes, type ListTypeResolver } from './listkeys.ts';
import { deepEqual } from '../domain/json.ts';
import { generationRelevant, present, randomSuffix } from './objects.ts';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch.ts';
import { apiVersionOf, storageKeyOf, type ResourceRegistry, type ResourceType } from './resources.ts';
import { clone, type ObjectStore } from './store.ts';
import { STRATEGIES, type Strategy } from './strategies.ts';
import { validateMetadata } from './validation.ts';
import { crdVersionFor } from './crd.ts';
import { exceedsBytes, toJson } from './serialize.ts';

const tooLargeToStore = () => new errors.StatusError(413, 'RequestEntityTooLarge', 'etcdserver: request is too large');

/** etcd's default request limit: an object whose stored form is larger is refused. */
const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;

export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';

export interface WriteOptions {
  /** field manager recorded in managedFields */
  manager: string;
  dryRun?: boolean;
  /** "status" for the status subresource */
  subresource?: string;
  /** server-side apply only: take fields owned by other managers */
  force?: boolean;
}

export interface DeleteOptions {
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export const NAMESPACE_KEY = '/namespaces';

export class KubeApi {
  constructor(
    readonly store: ObjectStore,
    readonly registry: ResourceRegistry,
  ) {}

  subject(rt: ResourceType, name?: string): errors.Subject {
    return { group: rt.group, resource: rt.resource, kind: rt.kind, name };
  }

  /** The stored object (not a copy: never mutate it) in `rt`'s version, or 404. */
  get(rt: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const obj = this.store.get(storageKeyOf(rt), rt.namespaced ? namespace : undefined, name);
    if (!obj) throw errors.notFound(this.subject(rt, name));
    return present(obj, rt);
  }

  create(rt: ResourceType, namespace: string | undefined, body: KubeObject, opts: WriteOptions): KubeObject {
    this.checkKind(rt, body);
    const obj = clone(body);
    obj.metadata ??= {};
    if (rt.namespaced) {
      if (obj.metadata.namespace && namespace && obj.metadata.namespace !== namespace) {
        throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      obj.metadata.namespace = namespace ?? obj.metadata.namespace;
      if (!obj.metadata.namespace) throw errors.badRequest('an empty namespace may not be set during creation');
      this.checkNamespaceWritable(rt, obj.metadata.namespace, obj.metadata.name, true);
    } else delete obj.metadata.namespace;
    if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = `${obj.metadata.generateName}${randomSuffix()}`;
    if (obj.metadata.name && this.store.get(storageKeyOf(rt), obj.metadata.namespace, obj.metadata.name)) {
      throw errors.alreadyExists(this.subject(rt, obj.metadata.name));
    }
    return this.commit(rt, obj, undefined, opts, false);
  }

  update(rt: ResourceType, namespace: string | undefined, name: string, body: KubeObject, opts: WriteOptions): KubeObject {
    this.checkKind(rt, body);
    const live = this.get(rt, namespace, name);
    if (body.metadata?.name && body.metadata.name !== name) {
      throw errors.badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
    }
    const rv = body.metadata?.resourceVersion;
    if (rv && rv !== live.metadata.resourceVersion) {
      throw errors.conflict(this.subject(rt, name), 'the object has been modified; please apply your changes to the latest version and try again');
    }
    const obj = clone(body);
    obj.metadata = { ...obj.metadata, name, namespace: live.metadata.namespace };
    return this.commit(rt, obj, live, opts, false);
  }

  patch(rt: ResourceType, namespace: string | undefined, name: string, type: PatchType, patch: unknown, opts: WriteOptions): KubeObject {
    if (type === 'apply') return this.apply(rt, namespace, name, patch as KubeObject, opts);
    if (opts.force) throw errors.badRequest('force is only allowed for apply patches');
    const live = this.get(rt, namespace, name);
    const base = clone(live);
    let patched: KubeObject;
    if (type === 'json') patched = jsonPatch(base, patch) as KubeObject;
    else if (type === 'strategic') {
      if (rt.crd)
        throw errors.unsupportedMediaType('application/strategic-merge-patch+json', [
          'application/json-patch+json',
          'application/merge-patch+json',
          'application/apply-patch+yaml',
        ]);
      patched = strategicMergePatch(base, patch, builtinListTypes) as KubeObject;
    } else patched = mergePatch(base, patch) as KubeObject;
    if (!patched || typeof patched !== 'object' || typeof patched.metadata !== 'object') throw errors.badRequest('patch produced an invalid object');
    if (patched.metadata.name !== name)
      throw errors.badRequest(`the name of the object (${String(patched.metadata.name)}) does not match the name on the URL (${name})`);
    const rv = patched.metadata.resourceVersion;
    if (rv && rv !== live.metadata.resourceVersion) {
      throw errors.conflict(this.subject(rt, name), 'the object has been modified; please apply your changes to the latest version and try again');
    }
    patched.metadata.namespace = live.metadata.namespace;
    return this.commit(rt, patched, live, opts, false);
  }

  private apply(rt: ResourceType, namespace: string | undefined, name: string, applied: KubeObject, opts: WriteOptions): KubeObject {
    if (!opts.manager) throw errors.badRequest('PATCH requests with apply patch type must specify fieldManager');
    if (!applied || typeof applied !== 'object' || Array.isArray(applied)) throw errors.badRequest('the body of an apply request must be an object');
    if (!applied.apiVersion || !applied.kind) throw errors.badRequest('apiVersion and kind must be set in an applied configuration');
    this.checkKind(rt, applied);
    applied.metadata ??= {};
    if (applied.metadata.name !== undefined && applied.metadata.name !== name) {
      throw errors.badRequest(`the name of the object (${String(applied.metadata.name)}) does not match the name on the URL (${name})`);
    }
    if (rt.namespaced && applied.metadata.namespace && applied.metadata.namespace !== namespace) {
      throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    const live = this.store.get(storageKeyOf(rt), rt.namespaced ? namespace : undefined, name);
    if (!live && opts.subresource) throw errors.notFound(this.subject(rt, name));
    if (applied.metadata.resourceVersion && applied.metadata.resourceVersion !== live?.metadata.resourceVersion) {
      throw errors.conflict(this.subject(rt, name), 'the object has been modified; please apply your changes to the latest version and try again');
    }
    if (!live && rt.namespaced) this.checkNamespaceWritable(rt, namespace!, name, true);
    const merged = serverSideApply({
      live: live ? present(live, rt) : undefined,
      applied: { ...applied, metadata: { ...applied.metadata, name } },
      manager: opts.manager,
      force: opts.force ?? false,
      subresource: opts.subresource,
      scope: opts.subresource === 'status' ? 'status' : rt.status ? 'main' : 'all',
      listTypes: this.listTypesOf(rt),
      group: rt.group,
      resource: rt.resource,
    });
    merged.metadata.name = name;
    if (rt.namespaced) merged.metadata.namespace = namespace;
    else delete merged.metadata.namespace;
    return this.commit(rt, merged, live ? present(live, rt) : undefined, opts, true);
  }

  /** The shared write pipeline. `live` is undefined for creates. */
  private commit(rt: ResourceType, obj: KubeObject, live: KubeObject | undefined, opts: WriteOptions, managedFieldsDone: boolean): KubeObject {
    const strategy: Strategy | undefined = rt.crd
      ? undefined
      : rt.kind === 'CustomResourceDefinition' && rt.group === 'apiextensions.k8s.io'
        ? crdStrategy
        : STRATEGIES[rt.kind];
    obj.apiVersion = apiVersionOf(rt);
    obj.kind = rt.kind;
    this.keepServerMetadata(rt, obj, live, opts.subresource);

    if (opts.subresource !== 'status') strategy?.defaults?.(obj, live);
    if (rt.crd) obj = admitCustomResource(this.store, rt, obj);

    const causes = [...validateMetadata(rt, obj), ...(strategy?.validate?.(obj, live) ?? [])];
    if (causes.length > 0) throw errors.invalid(this.subject(rt, obj.metadata.name), causes);

    if (rt.generation) {
      const withStatus = Boolean(rt.crd) && !rt.status;
      const changed = !live || !deepEqual(generationRelevant(live, withStatus), generationRelevant(obj, withStatus));
      obj.metadata.generation = live ? (live.metadata.generation ?? 1) + (changed ? 1 : 0) : 1;
    }
    if (!managedFieldsDone) {
      trackUpdate(live, obj, {
        manager: opts.manager,
        apiVersion: apiVersionOf(rt),
        subresource: opts.subresource,
        scope: opts.subresource === 'status' ? 'status' : rt.status ? 'main' : 'all',
        listTypes: this.listTypesOf(rt),
      });
    }
    if (
      live &&
      deepEqual({ ...obj, metadata: { ...obj.metadata, resourceVersion: undefined } }, { ...live, metadata: { ...live.metadata, resourceVersion: undefined } })
    ) {
      return live;
    }
    if (opts.dryRun) {
      if (exceedsBytes(JSON.stringify(obj), MAX_OBJECT_BYTES)) throw tooLargeToStore();
      return obj;
    }
    // Stamp the resourceVersion the store will give it, so that the size check's text is the cached response text too.
    obj.metadata.resourceVersion = String(this.store.resourceVersion + 1);
    if (exceedsBytes(toJson(obj), MAX_OBJECT_BYTES)) throw tooLargeToStore();

    // The last finalizer removed from an object being deleted completes the deletion.
    if (live?.metadata.deletionTimestamp && !obj.metadata.finalizers?.length && storageKeyOf(rt) !== NAMESPACE_KEY) {
      return this.store.remove(storageKeyOf(rt), obj.metadata.namespace, obj.metadata.name!) ?? obj;
    }
    const stored = this.store.put(storageKeyOf(rt), rt.crd ? { ...obj, apiVersion: `${rt.group}/${rt.storageVersion}` } : obj);
    if (strategy === crdStrategy) registerCrdTypes(this.registry, stored);
    return present(stored, rt);
  }

  /** Fields only the server sets: identity, timestamps, and the half a subresource does not own. */
  private keepServerMetadata(rt: ResourceType, obj: KubeObject, live: KubeObject | undefined, subresource: string | undefined): void {
    const meta = obj.metadata;
    if (!live) {
      meta.uid = randomUUID();
      meta.creationTimestamp = nowTimestamp();
      delete meta.resourceVersion;
      delete meta.deletionTimestamp;
      delete meta.generation;
      if (rt.status) delete obj.status;
    } else {
      meta.uid = live.metadata.uid;
      meta.creationTimestamp = live.metadata.creationTimestamp;
      meta.resourceVersion = live.metadata.resourceVersion;
      if (live.metadata.deletionTimestamp) meta.deletionTimestamp = live.metadata.deletionTimestamp;
      else delete meta.deletionTimestamp;
      if (subresource === 'status') {
        const status = obj.status;
        for (const k of Object.keys(obj)) delete (obj as Record<string, unknown>)[k];
        Object.assign(obj, clone(live));
        obj.metadata = { ...clone(live.metadata), managedFields: meta.managedFields ?? live.metadata.managedFields };
        obj.status = status;
      } else if (rt.status) {
        if (live.status === undefined) delete obj.status;
        else obj.status = clone(live.status);
      }
    }
    if (!meta.managedFields) delete meta.managedFields;
    for (const k of ['labels', 'annotations'] as const) if (meta[k] === null) delete meta[k];
  }

  delete(rt: ResourceType, namespace: string | undefined, name: string, opts: DeleteOptions = {}): KubeObject {
    const live = this.get(rt, namespace, name);
    const pre = opts.preconditions;
    if ((pre?.uid && pre.uid !== live.metadata.uid) || (pre?.resourceVersion && pre.resourceVersion !== live.metadata.resourceVersion)) {
      throw errors.conflict(this.subject(rt, name), `Precondition failed: UID in precondition: ${pre.uid ?? ''}, UID in object meta: ${live.metadata.uid}`);
    }
    if (opts.dryRun) return live;
    const key = storageKeyOf(rt);
    const ns = rt.namespaced ? namespace : undefined;
    if (key === NAMESPACE_KEY || live.metadata.finalizers?.length) {
      if (live.metadata.deletionTimestamp) return live;
      const terminating = clone(live);
      terminating.metadata.deletionTimestamp = nowTimestamp();
      terminating.metadata.deletionGracePeriodSeconds = 0;
      if (key === NAMESPACE_KEY) terminating.status = { ...terminating.status, phase: 'Terminating' };
      return present(this.store.put(key, terminating), rt);
    }
    if (key === CRD_KEY) removeCrd(this.registry, this.store, live);
    const gone = this.store.remove(key, ns, name)!;
    this.collectDependents(live.metadata.uid!, opts.propagationPolicy ?? 'Background');
    return present(gone, rt);
  }

  /** Deletes every object of a resource (in a namespace) that the selectors match. */
  deleteCollection(rt: ResourceType, namespace: string | undefined, matches: (o: KubeObject) => boolean, opts: DeleteOptions = {}): KubeObject[] {
    const victims = this.store.list(storageKeyOf(rt), rt.namespaced ? namespace : undefined).filter(matches);
    return victims.map((o) => this.delete(rt, o.metadata.namespace, o.metadata.name!, opts));
  }

  /** Garbage collection: dependents go (asynchronously, as with a real collector) or are orphaned. */
  private collectDependents(uid: string, policy: string): void {
    const dependents = this.store.dependentsOf(uid);
    if (dependents.length === 0) return;
    setImmediate(() => {
      for (const d of dependents) {
        const obj = this.store.get(d.key, d.namespace, d.name);
        if (!obj) continue;
        if (policy === 'Orphan') {
          const orphan = clone(obj);
          orphan.metadata.ownerReferences = orphan.metadata.ownerReferences?.filter((o) => o.uid !== uid);
          this.store.put(d.key, orphan);
          continue;
        }
        this.store.remove(d.key, d.namespace, d.name);
        this.collectDependents(obj.metadata.uid!, policy);
      }
    });
  }

  listTypesOf(rt: ResourceType): ListTypeResolver {
    if (!rt.crd) return builtinListTypes;
    return schemaListTypes(crdVersionFor(this.store, rt)?.schema?.openAPIV3Schema);
  }

  private checkKind(rt: ResourceType, body: KubeObject): void {
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw errors.badRequest('the body of the request must be an object');
    if (body.kind && body.kind !== rt.kind) {
      throw errors.badRequest(`the kind in the data (${body.kind}) does not match the expected kind (${rt.kind})`);
    }
    if (body.apiVersion && body.apiVersion !== apiVersionOf(rt)) {
      const group = body.apiVersion.includes('/') ? body.apiVersion.split('/')[0] : '';
      if (group !== rt.group)
        throw errors.badRequest(`the API version in the data (${body.apiVersion}) does not match the expected API version (${apiVersionOf(rt)})`);
    }
  }

  /** Writes into a namespace need it to exist (404) and not be terminating (403). */
  private checkNamespaceWritable(rt: ResourceType, namespace: string, name: string | undefined, creating: boolean): void {
    const ns = this.store.get(NAMESPACE_KEY, undefined, namespace);
    if (!ns) throw errors.notFound({ group: '', resource: 'namespaces', kind: 'Namespace', name: namespace });
    if (creating && ns.metadata.deletionTimestamp) {
      throw errors.forbidden(
        `${errors.qualifiedResource(rt)} "${name ?? ''}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
        this.subject(rt, name),
      );
    }
  }
}
