/**
 * Writes stream events as OpenAI `chat.completion.chunk` SSE frames: a first chunk with the assistant
 * role, content, reasoning and tool-call deltas in the order the model produced them, a chunk with the
 * finish reason, with `include_usage` a last chunk with empty choices and the usage (and cost), then
 * `data: [DONE]`. A failure after commit is a `data: {"error":{...}}` frame with no `[DONE]` after it, so
 * no client mistakes it for a complete answer.
 * Thinking text goes out as `delta.reasoning`, as OpenRouter streams it (see response.ts), and beside it
 * as a `delta.reasoning_details` item of the block's index. Claude's signature comes last in its own
 * chunk, as OpenRouter sends it: `{"reasoning_details":[{"type":"reasoning.text","signature":…,"index":0}]}`
 * (no `reasoning`); redacted thinking is only a `reasoning.encrypted` item.
 *
 * @example
 * const writer = new OpenAIStreamWriter(served, { includeUsage: true, outputToolName: undefined });
 * socket.write(writer.start() + writer.event(firstEvent));
 */
import type {
  ModelResponse,
  ModelResponseStreamEvent,
  ThinkingPart,
  ThinkingPartDelta,
} from '../../core/messages.ts';
import type { GatewayError } from '../errors/gateway-error.ts';
import { openAIErrorObject } from '../errors/render-error.ts';
import type { ServedModel } from '../routing/served.ts';
import type { StreamWriter } from '../routing/stream-writer.ts';
import { openAIFinishReason } from './finish-reason.ts';
import { reasoningDetail, reasoningFormat } from './reasoning-details.ts';
import { openAIUsage } from './response.ts';

/** A thinking part being streamed: its `reasoning_details` index, and the JSON tail every item shares. */
interface ThinkingBlock {
  encrypted: boolean;
  /** `,"format":…,"index":…}` */
  tail: string;
}

export class OpenAIStreamWriter implements StreamWriter {
  // Every chunk shares its envelope; it is serialized once and the delta is spliced in.
  private readonly head: string;
  private readonly includeUsage: boolean;
  private readonly outputToolName: string | undefined;
  /** Our part index → the OpenAI tool_calls index, for function tool calls. */
  private readonly toolIndex = new Map<number, number>();
  /** Part indexes of output-tool calls, whose arguments are written as content. */
  private readonly contentTools = new Set<number>();
  /** Our part index → its thinking block; made on the first thinking part, so plain answers skip it. */
  private thinking: Map<number, ThinkingBlock> | undefined;

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
      if (part.partKind === 'thinking') return this.thinkingStart(event.index, part);
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
    if (delta.partKind === 'thinking') return this.thinkingDelta(event.index, delta);
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

  private thinkingStart(index: number, part: ThinkingPart): string {
    this.thinking ??= new Map();
    const detailIndex = this.thinking.size;
    this.thinking.set(index, {
      encrypted: part.redacted === true,
      tail: `,"format":${JSON.stringify(reasoningFormat(part.providerName))},"index":${detailIndex}}`,
    });
    if (part.redacted ? !part.signature : part.content === '' && !part.signature) return '';
    const details = `"reasoning_details":[${JSON.stringify(reasoningDetail(part, detailIndex))}]`;
    return part.redacted || part.content === ''
      ? this.delta(`{${details}}`)
      : this.delta(`{"reasoning":${JSON.stringify(part.content)},${details}}`);
  }

  private thinkingDelta(index: number, delta: ThinkingPartDelta): string {
    const block = this.thinking?.get(index);
    if (block === undefined) return '';
    let text = '';
    if (delta.contentDelta && !block.encrypted) {
      const json = JSON.stringify(delta.contentDelta);
      text += this.delta(
        `{"reasoning":${json},"reasoning_details":[{"type":"reasoning.text","text":${json}${block.tail}]}`,
      );
    }
    if (delta.signatureDelta) {
      const item = block.encrypted
        ? `{"type":"reasoning.encrypted","data":${JSON.stringify(delta.signatureDelta)}${block.tail}`
        : `{"type":"reasoning.text","signature":${JSON.stringify(delta.signatureDelta)}${block.tail}`;
      text += this.delta(`{"reasoning_details":[${item}]}`);
    }
    return text;
  }

  private delta(json: string): string {
    return `${this.head}[{"index":0,"delta":${json},"logprobs":null,"finish_reason":null}]}\n\n`;
  }
}
