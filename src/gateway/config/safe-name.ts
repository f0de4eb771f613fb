/**
 * The rule for names the gateway echoes into response headers, log lines and metric labels — a model
 * id a client asks for, a route or client name from the config: no C0 control character and no DEL.
 * A CR or LF there forges a log line or a header, a NUL truncates the name in C-based tools, an ESC
 * drives an operator's terminal, and none of them belongs in a name. A request naming one is refused with
 * a 400 naming the field; a config naming one is refused when it is loaded.
 *
 * @example
 * safeName.safeParse('openai:gpt-4o').success // true
 * safeName.safeParse('openai:gpt-4o\r\nx-injected: 1').success // false
 */
import { z } from 'zod';

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** True when `text` holds a C0 control character (NUL, CR, LF, ESC...) or DEL. */
export function hasControlCharacter(text: string): boolean {
  return CONTROL_CHARACTER.test(text);
}

export const CONTROL_CHARACTER_MESSAGE =
  'must not contain control characters (NUL, CR, LF, tab, ESC, DEL...)';

/** A non-empty name without control characters. */
export const safeName = z
  .string()
  .min(1)
  .refine((text) => !hasControlCharacter(text), CONTROL_CHARACTER_MESSAGE);
