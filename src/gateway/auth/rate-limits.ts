/**
 * Per-key request and token budgets, checked against a RateLimitStore (in memory, or Redis shared by
 * every gateway process). Tokens are charged twice: the prompt's estimate before the call, so a client
 * over budget is stopped before it costs anything, and the real output tokens after.
 *
 * @example
 * await enforceRequestLimits(store, client, call.estimatedInputTokens); // throws a 429 GatewayError
 */

import { GatewayError } from '../errors/gateway-error.ts';
import type { RateLimitStore } from '../state/rate-limit-store.ts';
import type { ClientIdentity } from './client-keys.ts';

const MINUTE_MS = 60_000;

export async function enforceRequestLimits(
  store: RateLimitStore,
  client: ClientIdentity | undefined,
  estimatedTokens: number,
): Promise<void> {
  const limits = client?.limits;
  if (!client || !limits) return;
  await enforceRequestRate(store, client);
  if (limits.tokensPerMinute !== undefined) {
    const limit = limits.tokensPerMinute;
    const cost = Math.min(estimatedTokens, limit);
    const decision = await store.hit({ key: `tpm:${client.keyId}`, windowMs: MINUTE_MS, cost, limit });
    if (!decision.allowed) throw limited('tokens', limit, decision.retryAfterMs);
  }
}

/**
 * The requests-per-minute budget alone, for a request that spends no tokens (a token count): it is
 * still a request, but neither checked against nor charged to the token budget.
 */
export async function enforceRequestRate(
  store: RateLimitStore,
  client: ClientIdentity | undefined,
): Promise<void> {
  const limit = client?.limits?.requestsPerMinute;
  if (!client || limit === undefined) return;
  const decision = await store.hit({ key: `rpm:${client.keyId}`, windowMs: MINUTE_MS, cost: 1, limit });
  if (!decision.allowed) throw limited('requests', limit, decision.retryAfterMs);
}

/** Charges the tokens the answer produced; an answer already given is never taken back. */
export async function chargeOutputTokens(
  store: RateLimitStore,
  client: ClientIdentity | undefined,
  outputTokens: number,
): Promise<void> {
  const limit = client?.limits?.tokensPerMinute;
  if (!client || limit === undefined || outputTokens <= 0) return;
  const cost = Math.min(outputTokens, limit);
  await store.hit({ key: `tpm:${client.keyId}`, windowMs: MINUTE_MS, cost, limit });
}

function limited(what: string, limit: number, retryAfterMs: number): GatewayError {
  const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new GatewayError(
    429,
    'rate_limited',
    `Rate limit reached: ${limit} ${what} per minute for this key. Retry in ${retryAfterSeconds} s.`,
    {
      retryAfterSeconds,
    },
  );
}
