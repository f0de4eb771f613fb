/**
 * How a Claude model is asked to think. Models before 4.6 take a token budget (`thinking: { type:
 * 'enabled', budget_tokens }`); the 4.6 models introduced adaptive thinking, where the model decides how
 * much to think guided by `output_config.effort`, and Opus 4.7 and later accept only that: a budget is a
 * 400 there (https://platform.claude.com/docs/en/build-with-claude/adaptive-thinking). The model's name
 * is all we have to go by, so its family version is read from it.
 */
import type { ModelSettings } from '../../core/settings.ts';
import { thinkingLevel } from '../thinking-level.ts';

/** Thinking budget in tokens per level; 1024 is the API's minimum. `true` means `medium`. */
export const THINKING_BUDGETS = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 16384,
  xhigh: 24576,
} as const;

/** `output_config.effort` values; `xhigh` exists from the 4.7 models on. */
export type AnthropicEffort = 'low' | 'medium' | 'high' | 'xhigh';

export type ThinkingConfig =
  | { kind: 'budget'; budgetTokens: number }
  | { kind: 'adaptive'; effort: AnthropicEffort | undefined };

// `claude-opus-4-6`, `claude-sonnet-4-5-20250929`, `claude-sonnet-5`, `claude-3-7-sonnet-20250219`: the
// family version, a minor of one or two digits that is not the start of a date.
const VERSION = /claude-(?:[a-z]+-)?(\d+)(?:-(\d{1,2})(?!\d))?/;

/** The model's family version as [major, minor], or undefined when its name does not say. */
export function claudeVersion(modelName: string): [number, number] | undefined {
  const match = VERSION.exec(modelName.toLowerCase());
  if (!match) return undefined;
  return [Number(match[1]), match[2] === undefined ? 0 : Number(match[2])];
}

/**
 * What the `thinking` setting becomes for this model: nothing when it is off; adaptive thinking on 4.6
 * and later (`true` leaves the effort to the model; a level names it); a budget before that, and for a
 * name that gives no version (a compatible server's own model), as before adaptive thinking existed.
 *
 * @example
 * thinkingConfig('claude-opus-4-7', 'low'); // { kind: 'adaptive', effort: 'low' }
 * thinkingConfig('claude-sonnet-4-5', true); // { kind: 'budget', budgetTokens: 8192 }
 */
export function thinkingConfig(
  modelName: string,
  thinking: ModelSettings['thinking'],
): ThinkingConfig | undefined {
  const level = thinkingLevel(thinking);
  if (level === undefined) return undefined;
  const version = claudeVersion(modelName);
  const adaptive = version !== undefined && (version[0] > 4 || (version[0] === 4 && version[1] >= 6));
  if (!adaptive) return { kind: 'budget', budgetTokens: THINKING_BUDGETS[level] };
  if (thinking === true) return { kind: 'adaptive', effort: undefined };
  const hasXhigh = version[0] > 4 || version[1] >= 7;
  const effort: AnthropicEffort =
    level === 'minimal' || level === 'low'
      ? 'low'
      : level === 'xhigh'
        ? hasXhigh
          ? 'xhigh'
          : 'high'
        : level;
  return { kind: 'adaptive', effort };
}
