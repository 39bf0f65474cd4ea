// Server-side printing: `kubectl get` asks for `as=Table` and prints the columns the
// server chooses. Columns for the common built-in kinds, additionalPrinterColumns for
// custom resources, NAME/AGE for everything else.
import type { KubeObject } from '../kube/types.ts';
import type { ResourceType } from './resources.ts';

interface Column {
  name: string;
  type: 'string' | 'integer' | 'date' | 'number' | 'boolean';
  format?: string;
  priority?: number;
  cell: (o: KubeObject) => unknown;
}

export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  format?: string;
  priority?: number;
}

/** Kubernetes' short human durations: 45s, 3m20s, 5h12m, 3d4h, 2y30d. */
export function humanAge(since: string | undefined, now = Date.now()): string {
  if (!since) return '<unknown>';
  const s = Math.floor((now - Date.parse(since)) / 1000);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (h < 24 * 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 365 * 2) return `${d}d`;
  const y = Math.floor(d / 365);
  return y < 8 && d % 365 !== 0 ? `${y}y${d % 365}d` : `${y}y`;
}

const name: Column = { name: 'Name', type: 'string', format: 'name', cell: (o) => o.metadata.name };
const age: Column = { name: 'Age', type: 'string', cell: (o) => humanAge(o.metadata.creationTimestamp) };
const n = (v: unknown) => (typeof v === 'number' ? v : 0);

function podStatus(pod: KubeObject): string {
  if (pod.metadata.deletionTimestamp) return 'Terminating';
  for (const c of pod.status?.containerStatuses ?? []) {
    if (c.state?.waiting?.reason) return c.state.waiting.reason;
    if (c.state?.terminated?.reason) return c.state.terminated.reason;
  }
  return pod.status?.phase ?? 'Pending';
}

