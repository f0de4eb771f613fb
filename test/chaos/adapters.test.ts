/**
 * Every chaos fault through the project's own adapters (openai-chat, anthropic, google), streamed and
 * not: the failure test bed of the adapters. Each fault must surface as the error class and kind the
 * attempt engine decides on — or, for answers that are odd but valid, as a response.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../src/chaos/index.ts';
import { ModelAPIError, ModelHTTPError, UnexpectedModelBehavior } from '../../src/errors/index.ts';
import { type ModelMessage, userPrompt } from '../../src/messages.ts';
import type { Model } from '../../src/models/model.ts';
import { inferModel } from '../../src/providers/index.ts';

const MODEL_IDS = {
  openai: 'openai:gpt-4o',
  anthropic: 'anthropic:claude-sonnet-5',
  gemini: 'google-gla:gemini-2.5-flash',
} as const;
type Protocol = keyof typeof MODEL_IDS;
const PROTOCOLS = Object.keys(MODEL_IDS) as Protocol[];

const servers = new Map<Protocol, ChaosServer>();
const models = new Map<Protocol, Model>();
const messages: ModelMessage[] = [{ kind: 'request', parts: [userPrompt('hello there, world')] }];

beforeAll(async () => {
  for (const protocol of PROTOCOLS) {
    const server = await startChaosServer({ protocol, hangCapMs: 2_000 });
    servers.set(protocol, server);
    models.set(protocol, inferModel(MODEL_IDS[protocol], { baseUrl: server.url, apiKey: 'test' }));
  }
});
afterAll(() => Promise.all([...servers.values()].map((server) => server.close())));

/** What one call came to: the response's text and finish reason, or the error's class, kind and status. */
async function outcome(protocol: Protocol, fault: string, stream: boolean) {
  const settings = { extraHeaders: { 'x-chaos': fault }, timeout: 200 };
  const model = models.get(protocol)!;
  try {
    let response: Awaited<ReturnType<Model['request']>>;
    if (stream) {
      const streamed = await model.requestStream(messages, settings);
      for await (const _event of streamed);
      response = streamed.get();
    } else {
      response = await model.request(messages, settings);
    }
    const text = response.parts.map((part) => (part.partKind === 'text' ? part.content : '')).join('');
    return { ok: true, text, finish: response.finishReason };
  } catch (error) {
    const name =
      error instanceof ModelHTTPError
        ? 'ModelHTTPError'
        : error instanceof UnexpectedModelBehavior
          ? 'UnexpectedModelBehavior'
          : error instanceof ModelAPIError
            ? 'ModelAPIError'
            : String(error);
    const typed = error as { kind?: string; statusCode?: number; retryAfterMs?: number };
    return { ok: false, name, kind: typed.kind, status: typed.statusCode, retryAfterMs: typed.retryAfterMs };
  }
}

const http = (status: number, kind: string, retryAfterMs?: number) => ({
  ok: false,
  name: 'ModelHTTPError',
  kind,
  status,
  retryAfterMs,
});
const api = (kind: string) => ({
  ok: false,
  name: 'ModelAPIError',
  kind,
  status: undefined,
  retryAfterMs: undefined,
});
const unexpected = (kind: string) => ({
  ok: false,
  name: 'UnexpectedModelBehavior',
  kind,
  status: undefined,
  retryAfterMs: undefined,
});

// The same for every protocol, streamed or not.
const COMMON: [string, unknown][] = [
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
  ['reset', api('network')],
  ['refuse', api('network')],
  ['hang', api('timeout')],
  ['stall-after:2', api('timeout')],
  ['cut-after:2', api('network')],
  ['empty', { ok: true, text: '', finish: 'stop' }],
];

describe.each(PROTOCOLS)('%s adapter over the chaos upstream', (protocol) => {
  it('answers normally without a fault', async () => {
    for (const stream of [false, true]) {
      expect(await outcome(protocol, 'none', stream)).toEqual({
        ok: true,
        text: 'echo: hello there, world',
        finish: 'stop',
      });
    }
  });

  it.each(COMMON)('%s', async (fault, expected) => {
    expect(await outcome(protocol, fault, false)).toEqual(expected);
    expect(await outcome(protocol, fault, true)).toEqual(expected);
  });

  it('malformed: a non-JSON body or frame is unexpected behaviour', async () => {
    expect(await outcome(protocol, 'malformed', false)).toEqual(unexpected('server'));
    expect(await outcome(protocol, 'malformed', true)).toEqual(unexpected('stream_error'));
  });

  it('cut-after:2;clean: a truncated body, or a stream without its end marker, is never silent', async () => {
    expect(await outcome(protocol, 'cut-after:2;clean', false)).toEqual(unexpected('server'));
    expect(await outcome(protocol, 'cut-after:2;clean', true)).toEqual(api('stream_error'));
  });

  it('error-frame: the in-band error is classified like the provider error it carries', async () => {
    const kind = protocol === 'openai' ? 'server' : 'overloaded';
    const status = { openai: 500, anthropic: 529, gemini: 503 }[protocol];
    for (const at of [0, 2]) {
      expect(await outcome(protocol, `error-frame:${at}`, false)).toEqual(http(status, kind));
      expect(await outcome(protocol, `error-frame:${at}`, true)).toEqual(api(kind));
    }
  });

  it('content-filter: a filtered answer', async () => {
    for (const stream of [false, true]) {
      expect(await outcome(protocol, 'content-filter:2', stream)).toEqual({
        ok: true,
        text: 'echo:',
        finish: 'content_filter',
      });
      // Nothing before the filter: Gemini's candidate then has no content at all, which its adapter
      // raises as a content_filter failure; the others return an empty answer with that finish reason.
      expect(await outcome(protocol, 'content-filter', stream)).toEqual(
        protocol === 'gemini' ? api('content_filter') : { ok: true, text: '', finish: 'content_filter' },
      );
    }
  });
});
