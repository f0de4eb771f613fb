/**
 * The one shape of every wire adapter. `HttpModel` owns what all of them share — construction, identity
 * (`modelName`, `system`, `provider`), merging settings, the HTTP call (through http-call.ts), the stream
 * contract and failure mapping — and runs a `WireProtocol`: the description of one protocol, whose roles
 * each adapter folder fills with one function of the same signature (request body, whole-answer reader,
 * stream reader). A protocol never touches the HTTP client.
 */
import { ModelAPIError } from '../core/errors/index.ts';
import type { ModelMessage, ModelResponse, ModelResponseStreamEvent } from '../core/messages.ts';
import {
  defaultRequestParameters,
  type Model,
  type ModelRequestParameters,
  type PassThroughRequest,
  type StreamedResponse,
} from '../core/model.ts';
import { ResponseBuilder } from '../core/response-builder.ts';
import { type ModelSettings, mergeSettings } from '../core/settings.ts';
import {
  type HttpAnswer,
  type HttpCall,
  type OutgoingRequest,
  openStream,
  type StreamReaderInput,
  sendRequest,
  upstreamHeaders,
} from '../transport/http-call.ts';
import type { Provider } from '../transport/provider.ts';
import { RawFrameTap } from './pass-through/raw-frames.ts';

/**
 * What every adapter is built with besides its model name: the provider (URL, auth, timeouts) and the
 * model's default settings.
 *
 * @example
 * const options: HttpModelOptions = { provider: createProvider('openai'), settings: { maxTokens: 1000 } };
 */
export interface HttpModelOptions {
  provider: Provider;
  /** Defaults for every call; a call's own settings override them key by key. */
  settings?: ModelSettings | undefined;
}

/**
 * What a protocol's body builder is given: the same for a whole answer and a stream, so both calls send
 * the same body but for the stream flag.
 *
 * @example
 * const input: RequestBodyInput = { modelName: 'gpt-4o', providerName: 'openai', messages, settings: {},
 *   params: defaultRequestParameters(), stream: false };
 */
export interface RequestBodyInput {
  modelName: string;
  /** The provider the body goes to: its own earlier thinking may go back to it. */
  providerName: string;
  messages: ModelMessage[];
  /** The call's merged settings. */
  settings: ModelSettings;
  params: ModelRequestParameters;
  stream: boolean;
}

/**
 * What a protocol's stream reader is given: the transport's input, and on a pass-through call the tap
 * its frames go to (see raw-frames.ts), so the gateway forwards them as they came; a reader that ignored
 * it would still have the client's request sent, but its answer re-encoded from the events.
 */
export interface ProtocolStreamInput extends StreamReaderInput {
  rawFrames?: RawFrameTap | undefined;
}

/**
 * One wire protocol, described by its roles. Each role has one signature across all adapters; the
 * functions are the adapter folder's own (request-body.ts, response.ts, stream.ts).
 *
 * @example
 * const chatCompletions: WireProtocol = { path: () => '/chat/completions', accept: sseOrJson,
 *   buildRequestBody, readResponse, readStream };
 */
export interface WireProtocol {
  /**
   * The protocol's id (`anthropic-messages`, `openai-chat`, ...): a `PassThroughRequest` of this id is
   * sent as it is instead of a body built from the messages.
   */
  id: string;
  /** The endpoint below the provider's base URL, for a whole answer or a stream. */
  path(modelName: string, stream: boolean): string;
  /** The `accept` header of a call; `undefined` where the protocol does not care. */
  accept(stream: boolean): string | undefined;
  /** The JSON body of a call (the Vercel AI SDK's `getArgs`). */
  buildRequestBody(input: RequestBodyInput): unknown;
  /** Reads a whole answer into the fresh `builder` and returns the response, or throws an in-band error. */
  readResponse(answer: HttpAnswer, builder: ResponseBuilder): ModelResponse;
  /** Reads a streamed answer into `input.builder`, yielding its events; ends at the end marker or throws. */
  readStream(input: ProtocolStreamInput): AsyncGenerator<ModelResponseStreamEvent>;
  /** The wording of the deadline's error; by default it names the model. */
  timeoutMessage?: ((timeoutMs: number) => string) | undefined;
  /** Re-classifies what the shared mapping produced, for a protocol that names its errors (Bedrock). */
  refineFailure?: ((error: unknown) => unknown) | undefined;
  /**
   * Whether a host of this protocol takes a client's request as it is; by default every host does. A
   * protocol served by hosts with dialects the body builder adapts to (Mistral's tool call ids) says no
   * for those: their attempts translate.
   */
  takesPassThrough?: ((providerName: string) => boolean) | undefined;
}

/** The `accept` header of the SSE protocols: a stream asks for events, a whole answer for JSON. */
export function sseOrJson(stream: boolean): string {
  return stream ? 'text/event-stream' : 'application/json';
}

/**
 * A model served over HTTP by one wire protocol. The public adapter classes (`OpenAIChatModel`,
 * `AnthropicModel`, ...) are this class with their protocol; `request` and `requestStream` build the same
 * body and assemble the answer through the same ResponseBuilder, so the two paths agree part for part.
 *
 * @example
 * class BedrockConverseModel extends HttpModel {
 *   constructor(modelName: string, options: BedrockConverseModelOptions) { super(modelName, options, converse); }
 * }
 */
export class HttpModel implements Model {
  readonly modelName: string;
  readonly system: string;
  readonly settings: ModelSettings | undefined;
  /** Where the calls go and how they authenticate; the neutral identity breaker keys derive from. */
  readonly provider: Provider;
  /**
   * The wire protocol whose clients' requests this model sends as they are (see `PassThroughRequest`):
   * its protocol's id, or undefined when its host speaks a dialect of it.
   */
  readonly wireProtocol: string | undefined;
  private readonly protocol: WireProtocol;

