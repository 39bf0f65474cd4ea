// Plain shapes of Kubernetes objects as they travel through the product. The kube layer,
// the sandbox and the CRD checks share them; nothing here knows about GraphQL or Prisma.

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  finalizers?: string[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }>;
  managedFields?: unknown[];
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  // biome-ignore lint/suspicious/noExplicitAny: spec and status differ per kind; the health checks and planners narrow what they read
  spec?: any;
  // biome-ignore lint/suspicious/noExplicitAny: as spec
  status?: any;
  [key: string]: unknown;
}

/** Identity of an object: what an inventory stores and what prune compares. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** "Kind/namespace/name" (or "Kind/name" for cluster-scoped objects), as change entries and messages show it. */
export function subjectOf(ref: { kind: string; namespace?: string; name?: string; metadata?: ObjectMeta }): string {
  const name = ref.name ?? ref.metadata?.name ?? '';
  const ns = ref.namespace ?? ref.metadata?.namespace;
  return ns ? `${ref.kind}/${ns}/${name}` : `${ref.kind}/${name}`;
}

/** The API group of an apiVersion ("" for the core group). */
export function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

/** "group/Kind" ("/Kind" for the core group): the key of a kind across API versions. */
export function groupKindOf(ref: { apiVersion: string; kind: string }): string {
  return `${groupOf(ref.apiVersion)}/${ref.kind}`;
}

export function isCrd(obj: { apiVersion?: string; kind?: string } | undefined): boolean {
  return obj?.kind === 'CustomResourceDefinition' && (obj.apiVersion ?? '').startsWith('apiextensions.k8s.io/');
}

/** The CustomResourceDefinitions among manifests. */
export function crdsOf(objects: Iterable<KubeObject>): KubeObject[] {
  return [...objects].filter(isCrd);
}

/** Where an object was read from: set by the manifest parser, shown by planners in messages. */
export interface SourcePosition {
  /** 1-based document number in the YAML stream (empty documents count). */
  document: number;
  /** 1-based line where that document starts. */
  line: number;
  /** 1-based item number when the object came from a `kind: List`. */
  item?: number;
}

// Keyed by object identity so positions never leak into the objects sent to a cluster.
const sourcePositions = new WeakMap<object, SourcePosition>();

export function recordSourcePosition(obj: object, position: SourcePosition): void {
  sourcePositions.set(obj, position);
}

/** The position recorded for this very object (not for copies of it), if any. */
export function sourcePositionOf(obj: object): SourcePosition | undefined {
  return sourcePositions.get(obj);
}

/** "document 3 (line 120)" / "document 3, item 2 (line 120)". */
export function describeSourcePosition(position: SourcePosition): string {
  return `document ${position.document}${position.item ? `, item ${position.item}` : ''} (line ${position.line})`;
}
