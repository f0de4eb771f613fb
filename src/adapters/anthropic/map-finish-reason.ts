import type { FinishReason } from '../../core/messages.ts';

/**
 * Maps Anthropic's `stop_reason` to the normalized finish reason; the raw value is kept beside it in
 * `rawFinishReason`. Unknown values map to undefined rather than a guess.
 *
 * @example
 * mapAnthropicFinishReason('tool_use'); // 'tool_call'
 */
export function mapAnthropicFinishReason(stopReason: string | null | undefined): FinishReason | undefined {
  switch (stopReason) {
    case 'end_turn':
    case 'stop_sequence':
    // pause_turn: a server tool paused a long turn; the answer so far is complete as far as it goes.
    case 'pause_turn':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_call';
    case 'refusal':
      return 'content_filter';
    default:
      return undefined;
  }
}
