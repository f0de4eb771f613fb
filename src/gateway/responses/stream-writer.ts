/**
 * Writes stream events as the Responses API's SSE sequence: `response.created` and
 * `response.in_progress`, then per output item `response.output_item.added`, its deltas
 * (`output_text.delta` inside a `content_part`, `function_call_arguments.delta`,
 * `reasoning_summary_text.delta` inside a `reasoning_summary_part`), their `.done` events and
 * `response.output_item.done`; last `response.completed` (or `response.incomplete` when the token limit or
 * a filter cut it) with the whole `response` object, the same one a non-streamed call gets. Every event
 * carries `sequence_number`, counting from 0. A failure after commit is an `error` event followed by
 * `response.failed`, so the OpenAI SDK throws and Codex retries or reports it; never a quiet end.
 *
 * Items open lazily: a text part that never gets text makes no message, as in the whole answer.
 *
 * @example
 * const writer = new ResponsesStreamWriter(served, call);
 * socket.write(writer.start() + writer.event(firstEvent));
 */
import type { ModelResponse, ModelResponsePart, ModelResponseStreamEvent } from '../../core/messages.ts';
import type { GatewayError } from '../errors/gateway-error.ts';
import type { ServedModel } from '../routing/served.ts';
import type { StreamWriter } from '../routing/stream-writer.ts';
import {
  type CallName,
  callName,
  functionCallItem,
  incompleteReason,
  itemId,
  messageItem,
  outputItem,
  outputText,
  reasoningItem,
  responseJson,
} from './response.ts';
import type { ResponsesCall } from './responses-call.ts';

/** One output item being streamed. `text` is the message text, call arguments or summary so far. */
interface OpenItem {
  kind: 'message' | 'function_call' | 'reasoning';
  id: string;
  /** JSON of `"item_id":…,"output_index":…`, shared by every event of the item. */
  ref: string;
  outputIndex: number;
  text: string;
  /** Reasoning only: a summary part was opened. */
  summaryOpen: boolean;
  /** Function calls only: the tool's name as the client knows it. */
  name: CallName;
  callId: string;
}

const NO_NAME: CallName = { name: '' };

export class ResponsesStreamWriter implements StreamWriter {
  private readonly served: ServedModel;
  private readonly call: ResponsesCall;
  private sequence = 0;
  /** Our part index → its open item. */
  private readonly open = new Map<number, OpenItem>();
  /** Finished items, by output index. */
  private readonly output: unknown[] = [];
  private nextOutputIndex = 0;

  constructor(served: ServedModel, call: ResponsesCall) {
    this.served = served;
    this.call = call;
  }

  start(): string {
    const response = responseJson(this.served, this.call, {
      status: 'in_progress',
      output: [],
      usage: undefined,
    });
    return (
      this.frame('response.created', `"response":${response}`) +
      this.frame('response.in_progress', `"response":${response}`)
    );
  }

  event(event: ModelResponseStreamEvent): string {
    if (event.kind === 'part-end') return this.close(event.index, event.part);
    if (event.kind === 'part-start') {
      const part = event.part;
      if (part.partKind === 'text') return part.content === '' ? '' : this.text(event.index, part.content);
      if (part.partKind === 'thinking') {
        let text = this.opened(event.index, part);
        if (part.content !== '' && !part.redacted) text += this.summary(event.index, part.content);
        return text;
      }
      const args = typeof part.args === 'string' ? part.args : JSON.stringify(part.args);
      if (part.toolName === this.call.outputToolName) return args === '' ? '' : this.text(event.index, args);
      const text = this.opened(event.index, part);
      return args === '' ? text : text + this.args(event.index, args);
    }
    const delta = event.delta;
    if (delta.partKind === 'text')
      return delta.contentDelta === '' ? '' : this.text(event.index, delta.contentDelta);
    if (delta.partKind === 'thinking')
      return delta.contentDelta ? this.summary(event.index, delta.contentDelta) : '';
    const item = this.open.get(event.index);
    if (item === undefined) return delta.argsDelta === '' ? '' : this.text(event.index, delta.argsDelta);
    return item.kind === 'message'
      ? this.text(event.index, delta.argsDelta)
      : this.args(event.index, delta.argsDelta);
  }

  finish(response: ModelResponse): string {
    let text = '';
    for (const index of [...this.open.keys()]) {
      const part = response.parts[index];
      if (part !== undefined) text += this.close(index, part);
    }
    const reason = incompleteReason(response.finishReason);
    // A cut answer's messages are incomplete, as in a whole answer; their output_item.done went out before
    // the finish reason was known, so only the final object can say so.
    if (reason !== undefined)
      for (const item of this.output)
        if ((item as { type?: unknown }).type === 'message')
          (item as { status: string }).status = 'incomplete';
    const final = responseJson(this.served, this.call, {
      status: reason === undefined ? 'completed' : 'incomplete',
      output: this.output,
      usage: response.usage,
      incompleteReason: reason,
    });
    const type = reason === undefined ? 'response.completed' : 'response.incomplete';
    return text + this.frame(type, `"response":${final}`);
  }

