// Small helpers on plain Kubernetes objects shared by the API and the controllers.
import type { KubeObject } from '../kube/types.ts';
import { apiVersionOf, type ResourceType } from './resources.ts';

/**
 * A stored object as served under `rt`'s version: custom resources are read through
 * their schema (pruning, defaults) and converted by rewriting apiVersion.
 */
export function present(obj: KubeObject, rt: ResourceType): KubeObject {
  const read = rt.readStored ? rt.readStored(obj) : obj;
  const apiVersion = apiVersionOf(rt);
  return read.apiVersion === apiVersion ? read : { ...read, apiVersion };
}

/** Reads `.spec.replicas`-style paths (the form CRD scale subresources use). */
export function getPath(obj: unknown, path: string): unknown {
  let cur: any = obj;
  for (const part of path.replace(/^\./, '').split('.')) cur = cur == null ? undefined : cur[part];
  return cur;
}

export function setPath(obj: any, path: string, value: unknown): void {
  const parts = path.replace(/^\./, '').split('.');
  let cur = obj;
  for (const part of parts.slice(0, -1)) cur = cur[part] ??= {};
  cur[parts[parts.length - 1]!] = value;
}

/**
 * The part of an object whose changes bump metadata.generation: everything but metadata,
 * and but status where status is a subresource (custom resources without one count it).
 */
export function generationRelevant(obj: KubeObject, includeStatus = false): Record<string, unknown> {
  const { metadata: _m, status, apiVersion: _a, kind: _k, ...rest } = obj;
  return includeStatus ? { ...rest, status } : rest;
}

/** 5 lower-case alphanumerics, as generateName suffixes and pod names use. */
export function randomSuffix(length = 5): string {
  const chars = 'bcdfghjklmnpqrstvwxz2456789';
  let out = '';
  for (let i = 0; i < length; i++) out += chars[Math.floor(Math.random() * chars.length)];
  return out;
}
