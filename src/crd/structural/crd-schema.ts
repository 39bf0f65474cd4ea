// Reading versions and schemas out of a CustomResourceDefinition object.
// apiextensions.k8s.io/v1 keeps one schema per version; the old v1beta1 shape may keep a
// single top-level `spec.validation` for all versions, which we honour as a fallback.

import type { KubeObject } from '../../kube/types.ts';
import type { JSONSchemaProps } from './types.ts';

export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated: boolean;
  deprecationWarning?: string;
  schema: JSONSchemaProps | undefined;
}

interface RawVersion {
  name?: string;
  served?: boolean;
  storage?: boolean;
  deprecated?: boolean;
  deprecationWarning?: string;
  schema?: { openAPIV3Schema?: JSONSchemaProps };
}

/** `certificates.cert-manager.io`. */
export function crdName(crd: KubeObject): string {
  return crd.metadata?.name ?? `${crd.spec?.names?.plural ?? ''}.${crd.spec?.group ?? ''}`;
}

/** The kind its custom resources carry (`Certificate`). */
export function crdKind(crd: KubeObject): string {
  return String(crd.spec?.names?.kind ?? '');
}

export function crdVersions(crd: KubeObject): CrdVersion[] {
  const spec = crd.spec ?? {};
  const shared: JSONSchemaProps | undefined = spec.validation?.openAPIV3Schema;
  const raw: RawVersion[] =
    Array.isArray(spec.versions) && spec.versions.length ? spec.versions : spec.version ? [{ name: spec.version, served: true, storage: true }] : [];
  return raw.map((v) => ({
    name: String(v.name ?? ''),
    served: v.served !== false,
    storage: v.storage === true,
    deprecated: v.deprecated === true,
    ...(v.deprecationWarning ? { deprecationWarning: v.deprecationWarning } : {}),
    schema: v.schema?.openAPIV3Schema ?? shared,
  }));
}

/** The openAPIV3Schema of one version, or undefined when the CRD has no such version or schema. */
export function schemaOf(crd: KubeObject, version: string): JSONSchemaProps | undefined {
  return crdVersions(crd).find((v) => v.name === version)?.schema;
}

export function storageVersionOf(crd: KubeObject): string | undefined {
  return crdVersions(crd).find((v) => v.storage)?.name;
}