  error(error: GatewayError): string {
    const failure = { code: error.code, message: error.message };
    const failed = responseJson(this.served, this.call, {
      status: 'failed',
      output: this.output,
      usage: undefined,
      error: failure,
    });
    return (
      this.frame(
        'error',
        `"code":${JSON.stringify(error.code)},"message":${JSON.stringify(error.message)},"param":${JSON.stringify(error.param ?? null)}`,
      ) + this.frame('response.failed', `"response":${failed}`)
    );
  }

  /** Opens the item of a part with its `output_item.added` (a message also opens its content part). */
  private opened(index: number, part: ModelResponsePart): string {
    const outputIndex = this.nextOutputIndex++;
    let item: OpenItem;
    let added: unknown;
    if (part.partKind === 'thinking') {
      const id = part.id ?? itemId('rs', this.served.responseId, index);
      item = this.newItem('reasoning', id, outputIndex);
      added = { id, type: 'reasoning', summary: [] };
    } else if (part.partKind === 'tool-call' && part.toolName !== this.call.outputToolName) {
      item = this.newItem('function_call', itemId('fc', this.served.responseId, index), outputIndex);
      item.name = callName(part.toolName, this.call);
      item.callId = part.toolCallId;
      added = functionCallItem(item.id, item.callId, item.name, '', false);
    } else {
      item = this.newItem('message', itemId('msg', this.served.responseId, index), outputIndex);
      added = messageItem(item.id, '', 'in_progress');
    }
    this.open.set(index, item);
    let text = this.frame(
      'response.output_item.added',
      `"output_index":${outputIndex},"item":${JSON.stringify(added)}`,
    );
    if (item.kind === 'message')
      text += this.frame(
        'response.content_part.added',
        `${item.ref},"content_index":0,"part":${JSON.stringify(outputText(''))}`,
      );
    return text;
  }

  private newItem(kind: OpenItem['kind'], id: string, outputIndex: number): OpenItem {
    return {
      kind,
      id,
      ref: `"item_id":${JSON.stringify(id)},"output_index":${outputIndex}`,
      outputIndex,
      text: '',
      summaryOpen: false,
      name: NO_NAME,
      callId: '',
    };
  }

  /** Text of a message (or of the output tool's arguments, which are the message). */
  private text(index: number, delta: string): string {
    let text = '';
    let item = this.open.get(index);
    if (item === undefined) {
      text = this.opened(index, { partKind: 'text', content: '' });
      item = this.open.get(index)!;
    }
    item.text += delta;
    return (
      text +
      this.frame(
        'response.output_text.delta',
        `${item.ref},"content_index":0,"delta":${JSON.stringify(delta)},"logprobs":[]`,
      )
    );
  }

  private args(index: number, delta: string): string {
    const item = this.open.get(index)!;
    item.text += delta;
    return this.frame(
      'response.function_call_arguments.delta',
      `${item.ref},"delta":${JSON.stringify(delta)}`,
    );
  }

  private summary(index: number, delta: string): string {
    const item = this.open.get(index);
    if (item === undefined || item.kind !== 'reasoning') return '';
    let text = '';
    if (!item.summaryOpen) {
      item.summaryOpen = true;
      text = this.frame(
        'response.reasoning_summary_part.added',
        `${item.ref},"summary_index":0,"part":{"type":"summary_text","text":""}`,
      );
    }
    item.text += delta;
    return (
      text +
      this.frame(
        'response.reasoning_summary_text.delta',
        `${item.ref},"summary_index":0,"delta":${JSON.stringify(delta)}`,
      )
    );
  }

  /** The `.done` events of a part's item, if it was opened; the finished item joins the output. */
  private close(index: number, part: ModelResponsePart): string {
    const item = this.open.get(index);
    if (item === undefined) return '';
    this.open.delete(index);
    let text = '';
    let done: unknown;
    if (item.kind === 'message') {
      const json = JSON.stringify(item.text);
      text += this.frame(
        'response.output_text.done',
        `${item.ref},"content_index":0,"text":${json},"logprobs":[]`,
      );
      text += this.frame(
        'response.content_part.done',
        `${item.ref},"content_index":0,"part":${JSON.stringify(outputText(item.text))}`,
      );
      done = messageItem(item.id, item.text, 'completed');
    } else if (item.kind === 'function_call') {
      text += this.frame(
        'response.function_call_arguments.done',
        `${item.ref},"name":${JSON.stringify(item.name.name)},"arguments":${JSON.stringify(item.text)}`,
      );
      done = functionCallItem(item.id, item.callId, item.name, item.text, true);
    } else {
      if (item.summaryOpen) {
        const json = JSON.stringify(item.text);
        text += this.frame(
          'response.reasoning_summary_text.done',
          `${item.ref},"summary_index":0,"text":${json}`,
        );
        text += this.frame(
          'response.reasoning_summary_part.done',
          `${item.ref},"summary_index":0,"part":{"type":"summary_text","text":${json}}`,
        );
      }
      done =
        part.partKind === 'thinking'
          ? reasoningItem(part, item.id, this.call.includeEncryptedReasoning)
          : outputItem(part, index, this.served.responseId, this.call, false);
    }
    this.output[item.outputIndex] = done;
    return (
      text +
      this.frame(
        'response.output_item.done',
        `"output_index":${item.outputIndex},"item":${JSON.stringify(done)}`,
      )
    );
  }

  private frame(type: string, fields: string): string {
    return `event: ${type}\ndata: {"type":"${type}",${fields},"sequence_number":${this.sequence++}}\n\n`;
  }
}
