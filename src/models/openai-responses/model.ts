/**
 * The OpenAI Responses API adapter (`POST {baseUrl}/responses`): OpenAI's newer protocol, the one that
 * carries reasoning (encrypted, with summaries) across a stateless history. The provider supplies URL and
 * auth; this class speaks the protocol.
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
      return this.parseResponse(text);
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
    const events = responsesEvents({
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
      providerName: this.provider.name,
      messages,
      settings,
      params: params ?? defaultRequestParameters(),
      stream,
    });
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: stream ? 'text/event-stream' : 'application/json',
      ...(await this.provider.headers()),
      ...settings.extraHeaders,
    };
    return {
      url: this.provider.url('/responses', this.modelName),
      headers,
      body: JSON.stringify(body),
      modelName: this.modelName,
      signal: call.signal,
      timeouts: this.provider.timeouts,
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

/** Clears the call's deadline timer once the stream has ended, however it ended. */
async function* disposeAfter<T>(events: AsyncGenerator<T>, call: CallSignal): AsyncGenerator<T> {
  try {
    yield* events;
  } finally {
    call.dispose();
  }
}
