// The source fence: which files and URLs the server may read (operator manifests, Helm
// repository indexes) or post to (notification webhooks). app.ts builds one SourceFence
// from Config.sources and hands it to every reader; docs/sources.md states the rules.
//
//   file://     only under fileRoots, judged on the real path (symlinks and ".." resolved),
//               and never with a query or fragment (the file reader would ignore them).
//   http(s)://  only under allowedUrlPrefixes when there are any; link-local, cloud-metadata
//               and unspecified addresses never (unless a prefix names the host); loopback
//               and private networks only with allowPrivateNetworks.
//
// checkUrl is the static part, used at registration, at config load and on every redirect
// hop; `lookup` checks every address a host name resolves to before a socket connects, so
// a name that resolves differently at fetch time (DNS rebinding) is still refused.
import { lookup as dnsLookup } from 'node:dns/promises';
import { realpathSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import type { LookupFunction } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bareAddress, classifyAddress, isIpLiteral } from './addresses.ts';
import { displayUrl, FenceError } from './errors.ts';
import { fencedRequest, type FencedRequestOptions, type FencedResponse } from './http.ts';

export interface SourceFenceSettings {
  /** Absolute directories that file:// URLs may read under (SOURCE_FILE_ROOTS). */
  fileRoots: readonly string[];
  /** When not empty, every http(s) URL must start with one of these (SOURCE_ALLOWED_URL_PREFIXES). */
  allowedUrlPrefixes: readonly string[];
  /** Loopback and private-network addresses may be reached (SOURCE_ALLOW_PRIVATE_NETWORKS). */
  allowPrivateNetworks: boolean;
  /** Default time one read may take, redirects and body included (SOURCE_FETCH_TIMEOUT). */
  fetchTimeoutMs?: number;
  /** Default largest body read (SOURCE_MAX_BYTES). */
  maxBytes?: number;
}

export interface ResolvedAddress {
  address: string;
  /** 4 or 6. */
  family: number;
}

/** Every address a host name resolves to. */
export type HostLookup = (hostname: string) => Promise<ResolvedAddress[]>;

export interface SourceFenceOptions extends SourceFenceSettings {
  /** How host names are resolved before connecting; every address is checked. Default: dns.lookup, all addresses. */
  lookup?: HostLookup;
}

export interface CheckUrlOptions {
  /** The URL is the target of a redirect: a redirect to a file:// URL is never followed. */
  redirect?: boolean;
}

const systemLookup: HostLookup = async (hostname) => (await dnsLookup(hostname, { all: true })).map(({ address, family }) => ({ address, family }));

