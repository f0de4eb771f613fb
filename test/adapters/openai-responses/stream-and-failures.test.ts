/**
 * The Responses adapter against a local server: a streamed reasoning + tool call answer built from the
 * real event shapes, and every way a call can fail (HTTP errors with OpenAI's real bodies, `error` and
 * `response.failed` events, truncation, malformed events, aborts, a connection reset).
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { OpenAIResponsesModel } from '../../../src/adapters/openai-responses/model.ts';
import { ModelAPIError, ModelHTTPError, UnexpectedModelBehavior } from '../../../src/core/errors/index.ts';
import type { ModelMessage, ModelResponseStreamEvent } from '../../../src/core/messages.ts';
import { userPrompt } from '../../../src/core/messages.ts';
import { inferModel } from '../../../src/registry/infer-model.ts';
import { localProvider } from '../../support/local-provider.ts';

type Handler = (res: ServerResponse) => void;
let server: Server | undefined;
/** The base URL of the last server started by `serve`. */
let servedBase = '';
afterEach(async () => {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server!.close(() => resolve()));
  server = undefined;
});

async function serve(handler: Handler): Promise<OpenAIResponsesModel> {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handler(res));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  servedBase = base;
  const provider = localProvider(base, {
    name: 'openai-responses',
    protocol: 'openai-responses',
    headers: { authorization: 'Bearer k' },
  });
  return new OpenAIResponsesModel('gpt-5', { provider });
}

const sse = (events: object[]) =>
  events.map((e) => `event: ${(e as { type: string }).type}\ndata: ${JSON.stringify(e)}\n\n`).join('');

function streamBody(events: object[]): Handler {
  return (res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(sse(events));
  };
}

const ask: ModelMessage[] = [{ kind: 'request', parts: [userPrompt('Capital of Mexico?')] }];
const created = {
  type: 'response.created',
  response: { id: 'resp_1', model: 'gpt-5-2025-08-07', status: 'in_progress', output: [] },
};
const usage = {
  input_tokens: 40,
  input_tokens_details: { cached_tokens: 32 },
  output_tokens: 300,
  output_tokens_details: { reasoning_tokens: 256 },
  total_tokens: 340,
};

async function drain(model: OpenAIResponsesModel) {
  const stream = await model.requestStream(ask);
  const events: ModelResponseStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return { stream, events };
}

