// The request an error belongs to, wherever it is raised: HTTP handling and WebSocket
// operations run inside `runInRequest`, so code without the GraphQL context (error
// masking, for one) can still name the request in its logs.
import { AsyncLocalStorage } from 'node:async_hooks';

const scope = new AsyncLocalStorage<{ requestId: string }>();

export function runInRequest<T>(requestId: string, fn: () => T): T {
  return scope.run({ requestId }, fn);
}

/** The id of the request being handled, if any. */
export function currentRequestId(): string | undefined {
  return scope.getStore()?.requestId;
}
