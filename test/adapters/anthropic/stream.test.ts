/**
 * Stream parsing details no recorded cassette covers: streamed tool calls (with and without arguments),
 * server tool blocks that must not become parts, ping frames, split chunks, and cancel().
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { AnthropicModel } from '../../../src/adapters/anthropic/model.ts';
import { readStream } from '../../../src/adapters/anthropic/stream.ts';
import type { ModelResponseStreamEvent } from '../../../src/core/messages.ts';
import { userPrompt } from '../../../src/core/messages.ts';
import { ResponseBuilder } from '../../../src/core/response-builder.ts';
import { localProvider } from '../../support/local-provider.ts';

function sse(...frames: object[]): string {
  return frames
    .map((frame) => `event: ${(frame as { type: string }).type}\ndata: ${JSON.stringify(frame)}\n\n`)
    .join('');
}

const TOOL_STREAM = sse(
  {
    type: 'message_start',
    message: {
      id: 'msg_01T',
      model: 'claude-haiku-4-5-20251001',
      usage: { input_tokens: 50, output_tokens: 1 },
    },
  },
  { type: 'ping' },
  {
    type: 'content_block_start',
    index: 0,
    content_block: { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} },
  },
  {
    type: 'content_block_delta',
    index: 0,
    delta: { type: 'input_json_delta', partial_json: '{"query":"x"}' },
  },
  { type: 'content_block_stop', index: 0 },
  {
    type: 'content_block_start',
    index: 1,
    content_block: { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] },
  },
  { type: 'content_block_stop', index: 1 },
  {
    type: 'content_block_start',
    index: 2,
    content_block: { type: 'tool_use', id: 'toolu_A', name: 'get_weather', input: {} },
  },
  { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '' } },
  { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"city": ' } },
  { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '"Paris"}' } },
  { type: 'content_block_stop', index: 2 },
  {
    type: 'content_block_start',
    index: 3,
    content_block: { type: 'tool_use', id: 'toolu_B', name: 'get_time', input: {} },
  },
  { type: 'content_block_delta', index: 3, delta: { type: 'input_json_delta', partial_json: '' } },
  { type: 'content_block_stop', index: 3 },
  {
    type: 'message_delta',
    delta: { stop_reason: 'tool_use', stop_sequence: null },
    usage: { output_tokens: 42, server_tool_use: { web_search_requests: 1 } },
  },
  { type: 'message_stop' },
);

/** Feeds a body in fixed-size chunks, so frames are split mid-line and mid-character. */
async function* chunked(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
}

test('streamed tool calls assemble their JSON; server tool blocks are skipped', async () => {
  for (const size of [7, 64, 100_000]) {
    const builder = new ResponseBuilder('claude-haiku-4-5', 'anthropic');
    const events: ModelResponseStreamEvent[] = [];
    const body = chunked(TOOL_STREAM, size);
    const input = { body, headers: {}, builder, modelName: 'm', mapReadFailure: (error: unknown) => error };
    for await (const event of readStream(input)) {
      events.push(event);
    }
    expect(events).toEqual([
      {
        kind: 'part-start',
        index: 0,
        part: { partKind: 'tool-call', toolName: 'get_weather', args: '', toolCallId: 'toolu_A' },
      },
      { kind: 'part-delta', index: 0, delta: { partKind: 'tool-call', argsDelta: '{"city": ' } },
      { kind: 'part-delta', index: 0, delta: { partKind: 'tool-call', argsDelta: '"Paris"}' } },
      {
        kind: 'part-end',
        index: 0,
        part: {
          partKind: 'tool-call',
          toolName: 'get_weather',
          args: '{"city": "Paris"}',
          toolCallId: 'toolu_A',
        },
      },
      {
        kind: 'part-start',
        index: 1,
        part: { partKind: 'tool-call', toolName: 'get_time', args: '', toolCallId: 'toolu_B' },
      },
      {
        kind: 'part-end',
        index: 1,
        part: { partKind: 'tool-call', toolName: 'get_time', args: '{}', toolCallId: 'toolu_B' },
      },
    ]);
    const response = builder.snapshot();
    expect(response.finishReason).toBe('tool_call');
    expect(response.rawFinishReason).toBe('tool_use');
    expect(response.modelName).toBe('claude-haiku-4-5-20251001');
    expect(response.usage).toEqual({
      inputTokens: 50,
      outputTokens: 42,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      details: { web_search_requests: 1 },
    });
  }
});

let server: Server;
let origin: string;
let closed: Promise<void>;

beforeAll(async () => {
  server = createServer((req, res) => {
    closed = new Promise((resolve) => req.socket.once('close', () => resolve()));
    req.resume();
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(
      sse(
        {
          type: 'message_start',
          message: { id: 'msg_01C', model: 'claude-haiku-4-5', usage: { input_tokens: 3 } },
        },
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Once' } },
      ),
    );
    // ...and never finishes: only cancel() ends this call.
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function model(): AnthropicModel {
  return new AnthropicModel('claude-haiku-4-5', {
    provider: localProvider(origin, { name: 'anthropic', protocol: 'anthropic', prefix: '/v1' }),
  });
}

test('cancel() closes the upstream connection and ends the iteration', async () => {
  const stream = await model().requestStream([{ kind: 'request', parts: [userPrompt('story')] }]);
  const iterator = stream[Symbol.asyncIterator]();
  const first = await iterator.next();
  expect(first.value).toEqual({ kind: 'part-start', index: 0, part: { partKind: 'text', content: 'Once' } });
  stream.cancel(new Error('user left'));
  await closed;
  expect(stream.get().parts).toEqual([{ partKind: 'text', content: 'Once' }]);
});

test('breaking out of the loop early closes the upstream connection', async () => {
  const stream = await model().requestStream([{ kind: 'request', parts: [userPrompt('story')] }]);
  for await (const event of stream) {
    expect(event.kind).toBe('part-start');
    break;
  }
  await closed;
});
