/**
 * The Chat Completions adapter: OpenAI itself and every host that speaks its protocol (Groq, DeepSeek,
 * OpenRouter, Mistral, xAI, Cerebras, Ollama, ...). The provider supplies URL and auth; this class
 * speaks the protocol.
 */
import { CallSignal } from '../../http/call-signal.ts';
import { postJson, readBodyText, type UpstreamRequest, type UpstreamResponse } from '../../http/client.ts';
import type { ModelMessage, ModelResponse } from '../../messages.ts';
import type { Provider } from '../../providers/provider.ts';
import { type ModelSettings, mergeSettings } from '../../settings.ts';
import {
  defaultRequestParameters,
  type Model,
  type ModelRequestParameters,
  type StreamedResponse,
  upstreamBreakerKey,
} from '../model.ts';
import { ResponseBuilder } from '../response-builder.ts';
import { ResponseStream } from '../response-stream.ts';
import { chatCompletionSchema } from './api.ts';
import { inBandError } from './errors.ts';
import { buildRequestBody } from './request-body.ts';
import { applyDelta, applyEnvelope, applyFinishReason, mapUsage, newDeltaState } from './response-parts.ts';
import { chatCompletionEvents, errorField } from './stream.ts';

/**
 * Options of an OpenAIChatModel: the provider (URL, auth, timeouts) and default settings.
 *
 * @example
 * const options: OpenAIChatModelOptions = { provider, settings: { maxTokens: 1000 } };
 */
export interface OpenAIChatModelOptions {
  provider: Provider;
  /** Defaults for every call; a call's own settings override them key by key. */
  settings?: ModelSettings;
}

// Hosts that want OpenAI's current `max_completion_tokens`; the rest of the ecosystem reads `max_tokens`.
const MAX_COMPLETION_TOKENS_HOSTS = new Set(['openai', 'openai-chat', 'azure']);

/**
 * A model served over the Chat Completions protocol.
 *
 * @example
 * const model = new OpenAIChatModel('gpt-4o', { provider, settings: { temperature: 0 } });
 * const response = await model.request([{ kind: 'request', parts: [userPrompt('Hi')] }], { maxTokens: 50 });
 * for await (const event of await model.requestStream(messages)) console.log(event);
 */
export class OpenAIChatModel implements Model {
  readonly modelName: string;
  readonly system: string;
  readonly settings: ModelSettings | undefined;
  private readonly provider: Provider;

  get breakerKey(): string {
    return upstreamBreakerKey(this.provider.name, this.modelName, this.provider.baseUrl);
  }

  constructor(modelName: string, options: OpenAIChatModelOptions) {
    this.modelName = modelName;
    this.provider = options.provider;
    this.system = options.provider.name;
    this.settings = options.settings;
  }

  async request(
    messages: ModelMessage[],
    settings?: ModelSettings,
    params?: ModelRequestParameters,
  ): Promise<ModelResponse> {
    const merged = mergeSettings(this.settings, settings);
    const call = new CallSignal(this.modelName, merged);
    try {
      // Built outside the failure mapping: a UserError (missing key, unsendable content) is not an upstream failure.
      const upstream = await this.upstreamRequest(messages, merged, call, params, false);
      let text: string;
      try {
        const response = await postJson(upstream);
        text = await readBodyText(response, this.modelName, call.signal);
      } catch (error) {
        throw call.mapFailure(error);
      }
      return this.parseCompletion(text);
    } finally {
      call.dispose();
    }
  }

  async requestStream(
    messages: ModelMessage[],
    settings?: ModelSettings,
    params?: ModelRequestParameters,
  ): Promise<StreamedResponse> {
    const merged = mergeSettings(this.settings, settings);
    const call = new CallSignal(this.modelName, merged);
    let response: UpstreamResponse;
    try {
      const upstream = await this.upstreamRequest(messages, merged, call, params, true);
      try {
        response = await postJson(upstream);
      } catch (error) {
        throw call.mapFailure(error);
      }
    } catch (error) {
      call.dispose();
      throw error;
    }
    const builder = new ResponseBuilder(this.modelName, this.provider.name);
    const events = chatCompletionEvents({
      body: response.body,
      contentType: response.headers['content-type'],
      builder,
      modelName: this.modelName,
      mapReadFailure: call.mapFailure,
    });
    return new ResponseStream(builder, disposeAfter(events, call), call.controller);
  }

  private async upstreamRequest(
    messages: ModelMessage[],
    settings: ModelSettings,
    call: CallSignal,
    params: ModelRequestParameters | undefined,
    stream: boolean,
  ): Promise<UpstreamRequest> {
    const body = buildRequestBody({
      modelName: this.modelName,
      messages,
      settings,
      params: params ?? defaultRequestParameters(),
      stream,
      maxTokensField: MAX_COMPLETION_TOKENS_HOSTS.has(this.provider.name)
        ? 'max_completion_tokens'
        : 'max_tokens',
      toolCallIdStyle: this.provider.name === 'mistral' ? 'mistral' : 'openai',
    });
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: stream ? 'text/event-stream' : 'application/json',
      ...(await this.provider.headers()),
      ...settings.extraHeaders,
    };
    return {
      url: this.provider.url('/chat/completions', this.modelName),
      headers,
      body: JSON.stringify(body),
      modelName: this.modelName,
      signal: call.signal,
      timeouts: this.provider.timeouts,
    };
  }

  /** Parses a whole (non-stream) answer through the same steps a stream's deltas take. */
  private parseCompletion(text: string): ModelResponse {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw inBandError({ kind: 'malformed', where: 'body', text, cause }, this.modelName);
    }
    const error = errorField(json);
    if (error !== undefined && !(json as { choices?: unknown }).choices) {
      throw inBandError({ kind: 'error-object', error }, this.modelName);
    }
    const parsed = chatCompletionSchema.safeParse(json);
    const choice = parsed.success ? parsed.data.choices[0] : undefined;
    if (!parsed.success || !choice) {
      throw inBandError({ kind: 'malformed', where: 'body', text, cause: parsed.error }, this.modelName);
    }
    const builder = new ResponseBuilder(this.modelName, this.provider.name);
    applyEnvelope(builder, parsed.data);
    if (parsed.data.usage) builder.usage = mapUsage(parsed.data.usage);
    const state = newDeltaState();
    for (const _ of applyDelta(builder, choice.message, state));
    applyFinishReason(builder, choice.finish_reason);
    for (const _ of builder.endAll());
    return builder.snapshot();
  }
}

/** Clears the call's deadline timer once the stream has ended, however it ended. */
async function* disposeAfter<T>(events: AsyncGenerator<T>, call: CallSignal): AsyncGenerator<T> {
  try {
    yield* events;
  } finally {
    call.dispose();
  }
}
