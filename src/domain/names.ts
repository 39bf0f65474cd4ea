// Naming rules (docs/api.md, "Input rules"). Each check returns a problem sentence, or undefined when fine,
// so callers can collect every problem of an input before rejecting it.

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function dns1123LabelProblem(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.length > 63) return `must be at most 63 characters (got ${value.length})`;
  if (!DNS1123_LABEL.test(value)) {
    return 'must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit';
  }
  return undefined;
}

/** Absolute http(s):// or file:// URL. */
export function urlProblem(value: string, { allowFile = true }: { allowFile?: boolean } = {}): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL';
  }
  const allowed = allowFile ? ['http:', 'https:', 'file:'] : ['http:', 'https:'];
  if (!allowed.includes(url.protocol)) return `must use ${allowed.map((p) => p.replace(':', '://')).join(' or ')} (got ${url.protocol}//)`;
  if (url.protocol !== 'file:' && !url.hostname) return 'must name a host';
  if (url.username || url.password) return 'must not carry credentials';
  return undefined;
}

export function maxLengthProblem(value: string, max: number): string | undefined {
  return value.length > max ? `must be at most ${max} characters (got ${value.length})` : undefined;
}
