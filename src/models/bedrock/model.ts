/**
 * The AWS Bedrock Converse adapter: `POST /model/{modelId}/converse` and `/converse-stream` on
 * `bedrock-runtime.{region}.amazonaws.com`, one protocol for every model family Bedrock hosts (Claude,
 * Nova, Llama, Mistral, gpt-oss, ...). Requests are SigV4-signed, or carry a Bedrock API key as a bearer
 * token when AWS_BEARER_TOKEN_BEDROCK is set; streams are AWS's binary event stream.
 */
import { ModelHTTPError } from '../../errors/index.ts';
import { CallSignal } from '../../http/call-signal.ts';
import { postJson, readBodyText, type UpstreamRequest, type UpstreamResponse } from '../../http/client.ts';
import type { ModelMessage, ModelResponse } from '../../messages.ts';
import { createProvider } from '../../providers/create-provider.ts';
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
import { converseResponseSchema } from './api.ts';
import { BedrockHTTPError, bedrockStreamError } from './errors.ts';
import { buildRequestBody } from './request-body.ts';
import { applyStopReason, mapUsage, wholeBlock } from './response-parts.ts';
import { type AwsCredentialSource, regionOfUrl, resolveCredentials, signRequest } from './signing.ts';
import { converseStreamEvents } from './stream.ts';

/**
 * Options of a BedrockConverseModel. Everything is optional: by default the provider is
 * `createProvider('bedrock')` (region from AWS_REGION / AWS_DEFAULT_REGION, BEDROCK_BASE_URL to override)
 * and credentials come from the AWS environment variables.
 *
 * @example
 * const options: BedrockConverseModelOptions = { region: 'eu-west-3', credentials: { accessKeyId, secretAccessKey } };
 */
export interface BedrockConverseModelOptions {
  provider?: Provider;
  settings?: ModelSettings;
  /** The signing region; else the region in the base URL, AWS_REGION, AWS_DEFAULT_REGION, `us-east-1`. */
  region?: string;
  credentials?: AwsCredentialSource;
  /** Where credentials and the region are read from; `process.env` by default. */
  env?: Record<string, string | undefined>;
  /** The signing clock (tests pin it); `new Date()` by default. */
  now?: () => Date;
}

/**
 * A model served by AWS Bedrock through the Converse API.
 *
 * @example
 * const model = new BedrockConverseModel('us.anthropic.claude-sonnet-4-20250514-v1:0', { region: 'us-east-1' });
 * const response = await model.request([{ kind: 'request', parts: [userPrompt('Hi')] }], { thinking: 'low' });
 */
export class BedrockConverseModel implements Model {
  readonly modelName: string;
  readonly system: string;
  readonly settings: ModelSettings | undefined;
  private readonly provider: Provider;
  private readonly options: BedrockConverseModelOptions;
  private readonly env: Record<string, string | undefined>;

  get breakerKey(): string {
    return upstreamBreakerKey(this.provider.name, this.modelName, this.provider.baseUrl);
  }

  constructor(modelName: string, options: BedrockConverseModelOptions = {}) {
    this.modelName = modelName;
    this.options = options;
    this.env = options.env ?? process.env;
    this.provider =
      options.provider ??
      createProvider('bedrock', {
        env: this.env,
        ...(options.region !== undefined ? { location: options.region } : {}),
      });
    this.system = this.provider.name;
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
      // Built outside the failure mapping: missing credentials are a UserError, not an upstream failure.
      const upstream = await this.upstreamRequest(messages, merged, call, params, false);
      let response: UpstreamResponse;
      let text: string;
      try {
        response = await postJson(upstream);
        text = await readBodyText(response, this.modelName, call.signal);
      } catch (error) {
        throw mapFailure(call, error);
      }
      return this.parseResponse(text, response.headers['x-amzn-requestid']);
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
        throw mapFailure(call, error);
      }
    } catch (error) {
      call.dispose();
      throw error;
    }
    const builder = new ResponseBuilder(this.modelName, this.provider.name);
    const requestId = response.headers['x-amzn-requestid'];
    if (requestId) builder.providerResponseId = requestId;
    const events = converseStreamEvents({
      body: response.body,
      builder,
      modelName: this.modelName,
      mapReadFailure: (error) => mapFailure(call, error),
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
    const body = JSON.stringify(
      buildRequestBody({
        modelName: this.modelName,
        providerName: this.provider.name,
        messages,
        settings,
        params: params ?? defaultRequestParameters(),
      }),
    );
    const path = `/model/${encodeURIComponent(this.modelName)}/${stream ? 'converse-stream' : 'converse'}`;
    const url = this.provider.url(path, this.modelName);
    const auth = await this.provider.headers();
    let headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: stream ? 'application/vnd.amazon.eventstream' : 'application/json',
      ...auth,
      ...settings.extraHeaders,
    };
    if (!auth.authorization) {
      headers = await signRequest({
        url,
        headers,
        body,
        region: this.region(),
        credentials: await resolveCredentials(this.options.credentials, this.env),
        signingDate: this.options.now?.(),
      });
    }
    return {
      url,
      headers,
      body,
      modelName: this.modelName,
      signal: call.signal,
      timeouts: this.provider.timeouts,
    };
  }

  private region(): string {
    return (
      this.options.region ??
      regionOfUrl(this.provider.baseUrl) ??
      this.env.AWS_REGION ??
      this.env.AWS_DEFAULT_REGION ??
      'us-east-1'
    );
  }

  /** Parses a whole answer through the same steps a stream's events take. */
  private parseResponse(text: string, requestId: string | undefined): ModelResponse {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw bedrockStreamError({ kind: 'malformed', where: 'body', text, cause }, this.modelName);
    }
    const parsed = converseResponseSchema.safeParse(json);
    if (!parsed.success) {
      throw bedrockStreamError(
        { kind: 'malformed', where: 'body', text, cause: parsed.error },
        this.modelName,
      );
    }
    const builder = new ResponseBuilder(this.modelName, this.provider.name);
    if (requestId) builder.providerResponseId = requestId;
    for (const [index, block] of (parsed.data.output.message?.content ?? []).entries()) {
      for (const _ of wholeBlock(builder, index, block));
    }
    if (parsed.data.usage) builder.usage = mapUsage(parsed.data.usage);
    applyStopReason(builder, parsed.data.stopReason);
    return builder.snapshot();
  }
}

/** The call's mapping, with Bedrock's named HTTP errors classified by their name. */
function mapFailure(call: CallSignal, error: unknown): unknown {
  const mapped = call.mapFailure(error);
  return mapped instanceof ModelHTTPError && !(mapped instanceof BedrockHTTPError)
    ? BedrockHTTPError.from(mapped)
    : mapped;
}

/** Clears the call's deadline timer once the stream has ended, however it ended. */
async function* disposeAfter<T>(events: AsyncGenerator<T>, call: CallSignal): AsyncGenerator<T> {
  try {
    yield* events;
  } finally {
    call.dispose();
  }
}
