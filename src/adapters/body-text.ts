/**
 * Reads a whole response body as text, for the rare answer an adapter must read at once where it asked
 * for a stream (a JSON error body instead of SSE).
 */

/**
 * The body's text, decoded as UTF-8 across chunk boundaries.
 *
 * @example
 * const text = await bodyText(opened.body);
 */
export async function bodyText(body: AsyncIterable<Uint8Array | string>): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of body) {
    text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}
