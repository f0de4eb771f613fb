/**
 * A model whose answers come from a function you write: the fake that makes every fallback, retry and
 * agent behaviour a five-line test, and a way to put local logic behind the Model interface.
 *
 * @example
 * const model = new FunctionModel((messages) => ({ parts: [{ partKind: 'text', content: 'hi' }] }));
 * const response = await model.request([{ kind: 'request', parts: [userPrompt('Hello')] }]);
 */
import { UserError } from '../errors/index.ts';
import type { ModelMessage, ModelResponse, ModelResponsePart } from '../messages.ts';
import { toolCallArgsJson } from '../messages.ts';
import type { ModelSettings } from '../settings.ts';
import type { RequestUsage } from '../usage.ts';
import {
  defaultRequestParameters,
  type Model,
  type ModelRequestParameters,
  type StreamedResponse,
} from './model.ts';
import { ResponseBuilder } from './response-builder.ts';
import { ResponseStream } from './response-stream.ts';

/** What a model function learns about the call besides the conversation. */
export interface FunctionInfo {
  settings: ModelSettings;
  params: ModelRequestParameters;
  model: FunctionModel;
}

/**
 * What a model function returns: at least `parts`; `usage`, `modelName`, `providerName`, `timestamp` and
 * `kind` are filled in when absent (usage estimated from the text).
 */
export type FunctionResponse = Partial<Omit<ModelResponse, 'parts'>> & { parts: ModelResponsePart[] };

/** Answers a whole request. */
export type ModelFunction = (
  messages: ModelMessage[],
  info: FunctionInfo,
) => FunctionResponse | Promise<FunctionResponse>;

/** One tool call's piece of a stream, keyed by the caller's own index in `DeltaToolCalls.calls`. */
export interface DeltaToolCall {
  /** The tool's name (or the next piece of it). */
  name?: string;
  /** The next piece of the arguments' JSON text. */
  argsJson?: string;
  toolCallId?: string;
}

/** Tool-call deltas a stream function yields, e.g. `{ kind: 'tool-calls', calls: { 0: { name: 'f' } } }`. */
export interface DeltaToolCalls {
  kind: 'tool-calls';
  calls: Record<number, DeltaToolCall>;
}

/** Thinking deltas a stream function yields, e.g. `{ kind: 'thinking', parts: { 0: { content: 'hm' } } }`. */
export interface DeltaThinking {
  kind: 'thinking';
  parts: Record<number, { content?: string; signature?: string }>;
}

/** Streams an answer: plain strings are text deltas. */
export type StreamFunction = (
  messages: ModelMessage[],
  info: FunctionInfo,
) => AsyncIterable<string | DeltaToolCalls | DeltaThinking>;

export interface FunctionModelOptions {
  stream?: StreamFunction;
  /** Default `function:<fn name>:<stream fn name>`. */
  modelName?: string;
  /** The model's own default settings; a call's settings override them key by key. */
  settings?: ModelSettings;
}

/**
 * A Model backed by plain functions. Either function may be absent; calling the missing one throws a
 * `UserError` that says what to pass. Honours `settings.signal`: an abort rejects with the signal's reason.
 *
 * @example
 * const streaming = new FunctionModel(undefined, {
 *   stream: async function* () { yield 'Hel'; yield 'lo'; },
 * });
 */
export class FunctionModel implements Model {
  readonly modelName: string;
  readonly system = 'function';
  readonly settings: ModelSettings | undefined;
  readonly fn: ModelFunction | undefined;
  readonly streamFn: StreamFunction | undefined;

  constructor(fn?: ModelFunction, options: FunctionModelOptions = {}) {
    this.fn = fn;
    this.streamFn = options.stream;
    this.settings = options.settings;
    this.modelName = options.modelName ?? `function:${fn?.name ?? ''}:${options.stream?.name ?? ''}`;
  }

  async request(
    messages: ModelMessage[],
    settings?: ModelSettings,
    params?: ModelRequestParameters,
  ): Promise<ModelResponse> {
    const fn = this.fn;
    if (!fn) {
      throw new UserError(
        `FunctionModel ${this.modelName} has no request function: pass one as the first argument to use request().`,
      );
    }
    const info = this.info(settings, params);
    const signal = info.settings.signal;
    signal?.throwIfAborted();
    const answer = await raceAbort(
      Promise.resolve().then(() => fn(messages, info)),
      signal,
    );
    return this.complete(answer, messages);
  }

