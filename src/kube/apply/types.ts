// Shapes shared by apply planning (pure) and the server-side-apply executor.

import type { ObjectRef } from '../types.ts';

/** Field manager of every server-side apply the product sends. */
export const FIELD_MANAGER = 'operator-manager';

/**
 * Owner labels put on every applied object (metadata.labels only — never on pod
 * templates, which would restart pods on every release):
 * - `app.kubernetes.io/managed-by: operator-manager` — the well-known label, for people and tools;
 * - `operator-manager.io/operator: <operator name>` — which operator the object belongs to;
 *   prune deletes only objects that carry this label with the operator's name;
 * - `operator-manager.io/release: <release name>` — the installation (the operator name,
 *   or e.g. a blue/green variant of it), so two releases of one operator can coexist;
 * - `operator-manager.io/revision: "<n>"` — the release revision that last applied it.
 * Revision is a label of its own (not `<name>-<revision>`) because a label value is
 * limited to 63 characters and an operator name may already use them all.
 */
export const OWNER_LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
  operator: 'operator-manager.io/operator',
  release: 'operator-manager.io/release',
  revision: 'operator-manager.io/revision',
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
