/**
 * GoogleModel speaks the Gemini `generateContent` protocol. The provider decides where it goes and how it
 * authenticates: the Gemini API (`google-gla`, `x-goog-api-key`) or Vertex AI (`google-vertex`, a bearer
 * token); the protocol is the same.
 *
 * @example
 * const model = new GoogleModel('gemini-2.5-flash', { provider: createProvider('google-gla') });
 * const response = await model.request([{ kind: 'request', parts: [userPrompt('Hello')] }], { maxTokens: 100 });
 */
import { CallSignal, type CallSignalOptions } from '../../http/call-signal.ts';
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
import { buildRequestBody } from './request-body.ts';
import { GoogleResponseReader } from './response-reader.ts';
import { googleStreamEvents, parseGenerateContent } from './stream.ts';

const TIMEOUT_WORDING: CallSignalOptions = {
  timeoutMessage: (ms) => `Gemini call timed out after ${ms} ms`,
};

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
    const merged = mergeSettings(this.settings, settings);
    const call = new CallSignal(this.modelName, merged, TIMEOUT_WORDING);
    try {
      // Built outside the failure mapping: a UserError (a missing key) is not an upstream failure.
      const upstream = await this.upstreamRequest(':generateContent', messages, merged, params, call.signal);
      let text: string;
      try {
        const response = await postJson(upstream);
        text = await readBodyText(response, this.modelName, call.signal);
      } catch (error) {
        throw call.mapFailure(error);
      }
      const reader = new GoogleResponseReader(new ResponseBuilder(this.modelName, this.system));
      // Drain the events: the non-stream path applies exactly the stream's processing.
      for (const _ of reader.consume(parseGenerateContent(text, this.modelName, false)));
      const withheld = reader.withheldError();
      if (withheld) throw withheld;
      for (const _ of reader.builder.endAll());
      return reader.builder.snapshot();
    } finally {
      call.dispose();
    }
  }

  async requestStream(
    messages: ModelMessage[],
    settings?: ModelSettings,
    params: ModelRequestParameters = defaultRequestParameters(),
  ): Promise<StreamedResponse> {
    const merged = mergeSettings(this.settings, settings);
    // `cancel()` on the stream aborts the call's controller, which closes the upstream socket.
    const call = new CallSignal(this.modelName, merged, TIMEOUT_WORDING);
    let response: UpstreamResponse;
    try {
      const endpoint = ':streamGenerateContent?alt=sse';
      const upstream = await this.upstreamRequest(endpoint, messages, merged, params, call.signal);
      try {
        response = await postJson(upstream);
      } catch (error) {
        throw call.mapFailure(error);
      }
    } catch (error) {
      call.dispose();
      throw error;
    }
    const builder = new ResponseBuilder(this.modelName, this.system);
    const reader = new GoogleResponseReader(builder);
    const modelName = this.modelName;
    async function* events() {
      try {
        yield* googleStreamEvents(response.body, reader, modelName, call.signal);
      } catch (error) {
        throw call.mapFailure(error);
      } finally {
        call.dispose();
      }
    }
    return new ResponseStream(builder, events(), call.controller);
  }

  private async upstreamRequest(
    endpoint: string,
    messages: ModelMessage[],
    settings: ModelSettings,
    params: ModelRequestParameters,
    signal: AbortSignal,
  ): Promise<UpstreamRequest> {
    const body = buildRequestBody(messages, settings, params, {
      modelName: this.modelName,
      providerName: this.system,
    });
    const headers = {
      'content-type': 'application/json',
      ...(await this.provider.headers()),
      ...settings.extraHeaders,
    };
    return {
      url: this.provider.url(`/models/${this.modelName}${endpoint}`, this.modelName),
      headers,
      body: JSON.stringify(body),
      modelName: this.modelName,
      signal,
      timeouts: this.provider.timeouts,
    };
  }
}
