import { getEventListeners } from 'node:events';
import { describe, expect, test } from 'vitest';
import { AbortableWaits, untilAborted } from '../../../src/fallback/engine/deadline.ts';

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
