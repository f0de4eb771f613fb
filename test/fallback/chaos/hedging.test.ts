/**
 * Hedging through the HTTP adapters: a slow first model gets a partner after `hedgeAfterMs`; the partner's
 * answer is served and the slow attempt is aborted — its socket closed — and recorded as cancelled.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ChaosServer } from '../../../src/chaos/index.ts';
import { responseText } from '../../../src/core/messages.ts';
import { FallbackModel } from '../../../src/fallback/fallback-model.ts';
import {
  BACKUP,
  drain,
  HELLO_ANSWER,
  hello,
  MODEL_NAMES,
  modelAt,
  PROTOCOLS,
  type Protocol,
  startTap,
  startUpstreams,
  type Tap,
  trace,
} from './upstreams.ts';

let upstreams: Record<Protocol, ChaosServer>;
const taps: Tap[] = [];
beforeAll(async () => {
  upstreams = await startUpstreams();
});
afterAll(async () => {
  await Promise.all([...taps, ...Object.values(upstreams)].map((server) => server.close()));
});

describe.each(PROTOCOLS)('%s slow to its first token', (protocol) => {
  const backup = BACKUP[protocol];
  test.each(['request', 'stream'] as const)(
    '%s: the hedge wins, the slow attempt is cancelled and its socket closed',
    async (mode) => {
      const tap = await startTap(upstreams[protocol]);
      taps.push(tap);
      const model = new FallbackModel(
        modelAt(protocol, tap.url, 'slow-first-token:2000'),
        modelAt(backup, upstreams[backup].url),
        { hedgeAfterMs: 40 },
      );
      let text: string;
      let attempts: Parameters<typeof trace>[0];
      if (mode === 'request') {
        const response = await model.request(hello);
        text = responseText(response);
        attempts = response.attempts;
      } else {
        const stream = await model.requestStream(hello);
        const drained = await drain(stream);
        expect(drained.error).toBeUndefined();
        text = drained.text;
        attempts = stream.get().attempts;
      }
      expect(text).toBe(HELLO_ANSWER);
      expect(trace(attempts)).toEqual([
        [MODEL_NAMES[protocol], 'cancelled', undefined, undefined],
        [MODEL_NAMES[backup], 'ok', undefined, undefined],
      ]);
      // The hedge starts after hedgeAfterMs (40): Date.now() stamps are whole milliseconds and a timer may
      // fire up to one early against them, so allow 1 ms.
      expect(attempts![1]!.startedAt - attempts![0]!.startedAt).toBeGreaterThanOrEqual(39);
      await tap.allClosed();
      expect([tap.opened, tap.closed]).toEqual([1, 1]);
    },
  );

  test('both answer in time: no hedge, one upstream request', async () => {
    const before = upstreams[backup].stats.requests;
    const model = new FallbackModel(
      modelAt(protocol, upstreams[protocol].url),
      modelAt(backup, upstreams[backup].url),
      { hedgeAfterMs: 500 },
    );
    const response = await model.request(hello);
    expect(trace(response.attempts)).toEqual([[MODEL_NAMES[protocol], 'ok', undefined, undefined]]);
    expect(upstreams[backup].stats.requests).toBe(before);
  });
});
