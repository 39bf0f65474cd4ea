// How large a parsed YAML value is once its aliases are expanded. js-yaml gives an anchor
// and every alias of it the same object, so a few hundred bytes of text can stand for
// gigabytes (an alias bomb) that anything walking or re-serialising the value expands.
// Shared by the manifest reader (src/sources/yaml.ts) and the kubeconfig check
// (src/kube/kubeconfig.ts).

export class AliasExpansionError extends Error {
  constructor(
    /** too-large: past the limit; recursive: an alias inside the node it names. */
    readonly reason: 'too-large' | 'recursive',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Size of a value with its aliases expanded (characters of strings and keys, plus one per
 * node), computed once per shared node; throws AliasExpansionError when it passes `limit`
 * or loops.
 */
export function expandedSize(root: unknown, limit: number): number {
  const sizes = new Map<object, number>();
  const inProgress = new Set<object>();
  const visit = (value: unknown): number => {
    if (typeof value === 'string') return value.length + 1;
    if (value === null || typeof value !== 'object') return 1;
    const known = sizes.get(value);
    if (known !== undefined) return known;
    if (inProgress.has(value)) throw new AliasExpansionError('recursive', 'a YAML alias refers to a node that contains it (a recursive structure)');
    inProgress.add(value);
    let size = 1;
    if (Array.isArray(value)) for (const item of value) size += visit(item);
    else for (const [key, item] of Object.entries(value)) size += key.length + visit(item);
    inProgress.delete(value);
    if (size > limit) throw new AliasExpansionError('too-large', `expands to more than ${limit} bytes through YAML aliases`);
    sizes.set(value, size);
    return size;
  };
  return visit(root);
}
