/**
 * The Bedrock Converse emulator through our `bedrock:` adapter, for what is Bedrock's own (what every
 * adapter must do is the contract suite's, test/adapters/contract.test.ts): each fault surfaces with
 * Bedrock's named error type, streamed (binary event stream) and not; SigV4-signed and API-key requests
 * both pass; requests without an
 * `authorization` header and bad bodies get Bedrock's own named errors.
 */

import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BedrockConverseModel } from '../../src/adapters/bedrock/model.ts';
import { type ChaosServer, startChaosServer } from '../../src/chaos/index.ts';
import { type ModelMessage, type ModelResponse, userPrompt } from '../../src/core/messages.ts';
import type { Model, ModelRequestParameters } from '../../src/core/model.ts';
import { createProvider } from '../../src/registry/create-provider.ts';
import { inferModel } from '../../src/registry/index.ts';
import { failureShape } from '../support/failure-shape.ts';

const MODEL_ID = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
let chaos: ChaosServer;
let model: Model;
const messages: ModelMessage[] = [{ kind: 'request', parts: [userPrompt('hello there, world')] }];

beforeAll(async () => {
  chaos = await startChaosServer({
    protocol: 'bedrock',
    hangCapMs: 2_000,
    scenario: { toolCalls: 'all', models: { 'amazon.nova-long': { answer: 'filler:40' } } },
  });
  // A Bedrock API key travels as a bearer token: the `authorization` header the emulator asks for.
  model = inferModel(`bedrock:${MODEL_ID}`, { baseUrl: chaos.url, apiKey: 'bedrock-api-key' });
});
afterAll(() => chaos.close());

async function call(target: Model, stream: boolean, fault?: string, params?: ModelRequestParameters) {
  const settings = { timeout: 200, ...(fault ? { extraHeaders: { 'x-chaos': fault } } : {}) };
  if (!stream) return target.request(messages, settings, params);
  const streamed = await target.requestStream(messages, settings, params);
  for await (const _event of streamed);
  return streamed.get();
}

async function outcome(fault: string, stream: boolean) {
  try {
    const response: ModelResponse = await call(model, stream, fault);
    const text = response.parts.map((part) => (part.partKind === 'text' ? part.content : '')).join('');
    return { ok: true, text, finish: response.finishReason };
  } catch (error) {
    return { ...failureShape(error), errorType: (error as { errorType?: string }).errorType };
  }
}

/** A named Bedrock HTTP error (`x-amzn-errortype`), as BedrockHTTPError reports it. */
const named = (status: number, errorType: string | undefined, kind: string, retryAfterMs?: number) => ({
  ok: false,
  name: 'ModelHTTPError',
  kind,
  status,
  retryAfterMs,
  errorType,
});
const failed = (name: string, kind: string) => ({
  ok: false,
  name,
  kind,
  status: undefined,
  retryAfterMs: undefined,
  errorType: undefined,
});

// What every adapter must do (answers, tools, each fault, aborts) is the adapter contract suite's
// (test/adapters/contract.test.ts); here, only what is Bedrock's own: SigV4, its named errors.
describe('the bedrock adapter over the chaos upstream', () => {
  it('maxTokens ends the answer with stopReason max_tokens: finish length', async () => {
    const long = inferModel('bedrock:amazon.nova-long', { baseUrl: chaos.url, apiKey: 'k' });
    for (const stream of [false, true]) {
      const streamed = stream ? await long.requestStream(messages, { maxTokens: 5 }) : undefined;
      if (streamed) for await (const _event of streamed);
      const response = streamed ? streamed.get() : await long.request(messages, { maxTokens: 5 });
      expect(response.finishReason).toBe('length');
      expect(response.rawFinishReason).toBe('max_tokens');
      expect(response.parts).toEqual([{ partKind: 'text', content: 'the quick brown fox jumps' }]);
    }
  });

  it('accepts a SigV4-signed request (the signature is not verified)', async () => {
    const signed = new BedrockConverseModel(MODEL_ID, {
      provider: createProvider('bedrock', { baseUrl: chaos.url, env: {} }),
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      env: {},
    });
    for (const stream of [false, true]) {
      const response = await call(signed, stream);
      expect(response.parts).toEqual([{ partKind: 'text', content: 'echo: hello there, world' }]);
    }
  });

  it.each([
    ['status:429;retry-after=2', named(429, 'ThrottlingException', 'rate_limit', 2000)],
    ['status:400', named(400, 'ValidationException', 'bad_request')],
    ['status:400;context-length', named(400, 'ValidationException', 'context_length')],
    ['status:400;content-policy', named(400, 'ValidationException', 'content_filter')],
    ['status:401', named(401, 'UnrecognizedClientException', 'auth')],
    ['status:403', named(403, 'AccessDeniedException', 'auth')],
    ['status:404', named(404, 'ResourceNotFoundException', 'not_found')],
    ['status:408', named(408, 'ModelTimeoutException', 'timeout')],
    ['status:500', named(500, 'InternalServerException', 'server')],
    ['status:502', named(502, undefined, 'server')],
    ['status:503', named(503, 'ServiceUnavailableException', 'overloaded')],
    ['status:529', named(529, 'ModelNotReadyException', 'overloaded')],
    ['reset', failed('ModelAPIError', 'network')],
    ['refuse', failed('ModelAPIError', 'network')],
    ['hang', failed('ModelAPIError', 'timeout')],
    ['stall-after:2', failed('ModelAPIError', 'timeout')],
    ['cut-after:2', failed('ModelAPIError', 'network')],
    ['empty', { ok: true, text: '', finish: 'stop' }],
    [
      'slow-first-token:20+tokens-per-second:2000',
      { ok: true, text: 'echo: hello there, world', finish: 'stop' },
    ],
  ])('%s', async (fault, expected) => {
    expect(await outcome(fault, false)).toEqual(expected);
    expect(await outcome(fault, true)).toEqual(expected);
  });

  it('error-frame: an exception frame in the stream, ServiceUnavailableException 503 out of band', async () => {
    for (const at of [0, 2]) {
      expect(await outcome(`error-frame:${at}`, false)).toEqual(
        named(503, 'ServiceUnavailableException', 'overloaded'),
      );
      expect(await outcome(`error-frame:${at}`, true)).toEqual(failed('ModelAPIError', 'overloaded'));
    }
  });
});

