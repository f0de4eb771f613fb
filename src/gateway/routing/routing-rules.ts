/**
 * The config's `routing:` rules — claude-code-router's idea of choosing a route by what a request is
 * (a long context, thinking asked for, an agent's background model) rather than by the model it names.
 * Rules are checked in order and the first whose every condition holds wins. With no rules nothing here
 * runs; the input-token estimate is asked for only when a rule that needs it is reached.
 */
import { compileModelPattern } from '../config/model-pattern.ts';
import type { RoutingRule } from '../config/schema.ts';

/** What rules look at, as each endpoint reads it from its own wire format. */
export interface RequestTraits {
  /** The request asks for thinking: Anthropic `thinking` enabled or adaptive, OpenAI `reasoning_effort`. */
  thinking: boolean;
  /** The input's tokens estimated (characters / 4); called only when a rule needs them. */
  inputTokens(): number;
}

/** The route a rule chose and why, e.g. `rule 2 (inputTokensAbove 60000)`: 1-based, as a reader counts. */
export interface RuleMatch {
  route: string;
  reason: string;
}

interface CompiledRule {
  route: string;
  reason: string;
  inputTokensAbove: number | undefined;
  thinking: boolean | undefined;
  model: RegExp | undefined;
}

export class RoutingRules {
  private readonly rules: CompiledRule[];

  constructor(rules: readonly RoutingRule[]) {
    this.rules = rules.map((rule, index) => {
      const { inputTokensAbove, thinking, model } = rule.when;
      const conditions: string[] = [];
      if (inputTokensAbove !== undefined) conditions.push(`inputTokensAbove ${inputTokensAbove}`);
      if (thinking !== undefined) conditions.push(`thinking ${thinking}`);
      if (model !== undefined) conditions.push(`model ${model}`);
      return {
        route: rule.route,
        reason: `rule ${index + 1} (${conditions.join(', ')})`,
        inputTokensAbove,
        thinking,
        model: model === undefined ? undefined : compileModelPattern(model),
      };
    });
  }

  get size(): number {
    return this.rules.length;
  }

  /** The first rule that holds for a request naming `modelId` with these traits, if any. */
  pick(modelId: string, traits: RequestTraits): RuleMatch | undefined {
    let inputTokens: number | undefined;
    for (const rule of this.rules) {
      if (rule.thinking !== undefined && rule.thinking !== traits.thinking) continue;
      if (rule.model !== undefined && !rule.model.test(modelId)) continue;
      if (rule.inputTokensAbove !== undefined) {
        inputTokens ??= traits.inputTokens();
        if (inputTokens <= rule.inputTokensAbove) continue;
      }
      return { route: rule.route, reason: rule.reason };
    }
    return undefined;
  }
}
