/**
 * Any Vercel AI SDK language model (spec v4: `@ai-sdk/openai`, `@ai-sdk/amazon-bedrock`, ...) as a Model,
 * so it can sit in a FallbackModel beside our own adapters, be instrumented, or drive an Agent.
 *
 * @example
 * import { createOpenAI } from '@ai-sdk/openai';
 * const viaSdk = fromAISDK(createOpenAI({ apiKey }).chat('gpt-4o'));
 * const model = new FallbackModel(viaSdk, 'anthropic:claude-sonnet-4-5');
 */
import type { LanguageModelV4, LanguageModelV4Content, LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { kindOfStreamError, UnexpectedModelBehavior, UserError } from '../../core/errors/index.ts';
import type {
  ModelMessage,
  ModelResponse,
  ModelResponsePart,
  ModelResponseStreamEvent,
} from '../../core/messages.ts';
import {
  defaultRequestParameters,
  type Model,
  type ModelRequestParameters,
  type StreamedResponse,
} from '../../core/model.ts';
import { ResponseBuilder } from '../../core/response-builder.ts';
import { ResponseStream } from '../../core/response-stream.ts';
import { type ModelSettings, mergeSettings } from '../../core/settings.ts';
import { describeValue, isRecord, optionalString } from '../../core/user-input.ts';
import { toAISDKPrompt } from './convert-prompt.ts';
import { fromAISDKError } from './errors.ts';
import { toAISDKCallOptions } from './map-call-options.ts';
import { fromAISDKFinishReason, fromAISDKUsage } from './map-result.ts';

export interface FromAISDKOptions {
  /** Default settings for every call. */
  settings?: ModelSettings;
}

/** An AI SDK `LanguageModelV4` behind our Model interface. Build it with `fromAISDK`. */
export class AISDKModel implements Model {
  readonly languageModel: LanguageModelV4;
  readonly settings: ModelSettings | undefined;

  constructor(languageModel: LanguageModelV4, options: FromAISDKOptions = {}) {
    this.languageModel = languageModel;
    this.settings = options.settings;
  }

  get modelName(): string {
    return this.languageModel.modelId;
  }

  /** The provider id's first segment: `openai.chat` → `openai`. */
  get system(): string {
    return this.languageModel.provider.split('.')[0] ?? this.languageModel.provider;
  }

  async request(
    messages: ModelMessage[],
    settings?: ModelSettings,
    params?: ModelRequestParameters,
  ): Promise<ModelResponse> {
    const options = this.#callOptions(messages, settings, params);
    let result: Awaited<ReturnType<LanguageModelV4['doGenerate']>>;
    try {
      result = await this.languageModel.doGenerate(options);
    } catch (error) {
      throw fromAISDKError(error, this.modelName);
    }
    if (!isRecord(result)) {
      throw new UserError(
        `${this.#where}: doGenerate returned ${describeValue(result)}, not a result object.`,
      );
    }
    const content = result.content ?? [];
    if (!Array.isArray(content)) {
      throw new UserError(
        `${this.#where}: doGenerate's content must be an array; got ${describeValue(content)}.`,
      );
    }
    const response: ModelResponse = {
      kind: 'response',
      parts: content.flatMap((item, index) => this.#part(item, `${this.#where} content[${index}]`)),
      usage: fromAISDKUsage(result.usage, this.#where),
      modelName: result.response?.modelId ?? this.modelName,
      providerName: this.system,
      timestamp: result.response?.timestamp ?? new Date(),
    };
    const { finishReason, rawFinishReason } = fromAISDKFinishReason(result.finishReason);
    if (finishReason !== undefined) response.finishReason = finishReason;
    if (rawFinishReason !== undefined) response.rawFinishReason = rawFinishReason;
    if (result.response?.id !== undefined) response.providerResponseId = result.response.id;
    return response;
  }

  async requestStream(
    messages: ModelMessage[],
    settings?: ModelSettings,
    params?: ModelRequestParameters,
  ): Promise<StreamedResponse> {
    const abort = new AbortController();
    const callerSignal = mergeSettings(this.settings, settings).signal;
    const signal = callerSignal ? AbortSignal.any([callerSignal, abort.signal]) : abort.signal;
    const options = this.#callOptions(messages, { ...settings, signal }, params);
    let stream: ReadableStream<LanguageModelV4StreamPart>;
    try {
      ({ stream } = await this.languageModel.doStream(options));
    } catch (error) {
      throw fromAISDKError(error, this.modelName);
    }
    const builder = new ResponseBuilder(this.modelName, this.system);
    return new ResponseStream(builder, this.#events(stream, builder), abort);
  }

  #callOptions(
    messages: ModelMessage[],
    settings: ModelSettings | undefined,
    params: ModelRequestParameters | undefined,
  ) {
    return toAISDKCallOptions(
      toAISDKPrompt(messages),
      mergeSettings(this.settings, settings),
      params ?? defaultRequestParameters(),
    );
  }

  /** Names this model in the errors a malformed result causes. */
  get #where(): string {
    return `AI SDK model ${this.languageModel.provider}:${this.modelName}`;
  }

  #part(content: LanguageModelV4Content, where: string): ModelResponsePart[] {
    if (!isRecord(content))
      throw new UserError(`${where} must be a content object; got ${describeValue(content)}.`);
    switch (content.type) {
      case 'text':
        return [{ partKind: 'text', content: textOf(content.text, 'text', where) }];
      case 'reasoning':
        return [
          { partKind: 'thinking', content: textOf(content.text, 'text', where), providerName: this.system },
        ];
      case 'tool-call':
        // A tool the provider ran itself (web search...) is not ours to call.
        return content.providerExecuted
          ? []
          : [
              {
                partKind: 'tool-call',
                toolName: requiredText(content.toolName, 'toolName', where),
                toolCallId: requiredText(content.toolCallId, 'toolCallId', where),
                args: textOf(content.input, 'input', where),
              },
            ];
      default:
        return [];
    }
  }

  async *#events(
    stream: ReadableStream<LanguageModelV4StreamPart>,
    builder: ResponseBuilder,
  ): AsyncGenerator<ModelResponseStreamEvent> {
    const reader = stream.getReader();
    // Tool calls streamed as input deltas also arrive complete at the end; they must not count twice.
    const streamedToolCalls = new Set<string>();
    try {
      while (true) {
        let next: Awaited<ReturnType<typeof reader.read>>;
        try {
          next = await reader.read();
        } catch (error) {
          throw fromAISDKError(error, this.modelName);
        }
        if (next.done) break;
        const part = next.value;
        if (!isRecord(part as unknown)) {
          throw new UserError(
            `${this.#where}: the stream gave ${describeValue(part)}, not a stream part object.`,
          );
        }
        const where = `${this.#where} stream part '${part.type}'`;
        switch (part.type) {
          case 'text-delta':
            yield* builder.textDelta(`text:${part.id}`, textOf(part.delta, 'delta', where));
            break;
          case 'text-end':
            yield* builder.end(`text:${part.id}`);
            break;
          case 'reasoning-delta':
            yield* builder.thinkingDelta(`reasoning:${part.id}`, {
              content: textOf(part.delta, 'delta', where),
            });
            break;
          case 'reasoning-end':
            yield* builder.end(`reasoning:${part.id}`);
            break;
          case 'tool-input-start':
            if (part.providerExecuted) break;
            streamedToolCalls.add(part.id);
            yield* builder.toolCallDelta(`tool:${part.id}`, {
              toolName: requiredText(part.toolName, 'toolName', where),
              toolCallId: requiredText(part.id, 'id', where),
            });
            break;
          case 'tool-input-delta':
            yield* builder.toolCallDelta(`tool:${part.id}`, {
              argsDelta: textOf(part.delta, 'delta', where),
            });
            break;
          case 'tool-input-end':
            yield* builder.end(`tool:${part.id}`);
            break;
          case 'tool-call':
            if (part.providerExecuted || streamedToolCalls.has(part.toolCallId)) break;
            yield* builder.toolCallDelta(`tool:${part.toolCallId}`, {
              toolName: requiredText(part.toolName, 'toolName', where),
              toolCallId: requiredText(part.toolCallId, 'toolCallId', where),
              argsDelta: textOf(part.input, 'input', where),
            });
            yield* builder.end(`tool:${part.toolCallId}`);
            break;
          case 'response-metadata':
            if (part.modelId !== undefined) builder.modelName = part.modelId;
            if (part.id !== undefined) builder.providerResponseId = part.id;
            break;
          case 'finish': {
            builder.usage = fromAISDKUsage(part.usage, this.#where);
            const { finishReason, rawFinishReason } = fromAISDKFinishReason(part.finishReason);
            builder.finishReason = finishReason;
            builder.rawFinishReason = rawFinishReason;
            break;
          }
          case 'error':
            throw errorPartError(part.error, this.modelName);
          default:
            break;
        }
      }
    } finally {
      // Stopping early must stop the AI SDK's stream, and with it the upstream request.
      await reader.cancel().catch(() => {});
    }
    yield* builder.endAll();
  }
}

/** A piece of text a hand-written model may have left out (then empty) or given as the wrong type. */
function textOf(value: unknown, field: string, where: string): string {
  return optionalString(value, field, where) ?? '';
}

/** A name or id without which a tool call cannot be answered. */
function requiredText(value: unknown, field: string, where: string): string {
  const text = optionalString(value, field, where);
  if (text === undefined || text === '')
    throw new UserError(`${where}: ${field} is required for a tool call.`);
  return text;
}

/** An in-band error part: an error object as the provider raised it, or the provider's error JSON. */
function errorPartError(error: unknown, modelName: string): unknown {
  const mapped = fromAISDKError(error, modelName);
  if (mapped instanceof Error) return mapped;
  const body = JSON.stringify(error) ?? String(error);
  const fields = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const kind = kindOfStreamError(String(fields.type ?? fields.code ?? ''), String(fields.message ?? body));
  return new UnexpectedModelBehavior(`Stream error: ${body.slice(0, 500)}`, { modelName, kind, body });
}

/**
 * Wraps an AI SDK language model (specification v4, as `ai@7` and `@ai-sdk/*@4` make them) as a Model.
 *
 * @example
 * const model = fromAISDK(openai.chat('gpt-4o-mini'), { settings: { temperature: 0 } });
 * const response = await model.request([{ kind: 'request', parts: [userPrompt('Hi')] }]);
 */
export function fromAISDK(languageModel: LanguageModelV4, options: FromAISDKOptions = {}): AISDKModel {
  return new AISDKModel(languageModel, options);
}