  constructor(modelName: string, options: HttpModelOptions, protocol: WireProtocol) {
    this.modelName = modelName;
    this.provider = options.provider;
    this.system = options.provider.name;
    this.settings = options.settings;
    this.protocol = protocol;
    const takes = protocol.takesPassThrough?.(this.provider.name) ?? true;
    this.wireProtocol = takes ? protocol.id : undefined;
  }

  async request(
    messages: ModelMessage[],
    settings?: ModelSettings,
    params: ModelRequestParameters = defaultRequestParameters(),
  ): Promise<ModelResponse> {
    const answer = await sendRequest(this.httpCall(messages, settings, params, false));
    const response = this.protocol.readResponse(answer, new ResponseBuilder(this.modelName, this.system));
    if (this.passesThrough(params)) response.raw = answer.text;
    return response;
  }

  async requestStream(
    messages: ModelMessage[],
    settings?: ModelSettings,
    params: ModelRequestParameters = defaultRequestParameters(),
  ): Promise<StreamedResponse> {
    const opened = await openStream(this.httpCall(messages, settings, params, true));
    const builder = new ResponseBuilder(this.modelName, this.system);
    const events = this.protocol.readStream({
      body: opened.body,
      headers: opened.headers,
      builder,
      modelName: this.modelName,
      mapReadFailure: opened.mapFailure,
      rawFrames: this.passesThrough(params) ? new RawFrameTap() : undefined,
    });
    return opened.respond(builder, events);
  }

  /** The call carries a client's request in this model's own protocol: it is sent as it is. */
  private passesThrough(params: ModelRequestParameters): boolean {
    return this.wireProtocol !== undefined && params.passThrough?.protocol === this.wireProtocol;
  }

  /**
   * The URL, headers and body of one call. Bedrock overrides it to sign the request; every other
   * protocol sends the provider's auth headers.
   */
  protected async outgoing(input: RequestBodyInput): Promise<OutgoingRequest> {
    const passThrough = input.params.passThrough;
    if (passThrough && this.passesThrough(input.params)) return this.passThroughOutgoing(passThrough, input);
    if (passThrough?.untranslatable !== undefined) {
      const message = `${passThrough.untranslatable} has no equivalent in the ${this.protocol.id} protocol: ${this.system}:${this.modelName} cannot take this request.`;
      throw new ModelAPIError(this.modelName, message, { kind: 'bad_request' });
    }
    const body = this.requestBody(input);
    return {
      url: this.endpointUrl(input.stream),
      headers: await upstreamHeaders(this.provider, input.settings, this.protocol.accept(input.stream)),
      body,
    };
  }

  /**
   * The client's own request: its body with this model's name, its protocol headers over the provider's
   * (a newer `anthropic-version` the client needs), and the call's `extraHeaders` and `extraBody` — what a
   * route sets explicitly — over both.
   */
  private async passThroughOutgoing(
    passThrough: PassThroughRequest,
    input: RequestBodyInput,
  ): Promise<OutgoingRequest> {
    let body = passThrough.body(this.modelName);
    const extraBody = input.settings.extraBody;
    // Rare (a route's own body fields), so a parse here keeps the common path free of one.
    if (extraBody) body = JSON.stringify({ ...(JSON.parse(body) as object), ...extraBody });
    const headers = await upstreamHeaders(this.provider, input.settings, this.protocol.accept(input.stream));
    Object.assign(headers, passThrough.headers, input.settings.extraHeaders);
    return { url: this.endpointUrl(input.stream), headers, body };
  }

  /** The call's full URL: the protocol's path below the provider's base URL. */
  protected endpointUrl(stream: boolean): string {
    return this.provider.url(this.protocol.path(this.modelName, stream), this.modelName);
  }

  /** The JSON body of one call, for an `outgoing` that builds its own headers. */
  protected requestBody(input: RequestBodyInput): string {
    return JSON.stringify(this.protocol.buildRequestBody(input));
  }

  private httpCall(
    messages: ModelMessage[],
    callSettings: ModelSettings | undefined,
    params: ModelRequestParameters,
    stream: boolean,
  ): HttpCall {
    const settings = mergeSettings(this.settings, callSettings);
    return {
      modelName: this.modelName,
      settings,
      timeouts: this.provider.timeouts,
      timeoutMessage: this.protocol.timeoutMessage,
      refineFailure: this.protocol.refineFailure,
      // Built under the deadline but outside the failure mapping: a UserError (a missing key, content the
      // protocol cannot carry) reaches the caller as it is.
      build: () =>
        this.outgoing({
          modelName: this.modelName,
          providerName: this.provider.name,
          messages,
          settings,
          params,
          stream,
        }),
    };
  }
}

/** The constructor every protocol's public adapter class has: `new XModel(modelName, options)`. */
export type HttpModelClass = new (modelName: string, options: HttpModelOptions) => HttpModel;

/**
 * The base class of an adapter that adds nothing but its protocol. The adapter declares itself as
 * `class XModel extends httpModelClass(protocol) {}`, so it keeps its own name, doc comment and
 * `instanceof`, and the constructor that hands the protocol to HttpModel is written once, here.
 *
 * @example
 * export class OpenAIChatModel extends httpModelClass({ path: () => '/chat/completions', accept: sseOrJson,
 *   buildRequestBody, readResponse, readStream }) {}
 */
export function httpModelClass(protocol: WireProtocol): HttpModelClass {
  return class extends HttpModel {
    constructor(modelName: string, options: HttpModelOptions) {
      super(modelName, options, protocol);
    }
  };
}
