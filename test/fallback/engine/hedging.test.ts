import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { ModelHTTPError } from '../../../src/core/errors/index.ts';
import type { Attempt, ModelMessage, ModelResponseStreamEvent } from '../../../src/core/messages.ts';
import { responseText, userPrompt } from '../../../src/core/messages.ts';
import type { StreamedResponse } from '../../../src/core/model.ts';
import { CircuitBreaker } from '../../../src/fallback/breaker/circuit-breaker.ts';
import type { FallbackEvent } from '../../../src/fallback/engine/engine-options.ts';
import { FallbackExceptionGroup } from '../../../src/fallback/fallback-errors.ts';
import { FallbackModel } from '../../../src/fallback/fallback-model.ts';
import { FunctionModel } from '../../../src/testing/function.ts';

const T0 = 1_000_000;
const hello: ModelMessage[] = [{ kind: 'request', parts: [userPrompt('hello')] }];
const trace = (attempts: readonly Attempt[] | undefined) =>
  attempts?.map((a) => [a.modelName, a.outcome, a.startedAt - T0, a.durationMs]);

/** Waits `ms` of (fake) time, or rejects with the signal's reason the moment it aborts. */
function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}

/**
 * A model that answers (or fails with a 500) `ms` after it is called. It remembers when it was called and
 * the signal it was given, so a test can see whether it was cancelled.
 */
function timed(name: string, ms: number, result: 'ok' | 'fail' = 'ok') {
  const calls: number[] = [];
  const signals: AbortSignal[] = [];
  const answer = async (signal: AbortSignal | undefined) => {
    calls.push(Date.now() - T0);
    if (signal) signals.push(signal);
    await wait(ms, signal);
    if (result === 'fail') throw new ModelHTTPError(500, name, { error: 'boom' });
  };
  const model = new FunctionModel(
    async (_messages, info) => {
      await answer(info.settings.signal);
      return { parts: [{ partKind: 'text', content: name }] };
    },
    {
      modelName: name,
      // The stream's first event comes `ms` after the call; two more follow at once.
      stream: async function* (_messages, info) {
        await answer(info.settings.signal);
        yield `${name} `;
        yield 'and ';
        yield 'more';
      },
    },
  );
  return { model, calls, signals };
}

