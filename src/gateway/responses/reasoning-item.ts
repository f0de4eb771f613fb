/**
 * A thinking part as a Responses `reasoning` item and back. Its readable text is the item's summary; what
 * must go back to the provider that made it (Claude's signature, its redacted thinking, OpenAI's own
 * encrypted reasoning) rides in `encrypted_content`, which clients such as Codex keep and send back
 * verbatim with `store: false`. The gateway adds in front of it whose it is and whether it was redacted,
 * because the next turn may be served by another provider: only the one that made a signature may get it
 * back (each adapter checks `providerName`), and the item itself cannot say so in any other field.
 *
 * Written form: `us1.<provider>.<t|r>.<signature>` (t: a signed thinking text, r: redacted). A value
 * without this prefix came from OpenAI itself (a client that talked to OpenAI before) and is kept as
 * OpenAI's.
 *
 * @example
 * encryptedContent({ partKind: 'thinking', content: 'Hm.', signature: 'sig', providerName: 'anthropic' })
 * // 'us1.anthropic.t.sig'
 * thinkingFromReasoning({ type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'us1.anthropic.r.blob' })
 * // { partKind: 'thinking', content: '', signature: 'blob', redacted: true, providerName: 'anthropic' }
 */
import type { ThinkingPart } from '../../core/messages.ts';

const PREFIX = 'us1.';

/** The `encrypted_content` of a thinking part; undefined when it carries nothing to send back. */
export function encryptedContent(part: ThinkingPart): string | undefined {
  if (!part.signature) return undefined;
  // A provider name with a dot would make the value ambiguous; such a signature cannot travel.
  const provider = part.providerName ?? '';
  if (provider.includes('.')) return undefined;
  return `${PREFIX}${provider}.${part.redacted ? 'r' : 't'}.${part.signature}`;
}

/** The readable text of a reasoning item: its summary texts, else its raw reasoning text. */
function reasoningText(item: ReasoningItemIn): string {
  const texts = item.summary?.length ? item.summary : (item.content ?? []);
  let text = '';
  for (const entry of texts) text = text === '' ? entry.text : `${text}\n\n${entry.text}`;
  return text;
}

/** A reasoning item as a client sends it back. */
export interface ReasoningItemIn {
  id?: string | null | undefined;
  summary?: Array<{ text: string }> | null | undefined;
  content?: Array<{ text: string }> | null | undefined;
  encrypted_content?: string | null | undefined;
}

/**
 * The thinking part of a sent-back reasoning item, or undefined when it holds nothing. An item the gateway
 * wrote gets back its provider and signature; one of OpenAI's own keeps its id and encrypted content as
 * OpenAI's (`openai`), which the OpenAI Responses adapter sends back and every other adapter leaves out.
 */
export function thinkingFromReasoning(item: ReasoningItemIn): ThinkingPart | undefined {
  const content = reasoningText(item);
  const encrypted = item.encrypted_content ?? '';
  const part: ThinkingPart = { partKind: 'thinking', content };
  if (encrypted.startsWith(PREFIX)) {
    const providerEnd = encrypted.indexOf('.', PREFIX.length);
    const kind = encrypted.slice(providerEnd + 1, providerEnd + 2);
    if (providerEnd !== -1 && (kind === 't' || kind === 'r') && encrypted[providerEnd + 2] === '.') {
      const provider = encrypted.slice(PREFIX.length, providerEnd);
      const signature = encrypted.slice(providerEnd + 3);
      if (provider !== '') part.providerName = provider;
      if (signature !== '') part.signature = signature;
      if (kind === 'r') part.redacted = true;
      if (item.id) part.id = item.id;
      return part.content === '' && part.signature === undefined ? undefined : part;
    }
  }
  if (encrypted !== '') {
    part.signature = encrypted;
    part.providerName = 'openai';
  }
  if (item.id) part.id = item.id;
  return part.content === '' && part.signature === undefined ? undefined : part;
}
