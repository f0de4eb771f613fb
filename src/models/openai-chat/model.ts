/**
 * The Chat Completions adapter: OpenAI itself and every host that speaks its protocol (Groq, DeepSeek,
 * OpenRouter, Mistral, xAI, Cerebras, Ollama, ...). The provider supplies URL and auth; this class
 * speaks the protocol.
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
import { chatCompletionSchema } from './api.ts';
import { inBandError } from './errors.ts';
import { type ChatProfile, chatProfile } from './profile.ts';
import { buildRequestBody } from './request-body.ts';
import { applyDelta, applyEnvelope, applyFinishReason, mapUsage, newDeltaState } from './response-parts.ts';
import { isChatCompletion } from './shape-check.ts';
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
  private readonly profile: ChatProfile;

  get breakerKey(): string {
    return upstreamBreakerKey(this.provider.name, this.modelName, this.provider.baseUrl);
  }

  constructor(modelName: string, options: OpenAIChatModelOptions) {
    this.modelName = modelName;
    this.provider = options.provider;
    this.profile = chatProfile(options.provider.name);
    this.system = options.provider.name;
    this.settings = options.settings;
  }

  async request(
    messages: ModelMessage[],
    settings?: ModelSettings,
    params?: ModelRequestParameters,
  ): Promise<ModelResponse> {
    const { text } = await sendRequest(this.httpCall(messages, settings, params, false));
    return this.parseCompletion(text);
  }

  async requestStream(
    messages: ModelMessage[],
    settings?: ModelSettings,
    params?: ModelRequestParameters,
  ): Promise<StreamedResponse> {
    const opened = await openStream(this.httpCall(messages, settings, params, true));
    const builder = new ResponseBuilder(this.modelName, this.provider.name);
    const events = chatCompletionEvents({
      body: opened.body,
      contentType: opened.headers['content-type'],
      builder,
      modelName: this.modelName,
      mapReadFailure: opened.mapFailure,
    });
    return opened.respond(builder, events);
  }

  private httpCall(
    messages: ModelMessage[],
    callSettings: ModelSettings | undefined,
    params: ModelRequestParameters | undefined,
    stream: boolean,
  ): HttpCall {
    const settings = mergeSettings(this.settings, callSettings);
    return {
      modelName: this.modelName,
      settings,
      timeouts: this.provider.timeouts,
      build: async () => {
        const body = buildRequestBody({
          modelName: this.modelName,
          messages,
          settings,
          params: params ?? defaultRequestParameters(),
          stream,
          providerName: this.provider.name,
          profile: this.profile,
        });
        const accept = stream ? 'text/event-stream' : 'application/json';
        return {
          url: this.provider.url('/chat/completions', this.modelName),
          headers: await upstreamHeaders(this.provider, settings, accept),
          body: JSON.stringify(body),
        };
      },
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
    // The hand-written check accepts what the schema does, at a fraction of its cost; zod runs only to
    // say what is wrong with an answer the check refused.
    const parsed = isChatCompletion(json)
      ? { success: true as const, data: json }
      : chatCompletionSchema.safeParse(json);
    const choice = parsed.success ? parsed.data.choices[0] : undefined;
    if (!parsed.success || !choice) {
      throw inBandError({ kind: 'malformed', where: 'body', text, cause: parsed.error }, this.modelName);
    }
    const completion = parsed.data;
    const builder = new ResponseBuilder(this.modelName, this.provider.name);
    applyEnvelope(builder, completion);
    if (completion.usage) builder.usage = mapUsage(completion.usage);
    const state = newDeltaState();
    for (const _ of applyDelta(builder, choice.message, state));
    applyFinishReason(builder, choice.finish_reason);
    for (const _ of builder.endAll());
    return builder.snapshot();
  }
}
