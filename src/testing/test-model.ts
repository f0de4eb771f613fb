/**
 * A model that needs no function and no network: it calls every offered tool once with arguments made
 * from the tool's JSON schema, then answers. Meant for tests of code that drives a model (agents,
 * gateways) where the answer's content does not matter, only its shape.
 *
 * @example
 * const model = new TestModel({ customOutputText: 'fine' });
 * const response = await model.request(messages); // text 'fine'
 */

import { UserError } from '../core/errors/index.ts';
import type {
  ModelMessage,
  ModelResponse,
  ModelResponsePart,
  ToolCallPart,
  ToolReturnPart,
} from '../core/messages.ts';
import { toolCallArgsJson } from '../core/messages.ts';
import {
  defaultRequestParameters,
  type Model,
  type ModelRequestParameters,
  type StreamedResponse,
  type ToolDefinition,
} from '../core/model.ts';
import { ResponseBuilder } from '../core/response-builder.ts';
import { ResponseStream } from '../core/response-stream.ts';
import type { ModelSettings } from '../core/settings.ts';
import { describeValue, isRecord, optionalString } from '../core/user-input.ts';
import { estimateUsage } from './function.ts';

export interface TestModelOptions {
  /** The final text answer; default a JSON summary of the tool results, or `success (no tool calls)`. */
  customOutputText?: string;
  /** The arguments of the output tool call, when the answer must go through an output tool. */
  customOutputArgs?: Record<string, unknown>;
  /** Which function tools to call: `'all'` (default) or a list of names. */
  callTools?: 'all' | string[];
  settings?: ModelSettings;
}

/**
 * Calls each offered function tool once per conversation (tools already called in the history are not
 * called again), then answers with text — or, when text is not allowed, calls the first output tool.
 * Streams the same answer in small deltas.
 *
 * @example
 * const response = await new TestModel().request(messages, {}, {
 *   functionTools: [{ name: 'weather', parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } } } }],
 *   outputTools: [], allowTextOutput: true,
 * }); // a tool-call part: weather({"city":"a"})
 */
export class TestModel implements Model {
  readonly modelName = 'test';
  readonly system = 'test';
  readonly settings: ModelSettings | undefined;
  private readonly options: TestModelOptions;

  constructor(options: TestModelOptions = {}) {
    checkOptions(options);
    this.options = options;
    this.settings = options.settings;
  }

  async request(
    messages: ModelMessage[],
    settings?: ModelSettings,
    params?: ModelRequestParameters,
  ): Promise<ModelResponse> {
    settings?.signal?.throwIfAborted();
    const parts = this.answer(messages, params ?? defaultRequestParameters());
    return {
      kind: 'response',
      parts,
      usage: estimateUsage(messages, parts),
      modelName: this.modelName,
      providerName: this.system,
      finishReason: parts.some((part) => part.partKind === 'tool-call') ? 'tool_call' : 'stop',
      timestamp: new Date(),
    };
  }

  async requestStream(
    messages: ModelMessage[],
    settings?: ModelSettings,
    params?: ModelRequestParameters,
  ): Promise<StreamedResponse> {
    const signal = settings?.signal;
    signal?.throwIfAborted();
    const parts = this.answer(messages, params ?? defaultRequestParameters());
    const builder = new ResponseBuilder(this.modelName, this.system);
    const abort = new AbortController();
    async function* events() {
      for (const [index, part] of parts.entries()) {
        if (part.partKind === 'text') {
          // Word by word, keeping the spaces, so consumers see several deltas.
          for (const piece of part.content.split(/(?<= )/)) {
            signal?.throwIfAborted();
            abort.signal.throwIfAborted();
            yield* builder.textDelta(index, piece);
          }
        } else if (part.partKind === 'tool-call') {
          yield* builder.toolCallDelta(index, {
            toolName: part.toolName,
            toolCallId: part.toolCallId,
            argsDelta: toolCallArgsJson(part),
          });
        }
      }
      builder.usage = estimateUsage(messages, parts);
      builder.finishReason = parts.some((part) => part.partKind === 'tool-call') ? 'tool_call' : 'stop';
      yield* builder.endAll();
    }
    return new ResponseStream(builder, events(), abort);
  }

