/**
 * Response ids (`chatcmpl-…`, `msg_…`) that are unique without a random draw per request: a random
 * prefix chosen once per process, then a counter. Drawing 12 random bytes per request cost more than
 * rendering the whole response.
 *
 * @example
 * const nextId = responseIdMaker('chatcmpl-');
 * nextId(); // 'chatcmpl-Xq3v9TzK1a'
 */
import { randomBytes } from 'node:crypto';

export function responseIdMaker(prefix: string): () => string {
  const processPart = `${prefix}${randomBytes(9).toString('base64url')}`;
  let counter = 0;
  return () => `${processPart}${(++counter).toString(36)}`;
}
