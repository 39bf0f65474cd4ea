// One place that turns errors into GraphQL errors with `extensions.code` (DESIGN §4).
// Domain errors keep their message; anything unexpected is masked and logged with the
// request id, so internals (and secrets in driver messages) never reach a client.
import { GraphQLError } from 'graphql';
import { DomainError, ValidationError } from '../domain/errors.ts';
import type { Logger } from '../observability/logger.ts';

const HTTP_STATUS: Record<string, number> = { UNAUTHENTICATED: 401 };

export function domainToGraphQLError(err: DomainError, path?: readonly (string | number)[]): GraphQLError {
  const extensions: Record<string, unknown> = { code: err.code };
  if (err instanceof ValidationError) extensions.fields = err.fields;
  const status = HTTP_STATUS[err.code];
  if (status) extensions.http = { status };
  return new GraphQLError(err.message, { path, extensions });
}

function findDomainError(err: unknown): DomainError | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    if (e instanceof DomainError) return e;
    e = (e as { originalError?: unknown; cause?: unknown }).originalError ?? (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export function createMaskError(log: Logger) {
  return (error: unknown, message: string): Error => {
    const gqlError = error instanceof GraphQLError ? error : undefined;
    const domain = findDomainError(error);
    if (domain) return domainToGraphQLError(domain, gqlError?.path);
    // Errors raised by GraphQL itself (validation, variable coercion) carry no original error.
    if (gqlError && !gqlError.originalError) {
      if (gqlError.extensions?.code) return gqlError;
      const code = /Variable "\$|got invalid value|Expected type/.test(gqlError.message) ? 'BAD_USER_INPUT' : 'GRAPHQL_VALIDATION_FAILED';
      return new GraphQLError(gqlError.message, { nodes: gqlError.nodes, path: gqlError.path, extensions: { ...gqlError.extensions, code } });
    }
    if (gqlError?.originalError instanceof GraphQLError && gqlError.originalError.extensions?.code) return gqlError.originalError;
    const requestId = (error as { requestId?: string }).requestId;
    log.error({ err: gqlError?.originalError ?? error, path: gqlError?.path, requestId }, 'unexpected error in GraphQL operation');
    return new GraphQLError(message, { path: gqlError?.path, extensions: { code: 'INTERNAL' } });
  };
}
