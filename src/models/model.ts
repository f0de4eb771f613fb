/**
 * The one interface every model implements — wire adapters, local models and wrappers such as
 * FallbackModel alike — so they compose and nest freely.
 *
 * @example
 * const response = await model.request([{ kind: 'request', parts: [userPrompt('Hi')] }], { maxTokens: 50 });
 * const stream = await model.requestStream(messages);
 * for await (const event of stream) if (event.kind === 'part-delta') process.stdout.write(...);
 */
import type { ModelMessage, ModelResponse, ModelResponseStreamEvent } from '../messages.ts';
import type { ModelSettings } from '../settings.ts';
import type { RequestUsage } from '../usage.ts';

// Breaker identity lives with the breaker; the adapters name their key through it.
export { upstreamBreakerKey } from '../fallback/breaker/breaker-key.ts';

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
}

export function defaultRequestParameters(): ModelRequestParameters {
  return { functionTools: [], outputTools: [], allowTextOutput: true };
}

export interface Model {
  /** The model's name as given, e.g. `gpt-4o`, `claude-sonnet-4-5`, `fallback:a,b`. */
  readonly modelName: string;
  /** The provider or protocol family: `openai`, `anthropic`, `google-gla`, `function`, ... */
  readonly system: string;
  /** The model's own default settings; a call's settings override them key by key. */
  readonly settings?: ModelSettings | undefined;
  /**
   * Identifies the upstream for circuit breaking: provider, model and base URL, so the same model name
   * at two endpoints has two breakers. Models without one are keyed by `system:modelName`; read it with
   * `breakerKeyOf`, never by hand. Wrappers forward their wrapped model's.
   */
  readonly breakerKey?: string;
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
