import { expect, test } from 'vitest';
import type { ModelResponse } from '../../../src/core/messages.ts';
import { emptyUsage } from '../../../src/core/usage.ts';
import { renderMessage } from '../../../src/gateway/anthropic/response.ts';
import { AnthropicStreamWriter } from '../../../src/gateway/anthropic/stream-writer.ts';

const served = { modelId: 'gpt:gpt-5', responseId: 'msg_1', created: 1 };
const plain = { estimatedInputTokens: 25, omitThinking: false, outputToolName: undefined };

function dataOf(text: string): Array<Record<string, unknown>> {
  return [...text.matchAll(/^data: (.+)$/gm)].map((m) => JSON.parse(m[1]!) as Record<string, unknown>);
}

test("message_start says the upstream's input tokens when known, else the estimate, never 0", () => {
  const known = new AnthropicStreamWriter(served, plain).start({
    ...emptyUsage(),
    inputTokens: 1200,
    cacheReadTokens: 1000,
  });
  expect(dataOf(known)[0]).toMatchObject({ message: { usage: { input_tokens: 200 } } });
  const unknown = new AnthropicStreamWriter(served, plain).start(emptyUsage());
  expect(dataOf(unknown)[0]).toMatchObject({ message: { usage: { input_tokens: 25 } } });
});

test('display omitted: thinking blocks keep their signature and lose their text, streamed and whole', () => {
  const writer = new AnthropicStreamWriter(served, { ...plain, omitThinking: true });
  const thinking = { partKind: 'thinking' as const, content: 'secret plan', signature: 'sig' };
  const text =
    writer.event({ kind: 'part-start', index: 0, part: thinking }) +
    writer.event({ kind: 'part-delta', index: 0, delta: { partKind: 'thinking', contentDelta: 'more' } });
  expect(text).not.toContain('secret plan');
  expect(text).not.toContain('more');
  expect(text).toContain('"signature":"sig"');
  const response: ModelResponse = {
    kind: 'response',
    parts: [thinking, { partKind: 'text', content: 'done' }],
    usage: emptyUsage(),
    modelName: 'gpt-5',
    providerName: 'gpt',
    finishReason: 'stop',
    timestamp: new Date(0),
  };
  expect(
    JSON.parse(renderMessage(response, served, { omitThinking: true, outputToolName: undefined })).content,
  ).toEqual([
    { type: 'thinking', thinking: '', signature: 'sig' },
    { type: 'text', text: 'done' },
  ]);
});

test('the structured-output tool streams as a text block and ends the turn', () => {
  const writer = new AnthropicStreamWriter(served, { ...plain, outputToolName: 'structured_output' });
  const call = {
    partKind: 'tool-call' as const,
    toolName: 'structured_output',
    toolCallId: 'c1',
    args: '{"a"',
  };
  const text =
    writer.event({ kind: 'part-start', index: 0, part: call }) +
    writer.event({ kind: 'part-delta', index: 0, delta: { partKind: 'tool-call', argsDelta: ':1}' } }) +
    writer.event({ kind: 'part-end', index: 0, part: { ...call, args: '{"a":1}' } }) +
    writer.finish({
      kind: 'response',
      parts: [{ ...call, args: '{"a":1}' }],
      usage: emptyUsage(),
      modelName: 'gpt-5',
      providerName: 'gpt',
      finishReason: 'tool_call',
      timestamp: new Date(0),
    });
  const data = dataOf(text);
  expect(data[0]).toMatchObject({ type: 'content_block_start', content_block: { type: 'text', text: '' } });
  const deltas = data
    .filter((d) => d.type === 'content_block_delta')
    .map((d) => (d.delta as { text: string }).text);
  expect(deltas.join('')).toBe('{"a":1}');
  expect(data.find((d) => d.type === 'message_delta')).toMatchObject({ delta: { stop_reason: 'end_turn' } });
});
