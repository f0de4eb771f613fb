/**
 * The OpenAI Responses API adapter (`POST {baseUrl}/responses`): OpenAI's newer protocol, the one that
 * carries reasoning (encrypted, with summaries) across a stateless history. The provider supplies URL and
 * auth; this class speaks the protocol.
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
import { responseSchema } from './api.ts';
import { responsesError } from './errors.ts';
import { buildRequestBody } from './request-body.ts';
import { applyResponse, closeItem, newItemState } from './response-items.ts';
import { responsesEvents } from './stream.ts';

/**
 * Options of an OpenAIResponsesModel: the provider (URL, auth, timeouts) and default settings.
 *
 * @example
 * const options: OpenAIResponsesModelOptions = { provider, settings: { thinking: 'low' } };
 */
export interface OpenAIResponsesModelOptions {
  provider: Provider;
  /** Defaults for every call; a call's own settings override them key by key. */
  settings?: ModelSettings;
}

/**
 * A model served over the OpenAI Responses API.
 *
 * @example
 * const model = new OpenAIResponsesModel('gpt-5', { provider: createProvider('openai-responses') });
 * const response = await model.request([{ kind: 'request', parts: [userPrompt('Hi')] }], { thinking: 'low' });
 * for await (const event of await model.requestStream(messages)) console.log(event);
 */
export class OpenAIResponsesModel implements Model {
  readonly modelName: string;
  readonly system: string;
  readonly settings: ModelSettings | undefined;
  private readonly provider: Provider;

  get breakerKey(): string {
    return upstreamBreakerKey(this.provider.name, this.modelName, this.provider.baseUrl);
  }

  constructor(modelName: string, options: OpenAIResponsesModelOptions) {
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
    const { text } = await sendRequest(this.httpCall(messages, settings, params, false));
    return this.parseResponse(text);
  }

  async requestStream(
    messages: ModelMessage[],
    settings?: ModelSettings,
    params?: ModelRequestParameters,
  ): Promise<StreamedResponse> {
    const opened = await openStream(this.httpCall(messages, settings, params, true));
    const builder = new ResponseBuilder(this.modelName, this.provider.name);
    const events = responsesEvents({
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
          providerName: this.provider.name,
          messages,
          settings,
          params: params ?? defaultRequestParameters(),
          stream,
        });
        const accept = stream ? 'text/event-stream' : 'application/json';
        return {
          url: this.provider.url('/responses', this.modelName),
          headers: await upstreamHeaders(this.provider, settings, accept),
          body: JSON.stringify(body),
        };
      },
    };
  }

  /** Parses a whole (non-stream) answer through the same steps a stream's events take. */
  private parseResponse(text: string): ModelResponse {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw responsesError({ kind: 'malformed', where: 'body', text, cause }, this.modelName);
    }
    const parsed = responseSchema.safeParse(json);
    if (!parsed.success || !parsed.data.output) {
      const error = (json as { error?: unknown } | null)?.error;
      if (error) throw responsesError({ kind: 'error-object', error }, this.modelName);
      throw responsesError({ kind: 'malformed', where: 'body', text, cause: parsed.error }, this.modelName);
    }
    const response = parsed.data;
    if (response.status === 'failed' && response.error) {
      throw responsesError({ kind: 'error-object', error: response.error }, this.modelName);
    }
    const builder = new ResponseBuilder(this.modelName, this.provider.name);
    const state = newItemState();
    for (const [index, item] of (response.output ?? []).entries()) {
      for (const _ of closeItem(builder, state, index, item));
    }
    applyResponse(builder, response);
    for (const _ of builder.endAll());
    return builder.snapshot();
  }
}
