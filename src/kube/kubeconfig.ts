// Parsing and checking kubeconfigs given by users. A kubeconfig is a credential: error
// messages name what is wrong (a missing field, a context name) and never echo values.
// What is kept is not the text given but the value read from it, written out again as
// JSON (which every YAML reader reads): no anchors or aliases are left for the Kubernetes
// client, which parses the stored text again, to expand.
import yaml from 'js-yaml';
import { AliasExpansionError, expandedSize } from '../domain/yaml-aliases.ts';

const MAX_KUBECONFIG_BYTES = 256 * 1024;

export class KubeconfigError extends Error {}

export interface CheckedKubeconfig {
  /** The kubeconfig to store and load: the parsed value re-serialised (JSON, a subset of YAML), without anchors or aliases. */
  yaml: string;
  apiServerUrl: string;
  /** TLS is not verified: insecure-skip-tls-verify, or a plain http:// server. */
  tlsInsecure: boolean;
  contextName: string;
  clusterName: string;
  userName: string;
  /** How the user authenticates: token, client-certificate, basic. */
  credentialKind: 'token' | 'client-certificate' | 'basic';
}

type Named = { name?: unknown; [k: string]: unknown };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Raw YAML, or the same base64-encoded (as `base64 -w0 kubeconfig` gives). */
function decodeKubeconfig(input: string): string {
  const text = input.trim();
  if (text.length === 0) throw new KubeconfigError('kubeconfig is empty');
  if (Buffer.byteLength(text) > MAX_KUBECONFIG_BYTES * 1.4) throw new KubeconfigError(`kubeconfig is larger than ${MAX_KUBECONFIG_BYTES / 1024} KiB`);
  const compact = text.replace(/\r?\n/g, '');
  if (/^[A-Za-z0-9+/=_-]+$/.test(compact)) {
    const decoded = Buffer.from(compact, /[-_]/.test(compact) ? 'base64url' : 'base64').toString('utf8');
    if (!decoded.includes(':')) throw new KubeconfigError('kubeconfig is neither YAML nor base64-encoded YAML');
    return decoded;
  }
  return text;
}

function findNamed(list: unknown, name: string, what: string): Record<string, unknown> {
  if (!Array.isArray(list)) throw new KubeconfigError(`kubeconfig has no "${what}s" list`);
  const entry = (list as Named[]).find((e) => isRecord(e) && e.name === name);
  if (!entry) throw new KubeconfigError(`kubeconfig ${what} "${name}" is not defined in "${what}s"`);
  const body = entry[what];
  if (!isRecord(body)) throw new KubeconfigError(`kubeconfig ${what} "${name}" has no "${what}" section`);
  return body;
}

export function checkKubeconfig(input: string): CheckedKubeconfig {
  const text = decodeKubeconfig(input);
  if (Buffer.byteLength(text) > MAX_KUBECONFIG_BYTES) throw new KubeconfigError(`kubeconfig is larger than ${MAX_KUBECONFIG_BYTES / 1024} KiB`);
  let doc: unknown;
  try {
    doc = yaml.load(text, { json: true });
  } catch (err) {
    const mark = (err as { mark?: { line?: number } }).mark;
    throw new KubeconfigError(`kubeconfig is not valid YAML${mark?.line !== undefined ? ` (line ${mark.line + 1})` : ''}`);
  }
  try {
    expandedSize(doc, MAX_KUBECONFIG_BYTES);
  } catch (err) {
    if (!(err instanceof AliasExpansionError)) throw err;
    throw new KubeconfigError(
      err.reason === 'recursive'
        ? 'kubeconfig has a YAML alias that refers to a node containing it (a recursive structure)'
        : `kubeconfig expands to more than ${MAX_KUBECONFIG_BYTES / 1024} KiB through YAML aliases`,
    );
  }
  if (!isRecord(doc)) throw new KubeconfigError('kubeconfig must be a YAML mapping (apiVersion: v1, kind: Config)');
  if (doc.kind !== undefined && doc.kind !== 'Config') throw new KubeconfigError('kubeconfig "kind" must be Config');
  const contextName = doc['current-context'];
  if (typeof contextName !== 'string' || !contextName) throw new KubeconfigError('kubeconfig has no current-context');
  const context = findNamed(doc.contexts, contextName, 'context');
  const clusterName = context.cluster;
  const userName = context.user;
  if (typeof clusterName !== 'string' || !clusterName) throw new KubeconfigError(`kubeconfig context "${contextName}" names no cluster`);
  if (typeof userName !== 'string' || !userName) throw new KubeconfigError(`kubeconfig context "${contextName}" names no user`);
  const cluster = findNamed(doc.clusters, clusterName, 'cluster');
  const user = findNamed(doc.users, userName, 'user');

  const server = cluster.server;
  if (typeof server !== 'string' || !server) throw new KubeconfigError(`kubeconfig cluster "${clusterName}" has no server URL`);
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new KubeconfigError(`kubeconfig cluster "${clusterName}" server is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new KubeconfigError(`kubeconfig cluster "${clusterName}" server must be an http(s) URL`);
  if (url.username || url.password) throw new KubeconfigError(`kubeconfig cluster "${clusterName}" server URL must not carry credentials`);
  if (cluster['certificate-authority'] !== undefined) {
    throw new KubeconfigError(`kubeconfig cluster "${clusterName}" refers to a CA file; embed it as certificate-authority-data`);
  }

  return {
    yaml: JSON.stringify(doc),
    apiServerUrl: url.toString().replace(/\/$/, ''),
    tlsInsecure: cluster['insecure-skip-tls-verify'] === true || url.protocol === 'http:',
    contextName,
    clusterName,
    userName,
    credentialKind: credentialKindOf(user, userName),
  };
}

function credentialKindOf(user: Record<string, unknown>, userName: string): CheckedKubeconfig['credentialKind'] {
  if (user.exec !== undefined)
    throw new KubeconfigError(
      `kubeconfig user "${userName}" uses an exec credential plugin, which the server will not run; use a token or a client certificate`,
    );
  if (user['auth-provider'] !== undefined)
    throw new KubeconfigError(`kubeconfig user "${userName}" uses an auth-provider; use a token or a client certificate`);
  if (user.tokenFile !== undefined || user['client-certificate'] !== undefined || user['client-key'] !== undefined) {
    throw new KubeconfigError(`kubeconfig user "${userName}" refers to files on disk; embed them (token, client-certificate-data, client-key-data)`);
  }
  if (typeof user.token === 'string' && user.token.trim()) return 'token';
  const cert = user['client-certificate-data'];
  const key = user['client-key-data'];
  if (typeof cert === 'string' && cert && typeof key === 'string' && key) return 'client-certificate';
  if ((cert === undefined) !== (key === undefined))
    throw new KubeconfigError(`kubeconfig user "${userName}" needs both client-certificate-data and client-key-data`);
  if (typeof user.username === 'string' && user.username && typeof user.password === 'string') return 'basic';
  throw new KubeconfigError(`kubeconfig user "${userName}" has no credentials (token, client certificate, or username/password)`);
}
