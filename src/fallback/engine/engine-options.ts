/**
 * What an attempt engine is configured with: retries, policy, deadlines, breaker, hedging, and the
 * callbacks that watch it. FallbackModel's options extend these.
 *
 * @example
 * const options: AttemptEngineOptions = { retry: { maxRetries: 2 }, timeoutMs: 30_000, hedgeAfterMs: 800 };
 */
import type { Attempt } from '../../core/messages.ts';
import type { CircuitBreaker, CircuitBreakerOptions } from '../breaker/circuit-breaker.ts';
import type { ResiliencePolicy } from './policy.ts';
import type { RetryOptions } from './retry.ts';

/** A move from one model to the next, reported when the next one starts. */
export interface FallbackEvent {
  from: string;
  to: string;
  error: unknown;
}

export interface AttemptEngineOptions {
  retry?: RetryOptions;
  policy?: ResiliencePolicy;
  /** Whole-call deadline in ms when the call's settings give no `timeout`. */
  timeoutMs?: number;
  /** Streams: to the first content event. Requests: to the whole response. */
  firstTokenTimeoutMs?: number;
  /** Streams: the longest gap between two events. */
  idleTimeoutMs?: number;
  /** Breaker options, a shared CircuitBreaker, or false for none. Default: a breaker of its own. */
  breaker?: CircuitBreakerOptions | CircuitBreaker | false;
  /** Epoch ms; injectable for tests. */
  clock?: () => number;
  /**
   * Opt-in hedging: when an attempt has no first content (a stream's first event, a request's response)
   * after this many ms, the next eligible model starts in parallel; the first with content wins and the
   * other is cancelled (outcome `'cancelled'`, not held against its breaker). Off by default.
   */
  hedgeAfterMs?: number;
  onAttempt?: (attempt: Attempt) => void;
  onFallback?: (event: FallbackEvent) => void;
}
