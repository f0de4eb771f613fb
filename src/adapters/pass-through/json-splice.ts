/**
 * Edits a JSON text without parsing it: finds where a top-level key's value sits and replaces it, so a
 * pass-through body keeps every other byte the client sent (key order, spacing, number spelling, fields
 * no schema here knows). One pass over the characters up to the key, depth-aware, skipping strings; a
 * body with the key near its start (OpenAI's and Anthropic's `model` usually is) costs almost nothing.
 */

/** Where a value sits in a JSON text: `[start, end)`, quotes included for a string. */
export type ValueSpan = readonly [start: number, end: number];

/**
 * The span of the value of `key` in the top-level object of `text`, or undefined when the object has no
 * such key (or `text` is not an object). The text is trusted to be valid JSON (the gateway parsed it).
 *
 * @example
 * findTopLevelValue('{"messages":[{"model":1}],"model":"a"}', 'model'); // [34, 37]
 */
export function findTopLevelValue(text: string, key: string): ValueSpan | undefined {
  const entry = findTopLevelEntry(text, key);
  return entry && [entry[1], entry[2]];
}

/**
 * `text` without the top-level `key` (and the comma that separated it), or `text` itself when absent:
 * how a gateway takes out its own fields (OpenRouter's `models`) before the body goes upstream.
 *
 * @example
 * deleteTopLevelKey('{"model":"a","models":["b"],"stream":true}', 'models'); // '{"model":"a","stream":true}'
 */
export function deleteTopLevelKey(text: string, key: string): string {
  const entry = findTopLevelEntry(text, key);
  if (!entry) return text;
  let end = entry[2];
  while (isSpace(text.charCodeAt(end))) end++;
  if (text.charCodeAt(end) === 44) {
    let next = end + 1;
    while (isSpace(text.charCodeAt(next))) next++;
    return text.slice(0, entry[0]) + text.slice(next);
  }
  // The last entry: the comma before it goes instead.
  let start = entry[0] - 1;
  while (isSpace(text.charCodeAt(start))) start--;
  if (text.charCodeAt(start) === 44) return text.slice(0, start) + text.slice(end);
  return text.slice(0, entry[0]) + text.slice(end);
}

/** The key's start, and its value's start and end, in the top-level object. */
function findTopLevelEntry(text: string, key: string): [number, number, number] | undefined {
  const quoted = JSON.stringify(key);
  // Fast path, native searches only: `"key":` with unescaped quotes can only be a key (inside a string
  // its quotes would be escaped), and it is top-level when no bracket opens before it but the object's.
  const direct = text.indexOf(`${quoted}:`);
  if (direct !== -1) {
    const open = text.indexOf('{');
    if (text.lastIndexOf('{', direct) === open && text.lastIndexOf('[', direct) === -1) {
      let start = direct + quoted.length + 1;
      while (isSpace(text.charCodeAt(start))) start++;
      return [direct, start, valueEnd(text, start)];
    }
  }
  let depth = 0;
  let i = 0;
  const length = text.length;
  while (i < length) {
    const code = text.charCodeAt(i);
    if (code === 34) {
      const end = stringEnd(text, i);
      // A string at depth 1 followed by `:` is a key of the top-level object.
      if (depth === 1 && text.startsWith(quoted, i) && end === i + quoted.length) {
        let colon = end;
        while (isSpace(text.charCodeAt(colon))) colon++;
        if (text.charCodeAt(colon) === 58) {
          let start = colon + 1;
          while (isSpace(text.charCodeAt(start))) start++;
          return [i, start, valueEnd(text, start)];
        }
      }
      i = end;
      continue;
    }
    if (code === 123 || code === 91) depth++;
    else if (code === 125 || code === 93) depth--;
    i++;
  }
  return undefined;
}

/**
 * `text` with the top-level `key` set to `value` (any JSON value, written with JSON.stringify): replaced
 * in place when present, else added first in the object.
 *
 * @example
 * setTopLevelValue('{"model":"claude","max_tokens":5}', 'model', 'claude-opus-4-1'); // '{"model":"claude-opus-4-1","max_tokens":5}'
 */
export function setTopLevelValue(text: string, key: string, value: unknown): string {
  return setAt(text, findTopLevelValue(text, key), key, value);
}

/** `setTopLevelValue` with the span found once beforehand (the same body sent to several models). */
export function setAt(text: string, span: ValueSpan | undefined, key: string, value: unknown): string {
  const json = JSON.stringify(value);
  if (span) return text.slice(0, span[0]) + json + text.slice(span[1]);
  const open = text.indexOf('{');
  let next = open + 1;
  while (isSpace(text.charCodeAt(next))) next++;
  const separator = text.charCodeAt(next) === 125 ? '' : ',';
  return `${text.slice(0, open + 1)}${JSON.stringify(key)}:${json}${separator}${text.slice(open + 1)}`;
}

/** The index just past the string that opens at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const quote = text.indexOf('"', i);
    if (quote === -1) return text.length;
    // An odd run of backslashes before the quote escapes it.
    let slashes = 0;
    while (text.charCodeAt(quote - 1 - slashes) === 92) slashes++;
    if (slashes % 2 === 0) return quote + 1;
    i = quote + 1;
  }
}

/** The index just past the value that starts at `start`. */
function valueEnd(text: string, start: number): number {
  const code = text.charCodeAt(start);
  if (code === 34) return stringEnd(text, start);
  if (code === 123 || code === 91) {
    let depth = 0;
    let i = start;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i = stringEnd(text, i);
        continue;
      }
      if (c === 123 || c === 91) depth++;
      else if (c === 125 || c === 93) {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    return text.length;
  }
  // A number, true, false or null: up to the next delimiter.
  let i = start;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 44 || c === 125 || c === 93 || isSpace(c)) break;
    i++;
  }
  return i;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 10 || code === 13 || code === 9;
}
