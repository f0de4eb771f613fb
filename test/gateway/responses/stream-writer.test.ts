import { describe, expect, it } from 'vitest';
import type { ModelResponse, ModelResponseStreamEvent } from '../../../src/core/messages.ts';
import { emptyUsage } from '../../../src/core/usage.ts';
import { GatewayError } from '../../../src/gateway/errors/gateway-error.ts';
import { parseResponsesRequest } from '../../../src/gateway/responses/request.ts';
import { renderResponse } from '../../../src/gateway/responses/response.ts';
import { ResponsesStreamWriter } from '../../../src/gateway/responses/stream-writer.ts';

const served = { modelId: 'claude:claude-sonnet-4-5', responseId: 'resp_abc', created: 1 };
const call = parseResponsesRequest({ model: 'r', input: 'hi', include: ['reasoning.encrypted_content'] });

/** The events a writer writes, parsed, checking the SSE framing and the numbering on the way. */
function frames(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n\n')
    .filter((frame) => frame !== '')
    .map((frame, i) => {
      const [eventLine, dataLine] = frame.split('\n');
      const data = JSON.parse(dataLine!.slice('data: '.length));
      expect(eventLine).toBe(`event: ${data.type}`);
      expect(data.sequence_number).toBe(i);
      return data;
    });
}

const thinking = {
  partKind: 'thinking' as const,
  content: 'Let me see.',
  signature: 'SIG',
  providerName: 'claude',
};
const events: ModelResponseStreamEvent[] = [
  { kind: 'part-start', index: 0, part: { partKind: 'thinking', content: 'Let me', providerName: 'claude' } },
  { kind: 'part-delta', index: 0, delta: { partKind: 'thinking', contentDelta: ' see.' } },
  { kind: 'part-delta', index: 0, delta: { partKind: 'thinking', signatureDelta: 'SIG' } },
  { kind: 'part-end', index: 0, part: thinking },
  { kind: 'part-start', index: 1, part: { partKind: 'text', content: '' } },
  { kind: 'part-delta', index: 1, delta: { partKind: 'text', contentDelta: 'Hi' } },
  { kind: 'part-end', index: 1, part: { partKind: 'text', content: 'Hi' } },
  {
    kind: 'part-start',
    index: 2,
    part: { partKind: 'tool-call', toolName: 'f', toolCallId: 'call_1', args: '' },
  },
  { kind: 'part-delta', index: 2, delta: { partKind: 'tool-call', argsDelta: '{"a":1}' } },
  {
    kind: 'part-end',
    index: 2,
    part: { partKind: 'tool-call', toolName: 'f', toolCallId: 'call_1', args: '{"a":1}' },
  },
];
const final: ModelResponse = {
  kind: 'response',
  parts: [
    thinking,
    { partKind: 'text', content: 'Hi' },
    { partKind: 'tool-call', toolName: 'f', toolCallId: 'call_1', args: '{"a":1}' },
  ],
  usage: { ...emptyUsage(), inputTokens: 10, outputTokens: 5, details: { reasoning_tokens: 3 } },
  modelName: 'claude-sonnet-4-5',
  providerName: 'claude',
  finishReason: 'tool_call',
  timestamp: new Date(0),
};

