/**
 * Hostile upstream bytes: real recorded provider responses (the cassettes in shared/fixtures/recorded),
 * mutated by fast-check — truncated, with bytes flipped, with garbage inserted — and served to each
 * adapter, streamed and not. Whatever arrives, the call either succeeds or fails with a typed error
 * (ModelAPIError or a subclass) carrying a known kind: no TypeError from deep inside a parser, no
 * uncaught exception, no hang. The SSE reader gets its own properties: it never throws, and how the bytes
 * are cut into chunks never changes the frames it reads.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isErrorKind, ModelAPIError } from '../../src/core/errors/index.ts';
import type { ModelMessage } from '../../src/core/messages.ts';
import { inferModel } from '../../src/registry/index.ts';
import { closeUpstreamConnections } from '../../src/transport/client.ts';
import { readSSE, type SSEEvent } from '../../src/transport/sse.ts';
import { loadCassette } from '../support/cassette-server.ts';

const RUNS = 150;
const messages = [{ kind: 'request', parts: [{ partKind: 'user-prompt', content: 'hi' }] }] as ModelMessage[];

interface Recorded {
  prefix: string;
  stream: boolean;
  body: Buffer;
  contentType: string;
}

/** The first response of a cassette, as bytes. */
function recorded(prefix: string, folder: string, name: string, stream: boolean): Recorded {
  const response = loadCassette(folder, name)[0]!.response;
  const body = typeof response.body === 'string' ? Buffer.from(response.body) : Buffer.from(response.body);
  return { prefix, stream, body, contentType: stream ? 'text/event-stream' : 'application/json' };
}

const SOURCES: Recorded[] = [
  recorded('openai', 'test_openai', 'test_openai_model_without_system_prompt', false),
  recorded('openai', 'test_openai', 'test_run_stream_sync_streams_real_model', true),
  recorded('anthropic', 'test_anthropic', 'test_anthropic_advisor_tool', false),
  recorded('anthropic', 'test_anthropic', 'test_anthropic_model_thinking_part_stream', true),
  recorded('google-gla', 'test_google', 'test_google_decimal_native_output', false),
  recorded('google-gla', 'test_google', 'test_google_model_stream', true),
];