describe('the Bedrock wire shapes', () => {
  const post = (
    path: string,
    body: unknown,
    headers: Record<string, string> = { authorization: 'Bearer k' },
  ) =>
    fetch(`${chaos.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const converse = `/model/${encodeURIComponent(MODEL_ID)}/converse`;
  const hello = { messages: [{ role: 'user', content: [{ text: 'hi' }] }] };

  it('answers converse with output.message, stopReason, usage and metrics', async () => {
    const res = await post(converse, hello);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      metrics: { latencyMs: 144 },
      output: { message: { content: [{ text: 'echo: hi' }], role: 'assistant' } },
      stopReason: 'end_turn',
      usage: { inputTokens: 1, outputTokens: 3, totalTokens: 4 },
    });
  });

  it('streams converse-stream as AWS event-stream frames in the recorded order', async () => {
    const res = await post(`/model/${encodeURIComponent(MODEL_ID)}/converse-stream`, hello);
    expect(res.headers.get('content-type')).toBe('application/vnd.amazon.eventstream');
    const codec = new EventStreamCodec(toUtf8, fromUtf8);
    let bytes = new Uint8Array(await res.arrayBuffer());
    const frames: { type: unknown; payload: Record<string, unknown> }[] = [];
    while (bytes.length > 0) {
      const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0);
      const message = codec.decode(bytes.subarray(0, length));
      expect(message.headers[':message-type']?.value).toBe('event');
      const { p, ...payload } = JSON.parse(toUtf8(message.body)) as Record<string, unknown>;
      expect(p).toMatch(/^[a-zA-Z0-9]+$/);
      frames.push({ type: message.headers[':event-type']?.value, payload });
      bytes = bytes.subarray(length);
    }
    expect(frames).toEqual([
      { type: 'messageStart', payload: { role: 'assistant' } },
      { type: 'contentBlockDelta', payload: { contentBlockIndex: 0, delta: { text: 'echo' } } },
      { type: 'contentBlockDelta', payload: { contentBlockIndex: 0, delta: { text: ':' } } },
      { type: 'contentBlockDelta', payload: { contentBlockIndex: 0, delta: { text: ' hi' } } },
      { type: 'contentBlockStop', payload: { contentBlockIndex: 0 } },
      { type: 'messageStop', payload: { stopReason: 'end_turn' } },
      {
        type: 'metadata',
        payload: { metrics: { latencyMs: 144 }, usage: { inputTokens: 1, outputTokens: 3, totalTokens: 4 } },
      },
    ]);
  });

  it("rejects requests with Bedrock's named errors", async () => {
    const error = async (res: Response) => ({
      status: res.status,
      type: res.headers.get('x-amzn-errortype'),
      body: await res.json(),
    });
    expect(await error(await post(converse, hello, {}))).toEqual({
      status: 403,
      type: 'MissingAuthenticationTokenException:http://internal.amazon.com/coral/com.amazon.bedrock/',
      body: { message: 'Missing Authentication Token' },
    });
    expect(await error(await post(converse, { system: [] }))).toEqual({
      status: 400,
      type: 'ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/',
      body: {
        message:
          "1 validation error detected: Value null at 'messages' failed to satisfy constraint: Member must not be null",
      },
    });
    expect(
      await error(await post(converse, { messages: [{ role: 'assistant', content: [{ text: 'x' }] }] })),
    ).toEqual({
      status: 400,
      type: 'ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/',
      body: {
        message:
          'A conversation must start with a user message. Try again with a conversation that starts with a user message.',
      },
    });
    expect((await error(await post(converse, { ...hello, inferenceConfig: { maxTokens: 0 } }))).body).toEqual(
      {
        message:
          "1 validation error detected: Value '0' at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1",
      },
    );
    expect((await error(await post(converse, '{oops'))).type).toMatch(/^SerializationException:/);
    expect((await error(await post('/model/x/invoke', hello))).status).toBe(404);
  });
});
