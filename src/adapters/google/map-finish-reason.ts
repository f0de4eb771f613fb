/**
 * Gemini's `finishReason` values, normalized. Gemini says `STOP` for a turn that ends in function calls
 * too, so the caller tells us whether the response holds any; the raw value is kept beside the
 * normalized one on the response.
 */
import type { FinishReason } from '../../core/messages.ts';

// Every reason Google documents for a response cut short by a policy: safety classifiers, recitation of
// training data, term blocklists, sensitive personal data, Vertex's Model Armor.
const FILTERED = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
  'MODEL_ARMOR',
]);

/**
 * Maps a Gemini finish reason to ours. Unknown and malformed-call reasons (`MALFORMED_FUNCTION_CALL`,
 * `OTHER`, `LANGUAGE`, ...) are `error`: the model did not finish normally.
 *
 * @example
 * mapFinishReason('MAX_TOKENS', false); // 'length'
 * mapFinishReason('STOP', true);        // 'tool_call'
 */
export function mapFinishReason(raw: string, hasToolCalls: boolean): FinishReason {
  if (raw === 'STOP') return hasToolCalls ? 'tool_call' : 'stop';
  if (raw === 'MAX_TOKENS') return 'length';
  if (FILTERED.has(raw)) return 'content_filter';
  return 'error';
}

/**
 * True when Gemini withheld the answer for a policy reason (the prompt's block reason or the finish reason).
 *
 * @example
 * isFilteredReason('PROHIBITED_CONTENT'); // true
 */
export function isFilteredReason(raw: string): boolean {
  return FILTERED.has(raw);
}
