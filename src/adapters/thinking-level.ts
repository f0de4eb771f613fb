/**
 * The one reading of the `thinking` setting for protocols that take an effort level (OpenAI's
 * `reasoning_effort` and `reasoning.effort`, Anthropic's and Bedrock's budgets by level). Gemini is the
 * exception on purpose: there `true` means the model's own default, not a level (google/request-body.ts).
 */
import type { ModelSettings, ThinkingLevel } from '../core/settings.ts';

/**
 * The level a `thinking` setting asks for: `true` is the middle level, a level is itself, and `false` or
 * unset ask for no thinking at all.
 *
 * @example
 * thinkingLevel(true); // 'medium'
 * thinkingLevel(false); // undefined
 */
export function thinkingLevel(thinking: ModelSettings['thinking']): ThinkingLevel | undefined {
  if (thinking === undefined || thinking === false) return undefined;
  return thinking === true ? 'medium' : thinking;
}