async function drain(stream: StreamedResponse): Promise<string> {
  let out = '';
  for await (const event of stream) out += deltaText(event);
  return out;
}
function deltaText(event: ModelResponseStreamEvent): string {
  if (event.kind === 'part-start' && event.part.partKind === 'text') return event.part.content;
  if (event.kind === 'part-delta' && event.delta.partKind === 'text') return event.delta.contentDelta;
  return '';
}

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('hedged requests', () => {
  test('the hedge starts after hedgeAfterMs, not before; the faster model wins, the slow one is aborted', async () => {
    const a = timed('a', 1_000);
    const b = timed('b', 50);
    const pending = new FallbackModel(a.model, b.model, { hedgeAfterMs: 200 }).request(hello);
    await vi.advanceTimersByTimeAsync(199);
    expect(b.calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(b.calls).toEqual([200]);
    await vi.advanceTimersByTimeAsync(50);
    const response = await pending;
    expect(responseText(response)).toBe('b');
    expect(response.modelName).toBe('b');
    expect(trace(response.attempts)).toEqual([
      ['a', 'cancelled', 0, 250],
      ['b', 'ok', 200, 50],
    ]);
    expect(a.signals[0]?.aborted).toBe(true);
    expect((a.signals[0]!.reason as DOMException).name).toBe('AbortError');
    expect(b.signals[0]?.aborted).toBe(false);
  });

  test('the original wins when it answers first; the hedge is the one cancelled', async () => {
    const a = timed('a', 300);
    const b = timed('b', 1_000);
    const pending = new FallbackModel(a.model, b.model, { hedgeAfterMs: 200 }).request(hello);
    await vi.advanceTimersByTimeAsync(300);
    const response = await pending;
    expect(responseText(response)).toBe('a');
    expect(trace(response.attempts)).toEqual([
      ['a', 'ok', 0, 300],
      ['b', 'cancelled', 200, 100],
    ]);
    expect(b.signals[0]?.aborted).toBe(true);
  });

  test('no hedge when the answer comes in time', async () => {
    const a = timed('a', 150);
    const b = timed('b', 10);
    const pending = new FallbackModel(a.model, b.model, { hedgeAfterMs: 200 }).request(hello);
    await vi.advanceTimersByTimeAsync(150);
    const response = await pending;
    expect(trace(response.attempts)).toEqual([['a', 'ok', 0, 150]]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(b.calls).toEqual([]);
  });

  test('the hedge fails: the original keeps going and answers', async () => {
    const a = timed('a', 500);
    const b = timed('b', 50, 'fail');
    const fallbacks: FallbackEvent[] = [];
    const pending = new FallbackModel(a.model, b.model, {
      hedgeAfterMs: 200,
      onFallback: (event) => fallbacks.push(event),
    }).request(hello);
    await vi.advanceTimersByTimeAsync(500);
    const response = await pending;
    expect(responseText(response)).toBe('a');
    expect(trace(response.attempts)).toEqual([
      ['a', 'ok', 0, 500],
      ['b', 'error', 200, 50],
    ]);
    expect(response.attempts?.[1]?.statusCode).toBe(500);
    expect(fallbacks.map((event) => [event.from, event.to])).toEqual([['b', 'a']]);
  });

  test('the original fails: the hedge keeps going and answers', async () => {
    const a = timed('a', 300, 'fail');
    const b = timed('b', 200);
    const pending = new FallbackModel(a.model, b.model, { hedgeAfterMs: 200 }).request(hello);
    await vi.advanceTimersByTimeAsync(400);
    const response = await pending;
    expect(responseText(response)).toBe('b');
    expect(trace(response.attempts)).toEqual([
      ['a', 'error', 0, 300],
      ['b', 'ok', 200, 200],
    ]);
  });

  test('both fail: the chain goes on with the next model; every error is kept in order', async () => {
    const a = timed('a', 300, 'fail');
    const b = timed('b', 150, 'fail');
    const c = timed('c', 10);
    const pending = new FallbackModel(a.model, b.model, c.model, { hedgeAfterMs: 200 }).request(hello);
    await vi.advanceTimersByTimeAsync(360);
    const response = await pending;
    expect(responseText(response)).toBe('c');
    expect(c.calls).toEqual([350]);
    expect(trace(response.attempts)).toEqual([
      ['a', 'error', 0, 300],
      ['b', 'error', 200, 150],
      ['c', 'ok', 350, 10],
    ]);
  });

  test('all fail: a FallbackExceptionGroup with the errors in the order they happened', async () => {
    const a = timed('a', 300, 'fail');
    const b = timed('b', 50, 'fail');
    const pending = new FallbackModel(a.model, b.model, { hedgeAfterMs: 200 })
      .request(hello)
      .catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(300);
    const error = (await pending) as FallbackExceptionGroup;
    expect(error).toBeInstanceOf(FallbackExceptionGroup);
    expect(error.errors.map((e: ModelHTTPError) => e.modelName)).toEqual(['b', 'a']);
  });

  test('the caller aborting cancels both attempts and ends the chain with its reason', async () => {
    const a = timed('a', 1_000);
    const b = timed('b', 1_000);
    const c = timed('c', 10);
    const seen: Attempt[] = [];
    const controller = new AbortController();
    const pending = new FallbackModel(a.model, b.model, c.model, {
      hedgeAfterMs: 200,
      onAttempt: (attempt) => seen.push(attempt),
    })
      .request(hello, { signal: controller.signal })
      .catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(300);
    const reason = new Error('user left');
    controller.abort(reason);
    expect(await pending).toBe(reason);
    expect(seen.map((x) => [x.modelName, x.outcome]).sort()).toEqual([
      ['a', 'cancelled'],
      ['b', 'cancelled'],
    ]);
    expect(a.signals[0]?.aborted).toBe(true);
    expect(b.signals[0]?.aborted).toBe(true);
    expect(c.calls).toEqual([]);
  });

  test('a lost race is not held against the loser: its breaker stays closed', async () => {
    const changes: string[] = [];
    const a = timed('a', 1_000);
    const b = timed('b', 10);
    const model = new FallbackModel(a.model, b.model, {
      hedgeAfterMs: 100,
      breaker: { failureThreshold: 1 },
      onBreakerChange: (change) => changes.push(`${change.key}:${change.to}`),
    });
    for (let i = 0; i < 3; i++) {
      const pending = model.request(hello);
      await vi.advanceTimersByTimeAsync(110);
      expect(responseText(await pending)).toBe('b');
    }
    expect(a.calls).toHaveLength(3);
    expect(changes).toEqual([]);
  });

  test('the hedge respects the breaker: an open model is skipped for the next one', async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1 });
    await breaker.onFailure('function:b', 'server');
    const a = timed('a', 1_000);
    const b = timed('b', 10);
    const c = timed('c', 10);
    const pending = new FallbackModel(a.model, b.model, c.model, { hedgeAfterMs: 200, breaker }).request(
      hello,
    );
    await vi.advanceTimersByTimeAsync(210);
    const response = await pending;
    expect(responseText(response)).toBe('c');
    expect(trace(response.attempts)).toEqual([
      ['a', 'cancelled', 0, 210],
      ['b', 'skipped', 200, 0],
      ['c', 'ok', 200, 10],
    ]);
    expect(b.calls).toEqual([]);
  });

  test('no hedge once the call deadline has passed; the deadline ends both', async () => {
    const a = timed('a', 1_000);
    const b = timed('b', 1_000);
    const pending = new FallbackModel(a.model, b.model, { hedgeAfterMs: 200, timeoutMs: 300 })
      .request(hello)
      .catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(300);
    const error = (await pending) as FallbackExceptionGroup;
    expect(error).toBeInstanceOf(FallbackExceptionGroup);
    expect(error.errors.map((e: ModelHTTPError) => [e.kind, e.message])).toEqual([
      ['timeout', "a: the call's deadline passed"],
      ['timeout', "b: the call's deadline passed"],
    ]);
  });
});