/** `child` is `root` or lies below it. */
function isInside(root: string, child: string): boolean {
  const rel = path.relative(root, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/** The real path of `p` as far as it exists, with the missing rest appended (a template's future version). */
function realpathOfExisting(p: string): string {
  const missing: string[] = [];
  let current = p;
  for (;;) {
    try {
      return path.join(realpathSync(current), ...missing.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return p;
      missing.push(path.basename(current));
      current = parent;
    }
  }
}

function familyOf(family: unknown): 4 | 6 | undefined {
  if (family === 4 || family === 'IPv4') return 4;
  if (family === 6 || family === 'IPv6') return 6;
  return undefined;
}

export class SourceFence {
  readonly settings: Readonly<SourceFenceSettings>;
  private readonly resolveHost: HostLookup;
  /** Hosts a prefix names: link-local and metadata addresses are allowed for them alone. */
  private readonly namedHosts: ReadonlySet<string>;

  constructor(options: SourceFenceOptions) {
    for (const root of options.fileRoots) {
      if (!path.isAbsolute(root)) throw new TypeError(`file roots must be absolute directories (got "${root}")`);
    }
    const prefixes = options.allowedUrlPrefixes.map((prefix) => new URL(prefix).href);
    this.settings = Object.freeze({
      fileRoots: Object.freeze(options.fileRoots.map((root) => path.resolve(root))),
      allowedUrlPrefixes: Object.freeze(prefixes),
      allowPrivateNetworks: options.allowPrivateNetworks,
      ...(options.fetchTimeoutMs ? { fetchTimeoutMs: options.fetchTimeoutMs } : {}),
      ...(options.maxBytes ? { maxBytes: options.maxBytes } : {}),
    });
    this.namedHosts = new Set(prefixes.map((prefix) => bareAddress(new URL(prefix).hostname).toLowerCase()));
    this.resolveHost = options.lookup ?? systemLookup;
  }

  /**
   * The problem with reading `url`, or undefined when the fence lets it through as far as
   * can be told without connecting: scheme, credentials, file roots (on the real path of
   * what exists), URL prefixes and a literal IP host.
   */
  checkUrl(input: string | URL, options: CheckUrlOptions = {}): string | undefined {
    let url: URL;
    try {
      url = new URL(String(input));
    } catch {
      return 'is not an absolute URL';
    }
    if (url.protocol === 'file:') {
      return options.redirect ? `a redirect to ${displayUrl(url)} is not followed (redirects never lead to files)` : this.fileProblem(url);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return `${url.protocol}// URLs are not read (use http://, https:// or file://)`;
    }
    if (url.username || url.password) return 'URLs with credentials (user:password@) are not used';
    const prefixes = this.settings.allowedUrlPrefixes;
    if (prefixes.length > 0 && !prefixes.some((prefix) => url.href.startsWith(prefix))) {
      return `${url.origin}${url.pathname === '/' ? '/' : '/…'} does not start with any SOURCE_ALLOWED_URL_PREFIXES entry (${prefixes.join(', ')})`;
    }
    const host = bareAddress(url.hostname);
    if (isIpLiteral(host)) return this.checkAddress(host, host);
    if (!this.settings.allowPrivateNetworks && (host === 'localhost' || host.endsWith('.localhost'))) {
      return `${host} is a loopback name, ${this.privateRefusal()}`;
    }
    return undefined;
  }

  /** The problem with connecting to `address` (what `hostname` resolved to, or the literal itself). */
  checkAddress(hostname: string, address: string): string | undefined {
    const verdict = classifyAddress(address);
    const bare = bareAddress(address);
    if (!verdict) return `${hostname} resolved to "${bare}", which is not an IP address`;
    if (verdict.class === 'public') return undefined;
    const subject = bareAddress(hostname) === bare ? `${bare} is ${verdict.description}` : `${hostname} resolves to ${bare}, ${verdict.description}`;
    if (verdict.class === 'metadata' || verdict.class === 'unspecified') {
      return this.namedHosts.has(bareAddress(hostname).toLowerCase()) ? undefined : `${subject}, refused`;
    }
    return this.settings.allowPrivateNetworks ? undefined : `${subject}, ${this.privateRefusal()}`;
  }

  /**
   * The real path of a file:// URL the fence lets through. Throws FenceError when it is
   * refused, including a symbolic link leading out of the roots; a missing file rejects
   * with the file system's ENOENT.
   */
  async resolveFile(url: URL): Promise<string> {
    const problem = this.checkUrl(url);
    if (problem) throw new FenceError(problem);
    const real = await realpath(fileURLToPath(url));
    const roots = await Promise.all(this.settings.fileRoots.map((root) => realpath(root).catch(() => root)));
    if (!roots.some((root) => isInside(root, real))) throw new FenceError(this.outsideRoots(url, true));
    return real;
  }

  /**
   * A `lookup` for node:net / node:http: resolves with the fence's resolver and fails,
   * before any socket connects, when one of the addresses is refused.
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.resolveChecked(hostname, familyOf(options.family)).then(
      (addresses) => {
        if (options.all) callback(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };

  /** One HTTP exchange through the fence, following redirects as `options` says (see http.ts). */
  request(url: string | URL, options: FencedRequestOptions = {}): Promise<FencedResponse> {
    return fencedRequest(this, url, options);
  }

  private async resolveChecked(hostname: string, family: 4 | 6 | undefined): Promise<ResolvedAddress[]> {
    const all = await this.resolveHost(hostname);
    const addresses = family ? all.filter((a) => a.family === family) : all;
    if (addresses.length === 0) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
    for (const { address } of addresses) {
      const problem = this.checkAddress(hostname, address);
      if (problem) throw new FenceError(problem);
    }
    return addresses;
  }

  private fileProblem(url: URL): string | undefined {
    const problems: string[] = [];
    if (url.search || url.hash) {
      problems.push(
        `${displayUrl(url)}${url.search ? '?…' : ''}${url.hash ? '#…' : ''} has a query or fragment, which a file:// URL cannot carry (the file would be read without it)`,
      );
    }
    let lexical: string;
    try {
      lexical = fileURLToPath(url);
    } catch (err) {
      return [...problems, `${displayUrl(url)} is not a usable file URL (${(err as Error).message})`].join('; ');
    }
    const real = realpathOfExisting(lexical);
    const roots = this.settings.fileRoots.map(realpathOfExisting);
    if (!roots.some((root) => isInside(root, real))) {
      problems.push(
        this.outsideRoots(
          url,
          this.settings.fileRoots.some((root) => isInside(root, lexical)),
        ),
      );
    }
    return problems.length > 0 ? problems.join('; ') : undefined;
  }

  private outsideRoots(url: URL, throughLink: boolean): string {
    const roots = this.settings.fileRoots.join(', ') || 'none configured';
    return throughLink
      ? `${displayUrl(url)} leads outside SOURCE_FILE_ROOTS (${roots}) through a symbolic link`
      : `${displayUrl(url)} is outside SOURCE_FILE_ROOTS (${roots})`;
  }

  private privateRefusal(): string {
    return 'refused (loopback and private networks need SOURCE_ALLOW_PRIVATE_NETWORKS=true; it defaults to false when NODE_ENV=production)';
  }
}
