import { getEventListeners } from 'node:events';
import { describe, expect, test } from 'vitest';
import { AbortableWaits, CallDeadline, untilAborted } from '../../../src/fallback/engine/deadline.ts';

const never = () => new Promise<never>(() => {});

describe('untilAborted', () => {
  test('settles with the promise, or with the reason as soon as the signal aborts', async () => {
    expect(await untilAborted(Promise.resolve(1), new AbortController().signal)).toBe(1);
    const controller = new AbortController();
    const waiting = untilAborted(never(), controller.signal);
    controller.abort(new Error('deadline'));
    await expect(waiting).rejects.toThrow('deadline');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});

describe('AbortableWaits (many waits on one signal, as a stream reads its events)', () => {
  test('passes each value and failure through, with one listener for all the waits', async () => {
    const controller = new AbortController();
    const waits = new AbortableWaits(controller.signal);
    for (let i = 0; i < 100; i++) expect(await waits.wait(Promise.resolve(i))).toBe(i);
    await expect(waits.wait(Promise.reject(new Error('cut')))).rejects.toThrow('cut');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    waits.dispose();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  test('an abort rejects the pending wait with its reason, though the awaited promise never settles', async () => {
    const controller = new AbortController();
    const waits = new AbortableWaits(controller.signal);
    expect(await waits.wait(Promise.resolve('first'))).toBe('first');
    const pending = waits.wait(never());
    controller.abort(new Error('no stream event for 50 ms'));
    await expect(pending).rejects.toThrow('no stream event for 50 ms');
    // Once aborted, every later wait fails at once, and a later failure of its promise is not unhandled.
    await expect(waits.wait(Promise.reject(new Error('late')))).rejects.toThrow('no stream event');
    waits.dispose();
  });
});

describe('AttemptDeadline', () => {
  test("without a deadline of its own and not hedged, an attempt runs under its caller's signal", () => {
    const caller = new AbortController();
    const plain = new CallDeadline(undefined).startAttempt('gpt-4o', caller.signal);
    expect(plain.signal).toBe(caller.signal);
    expect(() => plain.abort(new Error('loser'))).toThrow(/abortable/);
    // Hedged, timed, or with a first-token deadline: a signal of its own, which the caller's abort aborts.
    for (const attempt of [
      new CallDeadline(undefined).startAttempt('gpt-4o', caller.signal, { abortable: true }),
      new CallDeadline(60_000).startAttempt('gpt-4o', caller.signal),
      new CallDeadline(undefined).startAttempt('gpt-4o', caller.signal, { firstTokenMs: 60_000 }),
    ]) {
      expect(attempt.signal).not.toBe(caller.signal);
      attempt.dispose();
    }
    const hedged = new CallDeadline(undefined).startAttempt('gpt-4o', caller.signal, { abortable: true });
    const loser = new Error('loser');
    hedged.abort(loser);
    expect(hedged.signal.reason).toBe(loser);
    expect(caller.signal.aborted).toBe(false);
    const linked = new CallDeadline(60_000).startAttempt('gpt-4o', caller.signal);
    caller.abort(new Error('client went away'));
    expect(linked.signal.aborted).toBe(true);
    linked.dispose();
  });
});
