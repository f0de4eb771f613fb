import { describe, expect, test } from 'vitest';
import { ModelAPIError, ModelHTTPError, UserError } from '../../../src/core/errors/index.ts';
import { type BreakerChange, CircuitBreaker } from '../../../src/fallback/breaker/circuit-breaker.ts';
import { InMemoryHealthStore } from '../../../src/fallback/breaker/health-store.ts';
import { classifyError, retryAfterOf, statusCodeOf } from '../../../src/fallback/engine/classify.ts';
import { DEFAULT_POLICY, resolvePolicy } from '../../../src/fallback/engine/policy.ts';
import { resolveRetryOptions, retryDelay } from '../../../src/fallback/engine/retry.ts';

describe('classifyError', () => {
  test('reads the kind every Understudy error carries', () => {
    expect(classifyError(new ModelHTTPError(429, 'm', {}))).toBe('rate_limit');
    expect(
      classifyError(new ModelHTTPError(400, 'm', { error: { message: 'maximum context length is 8192' } })),
    ).toBe('context_length');
    expect(classifyError(new ModelAPIError('m', 'reset'))).toBe('network');
    expect(classifyError(new UserError('bad'))).toBe('bad_request');
  });

  test('tells aborts and foreign errors apart', () => {
    expect(classifyError(new DOMException('stop', 'AbortError'))).toBe('aborted');
    expect(classifyError(new DOMException('late', 'TimeoutError'))).toBe('timeout');
    expect(classifyError(new TypeError('x'))).toBe('unknown');
    expect(classifyError('a string')).toBe('unknown');
  });

  test('status and Retry-After of errors that have them', () => {
    const error = new ModelHTTPError(429, 'm', {}, { 'Retry-After': '2' });
    expect(statusCodeOf(error)).toBe(429);
    expect(retryAfterOf(error)).toBe(2000);
    expect(statusCodeOf(new Error('x'))).toBeUndefined();
    expect(retryAfterOf(null)).toBeUndefined();
  });
});

describe('policy', () => {
  test('defaults and per-kind overrides', () => {
    expect(DEFAULT_POLICY.server).toBe('retry');
    expect(DEFAULT_POLICY.context_length).toBe('fallback');
    expect(DEFAULT_POLICY.bad_request).toBe('fail');
    const policy = resolvePolicy({ bad_request: 'fallback', server: 'fallback' });
    expect([policy.bad_request, policy.server, policy.rate_limit]).toEqual(['fallback', 'fallback', 'retry']);
  });

  test('rejects unknown kinds and actions', () => {
    expect(() => resolvePolicy({ nope: 'retry' } as never)).toThrow(/Unknown error kind 'nope' in policy/);
    expect(() => resolvePolicy({ server: 'wait' } as never)).toThrow(
      "Policy action for 'server' must be 'retry', 'fallback' or 'fail', not 'wait'.",
    );
  });
});

describe('retryDelay', () => {
  const options = resolveRetryOptions({
    baseDelayMs: 100,
    maxDelayMs: 1000,
    retryAfterCapMs: 5000,
    random: () => 0.5,
  });

  test('full jitter under an exponential ceiling', () => {
    expect([0, 1, 2, 3, 4].map((i) => retryDelay(i, options, undefined))).toEqual([
      { wait: 50 },
      { wait: 100 },
      { wait: 200 },
      { wait: 400 },
      { wait: 500 },
    ]);
    const zero = resolveRetryOptions({ random: () => 0 });
    expect(retryDelay(3, zero, undefined)).toEqual({ wait: 0 });
  });

  test('Retry-After up to the cap is waited; beyond it, fall back for that long', () => {
    expect(retryDelay(0, options, 5000)).toEqual({ wait: 5000 });
    expect(retryDelay(0, options, 5001)).toEqual({ fallbackForMs: 5001 });
  });
});

