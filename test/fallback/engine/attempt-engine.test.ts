import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { ModelAPIError, ModelHTTPError } from '../../../src/core/errors/index.ts';
import type { Attempt, ModelMessage } from '../../../src/core/messages.ts';
import { responseText, userPrompt } from '../../../src/core/messages.ts';
import type { BreakerChange } from '../../../src/fallback/breaker/circuit-breaker.ts';
import type { FallbackEvent } from '../../../src/fallback/engine/engine-options.ts';
import { FallbackExceptionGroup } from '../../../src/fallback/fallback-errors.ts';
import { FallbackModel } from '../../../src/fallback/fallback-model.ts';
import { FunctionModel, type FunctionResponse } from '../../../src/testing/function.ts';

const hello: ModelMessage[] = [{ kind: 'request', parts: [userPrompt('hello')] }];
const text = (content: string): FunctionResponse => ({ parts: [{ partKind: 'text', content }] });

/** A model that throws the queued errors in turn, then answers with its name; counts its calls. */
function scripted(name: string, ...errors: Error[]) {
  const calls: number[] = [];
  const model = new FunctionModel(
    () => {
      calls.push(Date.now());
      const error = errors.shift();
      if (error) throw error;
      return text(name);
    },
    { modelName: name },
  );
  return { model, calls };
}
const never = (name: string) =>
  new FunctionModel(() => new Promise<FunctionResponse>(() => {}), { modelName: name });
