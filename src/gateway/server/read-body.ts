/**
 * Reads a request body as JSON within the gateway's limits: a byte limit checked against
 * `content-length` before reading and while reading (413), and a nesting-depth limit checked on the raw
 * text before parsing (400), so a hostile body costs neither memory nor a deep recursion.
 *
 * @example
 * const body = await readJsonBody(req, { maxBytes: 1 << 20, maxDepth: 64 });
 */
import { GatewayError } from '../errors/gateway-error.ts';
import type { GatewayRequest } from './http-types.ts';

export interface BodyLimits {
  maxBytes: number;
  maxDepth: number;
}

export async function readJsonBody(req: GatewayRequest, limits: BodyLimits): Promise<unknown> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limits.maxBytes) throw tooLarge(limits.maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > limits.maxBytes) throw tooLarge(limits.maxBytes);
    chunks.push(buffer);
  }
  const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8');
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
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'parse error';
    throw new GatewayError(
      400,
      'invalid_json',
      `The request body is not valid JSON: ${reason.slice(0, 200)}`,
    );
  }
}

function tooLarge(maxBytes: number): GatewayError {
  return new GatewayError(
    413,
    'body_too_large',
    `The request body is larger than the limit of ${maxBytes} bytes.`,
  );
}

/** True when `[`/`{` nest deeper than `maxDepth` outside of strings. One pass over the characters. */
export function exceedsDepth(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 92)
        i++; // backslash: skip the escaped character
      else if (code === 34) inString = false;
    } else if (code === 34) inString = true;
    else if (code === 123 || code === 91) {
      if (++depth > maxDepth) return true;
    } else if (code === 125 || code === 93) depth--;
  }
  return false;
}
