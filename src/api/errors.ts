// One place that turns errors into GraphQL errors with `extensions.code`. Domain errors
// keep their message; anything unexpected is masked and logged with the request id, so
// internals (and secrets in driver messages) never reach a client.
import { PothosValidationError } from '@pothos/core';
import { GraphQLError } from 'graphql';
import { DomainError, RateLimitedError, ValidationError } from '../domain/errors.ts';
import type { Logger } from '../observability/logger.ts';
import { currentRequestId } from './request-scope.ts';

const HTTP_STATUS: Record<string, number> = { UNAUTHENTICATED: 401, RATE_LIMITED: 429 };

/** The HTTP answer of an error that refuses a whole request (status, headers). */
export function httpOf(err: DomainError): { status: number; headers: Record<string, string> } | undefined {
  const status = HTTP_STATUS[err.code];
  if (!status) return undefined;
  const headers: Record<string, string> = {};
  if (err instanceof RateLimitedError) headers['retry-after'] = String(err.retryAfterSeconds);
  if (err.code === 'UNAUTHENTICATED') headers['www-authenticate'] = 'Bearer';
  return { status, headers };
}

export function domainToGraphQLError(err: DomainError, path?: readonly (string | number)[]): GraphQLError {
  const extensions: Record<string, unknown> = { code: err.code };
  if (err instanceof ValidationError) extensions.fields = err.fields;
  if (err instanceof RateLimitedError) extensions.retryAfterSeconds = err.retryAfterSeconds;
  const http = httpOf(err);
  if (http) extensions.http = http;
  return new GraphQLError(err.message, { path, extensions });
}

// Pothos refuses malformed pagination arguments (cursors, negative first/last) with its own error class.
const PAGINATION_PROBLEM = /cursor|base64|Argument "(first|last)"/i;

function findDomainError(err: unknown): DomainError | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    if (e instanceof DomainError) return e;
    if (e instanceof PothosValidationError && PAGINATION_PROBLEM.test(e.message)) {
      const argument = /Argument "(first|last)"/.exec(e.message)?.[1];
      return new ValidationError(`invalid pagination argument: ${e.message.slice(0, 200)}`, argument ? [argument] : ['after', 'before']);
    }
    e = (e as { originalError?: unknown; cause?: unknown }).originalError ?? (e as { cause?: unknown }).cause;
  }
  return undefined;
}

// graphql-js's message for variables that do not fit the schema (unknown enum values,
// wrong types, missing required ones); problems of the document itself stay validation errors.
const INPUT_PROBLEM = /^Variable "\$/;

/** The input named by a coercion message: `… at "input.strategy"` → input.strategy; `Variable "$id" …` → id. */
function inputFieldsOf(message: string): string[] {
  const at = /at "([^"]{1,200})"/.exec(message)?.[1];
  const variable = /^Variable "\$([A-Za-z_][A-Za-z0-9_]*)"/.exec(message)?.[1];
  return at ? [at] : variable ? [variable] : [];
}

export function createMaskError(log: Logger) {
  return (error: unknown, message: string): Error => {
    const gqlError = error instanceof GraphQLError ? error : undefined;
    const domain = findDomainError(error);
    if (domain) return domainToGraphQLError(domain, gqlError?.path);
    const original = gqlError?.originalError;
    // Errors raised by GraphQL itself (validation; variable coercion, whose original error is
    // the GraphQLError of a scalar or enum) carry no path: they are about the request.
    if (gqlError && !gqlError.path && (!original || original instanceof GraphQLError)) {
      if (!INPUT_PROBLEM.test(gqlError.message)) {
        return gqlError.extensions?.code
          ? gqlError
          : new GraphQLError(gqlError.message, { nodes: gqlError.nodes, extensions: { ...gqlError.extensions, code: 'GRAPHQL_VALIDATION_FAILED' } });
      }
      return new GraphQLError(gqlError.message, {
        nodes: gqlError.nodes,
        extensions: { ...gqlError.extensions, code: 'BAD_USER_INPUT', fields: inputFieldsOf(gqlError.message) },
      });
    }
    if (gqlError?.extensions?.code) return gqlError;
    if (original instanceof GraphQLError && original.extensions?.code) return original;
    log.error({ err: original ?? error, path: gqlError?.path, requestId: currentRequestId() }, 'unexpected error in GraphQL operation');
    return new GraphQLError(message, { path: gqlError?.path, extensions: { code: 'INTERNAL' } });
  };
}
