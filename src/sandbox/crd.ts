// CustomResourceDefinitions as the apiextensions server treats them: validation of the
// definition, the status it writes (acceptedNames, NamesAccepted/Established,
// storedVersions that only ever grow), one served resource type per served version, and
// the write path of custom resources: prune, default, validate against the schema of
// the requested version.
import type { KubeObject } from '../kube/types.ts';
import { applyDefaults, pruneObject, validateObject, type JSONSchemaProps } from '../crd/structural/validate.ts';
import { invalid, type StatusCause } from './errors.ts';
import { nowTimestamp } from './apply.ts';
import { storageKeyOf, type ResourceRegistry, type ResourceType } from './resources.ts';
import type { ObjectStore } from './store.ts';
import type { Strategy } from './strategies.ts';

export const CRD_KEY = 'apiextensions.k8s.io/customresourcedefinitions';

interface CrdVersionSpec {
  name: string;
  served?: boolean;
  storage?: boolean;
  schema?: { openAPIV3Schema?: JSONSchemaProps };
  subresources?: { status?: object; scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string } };
  additionalPrinterColumns?: Array<{ name: string; type: string; jsonPath: string; description?: string; priority?: number; format?: string }>;
}

const crdVersionsOf = (crd: KubeObject): CrdVersionSpec[] => (Array.isArray(crd.spec?.versions) ? crd.spec.versions : []);
const storageVersionOf = (crd: KubeObject): string | undefined => crdVersionsOf(crd).find((v) => v.storage)?.name;

const invalidCause = (field: string, value: unknown, why: string): StatusCause => ({
  reason: 'FieldValueInvalid',
  message: `Invalid value: ${JSON.stringify(value)}: ${why}`,
  field,
});
const requiredCause = (field: string, why = 'Required value'): StatusCause => ({ reason: 'FieldValueRequired', message: why, field });

