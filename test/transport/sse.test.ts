import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { readSSE, type SSEEvent } from '../../src/transport/sse.ts';

async function collect(chunks: Array<string | Uint8Array>): Promise<SSEEvent[]> {
  async function* source() {
    yield* chunks;
  }
  const events: SSEEvent[] = [];
  for await (const event of readSSE(source())) events.push(event);
  return events;
}

describe('readSSE', () => {
  test('frames with event, id, multi-line data and comments', async () => {
    const events = await collect([
      ': keep-alive\n\nevent: message_start\nid: 7\ndata: {"a":1}\n\ndata: line1\ndata: line2\n\n',
    ]);
    expect(events).toEqual([
      { event: 'message_start', data: '{"a":1}', id: '7' },
      { event: undefined, data: 'line1\nline2', id: '7' },
    ]);
  });

  test('CRLF and lone CR line endings, a BOM, and no space after the colon', async () => {
    const events = await collect(['\uFEFFdata:x\r\n\r\ndata: y\r\rdata: z\n\n']);
    expect(events.map((e) => e.data)).toEqual(['x', 'y', 'z']);
  });

  test('a CRLF split across chunks is one line ending', async () => {
    const events = await collect(['data: a\r', '\n\r', '\ndata: b\n\n']);
    expect(events.map((e) => e.data)).toEqual(['a', 'b']);
  });

  test('a multi-byte character split across byte chunks is decoded whole', async () => {
    const bytes = new TextEncoder().encode('data: héllo 🌍\n\n');
    const events = await collect([bytes.slice(0, 9), bytes.slice(9, 15), bytes.slice(15)]);
    expect(events.map((e) => e.data)).toEqual(['héllo 🌍']);
  });

  test('an unterminated last frame is dropped, as the spec says', async () => {
    const events = await collect(['data: complete\n\ndata: cut']);
    expect(events.map((e) => e.data)).toEqual(['complete']);
  });

  test('any split of a stream into chunks gives the same events', async () => {
    const text = 'event: a\ndata: {"x":"1"}\n\r\ndata: 2\r\n\r\n: c\n\nid: 3\ndata: three\ndata: lines\n\n';
    const whole = await collect([text]);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: text.length - 1 }), { maxLength: 8 }),
        async (cuts) => {
          const points = [...new Set(cuts)].sort((a, b) => a - b);
          const chunks: string[] = [];
          let from = 0;
          for (const point of points) {
            chunks.push(text.slice(from, point));
            from = point;
          }
          chunks.push(text.slice(from));
          expect(await collect(chunks)).toEqual(whole);
        },
      ),
    );
  });

  test('return() mid-stream closes the body, as leaving a for await does; after the end it does not', async () => {
    const closed: string[] = [];
    const body = (name: string, chunks: string[]): AsyncIterable<string> => ({
      [Symbol.asyncIterator]() {
        let at = 0;
        return {
          next: async () =>
            at < chunks.length ? { value: chunks[at++]!, done: false } : { value: undefined, done: true },
          return: async () => {
            closed.push(name);
            return { value: undefined, done: true };
          },
        };
      },
    });
    const early = readSSE(body('early', ['data: 1\n\ndata: 2\n\n', 'data: 3\n\n']));
    expect((await early.next()).value?.data).toBe('1');
    expect(await early.return(undefined)).toEqual({ done: true, value: undefined });
    // The frame already read but not handed out is dropped with the rest: the reader is closed.
    expect(await early.next()).toEqual({ done: true, value: undefined });
    const whole = readSSE(body('whole', ['data: 1\n\n']));
    for await (const _ of whole) {
      // read to the end
    }
    await whole.return(undefined);
    expect(closed).toEqual(['early']);
  });

  test('next() calls made at once are answered in order, and a body that fails rejects once, then ends', async () => {
    let fail!: (error: Error) => void;
    const failed = new Promise<never>((_, reject) => {
      fail = reject;
    });
    async function* body() {
      yield 'data: a\n\ndata: b\n\n';
      await failed;
    }
    const frames = readSSE(body());
    const [a, b, c] = [frames.next(), frames.next(), frames.next()];
    expect((await a).value?.data).toBe('a');
    expect((await b).value?.data).toBe('b');
    fail(new Error('socket reset'));
    await expect(c).rejects.toThrow('socket reset');
    expect(await frames.next()).toEqual({ done: true, value: undefined });
  });
});