describe('ResponsesStreamWriter', () => {
  it('writes the full event sequence, and ends with the same response a whole answer gets', () => {
    const writer = new ResponsesStreamWriter(served, call);
    const written = frames(
      writer.start() + events.map((e) => writer.event(e)).join('') + writer.finish(final),
    );
    expect(written.map((f) => f.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(written[8]).toMatchObject({
      output_index: 0,
      item: {
        id: 'rs_abc_0',
        type: 'reasoning',
        summary: [{ type: 'summary_text', text: 'Let me see.' }],
        encrypted_content: 'us1.claude.t.SIG',
      },
    });
    expect(written[11]).toMatchObject({
      item_id: 'msg_abc_1',
      output_index: 1,
      content_index: 0,
      delta: 'Hi',
    });
    expect(written[17]).toMatchObject({
      item_id: 'fc_abc_2',
      output_index: 2,
      name: 'f',
      arguments: '{"a":1}',
    });
    const completed = written.at(-1)!.response as Record<string, unknown>;
    // completed_at is the clock's second at the end, which may tick between the two.
    expect({ ...completed, completed_at: 0 }).toEqual({
      ...JSON.parse(renderResponse(final, served, call)),
      completed_at: 0,
    });
    expect(completed.completed_at).toBeGreaterThan(0);
    expect(completed.usage).toEqual({
      input_tokens: 10,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 5,
      output_tokens_details: { reasoning_tokens: 3 },
      total_tokens: 15,
    });
  });

  it('ends a cut answer as response.incomplete with the reason', () => {
    const writer = new ResponsesStreamWriter(served, call);
    const start = writer.start();
    const text =
      writer.event({ kind: 'part-start', index: 0, part: { partKind: 'text', content: 'Hi' } }) +
      writer.finish({ ...final, parts: [{ partKind: 'text', content: 'Hi' }], finishReason: 'length' });
    const types = text.match(/^event: (.*)$/gm);
    expect(types).toEqual([
      'event: response.output_item.added',
      'event: response.content_part.added',
      'event: response.output_text.delta',
      'event: response.output_text.done',
      'event: response.content_part.done',
      'event: response.output_item.done',
      'event: response.incomplete',
    ]);
    expect(text).toContain('"incomplete_details":{"reason":"max_output_tokens"}');
    const incomplete = {
      ...final,
      parts: [{ partKind: 'text' as const, content: 'Hi' }],
      finishReason: 'length' as const,
    };
    const last = frames(start + text).at(-1)!;
    expect(last.response).toEqual(JSON.parse(renderResponse(incomplete, served, call)));
  });

  it('ends a stream that broke after commit with an error event and response.failed', () => {
    const writer = new ResponsesStreamWriter(served, call);
    const text =
      writer.start() + writer.error(new GatewayError(502, 'upstream_failed', 'The upstream broke.'));
    const written = frames(text);
    expect(written.slice(2)).toMatchObject([
      { type: 'error', code: 'upstream_failed', message: 'The upstream broke.' },
      {
        type: 'response.failed',
        response: { status: 'failed', error: { code: 'upstream_failed', message: 'The upstream broke.' } },
      },
    ]);
  });

  it('leaves encrypted_content out unless the client included it', () => {
    const plain = parseResponsesRequest({ model: 'r', input: 'hi' });
    const body = JSON.parse(renderResponse(final, served, plain));
    expect(body.output[0]).toEqual({
      id: 'rs_abc_0',
      type: 'reasoning',
      summary: [{ type: 'summary_text', text: 'Let me see.' }],
    });
  });

  it('gives a call of a flattened namespace tool its namespace back, streamed and whole', () => {
    const namespaced = parseResponsesRequest({
      model: 'r',
      input: 'go',
      tools: [{ type: 'namespace', name: 'ns', tools: [{ type: 'function', name: 'f' }] }],
    });
    const part = { partKind: 'tool-call' as const, toolName: 'ns__f', toolCallId: 'call_1', args: '{}' };
    const writer = new ResponsesStreamWriter(served, namespaced);
    const start = writer.start();
    const text =
      writer.event({ kind: 'part-start', index: 0, part }) +
      writer.event({ kind: 'part-end', index: 0, part }) +
      writer.finish({ ...final, parts: [part] });
    const written = frames(start + text);
    const item = {
      id: 'fc_abc_0',
      type: 'function_call',
      status: 'completed',
      arguments: '{}',
      call_id: 'call_1',
      name: 'f',
      namespace: 'ns',
    };
    expect(written[2]).toMatchObject({
      type: 'response.output_item.added',
      item: { name: 'f', namespace: 'ns' },
    });
    expect(written.find((f) => f.type === 'response.output_item.done')!.item).toEqual(item);
    expect(JSON.parse(renderResponse({ ...final, parts: [part] }, served, namespaced)).output).toEqual([
      item,
    ]);
  });
});
