// Typed errors of calls to a cluster's API server. Every error names the cluster and says
// what kind of failure it was, so callers decide on the kind (retry, fail the step, report
// "unreachable") instead of parsing messages. Messages never contain credentials: they are
// built from the request path, the HTTP code and the server's Status, never from headers.

export type KubeErrorKind =
  /** Connection refused or reset, DNS failure, host unreachable. */
  | 'UNREACHABLE'
  /** The TLS handshake failed (unknown CA, hostname mismatch, expired certificate). */
  | 'TLS'
  /** No answer within the request timeout. */
  | 'TIMEOUT'
  /** 401: the credentials were refused. */
  | 'UNAUTHORIZED'
  /** 403: authenticated, but not allowed. */
  | 'FORBIDDEN'
  /** 404, or a kind the cluster does not serve. */
  | 'NOT_FOUND'
  /** 409: AlreadyExists, a resourceVersion conflict, or a server-side apply field conflict. */
  | 'CONFLICT'
  /** 400/422: the object or request is invalid. */
  | 'INVALID'
  /** 410: a continue token or resourceVersion too old. */
  | 'GONE'
  /** 413: request entity too large. */
  | 'TOO_LARGE'
  /** 429: throttled. */
  | 'TOO_MANY_REQUESTS'
  /** 5xx. */
  | 'SERVER_ERROR'
  /** The caller's AbortSignal fired. */
  | 'ABORTED'
  /** An answer we cannot read (not JSON, wrong shape). */
  | 'PROTOCOL';

/** Kinds worth another attempt: transient by nature. */
const RETRYABLE_KINDS: ReadonlySet<KubeErrorKind> = new Set(['UNREACHABLE', 'TIMEOUT', 'TOO_MANY_REQUESTS', 'SERVER_ERROR']);

/** The meta/v1 Status body of a failed request. */
export interface KubeStatus {
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; group?: string; kind?: string; causes?: Array<{ reason?: string; message?: string; field?: string }>; retryAfterSeconds?: number };
}

export interface KubeErrorInit {
  kind: KubeErrorKind;
  clusterName: string;
  /** What was being done: "PATCH /apis/apps/v1/namespaces/x/deployments/y". */
  operation?: string;
  httpStatus?: number;
  /** Status.reason (NotFound, AlreadyExists, Conflict, Invalid…). */
  reason?: string;
  /** Status.message as the server wrote it, or the socket error's description. */
  detail?: string;
  status?: KubeStatus;
  /** Attempts made before giving up (1 = no retry). */
  attempts?: number;
  /** Seconds the server asked to wait (429/503 Retry-After). */
  retryAfterSeconds?: number;
  cause?: unknown;
}

export class KubeError extends Error {
  readonly kind: KubeErrorKind;
  readonly clusterName: string;
  readonly operation?: string;
  readonly httpStatus?: number;
  readonly reason?: string;
  readonly detail?: string;
  readonly status?: KubeStatus;
  attempts: number;
  readonly retryAfterSeconds?: number;

  constructor(init: KubeErrorInit) {
    super(describe(init), init.cause !== undefined ? { cause: init.cause } : undefined);
    this.name = 'KubeError';
    this.kind = init.kind;
    this.clusterName = init.clusterName;
    if (init.operation !== undefined) this.operation = init.operation;
    if (init.httpStatus !== undefined) this.httpStatus = init.httpStatus;
    if (init.reason !== undefined) this.reason = init.reason;
    if (init.detail !== undefined) this.detail = init.detail;
    if (init.status !== undefined) this.status = init.status;
    if (init.retryAfterSeconds !== undefined) this.retryAfterSeconds = init.retryAfterSeconds;
    this.attempts = init.attempts ?? 1;
  }

  get retryable(): boolean {
    return RETRYABLE_KINDS.has(this.kind);
  }
}

const KIND_TEXT: Record<KubeErrorKind, string> = {
  UNREACHABLE: 'unreachable',
  TLS: 'TLS handshake failed',
  TIMEOUT: 'timed out',
  UNAUTHORIZED: 'credentials refused (401 Unauthorized)',
  FORBIDDEN: 'forbidden (403)',
  NOT_FOUND: 'not found (404)',
  CONFLICT: 'conflict (409)',
  INVALID: 'invalid',
  GONE: 'expired (410 Gone)',
  TOO_LARGE: 'request too large (413)',
  TOO_MANY_REQUESTS: 'throttled (429)',
  SERVER_ERROR: 'server error',
  ABORTED: 'cancelled',
  PROTOCOL: 'unreadable answer',
};

function describe(init: KubeErrorInit): string {
  const code = init.httpStatus && !KIND_TEXT[init.kind].includes(String(init.httpStatus)) ? ` ${init.httpStatus}` : '';
  const op = init.operation ? ` (${init.operation})` : '';
  const detail = init.detail ? `: ${init.detail}` : '';
  return `cluster ${init.clusterName}: ${KIND_TEXT[init.kind]}${code}${op}${detail}`;
}

export function isKubeError(err: unknown, kind?: KubeErrorKind): err is KubeError {
  return err instanceof KubeError && (kind === undefined || err.kind === kind);
}

export function kindOfHttpStatus(code: number): KubeErrorKind {
  if (code === 401) return 'UNAUTHORIZED';
  if (code === 403) return 'FORBIDDEN';
  if (code === 404) return 'NOT_FOUND';
  if (code === 409) return 'CONFLICT';
  if (code === 400 || code === 422 || code === 415) return 'INVALID';
  if (code === 410) return 'GONE';
  if (code === 413) return 'TOO_LARGE';
  if (code === 429) return 'TOO_MANY_REQUESTS';
  if (code === 408 || code === 504) return 'TIMEOUT';
  if (code >= 500) return 'SERVER_ERROR';
  return 'PROTOCOL';
}

/** Reads a Status from a response body, when it is one. */
export function parseStatus(text: string): KubeStatus | undefined {
  try {
    const parsed = JSON.parse(text) as KubeStatus & { kind?: string };
    return parsed && typeof parsed === 'object' && (parsed.kind === 'Status' || typeof parsed.message === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

// Socket error codes → kind. TLS failures are not retried: a wrong CA does not fix itself.
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** Maps an error from the socket layer (not an HTTP answer) to a KubeError. */
export function fromSocketError(err: unknown, clusterName: string, operation: string): KubeError {
  const e = err as NodeJS.ErrnoException & { reason?: string };
  const code = e?.code ?? '';
  let kind: KubeErrorKind = 'UNREACHABLE';
  let detail: string;
  if (TIMEOUT_CODES.has(code)) {
    kind = 'TIMEOUT';
    detail = `connection timed out (${code})`;
  } else if (UNREACHABLE_CODES.has(code)) {
    detail = code === 'ECONNREFUSED' ? 'connection refused' : code === 'ECONNRESET' ? 'connection reset' : code === 'ENOTFOUND' ? 'host name not found' : code;
  } else if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|HOSTNAME|ERR_TLS/i.test(code) || /certificate|ssl|tls/i.test(e?.message ?? '')) {
    kind = 'TLS';
    detail = `${code || 'TLS error'}${e?.reason ? ` (${e.reason})` : ''}`;
  } else if (e?.message === 'socket hang up') {
    detail = 'connection closed by the server (socket hang up)';
  } else {
    detail = code || (e?.message ?? String(err));
  }
  return new KubeError({ kind, clusterName, operation, detail, cause: err });
}
