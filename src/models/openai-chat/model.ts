/**
 * The Chat Completions adapter: OpenAI itself and every host that speaks its protocol (Groq, DeepSeek,
 * OpenRouter, Mistral, xAI, Cerebras, Ollama, ...). The provider supplies URL and auth; this class
 * speaks the protocol.
 */
import { ModelAPIError } from '../../errors/index.ts';
import {
  postJson,
  readBodyText,
  transportError,
  type UpstreamRequest,
  type UpstreamResponse,
} from '../../http/client.ts';
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
    const call = this.startCall(settings);
    // Built outside the try: a UserError (missing key, unsendable content) is not an upstream failure.
    const upstream = await this.upstreamRequest(messages, call, params, false);
    try {
      const response = await postJson(upstream);
      const text = await readBodyText(response, this.modelName, call.signal);
      return this.parseCompletion(text);
    } catch (error) {
      throw call.mapFailure(error);
    }
  }

  async requestStream(
    messages: ModelMessage[],
    settings?: ModelSettings,
    params?: ModelRequestParameters,
  ): Promise<StreamedResponse> {
    const call = this.startCall(settings);
    const upstream = await this.upstreamRequest(messages, call, params, true);
    let response: UpstreamResponse;
    try {
      response = await postJson(upstream);
    } catch (error) {
      throw call.mapFailure(error);
    }
    const builder = new ResponseBuilder(this.modelName, this.provider.name);
    const events = chatCompletionEvents({
      body: response.body,
      contentType: response.headers['content-type'],
      builder,
      modelName: this.modelName,
      mapReadFailure: call.mapFailure,
    });
    return new ResponseStream(builder, events, call.controller);
  }

  private async upstreamRequest(
    messages: ModelMessage[],
    call: Call,
    params: ModelRequestParameters | undefined,
    stream: boolean,
  ): Promise<UpstreamRequest> {
    const body = buildRequestBody({
      modelName: this.modelName,
      messages,
      settings: call.settings,
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
      ...call.settings.extraHeaders,
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

  /**
   * One call's settings and cancellation. The upstream signal combines the caller's signal, our own
   * controller (`cancel()` on a stream) and, for a bare adapter given `settings.timeout`, a deadline.
   */
  private startCall(callSettings: ModelSettings | undefined): Call {
    const settings = mergeSettings(this.settings, callSettings);
    const controller = new AbortController();
    const deadline = settings.timeout !== undefined ? AbortSignal.timeout(settings.timeout) : undefined;
    const sources = [controller.signal];
    if (settings.signal) sources.push(settings.signal);
    if (deadline) sources.push(deadline);
    const signal = AbortSignal.any(sources);
    const callerSignal = settings.signal;
    const modelName = this.modelName;
    const mapFailure = (error: unknown): unknown => {
      // The caller's abort is the caller's decision: hand its reason back untouched.
      if (callerSignal?.aborted) return callerSignal.reason;
      // A provider error that arrived before the deadline stays what it was.
      if (deadline?.aborted && !(error instanceof ModelAPIError)) {
        return new ModelAPIError(
          modelName,
          `${modelName}: no answer within the ${settings.timeout} ms timeout`,
          {
            kind: 'timeout',
            cause: error,
          },
        );
      }
      return transportError(error, modelName, signal);
    };
    return { settings, controller, signal, mapFailure };
  }
}

interface Call {
  settings: ModelSettings;
  controller: AbortController;
  signal: AbortSignal;
  mapFailure: (error: unknown) => unknown;
}
