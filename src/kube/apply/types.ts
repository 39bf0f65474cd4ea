// Shapes shared by apply planning (pure) and the server-side-apply executor.

import type { ObjectRef } from '../types.ts';

/**
 * What an apply wrote to one object: the digest of the body sent (appliedDigest) and the
 * object's generation and resourceVersion in the server's answer. With it the next apply
 * can tell, from a metadata-only list, that an object is still exactly as it was applied
 * and need not be sent again.
 */
export interface AppliedRecord {
  digest: string;
  resourceVersion: string;
  generation?: number;
  /** A CRD's status.storedVersions in the answer: with the digest, what the CRD check needs of it without reading it. */
  storedVersions?: string[];
}

/** An inventory entry: the object's identity and, when the product applied it, what it wrote. */
export interface InventoryEntry extends ObjectRef {
  applied?: AppliedRecord;
}

/** Field manager of every server-side apply the product sends. */
export const FIELD_MANAGER = 'operator-manager';

/**
 * Owner labels put on every applied object (metadata.labels only — never on pod
 * templates, which would restart pods on every release):
 * - `app.kubernetes.io/managed-by: operator-manager` — the well-known label, for people and tools;
 * - `operator-manager.io/operator: <operator name>` — which operator the object belongs to;
 *   prune deletes only objects that carry this label with the operator's name;
 * - `operator-manager.io/release: <release name>` — the installation (the operator name,
 *   or e.g. a blue/green variant of it), so two releases of one operator can coexist.
 * No label names the release revision: it would change every object on every release, so
 * nothing could ever be skipped as unchanged. Which revision applied what is in the
 * release's inventory (InventoryEntry.applied).
 */
export const OWNER_LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
  operator: 'operator-manager.io/operator',
  release: 'operator-manager.io/release',
} as const;

/** Value of the managed-by label. */
export const MANAGED_BY = 'operator-manager';

type ChangeAction = 'created' | 'configured' | 'unchanged' | 'pruned' | 'failed' | 'skipped';

/** What happened to one object during apply or prune. */
export interface ChangeEntry {
  /** "Kind/namespace/name", or "Kind/name" for cluster-scoped objects (see subjectOf). */
  subject: string;
  action: ChangeAction;
  /** Why it failed or was skipped; extra detail otherwise. */
  message?: string;
}

/**
 * Result of an apply (or prune) batch. A batch that fails part-way returns what it did so
 * far in `changes`, the failing object as a `failed` entry, and the error.
 */
export interface ApplyResult {
  changes: ChangeEntry[];
  /** Identities that were applied successfully (the inventory to store), when known. */
  inventory?: ObjectRef[];
  error?: Error;
}

/** A plan that cannot be made: duplicate objects, kinds of unknown scope, bad labels. */
export class ApplyPlanError extends Error {
  constructor(
    message: string,
    /** The subjects involved ("Kind/namespace/name"). */
    readonly subjects: string[] = [],
  ) {
    super(message);
    this.name = 'ApplyPlanError';
  }
}