function validateCrd(crd: KubeObject, old: KubeObject | undefined): StatusCause[] {
  const spec = crd.spec ?? {};
  const causes: StatusCause[] = [];
  const names = spec.names ?? {};
  if (!spec.group) causes.push(requiredCause('spec.group'));
  else if (!String(spec.group).includes('.')) causes.push(invalidCause('spec.group', spec.group, 'should be a domain with at least one dot'));
  if (!names.plural) causes.push(requiredCause('spec.names.plural'));
  if (!names.kind) causes.push(requiredCause('spec.names.kind'));
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster')
    causes.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: ${JSON.stringify(spec.scope ?? '')}: supported values: "Cluster", "Namespaced"`,
      field: 'spec.scope',
    });
  if (names.plural && spec.group && crd.metadata.name !== `${names.plural}.${spec.group}`) {
    causes.push(invalidCause('metadata.name', crd.metadata.name, 'must be spec.names.plural+"."+spec.group'));
  }
  const versions = crdVersionsOf(crd);
  if (versions.length === 0) causes.push(requiredCause('spec.versions', 'Required value: must have exactly one version marked as storage version'));
  else if (versions.filter((v) => v.storage).length !== 1)
    causes.push(
      invalidCause(
        'spec.versions',
        versions.map((v) => v.name),
        'must have exactly one version marked as storage version',
      ),
    );
  const seen = new Set<string>();
  versions.forEach((v, i) => {
    if (seen.has(v.name))
      causes.push({ reason: 'FieldValueDuplicate', message: `Duplicate value: ${JSON.stringify(v.name)}`, field: `spec.versions[${i}].name` });
    seen.add(v.name);
    if (!v.schema?.openAPIV3Schema) causes.push(requiredCause(`spec.versions[${i}].schema.openAPIV3Schema`, 'Required value: schemas are required'));
  });
  if (old) {
    if (old.spec?.scope !== spec.scope) causes.push(invalidCause('spec.scope', spec.scope, 'field is immutable'));
    if (old.spec?.group !== spec.group) causes.push(invalidCause('spec.group', spec.group, 'field is immutable'));
  }
  const stored: string[] = crd.status?.storedVersions ?? [];
  stored.forEach((v, i) => {
    if (!seen.has(v)) causes.push(invalidCause(`status.storedVersions[${i}]`, v, 'must appear in spec.versions'));
  });
  const storage = storageVersionOf(crd);
  if (old && storage && !stored.includes(storage)) causes.push(invalidCause('status.storedVersions', stored, `must have the storage version ${storage}`));
  return causes;
}

function condition(type: string, reason: string, message: string, old: KubeObject | undefined) {
  const previous = (old?.status?.conditions ?? []).find((c: any) => c.type === type && c.status === 'True');
  return { type, status: 'True', lastTransitionTime: previous?.lastTransitionTime ?? nowTimestamp(), reason, message };
}

/** Status the naming and establishing controllers write; storedVersions keeps every storage version ever used. */
function crdStatus(crd: KubeObject, old: KubeObject | undefined) {
  const names = crd.spec?.names ?? {};
  const accepted: Record<string, unknown> = {
    plural: names.plural,
    singular: names.singular ?? String(names.kind ?? '').toLowerCase(),
    kind: names.kind,
    listKind: names.listKind ?? `${names.kind}List`,
  };
  if (names.shortNames) accepted.shortNames = names.shortNames;
  if (names.categories) accepted.categories = names.categories;
  const stored: string[] = [...(old?.status?.storedVersions ?? [])];
  const storage = storageVersionOf(crd);
  if (storage && !stored.includes(storage)) stored.push(storage);
  return {
    acceptedNames: accepted,
    conditions: [
      condition('NamesAccepted', 'NoConflicts', 'no conflicts found', old),
      condition('Established', 'InitialNamesAccepted', 'the initial names have been accepted', old),
    ],
    storedVersions: stored,
  };
}

export const crdStrategy: Strategy = {
  defaults(crd, old) {
    const names = crd.spec?.names;
    if (names?.kind) {
      names.singular ??= String(names.kind).toLowerCase();
      names.listKind ??= `${names.kind}List`;
    }
    for (const v of crdVersionsOf(crd)) v.served ??= true;
    crd.spec.conversion ??= { strategy: 'None' };
    crd.status = crdStatus(crd, old);
  },
  validate: validateCrd,
};

/**
 * Reading a stored custom resource: prune and default it with the current schema of the
 * version it is stored at. A field the new CRD no longer declares is gone from every
 * read (the data loss the CRD checks warn about). Cached per stored object and per CRD
 * generation, since a new registration brings a new reader.
 */
function storedObjectReader(crd: KubeObject): (stored: KubeObject) => KubeObject {
  const schemas = new Map(crdVersionsOf(crd).map((v) => [`${crd.spec.group}/${v.name}`, v.schema?.openAPIV3Schema]));
  const cache = new WeakMap<KubeObject, KubeObject>();
  return (stored) => {
    let read = cache.get(stored);
    if (read) return read;
    const schema = schemas.get(stored.apiVersion);
    read = schema ? (applyDefaults(schema, pruneObject(schema, stored).pruned) as KubeObject) : stored;
    cache.set(stored, read);
    return read;
  };
}

/** Serve every served version of an Established CRD (replacing what was served before). */
export function registerCrdTypes(registry: ResourceRegistry, crd: KubeObject): void {
  const name = crd.metadata.name!;
  registry.removeCrd(name);
  const readStored = storedObjectReader(crd);
  const names = crd.spec.names;
  const storageVersion = storageVersionOf(crd)!;
  for (const v of crdVersionsOf(crd)) {
    if (v.served === false) continue;
    const rt: ResourceType = {
      group: crd.spec.group,
      version: v.name,
      resource: names.plural,
      singular: names.singular ?? String(names.kind).toLowerCase(),
      kind: names.kind,
      namespaced: crd.spec.scope === 'Namespaced',
      verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
      status: Boolean(v.subresources?.status),
      generation: true,
      nameRule: 'subdomain',
      crd: name,
      storageVersion,
      readStored,
    };
    if (names.shortNames) rt.shortNames = names.shortNames;
    if (names.categories) rt.categories = names.categories;
    if (v.subresources?.scale) rt.scale = v.subresources.scale;
    registry.add(rt);
  }
}

/** CRD deletion: stop serving its types and delete every custom resource it served. */
export function removeCrd(registry: ResourceRegistry, store: ObjectStore, crd: KubeObject): void {
  registry.removeCrd(crd.metadata.name!);
  const key = storageKeyOf({ group: crd.spec.group, resource: crd.spec.names.plural });
  for (const obj of store.list(key)) store.remove(key, obj.metadata.namespace, obj.metadata.name!);
}

/** The CRD version that serves `rt`, for printer columns and schemas. */
export function crdVersionFor(store: ObjectStore, rt: ResourceType): CrdVersionSpec | undefined {
  if (!rt.crd) return undefined;
  const crd = store.get(CRD_KEY, undefined, rt.crd);
  return crd ? crdVersionsOf(crd).find((v) => v.name === rt.version) : undefined;
}

/**
 * The write path of a custom resource: prune fields the schema does not declare,
 * apply defaults, then validate; violations are a 422 Invalid naming each field.
 */
export function admitCustomResource(store: ObjectStore, rt: ResourceType, obj: KubeObject): KubeObject {
  const schema = crdVersionFor(store, rt)?.schema?.openAPIV3Schema;
  if (!schema) return obj;
  const { pruned } = pruneObject(schema, obj);
  const defaulted = applyDefaults(schema, pruned) as KubeObject;
  const issues = validateObject(schema, defaulted);
  if (issues.length > 0) {
    const causes: StatusCause[] = issues.map((i) => ({
      reason: i.reason.startsWith('Required') ? 'FieldValueRequired' : 'FieldValueInvalid',
      message: i.reason,
      field: i.path.replace(/^\./, ''),
    }));
    throw invalid({ group: rt.group, resource: rt.resource, kind: rt.kind, name: obj.metadata.name }, causes);
  }
  return defaulted;
}
