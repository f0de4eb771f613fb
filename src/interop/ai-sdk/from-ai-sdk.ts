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
import { kindOfStreamError, UnexpectedModelBehavior } from '../../errors/index.ts';
import type {
  ModelMessage,
  ModelResponse,
  ModelResponsePart,
  ModelResponseStreamEvent,
} from '../../messages.ts';
import {
  defaultRequestParameters,
  type Model,
  type ModelRequestParameters,
  type StreamedResponse,
} from '../../models/model.ts';
import { ResponseBuilder } from '../../models/response-builder.ts';
import { ResponseStream } from '../../models/response-stream.ts';
import { type ModelSettings, mergeSettings } from '../../settings.ts';
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
    const response: ModelResponse = {
      kind: 'response',
      parts: result.content.flatMap((content) => this.#part(content)),
      usage: fromAISDKUsage(result.usage),
      modelName: result.response?.modelId ?? this.modelName,
      providerName: this.system,
      timestamp: result.response?.timestamp ?? new Date(),
    };
    const finishReason = fromAISDKFinishReason(result.finishReason);
    if (finishReason !== undefined) response.finishReason = finishReason;
    const raw = result.finishReason.raw ?? result.finishReason.unified;
    response.rawFinishReason = raw;
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

  #part(content: LanguageModelV4Content): ModelResponsePart[] {
    switch (content.type) {
      case 'text':
        return [{ partKind: 'text', content: content.text }];
      case 'reasoning':
        return [{ partKind: 'thinking', content: content.text, providerName: this.system }];
      case 'tool-call':
        // A tool the provider ran itself (web search...) is not ours to call.
        return content.providerExecuted
          ? []
          : [
              {
                partKind: 'tool-call',
                toolName: content.toolName,
                toolCallId: content.toolCallId,
                args: content.input,
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
        switch (part.type) {
          case 'text-delta':
            yield* builder.textDelta(`text:${part.id}`, part.delta);
            break;
          case 'text-end':
            yield* builder.end(`text:${part.id}`);
            break;
          case 'reasoning-delta':
            yield* builder.thinkingDelta(`reasoning:${part.id}`, { content: part.delta });
            break;
          case 'reasoning-end':
            yield* builder.end(`reasoning:${part.id}`);
            break;
          case 'tool-input-start':
            if (part.providerExecuted) break;
            streamedToolCalls.add(part.id);
            yield* builder.toolCallDelta(`tool:${part.id}`, { toolName: part.toolName, toolCallId: part.id });
            break;
          case 'tool-input-delta':
            yield* builder.toolCallDelta(`tool:${part.id}`, { argsDelta: part.delta });
            break;
          case 'tool-input-end':
            yield* builder.end(`tool:${part.id}`);
            break;
          case 'tool-call':
            if (part.providerExecuted || streamedToolCalls.has(part.toolCallId)) break;
            yield* builder.toolCallDelta(`tool:${part.toolCallId}`, {
              toolName: part.toolName,
              toolCallId: part.toolCallId,
              argsDelta: part.input,
            });
            yield* builder.end(`tool:${part.toolCallId}`);
            break;
          case 'response-metadata':
            if (part.modelId !== undefined) builder.modelName = part.modelId;
            if (part.id !== undefined) builder.providerResponseId = part.id;
            break;
          case 'finish':
            builder.usage = fromAISDKUsage(part.usage);
            builder.finishReason = fromAISDKFinishReason(part.finishReason);
            builder.rawFinishReason = part.finishReason.raw ?? part.finishReason.unified;
            break;
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
