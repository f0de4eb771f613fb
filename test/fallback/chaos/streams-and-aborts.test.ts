/**
 * FallbackModel over chaos upstreams, the timed cases: Retry-After short (wait, retry the same model) and
 * long (fall back at once, breaker open), a stream cut after 3 tokens (a typed error, or the next model
 * continuing), and the caller aborting at each stage (its reason, no fallback, the socket closed).
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { ChaosServer } from '../../../src/chaos/index.ts';
import { ModelAPIError } from '../../../src/core/errors/index.ts';
import type { Attempt } from '../../../src/core/messages.ts';
import { responseText } from '../../../src/core/messages.ts';
import type { BreakerChange } from '../../../src/fallback/breaker/circuit-breaker.ts';
import { FallbackModel } from '../../../src/fallback/fallback-model.ts';
import {
  BACKUP,
  deltaText,
  drain,
  HELLO_ANSWER,
  hello,
  MODEL_NAMES,
  modelAt,
  PROTOCOLS,
  type Protocol,
  startFaultOnce,
  startTap,
  startUpstreams,
  type Tap,
  trace,
} from './upstreams.ts';

let upstreams: Record<Protocol, ChaosServer>;
const extra: Array<{ close(): Promise<void> }> = [];
beforeAll(async () => {
  upstreams = await startUpstreams();
});
afterEach(async () => {
  await Promise.all(extra.splice(0).map((server) => server.close()));
});
afterAll(async () => {
  await Promise.all(Object.values(upstreams).map((server) => server.close()));
});

const backupOf = (protocol: Protocol) => modelAt(BACKUP[protocol], upstreams[BACKUP[protocol]].url);

describe.each(PROTOCOLS)('%s', (protocol) => {
  const name = MODEL_NAMES[protocol];
  const backupName = MODEL_NAMES[BACKUP[protocol]];

  describe('Retry-After', () => {
    test.each(['request', 'stream'] as const)(
      '%s: a short 429 is waited out and the same model retried',
      async (mode) => {
        const flaky = await startFaultOnce(protocol, 'status:429;retry-after-ms=40');
        extra.push(flaky);
        const model = new FallbackModel(modelAt(protocol, flaky.url), backupOf(protocol), {
          retry: { maxRetries: 1 },
        });
        const response =
          mode === 'request' ? await model.request(hello) : await readAll(model.requestStream(hello));
        expect(responseText(response)).toBe(HELLO_ANSWER);
        expect(trace(response.attempts)).toEqual([
          [name, 'error', 'rate_limit', 429],
          [name, 'ok', undefined, undefined],
        ]);
        const [first, second] = response.attempts!;
        expect(second!.startedAt - first!.startedAt).toBeGreaterThanOrEqual(40);
        expect(flaky.stats.requests).toBe(2);
      },
    );

    test.each(['request', 'stream'] as const)(
      '%s: a long 429 falls back at once and opens the breaker for that long',
      async (mode) => {
        const changes: BreakerChange[] = [];
        const model = new FallbackModel(
          modelAt(protocol, upstreams[protocol].url, 'status:429;retry-after=60'),
          backupOf(protocol),
          { retry: { maxRetries: 3 }, onBreakerChange: (change) => changes.push(change) },
        );
        const call = () => (mode === 'request' ? model.request(hello) : readAll(model.requestStream(hello)));
        const first = await call();
        expect(trace(first.attempts)).toEqual([
          [name, 'error', 'rate_limit', 429],
          [backupName, 'ok', undefined, undefined],
        ]);
        expect(first.attempts![1]!.startedAt - first.attempts![0]!.startedAt).toBeLessThan(1_000);
        expect(changes.map((change) => [change.from, change.to])).toEqual([['closed', 'open']]);
        expect(changes[0]!.key).toContain(name);
        // Open for the 60 s the upstream asked for, not the breaker's default cooldown.
        const record = await model.breaker!.store.get(changes[0]!.key);
        expect(record!.until - Date.now()).toBeGreaterThan(58_000);
        expect(record!.until - Date.now()).toBeLessThanOrEqual(60_000);
        const second = await call();
        expect(trace(second.attempts)).toEqual([
          [name, 'skipped', undefined, undefined],
          [backupName, 'ok', undefined, undefined],
        ]);
      },
    );
  });

  describe('a stream cut after 3 tokens (after commit)', () => {
    test('the iterator throws a typed error after the 3 tokens; no fallback, no silent end', async () => {
      const before = upstreams[BACKUP[protocol]].stats.requests;
      const model = new FallbackModel(
        modelAt(protocol, upstreams[protocol].url, 'cut-after:3'),
        backupOf(protocol),
      );
      const stream = await model.requestStream(hello);
      const { text, error } = await drain(stream);
      expect(text).toBe('echo: Say');
      expect(error).toBeInstanceOf(ModelAPIError);
      expect((error as ModelAPIError).kind).toBe('network');
      expect(trace(stream.get().attempts)).toEqual([[name, 'error', 'network', undefined]]);
      expect(upstreams[BACKUP[protocol]].stats.requests).toBe(before);
    });

    test('continueOnStreamFailure: the next model continues the text', async () => {
      const model = new FallbackModel(
        modelAt(protocol, upstreams[protocol].url, 'cut-after:3'),
        backupOf(protocol),
        { continueOnStreamFailure: true },
      );
      const stream = await model.requestStream(hello);
      const { text, error } = await drain(stream);
      expect(error).toBeUndefined();
      // The backup echoes the continuation request it was sent after the partial answer.
      expect(text).toBe(
        'echo: Sayecho: Your previous answer was cut off. Continue it exactly from where it stopped, without repeating anything.',
      );
      expect(trace(stream.get().attempts)).toEqual([
        [name, 'error', 'network', undefined],
        [backupName, 'ok', undefined, undefined],
      ]);
      expect(stream.get().usage.outputTokens).toBeGreaterThan(0);
    });
  });

  describe('the caller aborts', () => {
    /** A FallbackModel whose first model goes through a tap; records attempts as they are reported. */
    async function tapped(fault: string) {
      const tap = await startTap(upstreams[protocol]);
      extra.push(tap);
      const seen: Attempt[] = [];
      const before = upstreams[BACKUP[protocol]].stats.requests;
      const model = new FallbackModel(modelAt(protocol, tap.url, fault), backupOf(protocol), {
        onAttempt: (attempt) => seen.push(attempt),
      });
      const backupCalls = () => upstreams[BACKUP[protocol]].stats.requests - before;
      return { tap, seen, model, backupCalls };
    }

    async function expectClosedWithoutFallback(
      tap: Tap,
      seen: Attempt[],
      backupCalls: () => number,
    ): Promise<void> {
      await tap.allClosed();
      expect(tap.opened).toBe(1);
      expect(tap.closed).toBe(1);
      expect(seen.map((attempt) => [attempt.modelName, attempt.outcome])).toEqual([[name, 'cancelled']]);
      expect(backupCalls()).toBe(0);
    }

    test.each([
      ['request', 'hang'],
      ['stream', 'hang'],
      ['request', 'slow-first-token:2000'],
      ['stream', 'slow-first-token:2000'],
    ] as const)('%s, %s: rejects with the caller reason', async (mode, fault) => {
      const { tap, seen, model, backupCalls } = await tapped(fault);
      const controller = new AbortController();
      const reason = new Error('the user closed the tab');
      const pending = (
        mode === 'request'
          ? model.request(hello, { signal: controller.signal })
          : model.requestStream(hello, { signal: controller.signal })
      ).catch((e: unknown) => e);
      await until(() => tap.opened === 1);
      await delay(20);
      controller.abort(reason);
      expect(await pending).toBe(reason);
      await expectClosedWithoutFallback(tap, seen, backupCalls);
    });

    test('mid-stream: the iterator rejects with the caller reason', async () => {
      const { tap, seen, model, backupCalls } = await tapped('tokens-per-second:50');
      const controller = new AbortController();
      const stream = await model.requestStream(hello, { signal: controller.signal });
      const iterator = stream[Symbol.asyncIterator]();
      const first = await iterator.next();
      expect(first.done).toBe(false);
      expect(deltaText(first.value)).toBe('echo');
      const reason = new Error('stop');
      controller.abort(reason);
      await expect(iterator.next()).rejects.toBe(reason);
      await expectClosedWithoutFallback(tap, seen, backupCalls);
    });
  });
});

async function readAll(pending: ReturnType<FallbackModel['requestStream']>) {
  const stream = await pending;
  const { error } = await drain(stream);
  expect(error).toBeUndefined();
  return stream.get();
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` every few ms (for a socket event this test cannot await directly); gives up after 1 s. */
async function until(check: () => boolean): Promise<void> {
  for (let waited = 0; !check(); waited += 5) {
    if (waited > 1_000) throw new Error('condition not met within 1 s');
    await delay(5);
  }
}
