/**
 * Writes stream events as Anthropic's SSE sequence: `message_start`, `ping`, then per content block
 * `content_block_start` / `content_block_delta` / `content_block_stop`, then `message_delta` (stop
 * reason and usage) and `message_stop`. A failure after commit is an `event: error` frame, as Anthropic
 * sends for an overload mid-stream.
 *
 * @example
 * const writer = new AnthropicStreamWriter(served);
 * socket.write(writer.start() + writer.event(firstEvent));
 */
import type { ModelResponse, ModelResponseStreamEvent } from '../../core/messages.ts';
import type { RequestUsage } from '../../core/usage.ts';
import type { GatewayError } from '../errors/gateway-error.ts';
import { renderAnthropicError } from '../errors/render-error.ts';
import type { ServedModel } from '../routing/served.ts';
import type { StreamWriter } from '../routing/stream-writer.ts';
import { type AnthropicRenderOptions, answeredStopReason, anthropicUsage } from './response.ts';

function frame(event: string, data: string): string {
  return `event: ${event}\ndata: ${data}\n\n`;
}

/** What a stream is written with besides who served it. */
export interface AnthropicStreamOptions extends AnthropicRenderOptions {
  /** The prompt's estimated tokens: `message_start`'s input_tokens when the upstream has not said yet. */
  estimatedInputTokens: number;
}

export class AnthropicStreamWriter implements StreamWriter {
  private readonly served: ServedModel;
  private readonly options: AnthropicStreamOptions;
  private readonly open = new Set<number>();
  /** Part indexes of structured-output tool calls, written as text blocks. */
  private readonly outputBlocks = new Set<number>();

  constructor(
    served: ServedModel,
    options: AnthropicStreamOptions = {
      estimatedInputTokens: 0,
      omitThinking: false,
      outputToolName: undefined,
    },
  ) {
    this.served = served;
    this.options = options;
  }

  /**
   * `message_start` with the input tokens as soon as they are known: the upstream's (Anthropic and
   * Gemini say them before any content), else the gateway's estimate, never 0 — clients such as Claude
   * Code read it to track their context. `message_delta` carries the final count.
   */
  start(usage?: RequestUsage): string {
    const inputTokens =
      usage !== undefined && usage.inputTokens > 0
        ? (anthropicUsage(usage).input_tokens as number)
        : this.options.estimatedInputTokens;
    const message = {
      id: this.served.responseId,
      type: 'message',
      role: 'assistant',
      model: this.served.modelId,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: inputTokens, output_tokens: 0 },
    };
    return (
      frame('message_start', JSON.stringify({ type: 'message_start', message })) +
      frame('ping', '{"type":"ping"}')
    );
  }

  event(event: ModelResponseStreamEvent): string {
    const index = event.index;
    if (event.kind === 'part-end') {
      if (!this.open.delete(index)) return '';
      return frame('content_block_stop', `{"type":"content_block_stop","index":${index}}`);
    }
    if (event.kind === 'part-start') {
      this.open.add(index);
      const part = event.part;
      let block: Record<string, unknown>;
      let first = '';
      if (part.partKind === 'text') {
        block = { type: 'text', text: '' };
        if (part.content !== '') first = this.delta(index, { type: 'text_delta', text: part.content });
      } else if (part.partKind === 'tool-call' && part.toolName === this.options.outputToolName) {
        this.outputBlocks.add(index);
        block = { type: 'text', text: '' };
        const args = typeof part.args === 'string' ? part.args : JSON.stringify(part.args);
        if (args !== '') first = this.delta(index, { type: 'text_delta', text: args });
      } else if (part.partKind === 'tool-call') {
        block = { type: 'tool_use', id: part.toolCallId, name: part.toolName, input: {} };
        const args = typeof part.args === 'string' ? part.args : JSON.stringify(part.args);
        if (args !== '') first = this.delta(index, { type: 'input_json_delta', partial_json: args });
      } else if (part.redacted) {
        block = { type: 'redacted_thinking', data: part.signature ?? '' };
      } else {
        block = { type: 'thinking', thinking: '', signature: '' };
        if (part.content !== '' && !this.options.omitThinking)
          first = this.delta(index, { type: 'thinking_delta', thinking: part.content });
        if (part.signature)
          first += this.delta(index, { type: 'signature_delta', signature: part.signature });
      }
      return (
        frame(
          'content_block_start',
          JSON.stringify({ type: 'content_block_start', index, content_block: block }),
        ) + first
      );
    }
    const delta = event.delta;
    if (delta.partKind === 'text') return this.delta(index, { type: 'text_delta', text: delta.contentDelta });
    if (delta.partKind === 'tool-call' && this.outputBlocks.has(index))
      return this.delta(index, { type: 'text_delta', text: delta.argsDelta });
    if (delta.partKind === 'tool-call')
      return this.delta(index, { type: 'input_json_delta', partial_json: delta.argsDelta });
    let text = '';
    if (delta.contentDelta && !this.options.omitThinking)
      text += this.delta(index, { type: 'thinking_delta', thinking: delta.contentDelta });
    if (delta.signatureDelta)
      text += this.delta(index, { type: 'signature_delta', signature: delta.signatureDelta });
    return text;
  }

  finish(response: ModelResponse): string {
    let text = '';
    for (const index of [...this.open].sort((a, b) => a - b)) {
      text += frame('content_block_stop', `{"type":"content_block_stop","index":${index}}`);
    }
    this.open.clear();
    const messageDelta = {
      type: 'message_delta',
      delta: { stop_reason: answeredStopReason(response, this.options.outputToolName), stop_sequence: null },
      usage: anthropicUsage(response.usage),
    };
    return `${text}${frame('message_delta', JSON.stringify(messageDelta))}${frame('message_stop', '{"type":"message_stop"}')}`;
  }

  error(error: GatewayError): string {
    return frame('error', renderAnthropicError(error));
  }

  private delta(index: number, delta: Record<string, unknown>): string {
    return frame('content_block_delta', JSON.stringify({ type: 'content_block_delta', index, delta }));
  }
}
