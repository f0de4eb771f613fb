/**
 * Writes a ModelResponse as an OpenAI Responses `response` object: one output item per part, in the
 * model's order — `reasoning` (summary text, and `encrypted_content` when the client included it), a
 * `message` with one `output_text`, a `function_call` — usage with input, cached, output and reasoning
 * tokens (and `cost`), and `status: incomplete` with `incomplete_details` when the answer was cut by the
 * token limit or a content filter. The stream writer builds its items with the same functions, so a
 * streamed answer ends with the same object a whole one is.
 *
 * Item ids are the response id's tail plus the part index (`msg_<tail>_0`), unique without a draw, and
 * equal in the stream's events and its final object.
 */
import type { FinishReason, ModelResponse, ModelResponsePart, ThinkingPart } from '../../core/messages.ts';
import { toolCallArgsJson } from '../../core/messages.ts';
import type { RequestUsage } from '../../core/usage.ts';
import type { ServedModel } from '../routing/served.ts';
import { encryptedContent } from './reasoning-item.ts';
import type { ResponsesCall } from './responses-call.ts';

/** The `response` object's lifecycle states this gateway reports. */
export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

/** The id of the output item of part `index`: a prefix by item type and the response id's tail. */
export function itemId(prefix: 'msg' | 'fc' | 'rs', responseId: string, index: number): string {
  return `${prefix}_${responseId.slice(5)}_${index}`;
}

export function reasoningItem(
  part: ThinkingPart,
  id: string,
  includeEncrypted: boolean,
): Record<string, unknown> {
  const item: Record<string, unknown> = {
    id,
    type: 'reasoning',
    summary: part.redacted || part.content === '' ? [] : [{ type: 'summary_text', text: part.content }],
  };
  if (includeEncrypted) {
    const encrypted = encryptedContent(part);
    if (encrypted !== undefined) item.encrypted_content = encrypted;
  }
  return item;
}

export function messageItem(id: string, text: string, status: 'completed' | 'incomplete' | 'in_progress') {
  return {
    id,
    type: 'message',
    status,
    content: status === 'in_progress' ? [] : [outputText(text)],
    role: 'assistant',
  };
}

export function outputText(text: string) {
  return { type: 'output_text', annotations: [], logprobs: [], text };
}

/** How a tool call is named to the client: a flattened namespace tool by its namespace and own name. */
export interface CallName {
  name: string;
  namespace?: string | undefined;
}

/** The client's name of a tool the model called (namespaced-tools.ts). */
export function callName(toolName: string, call: ResponsesCall): CallName {
  return call.namespacedTools?.get(toolName) ?? { name: toolName };
}

export function functionCallItem(id: string, callId: string, named: CallName, args: string, done: boolean) {
  const item: Record<string, unknown> = {
    id,
    type: 'function_call',
    status: done ? 'completed' : 'in_progress',
    arguments: args,
    call_id: callId,
    name: named.name,
  };
  if (named.namespace !== undefined) item.namespace = named.namespace;
  return item;
}

/** The output item of one finished part, or undefined for a part that says nothing. */
export function outputItem(
  part: ModelResponsePart,
  index: number,
  responseId: string,
  call: ResponsesCall,
  incomplete: boolean,
): Record<string, unknown> | undefined {
  const status = incomplete ? 'incomplete' : 'completed';
  switch (part.partKind) {
    case 'text':
      return messageItem(itemId('msg', responseId, index), part.content, status);
    case 'thinking':
      return reasoningItem(part, part.id ?? itemId('rs', responseId, index), call.includeEncryptedReasoning);
    case 'tool-call':
      if (part.toolName === call.outputToolName)
        return messageItem(itemId('msg', responseId, index), toolCallArgsJson(part), status);
      return functionCallItem(
        itemId('fc', responseId, index),
        part.toolCallId,
        callName(part.toolName, call),
        toolCallArgsJson(part),
        true,
      );
  }
}

/** Why an answer is incomplete, in Responses' words; undefined when it is complete. */
export function incompleteReason(finish: FinishReason | undefined): string | undefined {
  if (finish === 'length') return 'max_output_tokens';
  if (finish === 'content_filter') return 'content_filter';
  return undefined;
}

/** Usage in Responses' shape; `input_tokens` includes cached tokens, as OpenAI counts them. */
export function responsesUsage(usage: RequestUsage): Record<string, unknown> {
  const result: Record<string, unknown> = {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: usage.cacheReadTokens },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.details.reasoning_tokens ?? 0 },
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
  if (usage.cost !== undefined) result.cost = usage.cost;
  return result;
}

/** What a `response` object holds beyond its output: its state, and the request fields it echoes. */
export interface ResponseState {
  status: ResponseStatus;
  output: unknown[];
  usage: RequestUsage | undefined;
  incompleteReason?: string | undefined;
  error?: { code: string; message: string } | undefined;
}

/**
 * A `response` object as JSON text: the answer (or its state so far) around the request's echoed fields,
 * which are spliced in as written once (ResponsesCall.echoJson).
 */
export function responseJson(served: ServedModel, call: ResponsesCall, state: ResponseState): string {
  const error = state.error === undefined ? 'null' : JSON.stringify(state.error);
  const incomplete = state.incompleteReason ? `{"reason":${JSON.stringify(state.incompleteReason)}}` : 'null';
  const usage = state.usage === undefined ? 'null' : JSON.stringify(responsesUsage(state.usage));
  return (
    `{"id":${JSON.stringify(served.responseId)},"object":"response","created_at":${served.created},` +
    `"status":"${state.status}","background":false,"completed_at":${state.status === 'completed' ? Math.floor(Date.now() / 1000) : null},` +
    `"error":${error},"incomplete_details":${incomplete},` +
    `"model":${JSON.stringify(served.modelId)},"output":${JSON.stringify(state.output)},${call.echoJson},` +
    `"usage":${usage},"metadata":{}}`
  );
}

/** The output items of a whole answer, in part order. */
export function outputItems(response: ModelResponse, responseId: string, call: ResponsesCall): unknown[] {
  const incomplete = incompleteReason(response.finishReason) !== undefined;
  const output: unknown[] = [];
  response.parts.forEach((part, index) => {
    if (part.partKind === 'text' && part.content === '') return;
    const item = outputItem(part, index, responseId, call, incomplete);
    if (item !== undefined) output.push(item);
  });
  return output;
}

/** The whole answer as the JSON text of a `response` object. */
export function renderResponse(response: ModelResponse, served: ServedModel, call: ResponsesCall): string {
  const reason = incompleteReason(response.finishReason);
  return responseJson(served, call, {
    status: reason === undefined ? 'completed' : 'incomplete',
    output: outputItems(response, served.responseId, call),
    usage: response.usage,
    incompleteReason: reason,
  });
}
