// Comparison of a live CRD (from a cluster, or the previous recorded release) with the
// CRD a target release installs, per API version. Severity rule (docs/crd-safety.md): removing or
// unserving a version and dropping a stored version are BREAKING on their own; field-level
// changes are WARNING here and become BREAKING only through an existing object they
// affect (see src/crd/objects).

import type { KubeObject } from '../../kube/types.ts';
import { crdKind, crdName, crdVersions, type CrdVersion } from '../structural/crd-schema.ts';
import { diffSchemas } from './schema-diff.ts';
import { show, type ChangeType, type CompareOptions, type CrdFinding, type Severity } from './types.ts';

export function compareCrds(live: KubeObject | undefined, target: KubeObject, options: CompareOptions = {}): CrdFinding[] {
  const name = crdName(target);
  const out: CrdFinding[] = [];
  const add = (version: string, changeType: ChangeType, severity: Severity, oldValue: unknown, newValue: unknown, message: string) =>
    out.push({ crdName: name, version, fieldPath: '', changeType, severity, oldValue: show(oldValue), newValue: show(newValue), message });

  if (!live) {
    add('', 'CRD_ADDED', 'INFO', null, name, `${name} is new in the target release`);
    return keep(out, options);
  }
  const liveScope = live.spec?.scope ?? 'Namespaced';
  const targetScope = target.spec?.scope ?? 'Namespaced';
  if (liveScope !== targetScope) {
    add(
      '',
      'SCOPE_CHANGED',
      'BREAKING',
      liveScope,
      targetScope,
      `scope changes from ${liveScope} to ${targetScope}; the API server rejects this update (scope is immutable)`,
    );
  }
  if (crdKind(live) !== crdKind(target)) {
    add(
      '',
      'KIND_CHANGED',
      'BREAKING',
      crdKind(live),
      crdKind(target),
      `kind changes from ${crdKind(live)} to ${crdKind(target)}; clients and manifests using the old kind break`,
    );
  }

  const liveVersions = crdVersions(live);
  const targetVersions = new Map(crdVersions(target).map((v) => [v.name, v]));
  for (const lv of liveVersions) {
    const tv = targetVersions.get(lv.name);
    if (!tv) {
      if (lv.served) add(lv.name, 'VERSION_REMOVED', 'BREAKING', lv.name, null, `API version ${lv.name} is removed; clients and manifests that use it break`);
      else add(lv.name, 'VERSION_REMOVED', 'INFO', lv.name, null, `API version ${lv.name} (already not served) is removed`);
      continue;
    }
    if (lv.served && !tv.served) {
      add(
        lv.name,
        'VERSION_NOT_SERVED',
        'BREAKING',
        'served',
        'not served',
        `API version ${lv.name} is no longer served; clients and manifests that use it break`,
      );
      continue;
    }
    if (!lv.served && tv.served) add(lv.name, 'VERSION_ADDED', 'INFO', 'not served', 'served', `API version ${lv.name} is served again`);
    if (!lv.deprecated && tv.deprecated) {
      add(lv.name, 'VERSION_DEPRECATED', 'WARNING', null, tv.deprecationWarning ?? 'deprecated', `API version ${lv.name} becomes deprecated`);
    }
    if (lv.served && tv.served) out.push(...schemaFindings(name, lv, tv));
  }
  for (const tv of targetVersions.values()) {
    if (!liveVersions.some((v) => v.name === tv.name)) {
      add(tv.name, 'VERSION_ADDED', 'INFO', null, tv.name, `API version ${tv.name} is added${tv.served ? '' : ' (not served)'}`);
    }
  }

  const liveStorage = liveVersions.find((v) => v.storage)?.name;
  const targetStorage = [...targetVersions.values()].find((v) => v.storage)?.name;
  if (liveStorage !== targetStorage) {
    add(
      targetStorage ?? '',
      'STORAGE_VERSION_CHANGED',
      'WARNING',
      liveStorage,
      targetStorage,
      `storage version changes from ${liveStorage} to ${targetStorage}; objects stay stored as ${liveStorage} until rewritten (storage migration)`,
    );
  }

  const stored: readonly string[] = options.storedVersions ?? live.status?.storedVersions ?? [];
  for (const sv of stored) {
    const tv = targetVersions.get(sv);
    if (!tv) {
      add(
        sv,
        'STORED_VERSION_DROPPED',
        'BREAKING',
        sv,
        null,
        `${sv} is in status.storedVersions but removed from spec.versions: the API server rejects the update until every object is migrated to another version and storedVersions is cleaned`,
      );
    } else if (!tv.served) {
      add(
        sv,
        'STORED_VERSION_DROPPED',
        'BREAKING',
        sv,
        'not served',
        `${sv} is in status.storedVersions but no longer served: objects may still be stored as ${sv}; migrate them (read and write each object) before upgrading`,
      );
    }
  }
  return keep(out, options);
}

function schemaFindings(name: string, lv: CrdVersion, tv: CrdVersion): CrdFinding[] {
  if (!lv.schema || !tv.schema) return [];
  return diffSchemas(lv.schema, tv.schema).map((c) => ({ crdName: name, version: lv.name, ...c }));
}

function keep(findings: CrdFinding[], options: CompareOptions): CrdFinding[] {
  return options.includeInfo ? findings : findings.filter((f) => f.severity !== 'INFO');
}

/**
 * Compares every CRD of a target release with the live CRDs of the same names. Live CRDs
 * the target no longer ships are reported (CRD_REMOVED, a warning: CRDs are never pruned).
 */
export function compareCrdSets(live: Iterable<KubeObject>, target: Iterable<KubeObject>, options: CompareOptions = {}): CrdFinding[] {
  const liveByName = new Map([...live].map((c) => [crdName(c), c]));
  const out: CrdFinding[] = [];
  const targetNames = new Set<string>();
  for (const t of target) {
    const name = crdName(t);
    targetNames.add(name);
    out.push(...compareCrds(liveByName.get(name), t, options));
  }
  for (const [name] of liveByName) {
    if (!targetNames.has(name)) {
      out.push({
        crdName: name,
        version: '',
        fieldPath: '',
        changeType: 'CRD_REMOVED',
        severity: 'WARNING',
        oldValue: name,
        newValue: null,
        message: `${name} is not in the target release; it stays installed (CRDs are never pruned) but nothing maintains it`,
      });
    }
  }
  return out;
}
