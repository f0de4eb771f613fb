/**
 * Usage of a whole Agent run and the limits a caller can put on it. Requests and tool calls are checked
 * before they happen (a run never starts a request it is not allowed); tokens and cost can only be
 * known afterwards, so they are checked after each response.
 *
 * @example
 * await agent.run('Plan my week', { usageLimits: { requestLimit: 5, totalTokensLimit: 20_000, costLimit: 0.05 } });
 */

import { UserError } from '../core/errors/index.ts';
import { addUsage, emptyUsage, type RequestUsage } from '../core/usage.ts';
import { describeValue, isRecord, optionalAmount } from '../core/user-input.ts';
import { UsageLimitExceeded, type UsageLimitName } from './errors.ts';

/** Token counts and cost summed over every response of a run, with the number of requests and tool calls. */
export interface RunUsage extends RequestUsage {
  requests: number;
  toolCalls: number;
}

/**
 * Limits on one run; each is optional. Without `usageLimits` a run is limited to 50 requests, so a model
 * that keeps calling tools cannot loop forever.
 */
export interface UsageLimits {
  /** Most model requests the run may make. */
  requestLimit?: number;
  /** Most function tool calls the run may execute. */
  toolCallsLimit?: number;
  inputTokensLimit?: number;
  outputTokensLimit?: number;
  /** Input plus output tokens. */
  totalTokensLimit?: number;
  /** USD, as priced on the responses' `usage.cost`; responses without a known cost count as 0. */
  costLimit?: number;
}

/** The limits a run gets when the caller gives none. */
export const DEFAULT_USAGE_LIMITS: UsageLimits = { requestLimit: 50 };

export function emptyRunUsage(): RunUsage {
  return { ...emptyUsage(), requests: 0, toolCalls: 0 };
}

/**
 * The limits a caller gave, checked once at the start of a run: a limit that is not a number ≥ 0 (a
 * string, NaN) would make every comparison false and silently allow everything.
 */
export function checkUsageLimits(limits: unknown): UsageLimits {
  if (limits === undefined || limits === null) return DEFAULT_USAGE_LIMITS;
  if (!isRecord(limits)) {
    throw new UserError(
      `usageLimits must be an object such as { requestLimit: 5 }; got ${describeValue(limits)}.`,
    );
  }
  const checked: UsageLimits = {};
  for (const [name, value] of Object.entries(limits)) {
    if (!(LIMIT_NAMES as readonly string[]).includes(name)) {
      throw new UserError(`usageLimits has no '${name}'; the limits are ${LIMIT_NAMES.join(', ')}.`);
    }
    // A copy without the absent ones: a null limit left in would compare as a limit of 0.
    const limit = optionalAmount(value, name, 'usageLimits');
    if (limit !== undefined) checked[name as UsageLimitName] = limit;
  }
  return checked;
}

const LIMIT_NAMES: readonly UsageLimitName[] = [
  'requestLimit',
  'toolCallsLimit',
  'inputTokensLimit',
  'outputTokensLimit',
  'totalTokensLimit',
  'costLimit',
];

/** Adds one response's usage to the run's, counting it as one request. */
export function addResponseUsage(run: RunUsage, response: RequestUsage): RunUsage {
  return { ...addUsage(run, response), requests: run.requests + 1, toolCalls: run.toolCalls };
}

/** Throws unless one more request fits. */
export function checkBeforeRequest(limits: UsageLimits, usage: RunUsage): void {
  const next = usage.requests + 1;
  if (limits.requestLimit !== undefined && next > limits.requestLimit) {
    throw new UsageLimitExceeded(
      'requestLimit',
      next,
      `The next request would exceed the requestLimit of ${limits.requestLimit}`,
    );
  }
}

/** Throws unless `count` more tool calls fit. */
export function checkBeforeToolCalls(limits: UsageLimits, usage: RunUsage, count: number): void {
  const next = usage.toolCalls + count;
  if (limits.toolCallsLimit !== undefined && next > limits.toolCallsLimit) {
    throw new UsageLimitExceeded(
      'toolCallsLimit',
      next,
      `The next tool calls would exceed the toolCallsLimit of ${limits.toolCallsLimit} (${next} calls)`,
    );
  }
}

/** Throws when the tokens or cost used so far are past a limit. */
export function checkAfterResponse(limits: UsageLimits, usage: RunUsage): void {
  const checks: Array<[keyof UsageLimits & `${string}Limit`, number, string]> = [
    ['inputTokensLimit', usage.inputTokens, 'input tokens'],
    ['outputTokensLimit', usage.outputTokens, 'output tokens'],
    ['totalTokensLimit', usage.inputTokens + usage.outputTokens, 'total tokens'],
    ['costLimit', usage.cost ?? 0, 'cost (USD)'],
  ];
  for (const [name, value, what] of checks) {
    const limit = limits[name];
    if (limit !== undefined && value > limit) {
      throw new UsageLimitExceeded(name, value, `Exceeded the ${name} of ${limit} (${what}: ${value})`);
    }
  }
}
