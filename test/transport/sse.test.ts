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
});
