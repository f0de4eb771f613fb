/**
 * Turns a zod validation failure into a 400 that names the bad field the way a client wrote it
 * (`messages[1].content[0].image_url.url`), so the fix is obvious without reading our schema.
 */
import type { z } from 'zod';
import { GatewayError } from './gateway-error.ts';

/** `['messages', 1, 'content']` → `messages[1].content`. */
export function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text;
}

export function invalidRequest(error: z.ZodError): GatewayError {
  const issue = error.issues[0]!;
  const param = fieldPath(issue.path);
  const where = param === '' ? 'body' : param;
  return new GatewayError(400, 'invalid_request', `Invalid request: ${where}: ${issue.message}`, {
    param: where,
  });
}