const serverError = () => new ModelHTTPError(500, 'm', 'oops');
const outcomes = (attempts: Attempt[] | undefined) => attempts?.map((a) => `${a.modelName}:${a.outcome}`);

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('retries', () => {
  test('a server error is retried with jittered backoff, then served', async () => {
    const a = scripted('a', serverError(), serverError());
    const model = new FallbackModel(a.model, {
      retry: { maxRetries: 2, baseDelayMs: 100, random: () => 0.5 },
    });
    const pending = model.request(hello);
    await vi.advanceTimersByTimeAsync(50 + 100);
    const response = await pending;
    expect(responseText(response)).toBe('a');
    expect(a.calls.map((at) => at - 1_000_000)).toEqual([0, 50, 150]);
    expect(outcomes(response.attempts)).toEqual(['a:error', 'a:error', 'a:ok']);
  });

  test('retries spent: fall back; every error is in the group in order', async () => {
    const a = scripted('a', serverError(), serverError());
    const b = scripted('b', new ModelHTTPError(503, 'b', 'busy'), new ModelHTTPError(503, 'b', 'busy'));
    const model = new FallbackModel(a.model, b.model, { retry: { maxRetries: 1, random: () => 0 } });
    const error = (await model.request(hello).catch((e: unknown) => e)) as FallbackExceptionGroup;
    expect(error).toBeInstanceOf(FallbackExceptionGroup);
    expect(error.errors.map((e: ModelHTTPError) => e.statusCode)).toEqual([500, 500, 503, 503]);
    expect(a.calls).toHaveLength(2);
    expect(b.calls).toHaveLength(2);
  });

  test('a short Retry-After is waited exactly', async () => {
    const a = scripted('a', new ModelHTTPError(429, 'a', {}, { 'retry-after-ms': '700' }));
    const model = new FallbackModel(a.model, { retry: { maxRetries: 1 } });
    const pending = model.request(hello);
    await vi.advanceTimersByTimeAsync(699);
    expect(a.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(responseText(await pending)).toBe('a');
    expect(a.calls.map((at) => at - 1_000_000)).toEqual([0, 700]);
  });

  test('a Retry-After past the cap falls back at once and opens the breaker for that long', async () => {
    const a = scripted('a', new ModelHTTPError(429, 'a', {}, { 'retry-after': '60' }));
    const b = scripted('b');
    const changes: BreakerChange[] = [];
    const model = new FallbackModel(a.model, b.model, {
      retry: { maxRetries: 3, retryAfterCapMs: 10_000 },
      onBreakerChange: (change) => changes.push(change),
    });
    expect(responseText(await model.request(hello))).toBe('b');
    expect(changes).toEqual([{ key: 'function:a', from: 'closed', to: 'open' }]);
    const second = await model.request(hello);
    expect(outcomes(second.attempts)).toEqual(['a:skipped', 'b:ok']);
    expect(a.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(60_000);
    const third = await model.request(hello);
    expect(outcomes(third.attempts)).toEqual(['a:ok']);
  });

  test('bad_request fails unless the policy says otherwise', async () => {
    const bad = () => new ModelHTTPError(400, 'a', { error: { message: 'unknown field' } });
    const first = scripted('a', bad());
    const strict = new FallbackModel(first.model, scripted('b').model);
    await expect(strict.request(hello)).rejects.toBeInstanceOf(ModelHTTPError);
    const second = scripted('a', bad());
    const lenient = new FallbackModel(second.model, scripted('b').model, {
      policy: { bad_request: 'fallback' },
    });
    expect(responseText(await lenient.request(hello))).toBe('b');
  });

  test('context_length falls back at once even with retries left', async () => {
    const a = scripted(
      'a',
      new ModelHTTPError(400, 'a', { error: { message: 'maximum context length exceeded' } }),
    );
    const model = new FallbackModel(a.model, scripted('b').model, { retry: { maxRetries: 3 } });
    const response = await model.request(hello);
    expect(outcomes(response.attempts)).toEqual(['a:error', 'b:ok']);
    expect(response.attempts?.[0]?.errorKind).toBe('context_length');
  });
});

describe('deadlines', () => {
  test('one deadline for the call: a hung attempt is aborted with a timeout and the chain ends', async () => {
    const b = scripted('b');
    const model = new FallbackModel(never('a'), b.model, { timeoutMs: 100 });
    const pending = model.request(hello).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(100);
    const error = (await pending) as FallbackExceptionGroup;
    expect(error).toBeInstanceOf(FallbackExceptionGroup);
    expect(error.errors).toHaveLength(1);
    expect(error.errors[0]).toBeInstanceOf(ModelAPIError);
    expect((error.errors[0] as ModelAPIError).kind).toBe('timeout');
    expect(b.calls).toHaveLength(0);
  });

  test('settings.timeout is the deadline too, and attempts get what remains', async () => {
    let seenTimeout: number | undefined;
    const slow = new FunctionModel(
      async (_m, info) => {
        seenTimeout = info.settings.timeout;
        await new Promise((resolve) => setTimeout(resolve, 30));
        throw serverError();
      },
      { modelName: 'slow' },
    );
    const b = new FunctionModel(
      (_m, info) => {
        seenTimeout = info.settings.timeout;
        return text('b');
      },
      { modelName: 'b' },
    );
    const pending = new FallbackModel(slow, b).request(hello, { timeout: 500 });
    await vi.advanceTimersByTimeAsync(30);
    expect(responseText(await pending)).toBe('b');
    expect(seenTimeout).toBe(470);
  });

  test('a retry delay that cannot fit in what remains is not waited: fall back now', async () => {
    const a = scripted('a', new ModelHTTPError(429, 'a', {}, { 'retry-after': '5' }));
    const model = new FallbackModel(a.model, scripted('b').model, {
      retry: { maxRetries: 2 },
      timeoutMs: 1000,
    });
    const response = await model.request(hello);
    expect(outcomes(response.attempts)).toEqual(['a:error', 'b:ok']);
    expect(Date.now()).toBe(1_000_000);
  });

  test('firstTokenTimeoutMs: a stream stalled before its first event falls back', async () => {
    const stalled = new FunctionModel(undefined, {
      modelName: 'stalled',
      stream: async function* () {
        await new Promise(() => {});
        yield 'never';
      },
    });
    const fine = new FunctionModel(undefined, {
      modelName: 'fine',
      stream: async function* () {
        yield 'ok';
      },
    });
    const pending = new FallbackModel(stalled, fine, { firstTokenTimeoutMs: 200 }).requestStream(hello);
    await vi.advanceTimersByTimeAsync(200);
    const stream = await pending;
    for await (const _ of stream) {
    }
    expect(outcomes(stream.get().attempts)).toEqual(['stalled:error', 'fine:ok']);
    expect(stream.get().attempts?.[0]?.errorKind).toBe('timeout');
    expect(stream.get().attempts?.[0]?.durationMs).toBe(200);
  });

  test('idleTimeoutMs: a stall after the first event is thrown from the iterator as a timeout', async () => {
    const stalls = new FunctionModel(undefined, {
      modelName: 'stalls',
      stream: async function* () {
        yield 'first';
        await new Promise(() => {});
      },
    });
    const stream = await new FallbackModel(stalls, { idleTimeoutMs: 300 }).requestStream(hello);
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    const next = iterator.next().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(300);
    const error = (await next) as ModelAPIError;
    expect(error).toBeInstanceOf(ModelAPIError);
    expect(error.kind).toBe('timeout');
    expect(error.message).toBe('stalls: no stream event for 300 ms');
  });
});

describe('caller abort', () => {
  test('cancels the attempt in flight and ends the chain with the caller reason', async () => {
    const b = scripted('b');
    const controller = new AbortController();
    const pending = new FallbackModel(never('a'), b.model).request(hello, { signal: controller.signal });
    const reason = new Error('user left');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(b.calls).toHaveLength(0);
  });

  test('aborts a retry wait', async () => {
    const a = scripted('a', serverError());
    const controller = new AbortController();
    const model = new FallbackModel(a.model, {
      retry: { maxRetries: 1, baseDelayMs: 1000, random: () => 0.9 },
    });
    const pending = model.request(hello, { signal: controller.signal }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10);
    controller.abort('stop');
    expect(await pending).toBe('stop');
    expect(a.calls).toHaveLength(1);
  });
});

describe('circuit breaker in the chain', () => {
  test('an open model is skipped; when all are open the one that failed longest ago is tried', async () => {
    const a = scripted('a', serverError(), serverError());
    const b = scripted('b', serverError(), serverError());
    const model = new FallbackModel(a.model, b.model, {
      breaker: { failureThreshold: 1, cooldownMs: 60_000 },
    });
    await expect(model.request(hello)).rejects.toBeInstanceOf(FallbackExceptionGroup);
    // Both opened at t0. With every breaker open, the oldest failure is tried anyway (a tie goes to the first).
    await vi.advanceTimersByTimeAsync(10);
    const response = await model.request(hello).catch((e: unknown) => e);
    expect(response).toBeInstanceOf(FallbackExceptionGroup);
    expect(a.calls).toHaveLength(2);
    expect(b.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(10);
    // a failed at t0+10, so b (t0) is now the oldest failure: tried, and fails its second time.
    await model.request(hello).catch(() => {});
    expect(b.calls).toHaveLength(2);
    // b failed at t0+20: a is the oldest, tried, and answers.
    const served = await model.request(hello);
    expect(responseText(served)).toBe('a');
  });
});

describe('observers and cost', () => {
  test('onAttempt, onFallback, and cost on the served response', async () => {
    const attempts: Attempt[] = [];
    const fallbacks: FallbackEvent[] = [];
    const a = scripted('a', serverError());
    const priced = new FunctionModel(
      () => ({
        ...text('priced'),
        modelName: 'gpt-4o',
        providerName: 'openai',
        usage: { inputTokens: 1000, outputTokens: 100, cacheReadTokens: 0, cacheWriteTokens: 0, details: {} },
      }),
      { modelName: 'gpt-4o' },
    );
    const model = new FallbackModel(a.model, priced, {
      onAttempt: (attempt) => attempts.push(attempt),
      onFallback: (event) => fallbacks.push(event),
    });
    const response = await model.request(hello);
    expect(response.usage.cost).toBeCloseTo(0.0035, 10);
    expect(attempts.map((x) => `${x.modelName}:${x.outcome}`)).toEqual(['a:error', 'gpt-4o:ok']);
    expect(attempts[1]?.providerName).toBe('openai');
    expect(attempts[1]?.cost).toBeCloseTo(0.0035, 10);
    expect(fallbacks).toHaveLength(1);
    expect(fallbacks[0]?.from).toBe('a');
    expect(fallbacks[0]?.to).toBe('gpt-4o');
    expect((fallbacks[0]!.error as ModelHTTPError).statusCode).toBe(500);
  });
});
