/**
 * How long to wait before retrying the same model: exponential backoff with full jitter, or the
 * provider's own Retry-After when it gives one no longer than the cap. A longer hint means "not this
 * model for a while": the engine falls back instead of waiting.
 *
 * @example
 * retryDelay(0, resolveRetryOptions({ baseDelayMs: 100 }), undefined); // { wait: 0..100 }
 * retryDelay(0, resolveRetryOptions(), 120_000); // { fallbackForMs: 120000 } — past the cap
 */

export interface RetryOptions {
  /** Retries of one model before falling back. Default 0: fall back at once, as pydantic-ai does. */
  maxRetries?: number;
  /** First backoff ceiling; doubles per retry. Default 250 ms. */
  baseDelayMs?: number;
  /** Largest backoff ceiling. Default 8 s. */
  maxDelayMs?: number;
  /** The longest Retry-After honoured by waiting. Default 10 s. */
  retryAfterCapMs?: number;
  /** Source of jitter in [0, 1); injectable for tests. Default Math.random. */
  random?: () => number;
}

export type ResolvedRetryOptions = Required<RetryOptions>;

export function resolveRetryOptions(options: RetryOptions = {}): ResolvedRetryOptions {
  return {
    maxRetries: options.maxRetries ?? 0,
    baseDelayMs: options.baseDelayMs ?? 250,
    maxDelayMs: options.maxDelayMs ?? 8_000,
    retryAfterCapMs: options.retryAfterCapMs ?? 10_000,
    random: options.random ?? Math.random,
  };
}

/** Wait this long then retry, or fall back now (and keep the model out for `fallbackForMs`). */
export type RetryDecision = { wait: number } | { fallbackForMs: number };

/**
 * @param retryIndex 0 for the first retry.
 * @param retryAfterMs the provider's hint, if it gave one.
 */
export function retryDelay(
  retryIndex: number,
  options: ResolvedRetryOptions,
  retryAfterMs: number | undefined,
): RetryDecision {
  if (retryAfterMs !== undefined) {
    if (retryAfterMs > options.retryAfterCapMs) return { fallbackForMs: retryAfterMs };
    return { wait: retryAfterMs };
  }
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retryIndex);
  return { wait: Math.floor(options.random() * ceiling) };
}

/**
 * Waits `ms` (fake-timer friendly); the caller's abort ends the wait with its reason.
 *
 * @example
 * await sleep(retryAfterMs, settings.signal);
 */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
