// Paths are built as linked segments while walking and turned into strings only when an
// issue needs one: most objects are valid, and string building per field would dominate.
//
// Notation (shared by validation, pruning and compatibility findings):
//   object property   `.spec.endpoints`
//   array item        `[0]`       in an object path, `[*]` in a schema path
//   map entry         `[app]`     in an object path, `{*}` in a schema path
//                                 (a map is an object whose schema has additionalProperties)

type Segment =
  | { readonly kind: 'prop'; readonly name: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'key'; readonly key: string };

export interface PathNode {
  readonly parent: PathNode | undefined;
  readonly seg: Segment;
}

export function prop(parent: PathNode | undefined, name: string): PathNode {
  return { parent, seg: { kind: 'prop', name } };
}
export function index(parent: PathNode | undefined, i: number): PathNode {
  return { parent, seg: { kind: 'index', index: i } };
}
export function key(parent: PathNode | undefined, k: string): PathNode {
  return { parent, seg: { kind: 'key', key: k } };
}

function segments(node: PathNode | undefined): Segment[] {
  const out: Segment[] = [];
  for (let n = node; n; n = n.parent) out.push(n.seg);
  return out.reverse();
}

/** `.spec.endpoints[0].port` (the root itself is ``). */
export function objectPath(node: PathNode | undefined): string {
  let s = '';
  for (const seg of segments(node)) {
    if (seg.kind === 'prop') s += `.${seg.name}`;
    else if (seg.kind === 'index') s += `[${seg.index}]`;
    else s += `[${seg.key}]`;
  }
  return s;
}

/** `.spec.endpoints[*].port`: the schema node an object path lands on. */
export function schemaPath(node: PathNode | undefined): string {
  let s = '';
  for (const seg of segments(node)) {
    if (seg.kind === 'prop') s += `.${seg.name}`;
    else if (seg.kind === 'index') s += '[*]';
    else s += '{*}';
  }
  return s;
}

/** The API server words messages with the path and no leading dot: `spec.replicas in body …`. */
export function bodyPath(node: PathNode | undefined): string {
  const p = objectPath(node);
  return p.startsWith('.') ? p.slice(1) : p;
}
