/**
 * A model whose answers come from a function you write: the fake that makes every fallback, retry and
 * agent behaviour a five-line test, and a way to put local logic behind the Model interface.
 *
 * @example
 * const model = new FunctionModel((messages) => ({ parts: [{ partKind: 'text', content: 'hi' }] }));
 * const response = await model.request([{ kind: 'request', parts: [userPrompt('Hello')] }]);
 */
import { UserError } from '../core/errors/index.ts';
import type { ModelMessage, ModelResponse, ModelResponsePart } from '../core/messages.ts';
import { toolCallArgsJson } from '../core/messages.ts';
import {
  defaultRequestParameters,
  type Model,
  type ModelRequestParameters,
  type StreamedResponse,
} from '../core/model.ts';
import { ResponseBuilder } from '../core/response-builder.ts';
import { ResponseStream } from '../core/response-stream.ts';
import type { ModelSettings } from '../core/settings.ts';
import type { RequestUsage } from '../core/usage.ts';
import { describeValue } from '../core/user-input.ts';
import {
  type FunctionResponse,
  finishReasonOf,
  normalizeAnswer,
  normalizeStreamItem,
  type StreamItem,
} from './function-answer.ts';

export type {
  DeltaThinking,
  DeltaToolCall,
  DeltaToolCalls,
  DeltaUsage,
  FunctionResponse,
  StreamItem,
} from './function-answer.ts';

/** What a model function learns about the call besides the conversation. */
export interface FunctionInfo {
  settings: ModelSettings;
  params: ModelRequestParameters;
  model: FunctionModel;
}

/** Answers a whole request. */
export type ModelFunction = (
  messages: ModelMessage[],
  info: FunctionInfo,
) => FunctionResponse | Promise<FunctionResponse>;

/** Streams an answer: plain strings are text deltas (a plain iterable, such as an array, works too). */
export type StreamFunction = (
  messages: ModelMessage[],
  info: FunctionInfo,
) => AsyncIterable<StreamItem> | Iterable<StreamItem>;

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
    return normalizeAnswer(answer, {
      modelName: this.modelName,
      providerName: this.system,
      estimateUsage: (parts) => estimateUsage(messages, parts),
      where: this.#where,
    });
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
    const source = asyncIterableOf(streamFn(messages, info), this.#where);
    return new ResponseStream(builder, streamEvents(source, builder, messages, signal, this.#where), abort);
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

  /** Names this model in the errors its functions' answers can cause. */
  get #where(): string {
    return `FunctionModel ${this.modelName}`;
  }
}

/** A stream function's result as an async iterable; anything else is a mistake worth naming. */
function asyncIterableOf(source: unknown, where: string): AsyncIterable<unknown> {
  if (typeof source === 'object' && source !== null) {
    if (Symbol.asyncIterator in source) return source as AsyncIterable<unknown>;
    if (Symbol.iterator in source) {
      const items = source as Iterable<unknown>;
      return (async function* () {
        yield* items;
      })();
    }
  }
  throw new UserError(
    `${where}: the stream function returned ${describeValue(source)}; write it as an async generator (async function* () { yield 'Hello'; }).`,
  );
}

async function* streamEvents(
  source: AsyncIterable<unknown>,
  builder: ResponseBuilder,
  messages: ModelMessage[],
  signal: AbortSignal,
  where: string,
) {
  const iterator = source[Symbol.asyncIterator]();
  let usage: RequestUsage | undefined;
  try {
    while (true) {
      const next = await raceAbort(iterator.next(), signal);
      if (next.done) break;
      const item = normalizeStreamItem(next.value, where);
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
      } else if (item.kind === 'thinking') {
        for (const [index, part] of Object.entries(item.parts)) {
          yield* builder.thinkingDelta(`thinking:${index}`, part);
        }
      } else {
        usage = item.usage;
      }
    }
  } finally {
    // Stop the user's generator too when the consumer or an abort ends the stream early.
    void iterator.return?.()?.catch?.(() => {});
  }
  builder.usage = usage ?? estimateUsage(messages, builder.parts);
  builder.finishReason = finishReasonOf(undefined, builder.parts, where);
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