describe('a streamed reasoning + tool call answer', () => {
  test('summaries, encrypted content, arguments and ids assemble as in a whole response', async () => {
    const model = await serve(
      streamBody([
        created,
        {
          type: 'response.output_item.added',
          output_index: 0,
          item: { type: 'reasoning', id: 'rs_1', summary: [] },
        },
        {
          type: 'response.reasoning_summary_text.delta',
          output_index: 0,
          summary_index: 0,
          delta: '**Plan**',
        },
        {
          type: 'response.reasoning_summary_text.delta',
          output_index: 0,
          summary_index: 1,
          delta: '**Call**',
        },
        {
          type: 'response.output_item.done',
          output_index: 0,
          item: {
            type: 'reasoning',
            id: 'rs_1',
            summary: [{ text: '**Plan**' }, { text: '**Call**' }],
            encrypted_content: 'gAAA-enc',
          },
        },
        {
          type: 'response.output_item.added',
          output_index: 1,
          item: { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'get_capital', arguments: '' },
        },
        { type: 'response.function_call_arguments.delta', output_index: 1, delta: '{"country":' },
        { type: 'response.function_call_arguments.delta', output_index: 1, delta: '"Mexico"}' },
        {
          type: 'response.output_item.done',
          output_index: 1,
          item: {
            type: 'function_call',
            id: 'fc_1',
            call_id: 'call_1',
            name: 'get_capital',
            arguments: '{"country":"Mexico"}',
          },
        },
        {
          type: 'response.completed',
          response: { id: 'resp_1', model: 'gpt-5-2025-08-07', status: 'completed', usage },
        },
      ]),
    );
    const { stream, events } = await drain(model);
    expect(events).toEqual([
      {
        kind: 'part-start',
        index: 0,
        part: { partKind: 'thinking', content: '', providerName: 'openai-responses' },
      },
      {
        kind: 'part-delta',
        index: 0,
        delta: { partKind: 'thinking', contentDelta: '**Plan**', signatureDelta: undefined },
      },
      {
        kind: 'part-delta',
        index: 0,
        delta: { partKind: 'thinking', contentDelta: '\n\n**Call**', signatureDelta: undefined },
      },
      {
        kind: 'part-delta',
        index: 0,
        delta: { partKind: 'thinking', contentDelta: '', signatureDelta: 'gAAA-enc' },
      },
      {
        kind: 'part-end',
        index: 0,
        part: {
          partKind: 'thinking',
          content: '**Plan**\n\n**Call**',
          signature: 'gAAA-enc',
          providerName: 'openai-responses',
          id: 'rs_1',
        },
      },
      {
        kind: 'part-start',
        index: 1,
        part: { partKind: 'tool-call', toolName: 'get_capital', args: '', toolCallId: 'call_1' },
      },
      { kind: 'part-delta', index: 1, delta: { partKind: 'tool-call', argsDelta: '{"country":' } },
      { kind: 'part-delta', index: 1, delta: { partKind: 'tool-call', argsDelta: '"Mexico"}' } },
      {
        kind: 'part-end',
        index: 1,
        part: {
          partKind: 'tool-call',
          toolName: 'get_capital',
          args: '{"country":"Mexico"}',
          toolCallId: 'call_1',
          id: 'fc_1',
        },
      },
    ]);
    const response = stream.get();
    expect(response.finishReason).toBe('tool_call');
    expect(response.usage).toEqual({
      inputTokens: 40,
      outputTokens: 300,
      cacheReadTokens: 32,
      cacheWriteTokens: 0,
      details: { reasoning_tokens: 256 },
    });
    expect(response.providerResponseId).toBe('resp_1');
  });

  test('response.incomplete for max_output_tokens ends the stream with finish reason length', async () => {
    const model = await serve(
      streamBody([
        created,
        {
          type: 'response.output_item.added',
          output_index: 0,
          item: { type: 'message', id: 'msg_1', content: [] },
        },
        { type: 'response.output_text.delta', output_index: 0, delta: 'Mexico' },
        {
          type: 'response.incomplete',
          response: {
            id: 'resp_1',
            status: 'incomplete',
            incomplete_details: { reason: 'max_output_tokens' },
            usage,
          },
        },
      ]),
    );
    const { stream, events } = await drain(model);
    expect(events.at(-1)).toEqual({
      kind: 'part-end',
      index: 0,
      part: { partKind: 'text', content: 'Mexico' },
    });
    expect(stream.get().finishReason).toBe('length');
    expect(stream.get().rawFinishReason).toBe('max_output_tokens');
  });
});

