/**
 * GoogleModel speaks the Gemini `generateContent` protocol. The provider decides where it goes and how it
 * authenticates: the Gemini API (`google-gla`, `x-goog-api-key`) or Vertex AI (`google-vertex`, a bearer
 * token); the protocol is the same.
 *
 * @example
 * const model = new GoogleModel('gemini-2.5-flash', { provider: createProvider('google-gla') });
 * const response = await model.request([{ kind: 'request', parts: [userPrompt('Hello')] }], { maxTokens: 100 });
 */
import { ModelAPIError } from '../../errors/index.ts';
import { postJson, readBodyText } from '../../http/client.ts';
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
    const call = callSignal(merged, this.modelName);
    try {
      const response = await this.post(':generateContent', messages, merged, params, call.signal);
      const text = await readBodyText(response, this.modelName, call.signal);
      const reader = new GoogleResponseReader(new ResponseBuilder(this.modelName, this.system));
      // Drain the events: the non-stream path applies exactly the stream's processing.
      for (const _ of reader.consume(parseGenerateContent(text, this.modelName, false)));
      const withheld = reader.withheldError();
      if (withheld) throw withheld;
      for (const _ of reader.builder.endAll());
      return reader.builder.snapshot();
    } catch (error) {
      throw call.mapError(error);
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
    // `cancel()` on the stream aborts this controller, which closes the upstream socket.
    const abort = new AbortController();
    const call = callSignal(merged, this.modelName, abort.signal);
    let response: Awaited<ReturnType<typeof postJson>>;
    try {
      response = await this.post(':streamGenerateContent?alt=sse', messages, merged, params, call.signal);
    } catch (error) {
      call.dispose();
      throw call.mapError(error);
    }
    const builder = new ResponseBuilder(this.modelName, this.system);
    const reader = new GoogleResponseReader(builder);
    const modelName = this.modelName;
    async function* events() {
      try {
        yield* googleStreamEvents(response.body, reader, modelName, call.signal);
      } catch (error) {
        throw call.mapError(error);
      } finally {
        call.dispose();
      }
    }
    return new ResponseStream(builder, events(), abort);
  }

  private async post(
    endpoint: string,
    messages: ModelMessage[],
    settings: ModelSettings,
    params: ModelRequestParameters,
    signal: AbortSignal | undefined,
  ) {
    const body = buildRequestBody(messages, settings, params, {
      modelName: this.modelName,
      providerName: this.system,
    });
    const headers = {
      'content-type': 'application/json',
      ...(await this.provider.headers()),
      ...settings.extraHeaders,
    };
    return postJson({
      url: this.provider.url(`/models/${this.modelName}${endpoint}`, this.modelName),
      headers,
      body: JSON.stringify(body),
      modelName: this.modelName,
      signal,
      timeouts: this.provider.timeouts,
    });
  }
}

interface CallSignal {
  signal: AbortSignal | undefined;
  /** Turns the abort caused by `settings.timeout` into a `ModelAPIError` of kind `timeout`. */
  mapError(error: unknown): unknown;
  dispose(): void;
}

/**
 * The signal one call runs under: the caller's, plus `settings.timeout` when a bare adapter is given one
 * (a FallbackModel owns the deadline itself and passes only a signal), plus the stream's own cancel.
 */
function callSignal(settings: ModelSettings, modelName: string, cancel?: AbortSignal): CallSignal {
  const deadline = settings.timeout !== undefined ? new AbortController() : undefined;
  const timer =
    deadline &&
    setTimeout(() => deadline.abort(new DOMException('timed out', 'TimeoutError')), settings.timeout);
  // A stream nobody reads must not hold the process open; the socket does that while a call is live.
  timer?.unref();
  const signals = [settings.signal, deadline?.signal, cancel].filter(
    (s): s is AbortSignal => s !== undefined,
  );
  const signal = signals.length <= 1 ? signals[0] : AbortSignal.any(signals);
  return {
    signal,
    mapError(error) {
      const callerAborted = settings.signal?.aborted || cancel?.aborted;
      if (deadline?.signal.aborted && !callerAborted) {
        return new ModelAPIError(modelName, `Gemini call timed out after ${settings.timeout} ms`, {
          kind: 'timeout',
          cause: error,
        });
      }
      return error;
    },
    dispose() {
      if (timer) clearTimeout(timer);
    },
  };
}
