/**
 * `AnthropicModel` speaks the Anthropic Messages protocol (`POST {baseUrl}/messages`) for any provider
 * that serves it; the provider supplies the URL and the `x-api-key` / `anthropic-version` headers.
 *
 * @example
 * const model = new AnthropicModel('claude-sonnet-4-5', { provider, settings: { maxTokens: 1024 } });
 * const response = await model.request([{ kind: 'request', parts: [userPrompt('Hello')] }]);
 * const stream = await model.requestStream(messages, { thinking: 'low' });
 * for await (const event of stream) console.log(event.kind);
 */
import type { ModelMessage, ModelResponse } from '../../messages.ts';
import type { Provider } from '../../providers/provider.ts';
import { type ModelSettings, mergeSettings } from '../../settings.ts';
import { type HttpCall, openStream, sendRequest, upstreamHeaders } from '../http-call.ts';
import {
  defaultRequestParameters,
  type Model,
  type ModelRequestParameters,
  type StreamedResponse,
  upstreamBreakerKey,
} from '../model.ts';
import { ResponseBuilder } from '../response-builder.ts';
import { anthropicErrorBodySchema, anthropicMessageSchema, parseContentBlock } from './api.ts';
import { anthropicInBandError } from './errors.ts';
import { mapAnthropicFinishReason } from './map-finish-reason.ts';
import { mapUsage, startBlock } from './map-response.ts';
import { buildRequestBody } from './request-body.ts';
import { anthropicStreamEvents } from './stream.ts';

/** Options of `new AnthropicModel(name, { provider, settings })`. */
export interface AnthropicModelOptions {
  provider: Provider;
  /** Defaults for every call; a call's own settings override them key by key. */
  settings?: ModelSettings;
}

/**
 * A `Model` over the Anthropic Messages API. Both `request` and `requestStream` build the same body and
 * assemble the answer through the same ResponseBuilder, so the two paths agree part for part.
 *
 * @example
 * const model = new AnthropicModel('claude-haiku-4-5', { provider: createProvider('anthropic') });
 * const answer = await model.request(messages, { thinking: 'low', signal });
 */
export class AnthropicModel implements Model {
  readonly modelName: string;
  readonly system: string;
  readonly settings: ModelSettings | undefined;
  readonly provider: Provider;

  get breakerKey(): string {
    return upstreamBreakerKey(this.provider.name, this.modelName, this.provider.baseUrl);
  }

  constructor(modelName: string, options: AnthropicModelOptions) {
    this.modelName = modelName;
    this.provider = options.provider;
    this.system = options.provider.name;
    this.settings = options.settings;
  }

  async request(
    messages: ModelMessage[],
    settings?: ModelSettings,
    params: ModelRequestParameters = defaultRequestParameters(),
  ): Promise<ModelResponse> {
    const { text } = await sendRequest(this.httpCall(messages, settings, params, false));
    return this.processResponse(text);
  }

  async requestStream(
    messages: ModelMessage[],
    settings?: ModelSettings,
    params: ModelRequestParameters = defaultRequestParameters(),
  ): Promise<StreamedResponse> {
    const opened = await openStream(this.httpCall(messages, settings, params, true));
    const builder = new ResponseBuilder(this.modelName, this.system);
    const events = anthropicStreamEvents(opened.body, builder, {
      modelName: builder.modelName,
      signal: opened.signal,
    });
    return opened.respond(builder, events);
  }

  private httpCall(
    messages: ModelMessage[],
    callSettings: ModelSettings | undefined,
    params: ModelRequestParameters,
    stream: boolean,
  ): HttpCall {
    const settings = mergeSettings(this.settings, callSettings);
    return {
      modelName: this.modelName,
      settings,
      timeouts: this.provider.timeouts,
      timeoutMessage: (ms) => `Anthropic call timed out after ${ms} ms`,
      build: async () => {
        const body = buildRequestBody(this.modelName, messages, settings, params, stream, this.system);
        const accept = stream ? 'text/event-stream' : 'application/json';
        return {
          url: this.provider.url('/messages', this.modelName),
          headers: await upstreamHeaders(this.provider, settings, accept),
          body: JSON.stringify(body),
        };
      },
    };
  }

  /** A whole (non-streamed) answer goes through the same builder as a stream, block by block. */
  private processResponse(text: string): ModelResponse {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw anthropicInBandError(this.modelName, {
        kind: 'malformed',
        stream: false,
        detail: `not JSON: ${text.slice(0, 200)}`,
        body: text,
      });
    }
    const failure = anthropicErrorBodySchema.safeParse(json);
    if (failure.success) {
      const { type, message } = failure.data.error;
      throw anthropicInBandError(this.modelName, { kind: 'error-event', type, message: message ?? '' });
    }
    const parsed = anthropicMessageSchema.safeParse(json);
    if (!parsed.success) {
      throw anthropicInBandError(this.modelName, {
        kind: 'malformed',
        stream: false,
        detail: `not a message: ${parsed.error.issues[0]?.message ?? 'unknown shape'}`,
        body: text,
      });
    }
    const message = parsed.data;
    const builder = new ResponseBuilder(message.model || this.modelName, this.system);
    message.content.forEach((raw, index) => {
      const block = parseContentBlock(raw);
      if (!('type' in block)) {
        throw anthropicInBandError(this.modelName, {
          kind: 'malformed',
          stream: false,
          detail: block.error,
          body: text,
        });
      }
      // Only the builder's assembled state matters here; the events are for streams.
      for (const _ of startBlock(builder, index, block, 'whole'));
    });
    for (const _ of builder.endAll());
    if (message.id !== undefined) builder.providerResponseId = message.id;
    builder.usage = mapUsage(message.usage);
    const stopReason = message.stop_reason ?? undefined;
    builder.rawFinishReason = stopReason;
    builder.finishReason = mapAnthropicFinishReason(stopReason);
    return builder.snapshot();
  }
}
