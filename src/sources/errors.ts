// Errors of the sources layer. Messages say what was wrong and where (URL, document,
// chart), never credentials: URLs are shown without user info or query strings.

export class SourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name; // (a field initializer would see new.target as undefined)
  }
}

/** A manifest that cannot be used: bad YAML, not a Kubernetes object, over a size limit. */
export class ManifestParseError extends SourceError {
  constructor(
    message: string,
    /** 1-based position of the document in the stream (empty documents count), when known. */
    readonly documentIndex?: number,
    /** 1-based line in the whole stream where that document starts or the error is. */
    readonly line?: number,
  ) {
    super(message);
  }
}

/** A URL that could not be read: unreachable, HTTP error, timeout, too large. */
export class FetchError extends SourceError {
  constructor(
    message: string,
    readonly url: string,
    /** HTTP status when the server answered. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/**
 * A URL, redirect or address the source fence (fence.ts) refuses. The message names the
 * rule (and never a query string or credentials); retrying cannot help.
 */
export class FenceError extends SourceError {}

/** A Helm repository or chart problem: missing chart, bad index, `helm template` failure. */
export class HelmError extends SourceError {
  constructor(
    message: string,
    /** Tail of helm's stderr, when helm ran. */
    readonly stderr?: string,
  ) {
    super(message);
  }
}

/** A URL as it may appear in messages and logs: no credentials, no query, no fragment. */
export function displayUrl(url: string | URL): string {
  try {
    const u = new URL(String(url));
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString();
  } catch {
    return '<invalid URL>';
  }
}
