/**
 * The adapter contract: the same cases for every wire adapter, each against its own chaos emulator (as
 * Hono runs one suite against every router). A whole answer and a stream agree part for part; tools and
 * thinking go out and come back; every chaos fault surfaces as the error class and kind the attempt
 * engine decides on; an abort at each stage rejects with the caller's reason and closes the socket.
 * What is truly one protocol's own stays in that adapter's folder.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../src/chaos/index.ts';
import { ModelAPIError } from '../../src/core/errors/index.ts';
import {
  type ModelMessage,
  type ModelResponse,
  type ModelResponseStreamEvent,
  responseText,
  toolCallArgs,
  userPrompt,
} from '../../src/core/messages.ts';
import type { Model, ModelRequestParameters } from '../../src/core/model.ts';
import type { ModelSettings } from '../../src/core/settings.ts';
import { inferModel } from '../../src/registry/index.ts';
import { postJson } from '../../src/transport/client.ts';
import { fetchTransport } from '../../src/transport/fetch-client.ts';
import { deltaText, startTap, type Tap } from '../fallback/chaos/upstreams.ts';
import { failureShape } from '../support/failure-shape.ts';
import { ADAPTERS, type AdapterCase } from './adapters.ts';

// contract-over-fetch.test.ts runs this suite over the fetch transport. Node's own fetch, once a call
// is aborted, opens a spare connection and closes it unused (no request goes on it): there, "the
// socket closes" means every socket closes, rather than exactly one.
const overFetch = postJson === fetchTransport.postJson;
const socketsFor = (calls: number, opened: number) => (overFetch ? opened : calls);

const hello: ModelMessage[] = [{ kind: 'request', parts: [userPrompt('hello there, world')] }];
const ECHO = 'echo: hello there, world';
const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
const withTools: ModelRequestParameters = {
  functionTools: [
    { name: 'get_weather', parametersJsonSchema: schema },
    { name: 'get_time', parametersJsonSchema: { type: 'object', properties: {} } },
  ],
  outputTools: [],
  allowTextOutput: true,
};

/** A whole answer, or a stream read to its end with the events it yielded. */
async function call(
  model: Model,
  stream: boolean,
  settings?: ModelSettings,
  params?: ModelRequestParameters,
) {
  if (!stream) return { response: await model.request(hello, settings, params), events: [] };
  const streamed = await model.requestStream(hello, settings, params);
  const events: ModelResponseStreamEvent[] = [];
  for await (const event of streamed) events.push(event);
  return { response: streamed.get(), events };
}

/** What one call under `fault` came to: text and finish reason, or the error's class, kind and status. */
async function outcome(model: Model, fault: string, stream: boolean) {
  try {
    const { response } = await call(model, stream, { extraHeaders: { 'x-chaos': fault }, timeout: 200 });
    return { ok: true, text: responseText(response), finish: response.finishReason };
  } catch (error) {
    return failureShape(error);
  }
}

const failed = (name: string, kind: string, status?: number, retryAfterMs?: number) => ({
  ok: false,
  name,
  kind,
  status,
  retryAfterMs,
});
const http = (status: number, kind: string, retryAfterMs?: number) =>
  failed('ModelHTTPError', kind, status, retryAfterMs);

// The same for every adapter, whole or streamed.
const FAULTS: [string, unknown][] = [
  ['status:429;retry-after=2', http(429, 'rate_limit', 2000)],
  ['status:400;context-length', http(400, 'context_length')],
  ['status:400;content-policy', http(400, 'content_filter')],
  ['status:401', http(401, 'auth')],
  ['status:403', http(403, 'auth')],
  ['status:404', http(404, 'not_found')],
  ['status:500', http(500, 'server')],
  ['status:502', http(502, 'server')],
  ['status:503', http(503, 'overloaded')],
  ['status:529', http(529, 'overloaded')],
  ['reset', failed('ModelAPIError', 'network')],
  ['refuse', failed('ModelAPIError', 'network')],
  ['hang', failed('ModelAPIError', 'timeout')],
  ['stall-after:2', failed('ModelAPIError', 'timeout')],
  ['cut-after:2', failed('ModelAPIError', 'network')],
  ['empty', { ok: true, text: '', finish: 'stop' }],
  ['slow-first-token:20+tokens-per-second:2000', { ok: true, text: ECHO, finish: 'stop' }],
];

