import { EventEmitter } from 'node:events';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, test } from 'vitest';
import { EventBatch } from '../../../src/gateway/routing/event-batch.ts';

/** A response whose socket buffer is full after each write until `drain()`. */
class FullSocketResponse extends EventEmitter {
  statusCode = 200;
  headersSent = true;
  writableEnded = false;
  writableFinished = false;
  writableNeedDrain = false;
  written: string[] = [];
  writeHead(): this {
    return this;
  }
  write(chunk: string): boolean {
    this.written.push(chunk);
    this.writableNeedDrain = true;
    return false;
  }
  end(): this {
    this.writableEnded = true;
    return this;
  }
  drain(): void {
    this.writableNeedDrain = false;
    this.emit('drain');
  }
}

describe('EventBatch', () => {
  test('events added in one loop turn leave in one write', async () => {
    const res = new FullSocketResponse();
    const batch = new EventBatch(res);
    batch.add('a');
    batch.add('b');
    batch.add('');
    expect(res.written).toEqual([]);
    await nextTurn();
    expect(res.written).toEqual(['ab']);
  });

  test('no wait when the client keeps up', async () => {
    const res = new FullSocketResponse();
    res.write = (chunk: string) => {
      res.written.push(chunk);
      return true;
    };
    const batch = new EventBatch(res);
    batch.add('a');
    await nextTurn();
    expect(batch.backpressure(new AbortController().signal)).toBeUndefined();
  });

  test('a full buffer makes the producer wait for the drain', async () => {
    const res = new FullSocketResponse();
    const batch = new EventBatch(res);
    batch.add('a');
    await nextTurn();
    const waiting = batch.backpressure(new AbortController().signal);
    expect(waiting).toBeInstanceOf(Promise);
    let resumed = false;
    void waiting!.then(() => (resumed = true));
    await nextTurn();
    expect(resumed).toBe(false);
    res.drain();
    await waiting;
    expect(res.listenerCount('drain')).toBe(0);
  });

  test('a drain that came while the producer awaited its next event does not hold the stream', async () => {
    // The flush runs while the gateway awaits the upstream's next event; the client drains the socket
    // before that event comes. Waiting for 'drain' then would wait for ever (a stalled stream).
    const res = new FullSocketResponse();
    const batch = new EventBatch(res);
    batch.add('a');
    await nextTurn();
    res.drain();
    expect(batch.backpressure(new AbortController().signal)).toBeUndefined();
  });

  test('a client that goes away ends the wait', async () => {
    const res = new FullSocketResponse();
    const batch = new EventBatch(res);
    batch.add('a');
    await nextTurn();
    const controller = new AbortController();
    const waiting = batch.backpressure(controller.signal);
    controller.abort();
    await waiting;
    expect(res.listenerCount('drain')).toBe(0);
  });
});
