/**
 * Writes a ModelResponse as an Anthropic `message`: content blocks (text, tool_use, thinking), the stop
 * reason in Anthropic's words, and usage with cache counts apart from `input_tokens` as Anthropic reports
 * them, plus `cost` in USD when known.
 *
 * @example
 * renderMessage(response, { modelId: 'anthropic:claude-sonnet-4-5', responseId: 'msg_1', created: 1 })
 */
import type { FinishReason, ModelResponse, ModelResponsePart } from '../../core/messages.ts';
import { toolCallArgs, toolCallArgsJson } from '../../core/messages.ts';
import type { RequestUsage } from '../../core/usage.ts';
import type { ServedModel } from '../routing/served.ts';

export function anthropicStopReason(reason: FinishReason | undefined): string {
  switch (reason) {
    case 'length':
      return 'max_tokens';
    case 'tool_call':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
}

/** Usage as Anthropic counts it: `input_tokens` excludes the cached ones. */
export function anthropicUsage(usage: RequestUsage): Record<string, unknown> {
  const result: Record<string, unknown> = {
    input_tokens: Math.max(0, usage.inputTokens - usage.cacheReadTokens - usage.cacheWriteTokens),
    output_tokens: usage.outputTokens,
    cache_creation_input_tokens: usage.cacheWriteTokens,
    cache_read_input_tokens: usage.cacheReadTokens,
  };
  if (usage.cost !== undefined) result.cost = usage.cost;
  return result;
}

/** How a client asked its answer written: thinking display, and the tool carrying structured output. */
export interface AnthropicRenderOptions {
  /** `thinking.display: 'omitted'`: thinking blocks keep their signature, not their text. */
  omitThinking: boolean;
  /** The output tool of `output_config.format`: its arguments are the answer's text. */
  outputToolName: string | undefined;
}

const PLAIN: AnthropicRenderOptions = { omitThinking: false, outputToolName: undefined };

export function anthropicBlock(
  part: ModelResponsePart,
  options: AnthropicRenderOptions = PLAIN,
): Record<string, unknown> {
  if (part.partKind === 'text') return { type: 'text', text: part.content };
  if (part.partKind === 'tool-call' && part.toolName === options.outputToolName) {
    return { type: 'text', text: toolCallArgsJson(part) };
  }
  if (part.partKind === 'tool-call') {
    let input: Record<string, unknown>;
    try {
      input = toolCallArgs(part);
    } catch {
      input = {};
    }
    return { type: 'tool_use', id: part.toolCallId, name: part.toolName, input };
  }
  if (part.redacted) return { type: 'redacted_thinking', data: part.signature ?? '' };
  return {
    type: 'thinking',
    thinking: options.omitThinking ? '' : part.content,
    signature: part.signature ?? '',
  };
}

/** The stop reason, `end_turn` when the only tool called was the structured-output one. */
export function answeredStopReason(response: ModelResponse, outputToolName: string | undefined): string {
  const onlyOutput =
    outputToolName !== undefined &&
    response.parts.every((p) => p.partKind !== 'tool-call' || p.toolName === outputToolName);
  return onlyOutput && response.finishReason === 'tool_call'
    ? 'end_turn'
    : anthropicStopReason(response.finishReason);
}

export function renderMessage(
  response: ModelResponse,
  served: ServedModel,
  options: AnthropicRenderOptions = PLAIN,
): string {
  return JSON.stringify({
    id: served.responseId,
    type: 'message',
    role: 'assistant',
    model: served.modelId,
    content: response.parts.map((part) => anthropicBlock(part, options)),
    stop_reason: answeredStopReason(response, options.outputToolName),
    stop_sequence: null,
    usage: anthropicUsage(response.usage),
  });
}
