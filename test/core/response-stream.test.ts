import { describe, expect, test } from 'vitest';
import { UserError } from '../../src/core/errors/index.ts';
import type { ModelResponseStreamEvent } from '../../src/core/messages.ts';
import { ResponseBuilder } from '../../src/core/response-builder.ts';
import { ResponseStream } from '../../src/core/response-stream.ts';

/** A stream over `events` (then `failure`, if given), recording what its call saw. */
function streamOf(events: ModelResponseStreamEvent[], failure?: Error) {
  const builder = new ResponseBuilder('m', 'test');
  const abort = new AbortController();
  const seen = { ended: 0, generatorClosed: false };
  async function* generate(): AsyncGenerator<ModelResponseStreamEvent> {
    try {
      for (const event of events) yield event;
      if (failure) throw failure;
    } finally {
      seen.generatorClosed = true;
    }
  }
  const stream = new ResponseStream(builder, generate(), abort, {
    mapFailure: (error) => new Error(`mapped: ${(error as Error).message}`),
    onEnd: () => seen.ended++,
  });
  return { stream, abort, seen };
}

const text = (index: number): ModelResponseStreamEvent => ({
  kind: 'part-delta',
  index,
  delta: { partKind: 'text', contentDelta: `t${index}` },
});

describe('ResponseStream', () => {
  test('passes every event through; at the end the call is released once and the upstream left alone', async () => {
    const { stream, abort, seen } = streamOf([text(0), text(1), text(2)]);
    const got: ModelResponseStreamEvent[] = [];
    for await (const event of stream) got.push(event);
    expect(got).toEqual([text(0), text(1), text(2)]);
    expect(seen.ended).toBe(1);
    expect(abort.signal.aborted).toBe(false);
  });

  test('a consumer that stops early closes the generator, releases the call and aborts the upstream', async () => {
    const { stream, abort, seen } = streamOf([text(0), text(1), text(2)]);
    for await (const event of stream) if (event.index === 0) break;
    expect(seen.generatorClosed).toBe(true);
    expect(seen.ended).toBe(1);
    expect(abort.signal.aborted).toBe(true);
  });

  test('a failure reaches the consumer mapped, after the events before it, and aborts the upstream', async () => {
    const { stream, abort, seen } = streamOf([text(0)], new Error('cut'));
    const got: ModelResponseStreamEvent[] = [];
    await expect(
      (async () => {
        for await (const event of stream) got.push(event);
      })(),
    ).rejects.toThrow('mapped: cut');
    expect(got).toEqual([text(0)]);
    expect(seen.ended).toBe(1);
    expect(abort.signal.aborted).toBe(true);
  });

  test('can be iterated only once', async () => {
    const { stream } = streamOf([text(0)]);
    for await (const _ of stream);
    await expect(stream[Symbol.asyncIterator]().next()).rejects.toThrow(UserError);
  });
});
