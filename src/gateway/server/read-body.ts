/**
 * Reads a request body as JSON within the gateway's limits: a JSON Content-Type required before reading
 * (415), a byte limit checked against `content-length` before reading and while reading (413), the bytes
 * required to be UTF-8 (400), and a nesting-depth limit checked on the raw text before parsing (400), so
 * a hostile body costs neither memory nor a deep recursion, and no body is read other than as sent.
 *
 * @example
 * const body = await readJsonBody(req, { maxBytes: 1 << 20, maxDepth: 64 });
 */
import { isUtf8 } from 'node:buffer';
import { GatewayError } from '../errors/gateway-error.ts';
import type { GatewayRequest } from './http-types.ts';
import { requireJsonContentType } from './json-content-type.ts';
import { findUtf8Problem } from './utf8-problem.ts';

export interface BodyLimits {
  maxBytes: number;
  maxDepth: number;
}

export async function readJsonBody(req: GatewayRequest, limits: BodyLimits): Promise<unknown> {
  return (await readJsonBodyText(req, limits)).json;
}

/**
 * `readJsonBody`, with the text it parsed: what a pass-through sends on, the client's own bytes.
 *
 * @example
 * const { json, text } = await readJsonBodyText(req, limits);
 */
export async function readJsonBodyText(
  req: GatewayRequest,
  limits: BodyLimits,
): Promise<{ json: unknown; text: string }> {
  requireJsonContentType(req.headers['content-type']);
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limits.maxBytes) throw tooLarge(limits.maxBytes);
  const chunks = isEmitter(req)
    ? await readWithEvents(req, limits.maxBytes)
    : await readWithIterator(req, limits.maxBytes);
  const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  // toString() would replace each bad byte with U+FFFD and the altered prompt would be sent on (and
  // billed): refuse instead. One native pass over the bytes already in memory, no copy.
  if (!isUtf8(bytes)) throw notUtf8(bytes);
  const text = bytes.toString('utf8');
  if (text.trim() === '')
    throw new GatewayError(400, 'invalid_json', 'The request body is empty; send a JSON object.');
  if (exceedsDepth(text, limits.maxDepth)) {
    throw new GatewayError(
      400,
      'invalid_json',
      `The JSON body is nested deeper than ${limits.maxDepth} levels.`,
    );
  }
  try {
    return { json: JSON.parse(text), text };
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'parse error';
    throw new GatewayError(
      400,
      'invalid_json',
      `The request body is not valid JSON: ${reason.slice(0, 200)}`,
    );
  }
}

/** Node's IncomingMessage: readable through its events. */
interface EmittingRequest extends GatewayRequest {
  on(event: string, listener: (...args: never[]) => void): unknown;
  off(event: string, listener: (...args: never[]) => void): unknown;
  destroy(): unknown;
}

function isEmitter(req: GatewayRequest): req is EmittingRequest {
  const candidate = req as Partial<EmittingRequest>;
  return (
    typeof candidate.on === 'function' &&
    typeof candidate.off === 'function' &&
    typeof candidate.destroy === 'function'
  );
}

/**
 * Reads node's request through 'data' and 'end'. The same as `for await`, which the gateway did before,
 * minus its async iterator: a promise per chunk and a stream-finished watcher per request, several
 * microseconds on the hot path. A body over the limit destroys the request, as leaving the loop did.
 */
function readWithEvents(req: EmittingRequest, maxBytes: number): Promise<Buffer[]> {
  return new Promise<Buffer[]>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer | string): void => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += buffer.length;
      if (size > maxBytes) {
        done();
        req.destroy();
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(buffer);
    };
    const onEnd = (): void => {
      done();
      resolve(chunks);
    };
    const onError = (error: Error): void => {
      done();
      reject(error);
    };
    // Closed without 'end' (the client went away mid-body) and without an 'error' to say so.
    const onClose = (): void => {
      done();
      reject(new Error('the request was closed before its body ended'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/** Any other async-iterable request (inject()'s in-memory one). */
async function readWithIterator(req: GatewayRequest, maxBytes: number): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > maxBytes) throw tooLarge(maxBytes);
    chunks.push(buffer);
  }
  return chunks;
}

function notUtf8(bytes: Buffer): GatewayError {
  const problem = findUtf8Problem(bytes);
  const where = problem
    ? ` at byte offset ${problem.offset} (0x${problem.byte.toString(16).toUpperCase().padStart(2, '0')}: ${problem.reason})`
    : '';
  return new GatewayError(
    400,
    'invalid_json',
    `The request body is not valid UTF-8${where}. Send the JSON encoded as UTF-8.`,
  );
}

function tooLarge(maxBytes: number): GatewayError {
  return new GatewayError(
    413,
    'body_too_large',
    `The request body is larger than the limit of ${maxBytes} bytes.`,
  );
}

/**
 * True when `[`/`{` nest deeper than `maxDepth` outside of strings. One pass; a string is crossed with
 * `indexOf` to its closing quote rather than character by character: nearly all of an LLM request is
 * string content (prompts, tool results, files an agent sends), so on a 100 KiB body this is native
 * speed instead of a JavaScript loop over every character.
 */
export function exceedsDepth(text: string, maxDepth: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 34) {
      i = stringEnd(text, i);
      if (i === -1) return false; // an unterminated string: JSON.parse refuses the body
    } else if (code === 123 || code === 91) {
      if (++depth > maxDepth) return true;
    } else if (code === 125 || code === 93) depth--;
  }
  return false;
}

/** Index of the quote that closes the string opened at `open`: one not escaped, i.e. after an even run of backslashes. */
function stringEnd(text: string, open: number): number {
  let end = open;
  for (;;) {
    end = text.indexOf('"', end + 1);
    if (end === -1) return -1;
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === 92) backslashes++;
    if (backslashes % 2 === 0) return end;
  }
}
