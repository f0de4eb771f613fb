/**
 * FallbackModel through the real HTTP adapters against chaos upstreams: each fault on the first model,
 * for requests and streams, on each protocol; the second model (another protocol) serves, and the trace
 * says exactly what happened.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../../src/chaos/index.ts';
import type { ModelResponse } from '../../../src/core/messages.ts';
import { responseText } from '../../../src/core/messages.ts';
import { FallbackModel, type FallbackModelOptions } from '../../../src/fallback/fallback-model.ts';
import {
  BACKUP,
  drain,
  HELLO_ANSWER,
  hello,
  MODEL_NAMES,
  modelAt,
  PROTOCOLS,
  type Protocol,
  startUpstreams,
  trace,
} from './upstreams.ts';

let upstreams: Record<Protocol, ChaosServer>;
beforeAll(async () => {
  upstreams = await startUpstreams();
});
afterAll(async () => {
  await Promise.all(Object.values(upstreams).map((server) => server.close()));
});

type Mode = 'request' | 'stream';

/** Runs one call through a FallbackModel of (faulty `protocol`, healthy backup); returns what came back. */
async function fallBack(
  protocol: Protocol,
  fault: string,
  mode: Mode,
  options: FallbackModelOptions = {},
): Promise<{ text: string; response: ModelResponse }> {
  const model = new FallbackModel(
    modelAt(protocol, upstreams[protocol].url, fault),
    modelAt(BACKUP[protocol], upstreams[BACKUP[protocol]].url),
    options,
  );
  if (mode === 'request') {
    const response = await model.request(hello);
    return { text: responseText(response), response };
  }
  const stream = await model.requestStream(hello);
  const { text, error } = await drain(stream);
  expect(error).toBeUndefined();
  return { text, response: stream.get() };
}

/** Fault → [errorKind, statusCode] the adapter reports, per protocol and mode (from the real error bodies). */
type Expected = Record<Protocol, Record<Mode, [string, number | undefined]>>;
const same = (kind: string, status: number | undefined): Expected => {
  const both: Record<Mode, [string, number | undefined]> = {
    request: [kind, status],
    stream: [kind, status],
  };
  return { openai: both, anthropic: both, gemini: both };
};

const FAULTS: Array<[string, Expected]> = [
  ['status:500', same('server', 500)],
  ['status:503', same('overloaded', 503)],
  ['status:529', same('overloaded', 529)],
  ['reset', same('network', undefined)],
  [
    // Each protocol's in-band error: a 200 whose body (request) or first frame (stream) is an error.
    'error-frame:0',
    {
      openai: { request: ['server', 500], stream: ['server', undefined] },
      anthropic: { request: ['overloaded', 529], stream: ['overloaded', undefined] },
      gemini: { request: ['overloaded', 503], stream: ['overloaded', undefined] },
    },
  ],
  [
    'malformed',
    {
      openai: { request: ['server', undefined], stream: ['stream_error', undefined] },
      anthropic: { request: ['server', undefined], stream: ['stream_error', undefined] },
      gemini: { request: ['server', undefined], stream: ['stream_error', undefined] },
    },
  ],
];

describe.each(PROTOCOLS)('%s first, then its backup', (protocol) => {
  const backup = BACKUP[protocol];

  describe.each(['request', 'stream'] as const)('%s', (mode) => {
    test.each(FAULTS)('%s: falls back; the caller sees only the second model', async (fault, expected) => {
      const { text, response } = await fallBack(protocol, fault, mode);
      expect(text).toBe(HELLO_ANSWER);
      expect(response.modelName).toBe(MODEL_NAMES[backup]);
      const [kind, status] = expected[protocol][mode];
      expect(trace(response.attempts)).toEqual([
        [MODEL_NAMES[protocol], 'error', kind, status],
        [MODEL_NAMES[backup], 'ok', undefined, undefined],
      ]);
    });

    test('connection refused (a closed port): falls back', async () => {
      const closed = await startChaosServer({ protocol });
      await closed.close();
      const model = new FallbackModel(modelAt(protocol, closed.url), modelAt(backup, upstreams[backup].url));
      const response =
        mode === 'request' ? await model.request(hello) : await streamed(model.requestStream(hello));
      expect(responseText(response)).toBe(HELLO_ANSWER);
      expect(trace(response.attempts)).toEqual([
        [MODEL_NAMES[protocol], 'error', 'network', undefined],
        [MODEL_NAMES[backup], 'ok', undefined, undefined],
      ]);
    });

    test('hang before headers: firstTokenTimeoutMs gives up and falls back', async () => {
      // The deadline applies to the backup too: room enough for it on a loaded machine.
      const { text, response } = await fallBack(protocol, 'hang', mode, { firstTokenTimeoutMs: 250 });
      expect(text).toBe(HELLO_ANSWER);
      expect(trace(response.attempts)).toEqual([
        [MODEL_NAMES[protocol], 'error', 'timeout', undefined],
        [MODEL_NAMES[backup], 'ok', undefined, undefined],
      ]);
      // Given up at the deadline, not at the hang's end.
      expect(response.attempts?.[0]?.durationMs).toBeGreaterThanOrEqual(240);
      expect(response.attempts?.[0]?.durationMs).toBeLessThan(5_000);
    });

    test.each(['stall-after:0', 'slow-first-token:2000'])(
      '%s (headers, then no first token): falls back after firstTokenTimeoutMs',
      async (fault) => {
        const { text, response } = await fallBack(protocol, fault, mode, { firstTokenTimeoutMs: 250 });
        expect(text).toBe(HELLO_ANSWER);
        expect(trace(response.attempts)).toEqual([
          [MODEL_NAMES[protocol], 'error', 'timeout', undefined],
          [MODEL_NAMES[backup], 'ok', undefined, undefined],
        ]);
      },
    );
  });
});

async function streamed(pending: Promise<import('../../../src/core/model.ts').StreamedResponse>) {
  const stream = await pending;
  const { error } = await drain(stream);
  expect(error).toBeUndefined();
  return stream.get();
}
