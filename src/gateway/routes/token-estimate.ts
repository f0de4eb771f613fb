/**
 * The gateway's own estimate of a Messages request's input tokens, for an upstream that cannot count
 * them (one that does not speak Anthropic's protocol, or is unreachable). One token per four characters
 * of text — the rule the gateway's token rate limits already estimate prompts by — over the system
 * prompt, every string in the messages (text, tool inputs and results) and the tools' definitions as
 * JSON; an image or document sent as data counts a flat 1,600 tokens (about the most one image costs
 * Claude), not its base64 bytes, which no model reads as text.
 *
 * @example
 * estimateInputTokens({ messages: [{ role: 'user', content: 'Hello, world' }] }) // 4: 16 characters, the role's too
 */

/** A flat cost for an image or document block, whose encoded bytes are not text. */
export const MEDIA_BLOCK_TOKENS = 1600;
const CHARACTERS_PER_TOKEN = 4;

export function estimateInputTokens(body: Readonly<Record<string, unknown>>): number {
  const tally = { characters: 0, media: 0 };
  countValue(body.system, tally);
  countValue(body.messages, tally);
  if (body.tools !== undefined) tally.characters += JSON.stringify(body.tools).length;
  return Math.ceil(tally.characters / CHARACTERS_PER_TOKEN) + tally.media * MEDIA_BLOCK_TOKENS;
}

interface Tally {
  characters: number;
  media: number;
}

// The body's nesting is bounded by the gateway's JSON depth limit, so the recursion is too.
function countValue(value: unknown, tally: Tally): void {
  if (typeof value === 'string') tally.characters += value.length;
  else if (typeof value === 'number' || typeof value === 'boolean') tally.characters += String(value).length;
  else if (Array.isArray(value)) for (const item of value) countValue(item, tally);
  else if (typeof value === 'object' && value !== null) {
    const block = value as Record<string, unknown>;
    if ((block.type === 'image' || block.type === 'document') && isEncodedSource(block.source)) {
      tally.media++;
      return;
    }
    // Keys are the protocol's field names (`type`, `text`, `role`), not the prompt: values only.
    for (const key in block) if (key !== 'type') countValue(block[key], tally);
  }
}

function isEncodedSource(source: unknown): boolean {
  if (typeof source !== 'object' || source === null) return false;
  const kind = (source as { type?: unknown }).type;
  return kind === 'base64' || kind === 'url' || kind === 'file';
}