  private answer(messages: ModelMessage[], params: ModelRequestParameters): ModelResponsePart[] {
    const called = new Set<string>();
    for (const message of messages) {
      if (message.kind !== 'response') continue;
      for (const part of message.parts) if (part.partKind === 'tool-call') called.add(part.toolName);
    }
    const wanted = this.options.callTools ?? 'all';
    const toCall = params.functionTools.filter(
      (tool) => !called.has(tool.name) && (wanted === 'all' || wanted.includes(tool.name)),
    );
    if (toCall.length > 0) return toCall.map((tool, index) => this.callOf(tool, index, messages));

    const output = params.outputTools[0];
    if (output && (!params.allowTextOutput || this.options.customOutputArgs !== undefined)) {
      const call = this.callOf(output, 0, messages);
      if (this.options.customOutputArgs !== undefined) call.args = { ...this.options.customOutputArgs };
      return [call];
    }
    return [{ partKind: 'text', content: this.options.customOutputText ?? summarizeToolReturns(messages) }];
  }

  private callOf(tool: ToolDefinition, index: number, messages: ModelMessage[]): ToolCallPart {
    return {
      partKind: 'tool-call',
      toolName: tool.name,
      args: argsFromSchema(tool.parametersJsonSchema),
      toolCallId: `test_call_${messages.length}_${index}`,
    };
  }
}

/**
 * Options are checked when the model is built: a `callTools: 'weather'` (a string, not a list) would
 * otherwise match every tool whose name is a substring of it.
 */
function checkOptions(options: TestModelOptions): void {
  const where = 'TestModel';
  optionalString(options.customOutputText, 'customOutputText', where);
  if (options.customOutputArgs !== undefined && !isRecord(options.customOutputArgs)) {
    throw new UserError(
      `${where}: customOutputArgs must be an object of arguments; got ${describeValue(options.customOutputArgs)}.`,
    );
  }
  const callTools: unknown = options.callTools;
  const isNameList = Array.isArray(callTools) && callTools.every((name) => typeof name === 'string');
  if (callTools !== undefined && callTools !== 'all' && !isNameList) {
    throw new UserError(
      `${where}: callTools must be 'all' or a list of tool names; got ${describeValue(callTools)}.`,
    );
  }
}

/** `{"tool": result, ...}` from the tool returns of the last request, as pydantic-ai's TestModel answers. */
function summarizeToolReturns(messages: ModelMessage[]): string {
  const last = messages.at(-1);
  const returns: ToolReturnPart[] = [];
  if (last?.kind === 'request') {
    for (const part of last.parts) if (part.partKind === 'tool-return') returns.push(part);
  }
  if (returns.length === 0) return 'success (no tool calls)';
  const summary: Record<string, unknown> = {};
  for (const part of returns) summary[part.toolName] = part.content;
  return JSON.stringify(summary);
}

type Schema = Record<string, unknown>;

/**
 * Arguments that satisfy a JSON schema, deterministic: the first enum value, the const, the default,
 * else `'a'` repeated to minLength, the minimum number (or 0), false, and every property of an object.
 *
 * @example
 * argsFromSchema({ type: 'object', properties: { n: { type: 'integer', minimum: 3 } } }); // { n: 3 }
 */
export function argsFromSchema(schema: Schema): Record<string, unknown> {
  const value = exampleValue(schema, schema, 0);
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function exampleValue(schema: Schema, root: Schema, depth: number): unknown {
  if (depth > 16) return null;
  if (typeof schema.$ref === 'string') return exampleValue(resolveRef(schema.$ref, root), root, depth + 1);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if ('default' in schema) return schema.default;
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0) {
      const first = (options as Schema[]).find((option) => option.type !== 'null') ?? (options[0] as Schema);
      return exampleValue(first, root, depth + 1);
    }
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string':
      return 'a'.repeat(Math.max(1, Number(schema.minLength ?? 1)));
    case 'integer':
      if (typeof schema.minimum === 'number') return Math.ceil(schema.minimum);
      if (typeof schema.exclusiveMinimum === 'number') return Math.floor(schema.exclusiveMinimum) + 1;
      return 0;
    case 'number':
      return Number(schema.minimum ?? 0);
    case 'boolean':
      return false;
    case 'null':
      return null;
    case 'array': {
      const items = (schema.items as Schema | undefined) ?? {};
      const count = Number(schema.minItems ?? 1);
      return Array.from({ length: count }, () => exampleValue(items, root, depth + 1));
    }
    default: {
      const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
      const result: Record<string, unknown> = {};
      for (const [name, property] of Object.entries(properties)) {
        result[name] = exampleValue(property, root, depth + 1);
      }
      return result;
    }
  }
}

function resolveRef(ref: string, root: Schema): Schema {
  let current: unknown = root;
  for (const segment of ref.replace(/^#\/?/, '').split('/')) {
    if (segment === '') continue;
    current = (current as Record<string, unknown> | undefined)?.[segment];
  }
  return (current as Schema | undefined) ?? {};
}
