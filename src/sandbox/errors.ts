// Kubernetes `Status` failures as a real API server writes them. Handlers throw
// StatusError; the HTTP layer turns it into the JSON body with the matching code.

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'StatusError';
  }

  toStatus(): StatusBody {
    const body: StatusBody = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) body.details = this.details;
    return body;
  }
}

/** What a failure is about: `deployments.apps "web"` style qualified resource and name. */
export interface Subject {
  group: string;
  /** plural resource name, e.g. "deployments" */
  resource: string;
  /** Kind, used in details and in Invalid messages */
  kind: string;
  name?: string;
}

/** `deployments.apps` (core group resources have no suffix). */
export function qualifiedResource(s: { group: string; resource: string }): string {
  return s.group ? `${s.resource}.${s.group}` : s.resource;
}

function details(s: Subject, extra?: Partial<StatusDetails>): StatusDetails {
  const d: StatusDetails = { group: s.group, kind: s.resource };
  if (s.name !== undefined) d.name = s.name;
  return { ...d, ...extra };
}

export const notFound = (s: Subject) => new StatusError(404, 'NotFound', `${qualifiedResource(s)} "${s.name ?? ''}" not found`, details(s));

export const alreadyExists = (s: Subject) => new StatusError(409, 'AlreadyExists', `${qualifiedResource(s)} "${s.name ?? ''}" already exists`, details(s));

export const conflict = (s: Subject, why: string) =>
  new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(s)} "${s.name ?? ''}": ${why}`, details(s));

/** 422 Invalid: message `Kind.group "name" is invalid: field: reason, …` with one cause per problem. */
export function invalid(s: Subject, causes: StatusCause[]): StatusError {
  const kindGroup = s.group ? `${s.kind}.${s.group}` : s.kind;
  const list = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : (c.message ?? ''))).join(', ');
  const text = causes.length > 1 ? `[${list}]` : list;
  return new StatusError(422, 'Invalid', `${kindGroup} "${s.name ?? ''}" is invalid: ${text}`, {
    name: s.name,
    group: s.group,
    kind: s.kind,
    causes,
  });
}

export const badRequest = (message: string) => new StatusError(400, 'BadRequest', message);

export const unauthorized = () => new StatusError(401, 'Unauthorized', 'Unauthorized');

export const forbidden = (message: string, s?: Subject) => new StatusError(403, 'Forbidden', message, s ? details(s) : undefined);

export const methodNotSupported = (s: Subject, verb: string) =>
  new StatusError(405, 'MethodNotAllowed', `${verb} is not supported on resources of kind "${qualifiedResource(s)}"`, details(s));

export const unsupportedMediaType = (type: string, accepted: string[]) =>
  new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`, {
    causes: [{ reason: 'UnsupportedMediaType', message: `unsupported media type "${type}"` }],
  });

export const entityTooLarge = (limit: number) => new StatusError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`);

export const gone = (message: string) => new StatusError(410, 'Expired', message);

export const internalError = (message: string) => new StatusError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });

export const serviceUnavailable = (message: string) => new StatusError(503, 'ServiceUnavailable', message, { retryAfterSeconds: 1 });

/** 404 for a URL that names no resource at all (what a real server answers for unknown paths). */
export const pageNotFound = () => new StatusError(404, 'NotFound', 'the server could not find the requested resource');
