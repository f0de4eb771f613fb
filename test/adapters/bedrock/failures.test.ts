/**
 * The Bedrock adapter against a local server: Bedrock's named HTTP errors, exception frames inside the
 * event stream, corrupt and truncated streams, tool-call streams, credentials and API keys, aborts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { afterEach, describe, expect, test } from 'vitest';
import { BedrockHTTPError } from '../../../src/adapters/bedrock/errors.ts';
import { BedrockConverseModel } from '../../../src/adapters/bedrock/model.ts';
import { ModelAPIError, UnexpectedModelBehavior, UserError } from '../../../src/core/errors/index.ts';
import type { ModelMessage, ModelResponseStreamEvent } from '../../../src/core/messages.ts';
import { userPrompt } from '../../../src/core/messages.ts';
import { createProvider } from '../../../src/registry/create-provider.ts';
import { inferModel } from '../../../src/registry/infer-model.ts';

type Handler = (res: ServerResponse, req: IncomingMessage) => void;
let server: Server | undefined;
afterEach(async () => {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server!.close(() => resolve()));
  server = undefined;
});

async function serve(handler: Handler): Promise<string> {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handler(res, req));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const ENV = {
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_SESSION_TOKEN: 'session-1',
};

function model(baseUrl: string, env: Record<string, string> = ENV): BedrockConverseModel {
  const provider = createProvider('bedrock', { env: { ...env, BEDROCK_BASE_URL: baseUrl } });
  return new BedrockConverseModel('us.amazon.nova-micro-v1:0', { provider, env, region: 'us-west-2' });
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);
const event = (type: string, payload: object) =>
  codec.encode({
    headers: {
      ':event-type': { type: 'string', value: type },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'event' },
    },
    body: fromUtf8(JSON.stringify(payload)),
  });
const exception = (type: string, message: string) =>
  codec.encode({
    headers: {
      ':exception-type': { type: 'string', value: type },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'exception' },
    },
    body: fromUtf8(JSON.stringify({ message })),
  });

function eventStream(frames: Uint8Array[], options: { cut?: boolean } = {}): Handler {
  return (res) => {
    res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': 'req-1' });
    // One byte at a time for the first frame: frames split across reads must still decode.
    const [first, ...rest] = frames;
    if (first) for (const byte of first) res.write(Buffer.from([byte]));
    for (const frame of rest) res.write(frame);
    if (options.cut) setTimeout(() => res.socket?.destroy(), 10);
    else res.end();
  };
}

const ask: ModelMessage[] = [{ kind: 'request', parts: [userPrompt('Capital of Mexico?')] }];

async function drain(m: BedrockConverseModel) {
  const stream = await m.requestStream(ask);
  const events: ModelResponseStreamEvent[] = [];
  for await (const e of stream) events.push(e);
  return { stream, events };
}

describe('streams', () => {
  test('a tool call streamed as JSON pieces, with stop reason, usage and request id', async () => {
    const base = await serve(
      eventStream([
        event('messageStart', { role: 'assistant' }),
        event('contentBlockStart', {
          contentBlockIndex: 0,
          start: { toolUse: { toolUseId: 'tooluse_1', name: 'capital' } },
        }),
        event('contentBlockDelta', { contentBlockIndex: 0, delta: { toolUse: { input: '{"country":' } } }),
        event('contentBlockDelta', { contentBlockIndex: 0, delta: { toolUse: { input: '"Mexico"}' } } }),
        event('contentBlockStop', { contentBlockIndex: 0 }),
        event('messageStop', { stopReason: 'tool_use' }),
        event('metadata', {
          usage: { inputTokens: 20, outputTokens: 9, totalTokens: 29 },
          metrics: { latencyMs: 100 },
        }),
      ]),
    );
    const { stream, events } = await drain(model(base));
    expect(events).toEqual([
      {
        kind: 'part-start',
        index: 0,
        part: { partKind: 'tool-call', toolName: 'capital', args: '', toolCallId: 'tooluse_1' },
      },
      { kind: 'part-delta', index: 0, delta: { partKind: 'tool-call', argsDelta: '{"country":' } },
      { kind: 'part-delta', index: 0, delta: { partKind: 'tool-call', argsDelta: '"Mexico"}' } },
      {
        kind: 'part-end',
        index: 0,
        part: {
          partKind: 'tool-call',
          toolName: 'capital',
          args: '{"country":"Mexico"}',
          toolCallId: 'tooluse_1',
        },
      },
    ]);
    expect(stream.get()).toMatchObject({
      finishReason: 'tool_call',
      rawFinishReason: 'tool_use',
      providerResponseId: 'req-1',
      usage: { inputTokens: 20, outputTokens: 9, cacheReadTokens: 0, cacheWriteTokens: 0, details: {} },
    });
  });

  test('redacted reasoning in a stream is a redacted thinking part holding the encrypted data', async () => {
    const base = await serve(
      eventStream([
        event('contentBlockDelta', {
          contentBlockIndex: 0,
          delta: { reasoningContent: { redactedContent: 'ZW5jcnlwdGVk' } },
        }),
        event('contentBlockStop', { contentBlockIndex: 0 }),
        event('messageStop', { stopReason: 'end_turn' }),
      ]),
    );
    const { stream } = await drain(model(base));
    expect(stream.get().parts).toEqual([
      {
        partKind: 'thinking',
        content: '',
        signature: 'ZW5jcnlwdGVk',
        providerName: 'bedrock',
        redacted: true,
      },
    ]);
  });

  test('a throttlingException frame after content throws kind rate_limit from the iterator', async () => {
    const base = await serve(
      eventStream([
        event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Mexico' } }),
        exception('throttlingException', 'Too many tokens, please wait before trying again.'),
      ]),
    );
    const stream = await model(base).requestStream(ask);
    const seen: ModelResponseStreamEvent[] = [];
    const error = await (async () => {
      for await (const e of stream) seen.push(e);
    })().catch((e: unknown) => e);
    expect(seen).toHaveLength(1);
    expect(error).toBeInstanceOf(ModelAPIError);
    expect(error).toMatchObject({
      kind: 'rate_limit',
      message:
        'us.amazon.nova-micro-v1:0: provider reported an error: Too many tokens, please wait before trying again. (throttlingException)',
    });
  });

  test.each([
    ['modelStreamErrorException', 'Model stream error', 'server'],
    ['serviceUnavailableException', 'Service unavailable', 'overloaded'],
    ['validationException', 'Input is too long for requested model.', 'context_length'],
  ])('%s is kind %s', async (type, message, kind) => {
    const base = await serve(eventStream([exception(type, message)]));
    await expect(drain(model(base))).rejects.toMatchObject({ kind });
  });

  test('a stream that ends without messageStop is kind stream_error', async () => {
    const base = await serve(
      eventStream([event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Mex' } })]),
    );
    await expect(drain(model(base))).rejects.toMatchObject({
      kind: 'stream_error',
      message: 'us.amazon.nova-micro-v1:0: stream ended before messageStop',
    });
  });

  test('a frame with a bad checksum is UnexpectedModelBehavior', async () => {
    const frame = event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Mexico' } });
    frame[frame.length - 1] ^= 0xff;
    const base = await serve(eventStream([frame]));
    const error = await drain(model(base)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnexpectedModelBehavior);
    expect((error as UnexpectedModelBehavior).kind).toBe('stream_error');
  });

  test('a body cut inside a frame is UnexpectedModelBehavior, a reset between frames is kind network', async () => {
    const whole = event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Mexico' } });
    let base = await serve(eventStream([whole, whole.subarray(0, 20)]));
    await expect(drain(model(base))).rejects.toBeInstanceOf(UnexpectedModelBehavior);
    server!.closeAllConnections();
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    base = await serve(eventStream([whole], { cut: true }));
    await expect(drain(model(base))).rejects.toMatchObject({ kind: 'network' });
  });

  test("the caller's abort rejects with the caller's reason", async () => {
    const base = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream' });
      res.write(event('messageStart', { role: 'assistant' }));
    });
    const controller = new AbortController();
    const stream = await model(base).requestStream(ask, { signal: controller.signal });
    const reason = new Error('stop');
    setTimeout(() => controller.abort(reason), 10);
    await expect(
      (async () => {
        for await (const _ of stream);
      })(),
    ).rejects.toBe(reason);
  });
});

describe('HTTP errors are classified by x-amzn-errortype', () => {
  test.each([
    [
      429,
      'ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/',
      'Too many requests, please wait before trying again.',
      'rate_limit',
    ],
    [429, 'ModelNotReadyException', 'Model is not ready to serve inference requests.', 'overloaded'],
    [503, 'ServiceUnavailableException', 'Bedrock is unable to process your request.', 'overloaded'],
    [400, 'ValidationException', 'Input is too long for requested model.', 'context_length'],
    [400, 'ValidationException', 'The provided model identifier is invalid.', 'bad_request'],
    [403, 'AccessDeniedException', "You don't have access to the model with the specified model ID.", 'auth'],
    [
      404,
      'ResourceNotFoundException',
      'Could not resolve the foundation model from the provided model identifier.',
      'not_found',
    ],
    [408, 'ModelTimeoutException', 'Model has timed out in processing the request.', 'timeout'],
    [500, 'InternalServerException', 'Internal server error', 'server'],
  ])('%i %s → %s', async (status, errorType, message, kind) => {
    const base = await serve((res) => {
      res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': errorType });
      res.end(JSON.stringify({ message }));
    });
    const error = await model(base)
      .request(ask)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BedrockHTTPError);
    expect(error).toMatchObject({
      statusCode: status,
      kind,
      body: { message },
      errorType: errorType.split(':')[0],
    });
  });
});

describe('authentication', () => {
  test('SigV4 with the session token from the environment, signed for the given region', async () => {
    let headers: IncomingMessage['headers'] = {};
    const base = await serve((res, req) => {
      headers = req.headers;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          output: { message: { role: 'assistant', content: [{ text: 'Mexico City' }] } },
          stopReason: 'end_turn',
        }),
      );
    });
    const result = await model(base).request(ask);
    expect(result.parts).toEqual([{ partKind: 'text', content: 'Mexico City' }]);
    expect(headers['x-amz-security-token']).toBe('session-1');
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-west-2\/bedrock\/aws4_request, /,
    );
    expect(headers.authorization).toContain('x-amz-security-token');
  });

  test('a Bedrock API key is sent as a bearer token, unsigned', async () => {
    let headers: IncomingMessage['headers'] = {};
    const base = await serve((res, req) => {
      headers = req.headers;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ output: { message: { role: 'assistant', content: [] } }, stopReason: 'end_turn' }),
      );
    });
    await model(base, { AWS_BEARER_TOKEN_BEDROCK: 'bedrock-api-key' }).request(ask);
    expect(headers.authorization).toBe('Bearer bedrock-api-key');
    expect(headers['x-amz-date']).toBeUndefined();
  });

  test('missing credentials are a UserError naming the variables, at the first request', async () => {
    const m = model('http://127.0.0.1:9', {});
    const error = await m.request(ask).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(
      /AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.*AWS_BEARER_TOKEN_BEDROCK/,
    );
  });
});

test("inferModel('bedrock:...') builds this adapter from the provider table", async () => {
  let path = '';
  const base = await serve((res, req) => {
    path = req.url ?? '';
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        output: { message: { role: 'assistant', content: [{ text: 'ok' }] } },
        stopReason: 'end_turn',
      }),
    );
  });
  const m = inferModel('bedrock:us.amazon.nova-micro-v1:0', {
    env: { BEDROCK_BASE_URL: base, AWS_BEARER_TOKEN_BEDROCK: 'k' },
  });
  expect(m).toBeInstanceOf(BedrockConverseModel);
  expect((await m.request(ask)).parts).toEqual([{ partKind: 'text', content: 'ok' }]);
  expect(path).toBe('/model/us.amazon.nova-micro-v1%3A0/converse');
});
