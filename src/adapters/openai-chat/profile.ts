/**
 * What each Chat Completions host needs that OpenAI itself does not: one protocol serves many providers,
 * and the differences between them live here, keyed by the provider's prefix, instead of as name checks
 * spread through the adapter.
 */

/**
 * How a host wants the model's own earlier thinking back in a multi-turn history.
 * - `drop`: not sent (OpenAI has no field for it; most hosts ignore or reject one).
 * - `mistral-chunks`: the assistant message's content becomes `[{ type: 'thinking', thinking: [...] },
 *   { type: 'text', text }]`, which Mistral's reasoning models are trained to read back
 *   (https://docs.mistral.ai/capabilities/reasoning/).
 * - `reasoning-content`: the assistant message gets `reasoning_content`; DeepSeek's thinking mode answers
 *   400 without it after a tool call (https://api-docs.deepseek.com/guides/thinking_mode).
 */
export type ThinkingReplay = 'drop' | 'mistral-chunks' | 'reasoning-content';

/** How tool call ids are written: Mistral takes only nine alphanumeric characters. */
export type ToolCallIdStyle = 'openai' | 'mistral';

export interface ChatProfile {
  /**
   * `max_completion_tokens` is OpenAI's current name (its reasoning models reject `max_tokens`); most
   * OpenAI-compatible hosts only know `max_tokens`.
   */
  maxTokensField: 'max_tokens' | 'max_completion_tokens';
  toolCallIdStyle: ToolCallIdStyle;
  thinkingReplay: ThinkingReplay;
}

const DEFAULT_PROFILE: ChatProfile = Object.freeze({
  maxTokensField: 'max_tokens',
  toolCallIdStyle: 'openai',
  thinkingReplay: 'drop',
});

const OPENAI: Partial<ChatProfile> = { maxTokensField: 'max_completion_tokens' };

const PROFILES: Record<string, Partial<ChatProfile>> = {
  openai: OPENAI,
  'openai-chat': OPENAI,
  azure: OPENAI,
  mistral: { toolCallIdStyle: 'mistral', thinkingReplay: 'mistral-chunks' },
  deepseek: { thinkingReplay: 'reasoning-content' },
};

/**
 * The profile of a provider prefix; a host with no entry gets OpenAI's protocol as the ecosystem speaks
 * it (`max_tokens`, OpenAI-style tool call ids, no thinking sent back).
 *
 * @example
 * chatProfile('mistral'); // { maxTokensField: 'max_tokens', toolCallIdStyle: 'mistral', thinkingReplay: 'mistral-chunks' }
 */
export function chatProfile(providerName: string): ChatProfile {
  if (!Object.hasOwn(PROFILES, providerName)) return DEFAULT_PROFILE;
  // Built once per host: the body builder asks on every call.
  let profile = RESOLVED.get(providerName);
  if (!profile) {
    profile = Object.freeze({ ...DEFAULT_PROFILE, ...PROFILES[providerName] });
    RESOLVED.set(providerName, profile);
  }
  return profile;
}

const RESOLVED = new Map<string, ChatProfile>();
