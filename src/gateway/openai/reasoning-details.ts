/**
 * OpenRouter's `reasoning_details`: the model's thinking as structured items that keep what `reasoning`
 * (plain text) loses — Claude's signature and its redacted (encrypted) thinking. Claude rejects a
 * tool-use turn sent back without its signed thinking when extended thinking is on, so an OpenAI-protocol
 * client can continue such a loop only by sending these items back verbatim.
 *
 * Items, as OpenRouter writes them (`format` says whose the signature or data is; `index` numbers the
 * thinking blocks of one answer, so streamed pieces of the same block share it):
 * - `{ type: 'reasoning.text', text, signature?, id?, format, index }`
 * - `{ type: 'reasoning.encrypted', data, id?, format, index }` (Anthropic's `redacted_thinking`)
 * - `{ type: 'reasoning.summary', summary, id?, format, index }` (read only; we never write one)
 *
 * @example
 * reasoningDetail({ partKind: 'thinking', content: 'Hm.', signature: 'sig', providerName: 'anthropic' }, 0)
 * // { type: 'reasoning.text', text: 'Hm.', signature: 'sig', format: 'anthropic-claude-v1', index: 0 }
 * thinkingFromDetails([{ type: 'reasoning.encrypted', data: 'blob', format: 'anthropic-claude-v1' }])
 * // [{ partKind: 'thinking', content: '', signature: 'blob', redacted: true, providerName: 'anthropic' }]
 */
import { z } from 'zod';
import type { ThinkingPart } from '../../core/messages.ts';

/**
 * The formats we name, by the `providerName` whose adapter accepts the signature back. The Anthropic
 * endpoint likewise takes a sent-back thinking block as `anthropic`'s; a provider configured under
 * another name gets `unknown`, and its thinking comes back as foreign (unsigned) text.
 */
// Maps, not object literals: a client-sent format such as `constructor` must find nothing.
const FORMAT_OF_PROVIDER: ReadonlyMap<string, string> = new Map([['anthropic', 'anthropic-claude-v1']]);
const PROVIDER_OF_FORMAT: ReadonlyMap<string, string> = new Map([['anthropic-claude-v1', 'anthropic']]);

/** The `format` of a thinking part made by `providerName`. */
export function reasoningFormat(providerName: string | undefined): string {
  return (providerName !== undefined && FORMAT_OF_PROVIDER.get(providerName)) || 'unknown';
}

/** One item of `message.reasoning_details` for a whole thinking part. */
export function reasoningDetail(part: ThinkingPart, index: number): Record<string, unknown> {
  const format = reasoningFormat(part.providerName);
  const item: Record<string, unknown> = part.redacted
    ? { type: 'reasoning.encrypted', data: part.signature ?? '' }
    : { type: 'reasoning.text', text: part.content };
  if (!part.redacted && part.signature) item.signature = part.signature;
  if (part.id !== undefined) item.id = part.id;
  item.format = format;
  item.index = index;
  return item;
}

/** An item as a client may send it back; unknown types are skipped, not refused (OpenRouter adds some). */
export const reasoningDetailSchema = z.object({
  type: z.string(),
  text: z.string().nullish(),
  summary: z.string().nullish(),
  data: z.string().nullish(),
  signature: z.string().nullish(),
  id: z.string().nullish(),
  format: z.string().nullish(),
  index: z.number().nullish(),
});
export type ReasoningDetailIn = z.output<typeof reasoningDetailSchema>;

/**
 * Thinking parts for the items of a sent-back assistant message, in order. A signed item of a format we
 * name carries that provider's name, which is what lets its adapter send it back as a real thinking block.
 */
export function thinkingFromDetails(details: ReasoningDetailIn[]): ThinkingPart[] {
  const parts: ThinkingPart[] = [];
  for (const detail of details) {
    let part: ThinkingPart;
    if (detail.type === 'reasoning.text') {
      if (!detail.text && !detail.signature) continue;
      part = { partKind: 'thinking', content: detail.text ?? '' };
      if (detail.signature) part.signature = detail.signature;
    } else if (detail.type === 'reasoning.encrypted') {
      if (!detail.data) continue;
      part = { partKind: 'thinking', content: '', signature: detail.data, redacted: true };
    } else if (detail.type === 'reasoning.summary') {
      if (!detail.summary) continue;
      part = { partKind: 'thinking', content: detail.summary };
    } else continue;
    const providerName = detail.format == null ? undefined : PROVIDER_OF_FORMAT.get(detail.format);
    if (providerName !== undefined) part.providerName = providerName;
    if (detail.id != null) part.id = detail.id;
    parts.push(part);
  }
  return parts;
}
