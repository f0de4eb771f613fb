/**
 * The one interface every model implements — wire adapters, local models and wrappers such as
 * FallbackModel alike — so they compose and nest freely.
 *
 * @example
 * const response = await model.request([{ kind: 'request', parts: [userPrompt('Hi')] }], { maxTokens: 50 });
 * const stream = await model.requestStream(messages);
 * for await (const event of stream) if (event.kind === 'part-delta') process.stdout.write(...);
 */
import type { ModelMessage, ModelResponse, ModelResponseStreamEvent } from './messages.ts';
import type { ModelSettings } from './settings.ts';
import type { RequestUsage } from './usage.ts';

/** A tool the model may call: its name, what it is for, and its arguments as a JSON schema. */
export interface ToolDefinition {
  name: string;
  description?: string;
  parametersJsonSchema: Record<string, unknown>;
  /** Ask the provider to enforce the schema exactly, where it can. */
  strict?: boolean;
}

/**
 * What a call offers the model beyond the conversation: function tools (run by the caller), output tools
 * (whose arguments are the final answer), and whether a plain text answer is acceptable.
 */
export interface ModelRequestParameters {
  functionTools: ToolDefinition[];
  outputTools: ToolDefinition[];
  allowTextOutput: boolean;
  /**
   * A client's request to forward as sent to a model that speaks its protocol, instead of a body built
   * from the messages (which still serve every other model of a chain).
   */
  passThrough?: PassThroughRequest | undefined;
}

/**
 * A request written in one wire protocol, to be sent as it is to an upstream of that protocol: how a
 * same-protocol gateway keeps every field, block, header and future addition its client sent. An HTTP
 * model whose protocol id is `protocol` sends `body(itsModelName)` with `headers` added to its own (auth
 * stays the provider's), and gives the answer back as received beside the parsed one (`ModelResponse.raw`,
 * and each stream event's `raw` frames). Any other model ignores it.
 *
 * @example
 * const params = { ...defaultRequestParameters(), passThrough: { protocol: 'anthropic-messages',
 *   headers: { 'anthropic-beta': 'context-management-2025-06-27' }, body: (model) => spliceModel(text, at, model) } };
 */
export interface PassThroughRequest {
  /** The wire protocol id the body is written in (`WireProtocol.id`: `anthropic-messages`, `openai-chat`, ...). */
  readonly protocol: string;
  /** The body to send to the model of this name: the client's bytes, its `model` value replaced. */
  body(modelName: string): string;
  /** The protocol's own request headers from the client (`anthropic-beta`, ...), lower-cased; never credentials. */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * What in the request no other protocol can carry, named (`tools[0] (the server tool web_search_…)`):
   * a model of another protocol then refuses the call (a `bad_request` error saying so) rather than
   * translate the messages without it.
   */
  readonly untranslatable?: string | undefined;
}

export function defaultRequestParameters(): ModelRequestParameters {
  return { functionTools: [], outputTools: [], allowTextOutput: true };
}

/** Where an HTTP model sends its calls; every `Provider` is one. */
export interface ModelUpstream {
  /** The provider's name, e.g. `openai`, `groq`, `bedrock`. */
  readonly name: string;
  /** The API root its endpoint paths are appended to, e.g. `https://api.openai.com/v1`. */
  readonly baseUrl: string;
  /**
   * The fingerprint of the one key this upstream calls with, when it is one of a pool's keys: each key
   * has its own breaker and shows in the attempt trace by this, never by the key.
   */
  readonly keyFingerprint?: string;
}

export interface Model {
  /** The model's name as given, e.g. `gpt-4o`, `claude-sonnet-4-5`, `fallback:a,b`. */
  readonly modelName: string;
  /** The provider or protocol family: `openai`, `anthropic`, `google-gla`, `function`, ... */
  readonly system: string;
  /** The model's own default settings; a call's settings override them key by key. */
  readonly settings?: ModelSettings | undefined;
  /**
   * The upstream an HTTP model calls: its provider's name and base URL. Absent for models that call none
   * (FunctionModel, TestModel); wrappers give their wrapped model's, since wrapping does not change where
   * calls go. Whoever tells upstreams apart (the fallback layer's breakers) derives what it needs from this.
   */
  readonly provider?: ModelUpstream;
  request(
    messages: ModelMessage[],
    settings?: ModelSettings,
    params?: ModelRequestParameters,
  ): Promise<ModelResponse>;
  /**
   * Opens a stream. The promise resolves once the upstream has accepted the call; events then arrive by
   * iteration. A failure after the first event is thrown from the iterator — a stream never just stops.
   */
  requestStream(
    messages: ModelMessage[],
    settings?: ModelSettings,
    params?: ModelRequestParameters,
  ): Promise<StreamedResponse>;
}

/**
 * A response being streamed. Iterate it for events; `get()` is the response assembled so far (complete
 * once iteration ends). `cancel()` stops the upstream call and closes its connection.
 */
export interface StreamedResponse extends AsyncIterable<ModelResponseStreamEvent> {
  readonly modelName: string;
  readonly providerName: string;
  readonly usage: RequestUsage;
  get(): ModelResponse;
  cancel(reason?: unknown): void;
}
