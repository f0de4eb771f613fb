/**
 * Writes stream events as OpenAI `chat.completion.chunk` SSE frames: a first chunk with the assistant
 * role, content, reasoning and tool-call deltas in the order the model produced them, a chunk with the
 * finish reason, with `include_usage` a last chunk with empty choices and the usage (and cost), then
 * `data: [DONE]`. A failure after commit is a `data: {"error":{...}}` frame with no `[DONE]` after it, so
 * no client mistakes it for a complete answer.
 * Thinking text goes out as `delta.reasoning`, as OpenRouter streams it (see response.ts); redacted
 * thinking and signatures have nothing readable and write nothing.
 *
 * @example
 * const writer = new OpenAIStreamWriter(served, { includeUsage: true, outputToolName: undefined });
 * socket.write(writer.start() + writer.event(firstEvent));
 */
import type { ModelResponse, ModelResponseStreamEvent } from '../../messages.ts';
import type { GatewayError } from '../errors/gateway-error.ts';
import { openAIErrorObject } from '../errors/render-error.ts';
import type { ServedModel } from '../routing/served.ts';
import type { StreamWriter } from '../routing/stream-writer.ts';
import { openAIFinishReason } from './finish-reason.ts';
import { openAIUsage } from './response.ts';

export class OpenAIStreamWriter implements StreamWriter {
  // Every chunk shares its envelope; it is serialized once and the delta is spliced in.
  private readonly head: string;
  private readonly includeUsage: boolean;
  private readonly outputToolName: string | undefined;
  /** Our part index → the OpenAI tool_calls index, for function tool calls. */
  private readonly toolIndex = new Map<number, number>();
  /** Part indexes of output-tool calls, whose arguments are written as content. */
  private readonly contentTools = new Set<number>();

  constructor(served: ServedModel, options: { includeUsage: boolean; outputToolName: string | undefined }) {
    this.head = `data: {"id":${JSON.stringify(served.responseId)},"object":"chat.completion.chunk","created":${served.created},"model":${JSON.stringify(served.modelId)},"choices":`;
    this.includeUsage = options.includeUsage;
    this.outputToolName = options.outputToolName;
  }

  start(): string {
    return this.delta('{"role":"assistant","content":""}');
  }

  event(event: ModelResponseStreamEvent): string {
    if (event.kind === 'part-end') return '';
    if (event.kind === 'part-start') {
      const part = event.part;
      if (part.partKind === 'text')
        return part.content === '' ? '' : this.delta(`{"content":${JSON.stringify(part.content)}}`);
      if (part.partKind === 'thinking')
        return part.content === '' || part.redacted
          ? ''
          : this.delta(`{"reasoning":${JSON.stringify(part.content)}}`);
      const args = typeof part.args === 'string' ? part.args : JSON.stringify(part.args);
      if (this.outputToolName !== undefined && part.toolName === this.outputToolName) {
        this.contentTools.add(event.index);
        return args === '' ? '' : this.delta(`{"content":${JSON.stringify(args)}}`);
      }
      const index = this.toolIndex.size;
      this.toolIndex.set(event.index, index);
      return this.delta(
        `{"tool_calls":[{"index":${index},"id":${JSON.stringify(part.toolCallId)},"type":"function","function":{"name":${JSON.stringify(part.toolName)},"arguments":${JSON.stringify(args)}}}]}`,
      );
    }
    const delta = event.delta;
    if (delta.partKind === 'text') return this.delta(`{"content":${JSON.stringify(delta.contentDelta)}}`);
    if (delta.partKind === 'thinking')
      return delta.contentDelta ? this.delta(`{"reasoning":${JSON.stringify(delta.contentDelta)}}`) : '';
    if (this.contentTools.has(event.index))
      return this.delta(`{"content":${JSON.stringify(delta.argsDelta)}}`);
    const index = this.toolIndex.get(event.index);
    if (index === undefined) return '';
    return this.delta(
      `{"tool_calls":[{"index":${index},"function":{"arguments":${JSON.stringify(delta.argsDelta)}}}]}`,
    );
  }

  finish(response: ModelResponse): string {
    const reason = openAIFinishReason(
      response.finishReason,
      this.contentTools.size > 0 && this.toolIndex.size === 0,
    );
    let text = `${this.head}[{"index":0,"delta":{},"logprobs":null,"finish_reason":"${reason}"}]}\n\n`;
    if (this.includeUsage)
      text += `${this.head}[],"usage":${JSON.stringify(openAIUsage(response.usage))}}\n\n`;
    return `${text}data: [DONE]\n\n`;
  }

  error(error: GatewayError): string {
    return `data: ${JSON.stringify({ error: openAIErrorObject(error) })}\n\n`;
  }

  private delta(json: string): string {
    return `${this.head}[{"index":0,"delta":${json},"logprobs":null,"finish_reason":null}]}\n\n`;
  }
}