describe('CircuitBreaker', () => {
  function setup(extra: Partial<ConstructorParameters<typeof CircuitBreaker>[0]> = {}) {
    let now = 1_000_000;
    const changes: BreakerChange[] = [];
    const breaker = new CircuitBreaker({
      failureThreshold: 3,
      cooldownMs: 1000,
      minRequests: 4,
      errorRatio: 0.5,
      windowMs: 10_000,
      clock: () => now,
      onChange: (change) => changes.push(change),
      ...extra,
    });
    return { breaker, changes, advance: (ms: number) => (now += ms) };
  }

  test('opens after N consecutive failures; one probe after the cooldown; success closes', async () => {
    const { breaker, changes, advance } = setup();
    for (let i = 0; i < 2; i++) await breaker.onFailure('k', 'server');
    expect(await breaker.admit('k')).toBe('pass');
    await breaker.onFailure('k', 'server');
    expect(await breaker.admit('k')).toBe('skip');
    advance(999);
    expect(await breaker.admit('k')).toBe('skip');
    advance(1);
    expect(await breaker.admit('k')).toBe('probe');
    expect(await breaker.admit('k')).toBe('skip'); // only one probe at a time
    await breaker.onSuccess('k');
    expect(await breaker.admit('k')).toBe('pass');
    expect(changes).toEqual([
      { key: 'k', from: 'closed', to: 'open' },
      { key: 'k', from: 'open', to: 'half-open' },
      { key: 'k', from: 'half-open', to: 'closed' },
    ]);
  });

  test('a failed probe re-opens for another cooldown', async () => {
    const { breaker, changes, advance } = setup();
    await breaker.onFailure('k', 'auth'); // auth opens at once
    advance(1000);
    expect(await breaker.admit('k')).toBe('probe');
    await breaker.onFailure('k', 'server');
    expect(await breaker.admit('k')).toBe('skip');
    advance(1000);
    expect(await breaker.admit('k')).toBe('probe');
    expect(changes.map((c) => c.to)).toEqual(['open', 'half-open', 'open', 'half-open']);
  });

  test('opens on the error ratio in the window once it has enough requests', async () => {
    const { breaker } = setup({ failureThreshold: 100 });
    await breaker.onFailure('k', 'server');
    await breaker.onSuccess('k');
    await breaker.onFailure('k', 'timeout');
    expect(await breaker.admit('k')).toBe('pass'); // 3 requests < minRequests
    await breaker.onSuccess('k');
    // 4 requests, 2 failed: ratio 0.5 reached at the next failure check
    await breaker.onFailure('k', 'network');
    expect(await breaker.admit('k')).toBe('skip');
  });

  test('old outcomes leave the window', async () => {
    const { breaker, advance } = setup({ failureThreshold: 100 });
    for (let i = 0; i < 3; i++) await breaker.onFailure('k', 'server');
    advance(11_000); // the window is kept in tenths: an outcome leaves it up to one tenth late
    await breaker.onSuccess('k');
    await breaker.onFailure('k', 'server');
    expect(await breaker.admit('k')).toBe('pass');
  });

  test('a Retry-After past the cap opens it for that long; request errors do not count', async () => {
    const { breaker, advance } = setup();
    for (let i = 0; i < 5; i++) await breaker.onFailure('k', 'context_length');
    expect(await breaker.admit('k')).toBe('pass');
    await breaker.onFailure('k', 'rate_limit', 60_000);
    advance(59_999);
    expect(await breaker.admit('k')).toBe('skip');
    advance(1);
    expect(await breaker.admit('k')).toBe('probe');
  });

  test('the health record is plain JSON', async () => {
    const store = new InMemoryHealthStore();
    const { breaker } = setup({ store });
    await breaker.onFailure('k', 'server');
    expect(JSON.parse(JSON.stringify(await store.get('k')))).toEqual({
      state: 'closed',
      consecutiveFailures: 1,
      until: 0,
      lastFailureAt: 1_000_000,
      recent: [[1_000_000, 1, 1]],
    });
  });
});
