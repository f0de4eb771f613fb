/**
 * Normalizes Chat Completions finish reasons. OpenAI's own values are `stop`, `length`, `tool_calls`,
 * `content_filter` and the legacy `function_call`; OpenAI-compatible hosts add their own (OpenRouter's
 * `error`, and engines that leak their native `eos`, `end_turn`, `max_tokens`, `tool_use`).
 */
import type { FinishReason } from '../../core/messages.ts';

const FINISH_REASONS: Record<string, FinishReason> = {
  stop: 'stop',
  eos: 'stop',
  end_turn: 'stop',
  stop_sequence: 'stop',
  length: 'length',
  max_tokens: 'length',
  model_length: 'length',
  tool_calls: 'tool_call',
  function_call: 'tool_call',
  tool_use: 'tool_call',
  content_filter: 'content_filter',
  error: 'error',
};

/**
 * Maps a provider's `finish_reason` to ours; an unknown value gives `undefined` (the raw value is still
 * kept on the response as `rawFinishReason`).
 *
 * @example
 * mapFinishReason('tool_calls'); // 'tool_call'
 */
export function mapFinishReason(raw: string | null | undefined): FinishReason | undefined {
  if (raw == null) return undefined;
  return Object.hasOwn(FINISH_REASONS, raw) ? FINISH_REASONS[raw] : undefined;
}