const BUILTIN_COLUMNS: Record<string, Column[]> = {
  Deployment: [
    name,
    { name: 'Ready', type: 'string', cell: (o) => `${n(o.status?.readyReplicas)}/${n(o.spec?.replicas)}` },
    { name: 'Up-to-date', type: 'integer', cell: (o) => n(o.status?.updatedReplicas) },
    { name: 'Available', type: 'integer', cell: (o) => n(o.status?.availableReplicas) },
    age,
  ],
  ReplicaSet: [
    name,
    { name: 'Desired', type: 'integer', cell: (o) => n(o.spec?.replicas) },
    { name: 'Current', type: 'integer', cell: (o) => n(o.status?.replicas) },
    { name: 'Ready', type: 'integer', cell: (o) => n(o.status?.readyReplicas) },
    age,
  ],
  StatefulSet: [name, { name: 'Ready', type: 'string', cell: (o) => `${n(o.status?.readyReplicas)}/${n(o.spec?.replicas)}` }, age],
  DaemonSet: [
    name,
    { name: 'Desired', type: 'integer', cell: (o) => n(o.status?.desiredNumberScheduled) },
    { name: 'Current', type: 'integer', cell: (o) => n(o.status?.currentNumberScheduled) },
    { name: 'Ready', type: 'integer', cell: (o) => n(o.status?.numberReady) },
    { name: 'Up-to-date', type: 'integer', cell: (o) => n(o.status?.updatedNumberScheduled) },
    { name: 'Available', type: 'integer', cell: (o) => n(o.status?.numberAvailable) },
    age,
  ],
  Pod: [
    name,
    {
      name: 'Ready',
      type: 'string',
      cell: (o) => `${(o.status?.containerStatuses ?? []).filter((c: any) => c.ready).length}/${(o.spec?.containers ?? []).length}`,
    },
    { name: 'Status', type: 'string', cell: podStatus },
    { name: 'Restarts', type: 'integer', cell: (o) => (o.status?.containerStatuses ?? []).reduce((s: number, c: any) => s + n(c.restartCount), 0) },
    age,
    { name: 'IP', type: 'string', priority: 1, cell: (o) => o.status?.podIP ?? '<none>' },
    { name: 'Node', type: 'string', priority: 1, cell: (o) => o.spec?.nodeName ?? '<none>' },
  ],
  Service: [
    name,
    { name: 'Type', type: 'string', cell: (o) => o.spec?.type ?? 'ClusterIP' },
    { name: 'Cluster-IP', type: 'string', cell: (o) => o.spec?.clusterIP ?? '<none>' },
    { name: 'External-IP', type: 'string', cell: () => '<none>' },
    { name: 'Port(s)', type: 'string', cell: (o) => (o.spec?.ports ?? []).map((p: any) => `${p.port}/${p.protocol ?? 'TCP'}`).join(',') || '<none>' },
    age,
  ],
  Namespace: [name, { name: 'Status', type: 'string', cell: (o) => o.status?.phase ?? 'Active' }, age],
  Node: [
    name,
    {
      name: 'Status',
      type: 'string',
      cell: (o) => ((o.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True') ? 'Ready' : 'NotReady'),
    },
    { name: 'Roles', type: 'string', cell: () => '<none>' },
    age,
    { name: 'Version', type: 'string', cell: (o) => o.status?.nodeInfo?.kubeletVersion ?? '' },
  ],
  ConfigMap: [
    name,
    { name: 'Data', type: 'integer', cell: (o) => Object.keys((o.data as object) ?? {}).length + Object.keys((o.binaryData as object) ?? {}).length },
    age,
  ],
  Secret: [
    name,
    { name: 'Type', type: 'string', cell: (o) => o.type ?? 'Opaque' },
    { name: 'Data', type: 'integer', cell: (o) => Object.keys((o.data as object) ?? {}).length },
    age,
  ],
  Job: [name, { name: 'Completions', type: 'string', cell: (o) => `${n(o.status?.succeeded)}/${o.spec?.completions ?? 1}` }, age],
  Endpoints: [
    name,
    {
      name: 'Endpoints',
      type: 'string',
      cell: (o) =>
        ((o.subsets as any[]) ?? [])
          .flatMap((s) => (s.addresses ?? []).flatMap((a: any) => (s.ports ?? [{}]).map((p: any) => (p.port ? `${a.ip}:${p.port}` : a.ip))))
          .join(',') || '<none>',
    },
    age,
  ],
  CustomResourceDefinition: [name, { name: 'Created At', type: 'date', cell: (o) => o.metadata.creationTimestamp }],
};

/** A small JSONPath subset: `.a.b`, `.a[0]`, `.a[?(@.type=="Ready")].status`. */
export function evalJsonPath(obj: unknown, path: string): unknown {
  const tokens = path.match(/\.[^.[]+|\[[^\]]*\]/g) ?? [];
  let cur: unknown = obj;
  for (const t of tokens) {
    if (cur === undefined || cur === null) return undefined;
    if (t.startsWith('.')) cur = (cur as Record<string, unknown>)[t.slice(1)];
    else {
      const filter = /^\[\?\(@\.([\w.]+)\s*==\s*["']([^"']*)["']\)\]$/.exec(t);
      if (filter && Array.isArray(cur)) cur = cur.find((item) => String(evalJsonPath(item, `.${filter[1]}`)) === filter[2]);
      else if (Array.isArray(cur)) cur = cur[Number(t.slice(1, -1))];
      else return undefined;
    }
  }
  return cur;
}

function columnsFor(rt: ResourceType, printerColumns: PrinterColumn[] | undefined): Column[] {
  if (rt.crd) {
    if (!printerColumns?.length) return [name, age];
    const custom = printerColumns.map(
      (c): Column => ({
        name: c.name,
        type: (c.type === 'date' ? 'date' : c.type) as Column['type'],
        priority: c.priority ?? 0,
        cell: (o) => {
          const v = evalJsonPath(o, c.jsonPath);
          if (c.type === 'date' && typeof v === 'string') return humanAge(v);
          return v ?? null;
        },
      }),
    );
    return [name, ...custom];
  }
  return BUILTIN_COLUMNS[rt.kind] ?? [name, age];
}

/** The meta.k8s.io/v1 Table for `objects`, with each row's object as PartialObjectMetadata. */
export function toTable(rt: ResourceType, objects: KubeObject[], listMeta: Record<string, unknown>, printerColumns?: PrinterColumn[]): object {
  const columns = columnsFor(rt, printerColumns);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.name, priority: c.priority ?? 0 })),
    rows: objects.map((o) => ({
      cells: columns.map((c) => c.cell(o) ?? null),
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { ...o.metadata, managedFields: undefined } },
    })),
  };
}

/** True when the client asked for server-side printing. */
export const wantsTable = (accept: string | undefined) => accept?.includes('as=Table');

/**
 * True when the client asked for metadata only (`as=PartialObjectMetadata` for an object,
 * `as=PartialObjectMetadataList` for a list), as controllers and apply tools do to learn
 * what exists without reading specs: the first media type of the Accept header decides, as
 * a real API server negotiates.
 */
export const wantsMetadataOnly = (accept: string | undefined, list: boolean) =>
  (accept?.split(',')[0] ?? '').includes(list ? 'as=PartialObjectMetadataList' : 'as=PartialObjectMetadata');

/** An object as PartialObjectMetadata: its metadata only (managedFields included, as a real server sends them). */
export const partialMetadata = (o: KubeObject) => ({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata });

/** A list as PartialObjectMetadataList. */
export const partialMetadataList = (items: readonly KubeObject[], listMeta: object) => ({
  kind: 'PartialObjectMetadataList',
  apiVersion: 'meta.k8s.io/v1',
  metadata: listMeta,
  items: items.map(partialMetadata),
});
