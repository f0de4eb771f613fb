/** How hard a model should think, for the protocols that take a level rather than a token budget. */
export type ThinkingLevel = 'minimal' | 'low' | 'medium' | 'high' | 'xhigh';

/**
 * Settings for one model call. Every field is optional; an adapter sends what its protocol supports and
 * ignores the rest. `signal` cancels the call end to end, down to the upstream socket.
 *
 * @example
 * await model.request(messages, { maxTokens: 200, temperature: 0, signal: AbortSignal.timeout(5_000) });
 */
export interface ModelSettings {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  /** Whole-call deadline in milliseconds (a FallbackModel shares it across all attempts). */
  timeout?: number;
  parallelToolCalls?: boolean;
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  logitBias?: Record<string, number>;
  stopSequences?: string[];
  /** Extra HTTP headers sent upstream with this call. */
  extraHeaders?: Record<string, string>;
  /** Fields merged into the top level of the JSON body sent upstream. */
  extraBody?: Record<string, unknown>;
  /** `true` turns thinking on at the provider's default effort; a level asks for that effort. */
  thinking?: boolean | ThinkingLevel;
  signal?: AbortSignal;
}

/**
 * Shallow-merges settings: later objects win key by key. `extraHeaders` merge header by header, so a
 * call that adds one header keeps the model's own. Returns a new object; the inputs are never changed,
 * so a caller's settings object can be reused safely.
 */
export function mergeSettings(...layers: Array<ModelSettings | undefined>): ModelSettings {
  const merged: ModelSettings = {};
  for (const layer of layers) {
    if (!layer) continue;
    const headers = merged.extraHeaders;
    Object.assign(merged, layer);
    if (headers && layer.extraHeaders) merged.extraHeaders = { ...headers, ...layer.extraHeaders };
  }
  return merged;
}
