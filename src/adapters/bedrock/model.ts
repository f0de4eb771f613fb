/**
 * The AWS Bedrock Converse adapter: `POST /model/{modelId}/converse` and `/converse-stream` on
 * `bedrock-runtime.{region}.amazonaws.com`, one protocol for every model family Bedrock hosts (Claude,
 * Nova, Llama, Mistral, gpt-oss, ...). Requests are SigV4-signed, or carry a Bedrock API key as a bearer
 * token when AWS_BEARER_TOKEN_BEDROCK is set; streams are AWS's binary event stream. Signing is the one
 * thing this adapter adds to the shared HttpModel beside its protocol.
 */

import { ModelHTTPError } from '../../core/errors/index.ts';
import { processEnv } from '../../core/portable.ts';
import type { ModelSettings } from '../../core/settings.ts';
import type { OutgoingRequest } from '../../transport/http-call.ts';
import type { Provider } from '../../transport/provider.ts';
import { HttpModel, type RequestBodyInput, type WireProtocol } from '../http-model.ts';
import { BedrockHTTPError } from './errors.ts';
import { buildRequestBody } from './request-body.ts';
import { readResponse } from './response.ts';
import { type AwsCredentialSource, regionOfUrl, resolveCredentials, signRequest } from './signing.ts';
import { readStream } from './stream.ts';

/**
 * Options of a BedrockConverseModel: the provider, as every adapter takes one (`createProvider('bedrock')`
 * reads the region and endpoint variables; `inferModel('bedrock:<model id>')` builds both at once), and
 * how to sign. Credentials come from the AWS environment variables unless given.
 *
 * @example
 * const options: BedrockConverseModelOptions = { provider: createProvider('bedrock', { location: 'eu-west-3' }), credentials: { accessKeyId, secretAccessKey } };
 */
export interface BedrockConverseModelOptions {
  provider: Provider;
  settings?: ModelSettings;
  /** The signing region; else the region in the base URL, AWS_REGION, AWS_DEFAULT_REGION, `us-east-1`. */
  region?: string;
  credentials?: AwsCredentialSource;
  /** Where credentials and the region are read from; `process.env` by default. */
  env?: Record<string, string | undefined>;
  /** The signing clock (tests pin it); `new Date()` by default. */
  now?: () => Date;
}

const converse: WireProtocol = {
  id: 'bedrock-converse',
  path: (modelName, stream) =>
    `/model/${encodeURIComponent(modelName)}/${stream ? 'converse-stream' : 'converse'}`,
  accept: (stream) => (stream ? 'application/vnd.amazon.eventstream' : 'application/json'),
  buildRequestBody,
  readResponse,
  readStream,
  refineFailure: namedHttpError,
};

/**
 * A model served by AWS Bedrock through the Converse API.
 *
 * @example
 * const model = inferModel('bedrock:us.anthropic.claude-sonnet-4-20250514-v1:0'); // or:
 * const same = new BedrockConverseModel('us.anthropic.claude-sonnet-4-20250514-v1:0', { provider: createProvider('bedrock') });
 * const response = await model.request([{ kind: 'request', parts: [userPrompt('Hi')] }], { thinking: 'low' });
 */
export class BedrockConverseModel extends HttpModel {
  private readonly options: BedrockConverseModelOptions;
  private readonly env: Record<string, string | undefined>;

  constructor(modelName: string, options: BedrockConverseModelOptions) {
    super(modelName, { provider: options.provider, settings: options.settings }, converse);
    this.options = options;
    this.env = options.env ?? processEnv();
  }

  /** Signed with SigV4 unless the provider authorizes the call itself (a Bedrock API key). */
  protected override async outgoing(input: RequestBodyInput): Promise<OutgoingRequest> {
    const body = this.requestBody(input);
    const url = this.endpointUrl(input.stream);
    const auth = await this.provider.headers();
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: converse.accept(input.stream) ?? 'application/json',
      ...auth,
      ...input.settings.extraHeaders,
    };
    if (auth.authorization) return { url, headers, body };
    // Missing credentials are a UserError from here, never an upstream failure.
    const credentials = await resolveCredentials(this.options.credentials, this.env);
    const signed = await signRequest({
      url,
      headers,
      body,
      region: this.region(),
      credentials,
      signingDate: this.options.now?.(),
    });
    return { url, headers: signed, body };
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
}

/** Bedrock names its HTTP errors: the shared client's `ModelHTTPError` is re-classified by that name. */
function namedHttpError(error: unknown): unknown {
  return error instanceof ModelHTTPError && !(error instanceof BedrockHTTPError)
    ? BedrockHTTPError.from(error)
    : error;
}
