/**
 * Our normalized finish reasons in OpenAI's words. An answer given through the response_format output
 * tool is a normal `stop`, since the client asked for content, not a tool call.
 *
 * @example
 * openAIFinishReason('tool_call', false) // 'tool_calls'
 */
import type { FinishReason } from '../../core/messages.ts';

export function openAIFinishReason(reason: FinishReason | undefined, answeredByOutputTool: boolean): string {
  if (answeredByOutputTool) return 'stop';
  switch (reason) {
    case 'length':
      return 'length';
    case 'content_filter':
      return 'content_filter';
    case 'tool_call':
      return 'tool_calls';
    default:
      return 'stop';
  }
}
