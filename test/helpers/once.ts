/**
 * A step several tests build on (an install, an upgrade), run the first time a test asks for it;
 * later asks get the same result. A test asks for the steps it needs, so it runs alone as well as
 * after the tests before it.
 */
export function once<T>(step: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => (result ??= step());
}
