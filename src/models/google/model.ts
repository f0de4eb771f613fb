/**
 * GoogleModel speaks the Gemini `generateContent` protocol. The provider decides where it goes and how it
 * authenticates: the Gemini API (`google-gla`, `x-goog-api-key`) or Vertex AI (`google-vertex`, a bearer
 * token); the protocol is the same.
 *
 * @example
 * const model = new GoogleModel('gemini-2.5-flash', { provider: createProvider('google-gla') });
 * const response = await model.request([{ kind: 'request', parts: [userPrompt('Hello')] }], { maxTokens: 100 });
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
import { buildRequestBody } from './request-body.ts';
import { GoogleResponseReader } from './response-reader.ts';
import { googleStreamEvents, parseGenerateContent } from './stream.ts';

/**
 * What a GoogleModel needs besides its name.
 *
 * @example
 * const options: GoogleModelOptions = { provider, settings: { temperature: 0 } };
 */
export interface GoogleModelOptions {
  provider: Provider;
  /** The model's own default settings; a call's settings override them key by key. */
  settings?: ModelSettings;
}

/**
 * A Gemini model behind the Gemini API or Vertex AI.
 *
 * @example
 * const model = new GoogleModel('gemini-2.5-pro', { provider, settings: { thinking: 'low' } });
 * const stream = await model.requestStream(messages);
 * for await (const event of stream) console.log(event.kind);
 */
export class GoogleModel implements Model {
  readonly modelName: string;
  readonly provider: Provider;
  readonly settings: ModelSettings | undefined;

  get breakerKey(): string {
    return upstreamBreakerKey(this.provider.name, this.modelName, this.provider.baseUrl);
  }

  constructor(modelName: string, options: GoogleModelOptions) {
    this.modelName = modelName;
    this.provider = options.provider;
    this.settings = options.settings;
  }

  get system(): string {
    return this.provider.name;
  }

  async request(
    messages: ModelMessage[],
    settings?: ModelSettings,
    params: ModelRequestParameters = defaultRequestParameters(),
  ): Promise<ModelResponse> {
    const { text } = await sendRequest(this.httpCall(':generateContent', messages, settings, params));
    const reader = new GoogleResponseReader(new ResponseBuilder(this.modelName, this.system));
    // Drain the events: the non-stream path applies exactly the stream's processing.
    for (const _ of reader.consume(parseGenerateContent(text, this.modelName, false)));
    const withheld = reader.withheldError();
    if (withheld) throw withheld;
    for (const _ of reader.builder.endAll());
    return reader.builder.snapshot();
  }

  async requestStream(
    messages: ModelMessage[],
    settings?: ModelSettings,
    params: ModelRequestParameters = defaultRequestParameters(),
  ): Promise<StreamedResponse> {
    const endpoint = ':streamGenerateContent?alt=sse';
    const opened = await openStream(this.httpCall(endpoint, messages, settings, params));
    const builder = new ResponseBuilder(this.modelName, this.system);
    const reader = new GoogleResponseReader(builder);
    return opened.respond(builder, googleStreamEvents(opened.body, reader, this.modelName, opened.signal));
  }

  private httpCall(
    endpoint: string,
    messages: ModelMessage[],
    callSettings: ModelSettings | undefined,
    params: ModelRequestParameters,
  ): HttpCall {
    const settings = mergeSettings(this.settings, callSettings);
    return {
      modelName: this.modelName,
      settings,
      timeouts: this.provider.timeouts,
      timeoutMessage: (ms) => `Gemini call timed out after ${ms} ms`,
      build: async () => {
        const body = buildRequestBody(messages, settings, params, {
          modelName: this.modelName,
          providerName: this.system,
        });
        return {
          url: this.provider.url(`/models/${this.modelName}${endpoint}`, this.modelName),
          headers: await upstreamHeaders(this.provider, settings),
          body: JSON.stringify(body),
        };
      },
    };
  }
}