/** One way to damage a body: cut it, flip bytes in it, or insert bytes into it. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({
    kind: fc.constant('flip' as const),
    flips: fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 255 })), {
      minLength: 1,
      maxLength: 8,
    }),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    garbage: fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 64 }),
      fc.constantFrom(
        '\n\n',
        'data: {',
        'data: [DONE]\n\n',
        'event: error\ndata: {}\n\n',
        '\r',
        '\u0000',
        '}]}',
      ),
    ),
  }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(body: Buffer, change: Mutation): Buffer {
  const at = (fraction: number) => Math.min(body.length, Math.floor(fraction * body.length));
  switch (change.kind) {
    case 'truncate':
      return body.subarray(0, at(change.at));
    case 'flip': {
      const copy = Buffer.from(body);
      for (const [where, mask] of change.flips) {
        const index = Math.min(copy.length - 1, at(where));
        if (index >= 0) copy[index] = copy[index]! ^ mask;
      }
      return copy;
    }
    case 'insert': {
      const garbage =
        typeof change.garbage === 'string' ? Buffer.from(change.garbage) : Buffer.from(change.garbage);
      return Buffer.concat([body.subarray(0, at(change.at)), garbage, body.subarray(at(change.at))]);
    }
  }
}

describe('adapters fed mutated recorded traffic', () => {
  let server: Server;
  let url: string;
  let next: { body: Buffer; contentType: string } = { body: Buffer.alloc(0), contentType: 'text/plain' };

  beforeAll(async () => {
    // Serves whatever the current property run put in `next`, for any path.
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': next.contentType, 'content-length': next.body.length });
        res.end(next.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await closeUpstreamConnections();
  });

  for (const source of SOURCES) {
    test(`${source.prefix} ${source.stream ? 'stream' : 'JSON'}: success or a typed error`, async () => {
      // Each base URL in its official SDK's form: OpenAI's includes /v1, Anthropic's and Gemini's are the host.
      const baseUrl = source.prefix === 'openai' ? `${url}/v1` : url;
      const model = inferModel(`${source.prefix}:fuzzed`, {
        baseUrl,
        apiKey: 'sk-test',
        timeouts: { firstByteMs: 2000, idleMs: 2000 },
      });
      const outcomes = { ok: 0, typed: 0 };
      await fc.assert(
        fc.asyncProperty(mutation, async (change) => {
          next = { body: mutate(source.body, change), contentType: source.contentType };
          try {
            if (source.stream) {
              const stream = await model.requestStream(messages);
              for await (const _event of stream) {
                // Drain every event: parsing happens as the frames arrive.
              }
              stream.get();
            } else {
              await model.request(messages);
            }
            outcomes.ok++;
          } catch (error) {
            if (!(error instanceof ModelAPIError) || !isErrorKind(error.kind)) {
              throw new Error(`untyped failure for ${JSON.stringify(change)}: ${String(error)}`, {
                cause: error,
              });
            }
            outcomes.typed++;
          }
        }),
        { numRuns: RUNS, seed: 7 },
      );
      expect(outcomes.ok + outcomes.typed).toBe(RUNS);
      // The mutations must really break things, or the property proves nothing.
      expect(outcomes.typed).toBeGreaterThan(0);
    });
  }
});

async function readAll(chunks: Array<Uint8Array | string>): Promise<SSEEvent[]> {
  const events: SSEEvent[] = [];
  async function* body() {
    yield* chunks;
  }
  for await (const event of readSSE(body())) events.push(event);
  return events;
}

/** Cuts bytes at the given fractions. */
function cut(bytes: Buffer, fractions: number[]): Buffer[] {
  const points = [...new Set(fractions.map((f) => Math.floor(f * bytes.length)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let from = 0;
  for (const point of points) {
    pieces.push(bytes.subarray(from, point));
    from = point;
  }
  pieces.push(bytes.subarray(from));
  return pieces;
}

describe('readSSE on hostile bytes', () => {
  const streams = SOURCES.filter((source) => source.stream);

  test('never throws, and the chunking of the bytes never changes the frames', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...streams),
        mutation,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }),
        async (source, change, fractions) => {
          const bytes = mutate(source.body, change);
          const whole = await readAll([bytes]);
          const pieces = await readAll(cut(bytes, fractions));
          expect(pieces).toEqual(whole);
          for (const event of whole) expect(typeof event.data).toBe('string');
        },
      ),
      { numRuns: 300, seed: 11 },
    );
  });

  test('arbitrary bytes, including lone CRs and invalid UTF-8, are read without throwing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 10 }), async (chunks) => {
        const events = await readAll(chunks);
        expect(Array.isArray(events)).toBe(true);
      }),
      { numRuns: 300, seed: 13 },
    );
  });

  test('a 4 MiB line arriving in 1 KiB chunks is read in linear time (it took 34 s when quadratic)', async () => {
    const kib = Buffer.alloc(1024, 'a'.charCodeAt(0));
    const chunks: Buffer[] = [Buffer.from('data: ')];
    for (let i = 0; i < 4 * 1024; i++) chunks.push(kib);
    chunks.push(Buffer.from('\n\ndata: next\n\n'));
    const started = performance.now();
    const frames = await readAll(chunks);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(frames.map((frame) => frame.data.length)).toEqual([4 * 1024 * 1024, 4]);
  });

  test('a recorded stream read whole gives its frames exactly', async () => {
    const frames = await readAll([Buffer.from('data: a\n\nevent: x\ndata: b\r\ndata: c\r\n\r\n: ping\n\n')]);
    expect(frames).toEqual([
      { event: undefined, data: 'a', id: undefined },
      { event: 'x', data: 'b\nc', id: undefined },
    ]);
  });
});
