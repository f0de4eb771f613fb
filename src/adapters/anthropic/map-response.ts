/**
 * Response processing shared by `request` and `requestStream`: both feed Anthropic's content blocks
 * through one ResponseBuilder and map usage the same way, so a streamed answer and a whole one come out
 * identical.
 *
 * @example
 * const builder = new ResponseBuilder('claude-sonnet-4-5', 'anthropic');
 * for (const event of startBlock(builder, 0, { type: 'text', text: 'Hi' }, 'whole')) {}
 */
import type { ModelResponseStreamEvent } from '../../core/messages.ts';
import type { ResponseBuilder } from '../../core/response-builder.ts';
import { emptyUsage, type RequestUsage } from '../../core/usage.ts';
import type { AnthropicContentBlock, AnthropicUsage } from './api.ts';
import { inBandError } from './errors.ts';

/**
 * Opens the part for one content block. `whole` blocks (non-streamed answers) carry their full content;
 * `streamed` ones start empty and grow by deltas, a tool call's arguments arriving as JSON text.
 */
export function* startBlock(
  builder: ResponseBuilder,
  index: number,
  block: AnthropicContentBlock,
  mode: 'whole' | 'streamed',
): Generator<ModelResponseStreamEvent> {
  switch (block.type) {
    case 'text':
      yield* builder.textDelta(index, block.text);
      return;
    case 'thinking': {
      const delta: { content: string; signature?: string } = { content: block.thinking };
      if (block.signature) delta.signature = block.signature;
      yield* builder.thinkingDelta(index, delta);
      return;
    }
    case 'redacted_thinking':
      for (const event of builder.thinkingDelta(index, { signature: block.data })) {
        // The builder knows nothing of redaction; mark both the assembled part and the event's copy.
        if (event.kind === 'part-start' && event.part.partKind === 'thinking') {
          event.part.redacted = true;
          const part = builder.parts[event.index];
          if (part?.partKind === 'thinking') part.redacted = true;
        }
        yield event;
      }
      return;
    case 'tool_use':
      yield* builder.toolCallDelta(index, {
        toolName: block.name,
        toolCallId: block.id,
        argsDelta: mode === 'whole' ? toolInput(builder.modelName, block.input) : '',
      });
      return;
    case 'other':
      // Server tool calls and results (web search, code execution, MCP) are run by Anthropic, not by the
      // caller: they are not parts of our response.
      return;
  }
}

function toolInput(modelName: string, input: unknown): Record<string, unknown> {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object' || Array.isArray(input)) {
    const detail = `tool_use input is not an object: ${JSON.stringify(input).slice(0, 200)}`;
    throw inBandError({ kind: 'malformed', where: 'body', detail }, modelName);
  }
  return input as Record<string, unknown>;
}

const NORMALIZED_KEYS = new Set([
  'input_tokens',
  'output_tokens',
  'cache_read_input_tokens',
  'cache_creation_input_tokens',
]);

/**
 * Anthropic counts uncached input, cache reads and cache writes separately; `inputTokens` is their sum
 * (all the input the model read), as the other adapters report it. Every other counter, including those
 * nested in `cache_creation` and `server_tool_use`, goes to `details` under its own name.
 */
export function mapUsage(raw: AnthropicUsage | undefined): RequestUsage {
  const usage = emptyUsage();
  if (!raw) return usage;
  const count = (key: string): number => (typeof raw[key] === 'number' ? (raw[key] as number) : 0);
  usage.cacheReadTokens = count('cache_read_input_tokens');
  usage.cacheWriteTokens = count('cache_creation_input_tokens');
  usage.inputTokens = count('input_tokens') + usage.cacheReadTokens + usage.cacheWriteTokens;
  usage.outputTokens = count('output_tokens');
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value === 'number' && !NORMALIZED_KEYS.has(key)) {
      usage.details[key] = value;
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [nestedKey, nested] of Object.entries(value)) {
        if (typeof nested === 'number') usage.details[nestedKey] = nested;
      }
    }
  }
  return usage;
}

/**
 * A stream reports usage twice: in `message_start` (input counts) and in `message_delta` (cumulative
 * totals). Later values win key by key; nested objects are merged the same way.
 */
export function mergeRawUsage(base: AnthropicUsage | undefined, update: AnthropicUsage): AnthropicUsage {
  const merged: AnthropicUsage = { ...base };
  for (const [key, value] of Object.entries(update)) {
    if (value === null || value === undefined) continue;
    const previous = merged[key];
    merged[key] =
      typeof value === 'object' && typeof previous === 'object' && previous !== null && !Array.isArray(value)
        ? { ...previous, ...value }
        : value;
  }
  return merged;
}
