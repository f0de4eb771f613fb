/**
 * The one failure mapping both transports share, fed the shapes each runtime's fetch rejects with (the
 * fault matrix sees Node's for real; Bun's, Deno's and a browser's are run by test/runtimes, this pins
 * each shape to its kind, DNS failures included, which no loopback test can provoke).
 */
import { describe, expect, test } from 'vitest';
import { ModelAPIError } from '../../src/core/errors/index.ts';
import { transportError } from '../../src/transport/upstream.ts';

const withCause = (message: string, cause: unknown) => Object.assign(new TypeError(message), { cause });
const coded = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('transportError', () => {
  test.each([
    [
      'Node fetch, DNS',
      withCause('fetch failed', coded('getaddrinfo ENOTFOUND api.example.invalid', 'ENOTFOUND')),
      'ENOTFOUND',
    ],
    [
      'Node fetch, refused',
      withCause('fetch failed', coded('connect ECONNREFUSED 127.0.0.1:9', 'ECONNREFUSED')),
      'ECONNREFUSED',
    ],
    [
      'Node fetch, reset mid-body',
      withCause('terminated', coded('other side closed', 'UND_ERR_SOCKET')),
      'other side closed',
    ],
    [
      'Bun',
      coded('Unable to connect. Is the computer able to access the url?', 'ConnectionRefused'),
      'ConnectionRefused',
    ],
    [
      'Deno',
      new TypeError('error sending request for url (http://api.example.invalid/): dns error'),
      'dns error',
    ],
    ['a browser', new TypeError('Failed to fetch'), 'Failed to fetch'],
  ])('%s → kind network, the cause named', (_runtime, error, named) => {
    const mapped = transportError(error, 'gpt-4o') as ModelAPIError;
    expect(mapped).toBeInstanceOf(ModelAPIError);
    expect(mapped.kind).toBe('network');
    expect(mapped.message).toContain(named);
  });

  test.each([
    ['undici headers timeout', coded('Headers Timeout Error', 'UND_ERR_HEADERS_TIMEOUT')],
    ['a fetch-transport deadline', new DOMException('no response headers within 50 ms', 'TimeoutError')],
  ])('%s → kind timeout', (_what, error) => {
    const mapped = transportError(error, 'gpt-4o') as ModelAPIError;
    expect(mapped.kind).toBe('timeout');
    expect(mapped.message).toMatch(/^upstream timed out/);
  });

  test("the caller's abort keeps the caller's reason", () => {
    const reason = new Error('user left');
    expect(transportError(new TypeError('fetch failed'), 'gpt-4o', AbortSignal.abort(reason))).toBe(reason);
  });
});