  async requestStream(
    messages: ModelMessage[],
    settings?: ModelSettings,
    params?: ModelRequestParameters,
  ): Promise<StreamedResponse> {
    const streamFn = this.streamFn;
    if (!streamFn) {
      throw new UserError(
        `FunctionModel ${this.modelName} has no stream function: pass \`{ stream }\` in its options to use requestStream().`,
      );
    }
    const info = this.info(settings, params);
    info.settings.signal?.throwIfAborted();
    const abort = new AbortController();
    const callerSignal = info.settings.signal;
    const signal = callerSignal ? AbortSignal.any([callerSignal, abort.signal]) : abort.signal;
    info.settings = { ...info.settings, signal };
    const builder = new ResponseBuilder(this.modelName, this.system);
    return new ResponseStream(
      builder,
      streamEvents(streamFn(messages, info), builder, messages, signal),
      abort,
    );
  }

  private info(
    settings: ModelSettings | undefined,
    params: ModelRequestParameters | undefined,
  ): FunctionInfo {
    return {
      settings: { ...this.settings, ...settings },
      params: params ?? defaultRequestParameters(),
      model: this,
    };
  }

  private complete(answer: FunctionResponse, messages: ModelMessage[]): ModelResponse {
    const response: ModelResponse = {
      ...answer,
      kind: 'response',
      parts: answer.parts,
      usage: answer.usage ?? estimateUsage(messages, answer.parts),
      modelName: answer.modelName ?? this.modelName,
      providerName: answer.providerName ?? this.system,
      timestamp: answer.timestamp ?? new Date(),
    };
    return response;
  }
}

async function* streamEvents(
  source: AsyncIterable<string | DeltaToolCalls | DeltaThinking>,
  builder: ResponseBuilder,
  messages: ModelMessage[],
  signal: AbortSignal,
) {
  const iterator = source[Symbol.asyncIterator]();
  try {
    while (true) {
      const next = await raceAbort(iterator.next(), signal);
      if (next.done) break;
      const item = next.value;
      if (typeof item === 'string') {
        yield* builder.textDelta('text', item);
      } else if (item.kind === 'tool-calls') {
        for (const [index, call] of Object.entries(item.calls)) {
          yield* builder.toolCallDelta(`tool:${index}`, {
            toolName: call.name,
            toolCallId: call.toolCallId,
            argsDelta: call.argsJson,
          });
        }
      } else {
        for (const [index, part] of Object.entries(item.parts)) {
          yield* builder.thinkingDelta(`thinking:${index}`, part);
        }
      }
    }
  } finally {
    // Stop the user's generator too when the consumer or an abort ends the stream early.
    void iterator.return?.()?.catch?.(() => {});
  }
  builder.usage = estimateUsage(messages, builder.parts);
  builder.finishReason = builder.parts.some((part) => part.partKind === 'tool-call') ? 'tool_call' : 'stop';
  yield* builder.endAll();
}

/** Resolves or rejects with `promise`, or rejects with the signal's reason as soon as it aborts. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * A deterministic token estimate in the spirit of pydantic-ai's FunctionModel: 50 for the request
 * overhead plus one per word of the conversation as input, one per word of the answer (and one per tool
 * call) as output. Good enough to make usage sums testable; never a real tokenizer.
 */
export function estimateUsage(messages: ModelMessage[], answer: ModelResponsePart[]): RequestUsage {
  let inputTokens = 50;
  for (const message of messages) {
    if (message.kind === 'request') {
      for (const part of message.parts) {
        if (part.partKind === 'tool-return') {
          inputTokens += countWords(
            typeof part.content === 'string' ? part.content : JSON.stringify(part.content),
          );
        } else if (typeof part.content === 'string') {
          inputTokens += countWords(part.content);
        } else {
          for (const item of part.content) if (item.kind === 'text') inputTokens += countWords(item.text);
        }
      }
    } else {
      inputTokens += countPartWords(message.parts);
    }
  }
  return {
    inputTokens,
    outputTokens: countPartWords(answer),
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    details: {},
  };
}

function countPartWords(parts: ModelResponsePart[]): number {
  let words = 0;
  for (const part of parts) {
    if (part.partKind === 'tool-call') words += 1 + countWords(toolCallArgsJson(part));
    else words += countWords(part.content);
  }
  return words;
}

function countWords(text: string): number {
  let count = 0;
  for (const piece of text.trim().split(/[\s",.:{}[\]]+/)) if (piece !== '') count++;
  return count;
}