describe('failures', () => {
  test('HTTP 429 with OpenAI’s rate limit body is a ModelHTTPError of kind rate_limit', async () => {
    const body = {
      error: {
        message:
          'Rate limit reached for gpt-5 in organization org-x on tokens per min (TPM): Limit 30000, Used 30000.',
        type: 'tokens',
        param: null,
        code: 'rate_limit_exceeded',
      },
    };
    const model = await serve((res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after-ms': '1500' });
      res.end(JSON.stringify(body));
    });
    const error = await model.request(ask).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelHTTPError);
    expect((error as ModelHTTPError).kind).toBe('rate_limit');
    expect((error as ModelHTTPError).body).toEqual(body);
    expect((error as ModelHTTPError).retryAfterMs).toBe(1500);
  });

  test('HTTP 400 context_length_exceeded is kind context_length', async () => {
    const model = await serve((res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: {
            message:
              'Your input exceeds the context window of this model. Please adjust your input and try again.',
            type: 'invalid_request_error',
            param: 'input',
            code: 'context_length_exceeded',
          },
        }),
      );
    });
    await expect(model.request(ask)).rejects.toMatchObject({ statusCode: 400, kind: 'context_length' });
  });

  test('an `error` event before any content rejects the iteration with its kind', async () => {
    const model = await serve(
      streamBody([
        created,
        { type: 'error', code: 'server_error', message: 'The server had an error.', sequence_number: 1 },
      ]),
    );
    const error = await drain(model).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelAPIError);
    expect(error).toMatchObject({
      kind: 'server',
      message: 'gpt-5: provider reported an error: The server had an error. (server_error)',
    });
  });

  test('response.failed after content throws from the iterator, never just stops', async () => {
    const model = await serve(
      streamBody([
        created,
        { type: 'response.output_text.delta', output_index: 0, delta: 'Mex' },
        {
          type: 'response.failed',
          response: {
            id: 'resp_1',
            status: 'failed',
            error: { code: 'rate_limit_exceeded', message: 'Too many requests' },
          },
        },
      ]),
    );
    const stream = await model.requestStream(ask);
    const seen: ModelResponseStreamEvent[] = [];
    const error = await (async () => {
      for await (const event of stream) seen.push(event);
    })().catch((e: unknown) => e);
    expect(seen).toHaveLength(1);
    expect(error).toMatchObject({ kind: 'rate_limit' });
  });

  test('a stream cut before response.completed is kind stream_error', async () => {
    const model = await serve(
      streamBody([created, { type: 'response.output_text.delta', output_index: 0, delta: 'Mex' }]),
    );
    await expect(drain(model)).rejects.toMatchObject({
      kind: 'stream_error',
      message: 'gpt-5: stream ended before response.completed',
    });
  });

  test('a malformed event is UnexpectedModelBehavior', async () => {
    const model = await serve((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('event: response.created\ndata: {not json\n\n');
    });
    const error = await drain(model).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnexpectedModelBehavior);
    expect((error as UnexpectedModelBehavior).kind).toBe('stream_error');
  });

  test('a 200 body that is not a response is UnexpectedModelBehavior of kind server', async () => {
    const model = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"object":"list"}');
    });
    await expect(model.request(ask)).rejects.toBeInstanceOf(UnexpectedModelBehavior);
  });

  test('a connection reset mid-stream is kind network', async () => {
    const model = await serve((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sse([created, { type: 'response.output_text.delta', output_index: 0, delta: 'Mex' }]));
      setTimeout(() => res.socket?.destroy(), 10);
    });
    await expect(drain(model)).rejects.toMatchObject({ kind: 'network' });
  });

  test("the caller's abort rejects with the caller's reason, not a provider failure", async () => {
    const model = await serve((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sse([created]));
    });
    const controller = new AbortController();
    const stream = await model.requestStream(ask, { signal: controller.signal });
    const reason = new Error('user went away');
    setTimeout(() => controller.abort(reason), 10);
    await expect(
      (async () => {
        for await (const _ of stream);
      })(),
    ).rejects.toBe(reason);
  });

  test('settings.timeout on a silent upstream is kind timeout', async () => {
    const model = await serve(() => {});
    await expect(model.request(ask, { timeout: 50 })).rejects.toMatchObject({ kind: 'timeout' });
  });
});

test("inferModel('openai-responses:...') builds this adapter with OpenAI's key and base URL variables", async () => {
  await serve(
    streamBody([
      created,
      { type: 'response.completed', response: { id: 'resp_1', status: 'completed', usage } },
    ]),
  );
  const inferred = inferModel('openai-responses:gpt-5', {
    env: { OPENAI_API_KEY: 'sk-1', OPENAI_BASE_URL: servedBase },
  });
  expect(inferred).toBeInstanceOf(OpenAIResponsesModel);
  const stream = await inferred.requestStream(ask);
  for await (const _ of stream);
  expect(stream.get().finishReason).toBe('stop');
  expect(stream.get().providerName).toBe('openai-responses');
});
