/**
 * The AWS Bedrock Converse adapter: `POST /model/{modelId}/converse` and `/converse-stream` on
 * `bedrock-runtime.{region}.amazonaws.com`, one protocol for every model family Bedrock hosts (Claude,
 * Nova, Llama, Mistral, gpt-oss, ...). Requests are SigV4-signed, or carry a Bedrock API key as a bearer
 * token when AWS_BEARER_TOKEN_BEDROCK is set; streams are AWS's binary event stream.
 */
import { ModelHTTPError } from '../../errors/index.ts';
import type { ModelMessage, ModelResponse } from '../../messages.ts';
import { createProvider } from '../../providers/create-provider.ts';
import type { Provider } from '../../providers/provider.ts';
import { type ModelSettings, mergeSettings } from '../../settings.ts';
import { type HttpCall, type OutgoingRequest, openStream, sendRequest } from '../http-call.ts';
import {
  defaultRequestParameters,
  type Model,
  type ModelRequestParameters,
  type StreamedResponse,
  upstreamBreakerKey,
} from '../model.ts';
import { ResponseBuilder } from '../response-builder.ts';
import { converseResponseSchema } from './api.ts';
import { BedrockHTTPError, bedrockStreamError } from './errors.ts';
import { buildRequestBody } from './request-body.ts';
import { applyStopReason, mapUsage, wholeBlock } from './response-parts.ts';
import { type AwsCredentialSource, regionOfUrl, resolveCredentials, signRequest } from './signing.ts';
import { converseStreamEvents } from './stream.ts';

/**
 * Options of a BedrockConverseModel. Everything is optional: by default the provider is
 * `createProvider('bedrock')` (region from AWS_REGION / AWS_DEFAULT_REGION; BEDROCK_BASE_URL,
 * AWS_ENDPOINT_URL_BEDROCK_RUNTIME or AWS_ENDPOINT_URL to override) and credentials come from the AWS
 * environment variables.
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
    const { text, headers } = await sendRequest(this.httpCall(messages, settings, params, false));
    return this.parseResponse(text, headers['x-amzn-requestid']);
  }

  async requestStream(
    messages: ModelMessage[],
    settings?: ModelSettings,
    params?: ModelRequestParameters,
  ): Promise<StreamedResponse> {
    const opened = await openStream(this.httpCall(messages, settings, params, true));
    const builder = new ResponseBuilder(this.modelName, this.provider.name);
    const requestId = opened.headers['x-amzn-requestid'];
    if (requestId) builder.providerResponseId = requestId;
    const events = converseStreamEvents({
      body: opened.body,
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
      refineFailure: namedHttpError,
      // Missing credentials are a UserError from here, never an upstream failure.
      build: () => this.signedRequest(messages, settings, params, stream),
    };
  }

  private async signedRequest(
    messages: ModelMessage[],
    settings: ModelSettings,
    params: ModelRequestParameters | undefined,
    stream: boolean,
  ): Promise<OutgoingRequest> {
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
    return { url, headers, body };
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

/** Bedrock names its HTTP errors: the shared client's `ModelHTTPError` is re-classified by that name. */
function namedHttpError(error: unknown): unknown {
  return error instanceof ModelHTTPError && !(error instanceof BedrockHTTPError)
    ? BedrockHTTPError.from(error)
    : error;
}
