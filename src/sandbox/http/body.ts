// Request bodies: read with the API server's size limit, decoded as JSON or YAML.
import type { IncomingMessage } from 'node:http';
import yaml from 'js-yaml';
import { badRequest, entityTooLarge, StatusError } from '../errors.ts';

/** The API server's limit on a request body (3 MiB). */
const MAX_BODY_BYTES = 3 * 1024 * 1024;

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    return Promise.reject(entityTooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(entityTooLarge(limit));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** JSON unless the content type says YAML (YAML is a superset, so apply bodies may be either). */
export function parseBody(body: Buffer, contentType: string | undefined): unknown {
  if (body.length === 0) throw badRequest('the request body is empty');
  const text = body.toString('utf8');
  try {
    if (contentType?.includes('yaml')) {
      const trimmed = text.trimStart();
      return trimmed.startsWith('{') || trimmed.startsWith('[') ? JSON.parse(text) : yaml.load(text);
    }
    return JSON.parse(text);
  } catch (err) {
    if (err instanceof StatusError) throw err;
    const what = contentType?.includes('yaml') ? 'yaml' : 'json';
    throw badRequest(`couldn't get version/kind; ${what} parse error: ${(err as Error).message}`);
  }
}
