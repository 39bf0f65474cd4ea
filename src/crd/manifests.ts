// Reading CRDs out of release manifests (multi-document YAML). js-yaml 4 parses with the
// YAML 1.2 core schema, so a bare `=` stays the string "=" (the prometheus-operator bundle
// has one as an enum value), and it is the fastest parser we have for multi-MB bundles.

import yaml from 'js-yaml';
import type { KubeObject } from '../kube/types.ts';
import { isCrd } from './structural/crd-schema.ts';

/** Every non-empty document of a multi-document YAML text (`---` twice in a row gives empty ones). */
export function parseManifests(text: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (const doc of yaml.loadAll(text)) {
    if (doc !== null && typeof doc === 'object' && !Array.isArray(doc)) out.push(doc as KubeObject);
  }
  return out;
}

/** The CustomResourceDefinitions among manifests. */
export function crdsOf(objects: Iterable<KubeObject>): KubeObject[] {
  return [...objects].filter(isCrd);
}