describe('hedged streams', () => {
  test('the first stream with a first event wins; the caller reads only it; the other is cancelled', async () => {
    const a = timed('a', 500);
    const b = timed('b', 50);
    const pending = new FallbackModel(a.model, b.model, { hedgeAfterMs: 200 }).requestStream(hello);
    await vi.advanceTimersByTimeAsync(250);
    const stream = await pending;
    expect(await drain(stream)).toBe('b and more');
    const response = stream.get();
    expect(response.modelName).toBe('b');
    expect(trace(response.attempts)).toEqual([
      ['a', 'cancelled', 0, 250],
      ['b', 'ok', 200, 50],
    ]);
    expect(a.signals[0]?.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(a.calls).toEqual([0]);
  });

  test('a first event in time: no hedge, the stream is served as is', async () => {
    const a = timed('a', 100);
    const b = timed('b', 10);
    const pending = new FallbackModel(a.model, b.model, { hedgeAfterMs: 200 }).requestStream(hello);
    await vi.advanceTimersByTimeAsync(100);
    const stream = await pending;
    expect(await drain(stream)).toBe('a and more');
    expect(trace(stream.get().attempts)).toEqual([['a', 'ok', 0, 100]]);
    expect(b.calls).toEqual([]);
  });

  test('the caller aborting while both streams wait for their first event rejects with its reason', async () => {
    const a = timed('a', 1_000);
    const b = timed('b', 1_000);
    const controller = new AbortController();
    const pending = new FallbackModel(a.model, b.model, { hedgeAfterMs: 200 })
      .requestStream(hello, { signal: controller.signal })
      .catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(250);
    controller.abort('stop');
    expect(await pending).toBe('stop');
    expect(a.signals[0]?.aborted).toBe(true);
    expect(b.signals[0]?.aborted).toBe(true);
  });
});
