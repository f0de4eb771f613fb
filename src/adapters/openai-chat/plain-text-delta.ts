/**
 * A scan for the one frame shape that makes up almost every token of a Chat Completions stream: a single
 * choice (index 0) whose delta is nothing but a `content` string, not finished, with no usage and no
 * error. A pass-through stream writes the frame's own bytes to its client, so for this shape the reader
 * needs only the text (for the answer it assembles), and a handful of native string searches find it
 * where `JSON.parse` would build the whole chunk. Any other shape — the role chunk, a finish reason, the
 * usage chunk, tool calls, reasoning, an error, more choices, a nested value after the delta — is not
 * recognized, and the reader parses it in full as before.
 *
 * Key patterns such as `"usage":{` cannot occur inside a JSON string (every quote there is escaped), so
 * searching the frame's text for them finds keys only.
 */

const HEAD = '"choices":[{"index":0,"delta":{"content":"';

/**
 * The text of a plain content delta frame, or undefined when the frame is any other shape (parse it).
 * A text with escapes is decoded by `JSON.parse` of that string alone; a broken escape throws its
 * SyntaxError, which the reader reports as a malformed frame.
 *
 * @example
 * plainTextDelta('{"id":"c","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}'); // 'Hi'
 */
export function plainTextDelta(data: string): string | undefined {
  const head = data.indexOf(HEAD);
  if (head === -1 || data.charCodeAt(0) !== 123 || data.charCodeAt(data.length - 1) !== 125) return undefined;
  const start = head + HEAD.length;
  const close = closingQuote(data, start);
  if (close === -1) return undefined;
  // The delta holds the content alone, and the choice ends with no nested value: `},"logprobs":null,…}]`.
  if (data.charCodeAt(close + 1) !== 125) return undefined;
  const choiceEnd = data.indexOf('}', close + 2);
  if (choiceEnd === -1 || data.charCodeAt(choiceEnd + 1) !== 93) return undefined;
  const rest = data.slice(close + 2, choiceEnd);
  if (rest.includes('{') || rest.includes('[') || rest.includes('"finish_reason":"')) return undefined;
  if (data.includes('"usage":{') || data.includes('"error"')) return undefined;
  const text = data.slice(start, close);
  return text.includes('\\') ? (JSON.parse(data.slice(start - 1, close + 1)) as string) : text;
}

/** The index of the quote that closes the string starting at `start`: the first one not escaped. */
function closingQuote(data: string, start: number): number {
  let quote = data.indexOf('"', start);
  while (quote !== -1) {
    let backslashes = 0;
    while (data.charCodeAt(quote - 1 - backslashes) === 92) backslashes++;
    if (backslashes % 2 === 0) return quote;
    quote = data.indexOf('"', quote + 1);
  }
  return -1;
}