describe.each(ADAPTERS)('$name adapter contract', (adapter: AdapterCase) => {
  let chaos: ChaosServer;
  let model: Model;
  const taps: Tap[] = [];

  beforeAll(async () => {
    chaos = await startChaosServer({
      protocol: adapter.protocol,
      hangCapMs: 2_000,
      scenario: { toolCalls: 'all' },
    });
    model = inferModel(adapter.modelId, { baseUrl: chaos.url, apiKey: 'test' });
  });
  afterAll(async () => {
    await Promise.all(taps.map((tap) => tap.close()));
    await chaos.close();
  });

  /** The adapter behind a tap that counts its connections, sending `fault` on every call. */
  async function tapped(fault: string) {
    const tap = await startTap(chaos);
    taps.push(tap);
    const settings = { extraHeaders: { 'x-chaos': fault } };
    return { tap, model: inferModel(adapter.modelId, { baseUrl: tap.url, apiKey: 'test', settings }) };
  }

  describe('answers', () => {
    it('a whole answer and a stream agree part for part', async () => {
      const whole = await call(model, false);
      const streamed = await call(model, true);
      for (const { response } of [whole, streamed]) {
        // toMatchObject: a protocol may add its own item id (Responses' `msg_...`).
        expect(response.parts).toMatchObject([{ partKind: 'text', content: ECHO }]);
        expect(response.parts).toHaveLength(1);
        expect(response.finishReason).toBe('stop');
        expect(response.providerName).toBe(adapter.modelId.split(':')[0]);
        expect(response.usage.inputTokens).toBeGreaterThan(0);
        expect(response.usage.outputTokens).toBeGreaterThan(0);
      }
      expect(streamed.response.usage).toEqual(whole.response.usage);
    });

    it('a stream opens, grows and closes its part, and its deltas spell the answer', async () => {
      const { events } = await call(model, true);
      expect(events[0]?.kind).toBe('part-start');
      expect(events.at(-1)).toMatchObject({
        kind: 'part-end',
        index: 0,
        part: { partKind: 'text', content: ECHO },
      });
      expect(events.map(deltaText).join('')).toBe(ECHO);
    });

    it('exposes its provider as the neutral identity breaker keys derive from', () => {
      const { provider } = model as Model & { provider: { name: string; baseUrl: string } };
      expect(provider.name).toBe(adapter.modelId.split(':')[0]);
      // The provider's base URL may add the API version the SDKs add themselves (`/v1`, `/v1beta`).
      expect(provider.baseUrl.startsWith(chaos.url)).toBe(true);
      expect(model.system).toBe(provider.name);
    });
  });

  describe('tools', () => {
    it('calls every offered tool with JSON arguments, whole and streamed alike', async () => {
      for (const stream of [false, true]) {
        const { response } = await call(model, stream, {}, withTools);
        const calls = response.parts.filter((part) => part.partKind === 'tool-call');
        expect(calls.map((part) => part.toolName)).toEqual(['get_weather', 'get_time']);
        for (const part of calls) {
          expect(part.toolCallId).not.toBe('');
          expect(typeof toolCallArgs(part)).toBe('object');
        }
        expect(response.finishReason).toBe('tool_call');
      }
    });

    it("sends a tool's return back with its call, and the model answers", async () => {
      const { response: asked } = await call(model, false, {}, withTools);
      const history: ModelMessage[] = [
        ...hello,
        asked,
        {
          kind: 'request',
          parts: asked.parts.flatMap((part) =>
            part.partKind === 'tool-call'
              ? [
                  {
                    partKind: 'tool-return' as const,
                    toolName: part.toolName,
                    toolCallId: part.toolCallId,
                    content: 'sunny',
                  },
                ]
              : [],
          ),
        },
      ];
      for (const stream of [false, true]) {
        const answer = stream
          ? await (async () => {
              const streamed = await model.requestStream(history, {}, withTools);
              for await (const _event of streamed);
              return streamed.get();
            })()
          : await model.request(history, {}, withTools);
        expect(answer.finishReason).toBe('stop');
        expect(responseText(answer)).not.toBe('');
      }
    });
  });

  describe('thinking', () => {
    it('a call with thinking on is accepted, and its own thinking goes back in the history', async () => {
      const settings: ModelSettings = { thinking: 'low', maxTokens: 200 };
      const thought: ModelResponse = {
        ...(await model.request(hello, settings)),
        parts: [
          { partKind: 'thinking', content: 'The user greets me.', providerName: model.system },
          { partKind: 'text', content: ECHO },
        ],
      };
      const history: ModelMessage[] = [...hello, thought, { kind: 'request', parts: [userPrompt('again')] }];
      for (const stream of [false, true]) {
        const answer = stream
          ? await (async () => {
              const streamed = await model.requestStream(history, settings);
              for await (const _event of streamed);
              return streamed.get();
            })()
          : await model.request(history, settings);
        expect(responseText(answer)).toBe('echo: again');
      }
    });
  });

  describe('errors', () => {
    it.each(FAULTS)('%s', async (fault, expected) => {
      expect(await outcome(model, fault, false)).toEqual(expected);
      expect(await outcome(model, fault, true)).toEqual(expected);
    });

    it('malformed: a non-JSON body is a server fault, a broken frame a stream error', async () => {
      expect(await outcome(model, 'malformed', false)).toEqual(failed('UnexpectedModelBehavior', 'server'));
      expect(await outcome(model, 'malformed', true)).toEqual(
        failed('UnexpectedModelBehavior', 'stream_error'),
      );
    });

    it('cut-after:2;clean: a truncated body, or a stream without its end marker, is never silent', async () => {
      expect(await outcome(model, 'cut-after:2;clean', false)).toEqual(
        failed('UnexpectedModelBehavior', 'server'),
      );
      expect(await outcome(model, 'cut-after:2;clean', true)).toEqual(
        failed('ModelAPIError', 'stream_error'),
      );
    });

    it('error-frame: the in-band error is classified like the provider error it carries', async () => {
      const { status, kind } = adapter.errorFrame;
      for (const at of [0, 2]) {
        expect(await outcome(model, `error-frame:${at}`, false)).toEqual(http(status, kind));
        expect(await outcome(model, `error-frame:${at}`, true)).toEqual(failed('ModelAPIError', kind));
      }
    });

    it('content-filter: a filtered answer keeps its text and says why it stopped', async () => {
      for (const stream of [false, true]) {
        expect(await outcome(model, 'content-filter:2', stream)).toEqual({
          ok: true,
          text: 'echo:',
          finish: 'content_filter',
        });
        expect(await outcome(model, 'content-filter', stream)).toEqual(
          adapter.withheldBeforeText === 'error'
            ? failed('ModelAPIError', 'content_filter')
            : { ok: true, text: '', finish: 'content_filter' },
        );
      }
    });
  });

  describe('aborts', () => {
    it('an already aborted signal rejects with its reason and sends nothing', async () => {
      const { tap, model: target } = await tapped('none');
      const reason = new Error('cancelled before the call');
      const signal = AbortSignal.abort(reason);
      await expect(target.request(hello, { signal })).rejects.toBe(reason);
      await expect(target.requestStream(hello, { signal })).rejects.toBe(reason);
      expect(tap.opened).toBe(0);
    });

    it.each(['request', 'stream'] as const)(
      'waiting for the headers (%s): rejects with the reason and closes the socket',
      async (mode) => {
        const { tap, model: target } = await tapped('hang');
        const controller = new AbortController();
        const reason = new Error('the user closed the tab');
        const settings = { signal: controller.signal };
        const pending = (
          mode === 'request' ? target.request(hello, settings) : target.requestStream(hello, settings)
        ).catch((error: unknown) => error);
        await until(() => tap.opened === 1);
        controller.abort(reason);
        expect(await pending).toBe(reason);
        await tap.allClosed();
      },
    );

    it('before the first event: the iterator rejects with the reason and the socket closes', async () => {
      const { tap, model: target } = await tapped('slow-first-token:2000');
      const controller = new AbortController();
      const stream = await target.requestStream(hello, { signal: controller.signal });
      const reason = new Error('stop');
      controller.abort(reason);
      await expect(stream[Symbol.asyncIterator]().next()).rejects.toBe(reason);
      await tap.allClosed();
      expect(tap.closed).toBe(socketsFor(1, tap.opened));
    });

    it('mid-stream: the iterator rejects with the reason and the socket closes', async () => {
      const { tap, model: target } = await tapped('tokens-per-second:50');
      const controller = new AbortController();
      const stream = await target.requestStream(hello, { signal: controller.signal });
      const iterator = stream[Symbol.asyncIterator]();
      expect((await iterator.next()).done).toBe(false);
      const reason = new Error('stop');
      controller.abort(reason);
      await expect(iterator.next()).rejects.toBe(reason);
      await tap.allClosed();
      expect(tap.closed).toBe(socketsFor(1, tap.opened));
    });

    it('cancel() and an early break close the socket mid-stream', async () => {
      const { tap, model: target } = await tapped('tokens-per-second:50');
      const cancelled = await target.requestStream(hello);
      await cancelled[Symbol.asyncIterator]().next();
      cancelled.cancel();
      const broken = await target.requestStream(hello);
      for await (const _event of broken) break;
      await tap.allClosed();
      expect([tap.opened, tap.closed]).toEqual([socketsFor(2, tap.opened), socketsFor(2, tap.opened)]);
    });

    it("the call's own deadline, while streaming, is a timeout", async () => {
      const { model: target } = await tapped('stall-after:2');
      const stream = await target.requestStream(hello, { timeout: 150 });
      const error = await (async () => {
        for await (const _event of stream);
      })().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ModelAPIError);
      expect((error as ModelAPIError).kind).toBe('timeout');
      expect(responseText(stream.get())).not.toBe('');
    });
  });
});

/** Polls `check` every few ms (for a socket event this test cannot await directly); gives up after 1 s. */
async function until(check: () => boolean): Promise<void> {
  for (let waited = 0; !check(); waited += 5) {
    if (waited > 1_000) throw new Error('condition not met within 1 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
