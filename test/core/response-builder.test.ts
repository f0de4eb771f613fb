import { describe, expect, test } from 'vitest';
import { UserError } from '../../src/core/errors/index.ts';
import type { ModelResponseStreamEvent } from '../../src/core/messages.ts';
import { ResponseBuilder } from '../../src/core/response-builder.ts';
import { ResponseStream } from '../../src/core/response-stream.ts';

describe('ResponseBuilder', () => {
  test('text, thinking and tool-call deltas become start/delta/end events and one response', () => {
    const b = new ResponseBuilder('m', 'p');
    const events = [
      ...b.thinkingDelta('think', { content: 'Let me ' }),
      ...b.thinkingDelta('think', { content: 'see', signature: 'sig' }),
      ...b.textDelta('text', 'Hel'),
      ...b.textDelta('text', 'lo'),
      ...b.textDelta('text', ''),
      ...b.toolCallDelta(0, { toolName: 'get_weather', toolCallId: 'call_1', argsDelta: '{"city":' }),
      ...b.toolCallDelta(0, { argsDelta: '"Paris"}' }),
      ...b.endAll(),
    ];
    expect(events.map((e) => `${e.kind}:${e.index}`)).toEqual([
      'part-start:0',
      'part-delta:0',
      'part-start:1',
      'part-delta:1',
      'part-start:2',
      'part-delta:2',
      'part-end:0',
      'part-end:1',
      'part-end:2',
    ]);
    b.finishReason = 'tool_call';
    expect(b.snapshot().parts).toEqual([
      { partKind: 'thinking', content: 'Let me see', signature: 'sig', providerName: 'p' },
      { partKind: 'text', content: 'Hello' },
      { partKind: 'tool-call', toolName: 'get_weather', toolCallId: 'call_1', args: '{"city":"Paris"}' },
    ]);
    expect(b.snapshot().finishReason).toBe('tool_call');
  });

  test('a new kind of part under the same vendor id ends the previous part first', () => {
    const b = new ResponseBuilder('m', 'p');
    const events = [...b.thinkingDelta(0, { content: 'hmm' }), ...b.textDelta(0, 'answer')];
    expect(events.map((e) => `${e.kind}:${e.index}`)).toEqual(['part-start:0', 'part-end:0', 'part-start:1']);
  });

  test('a snapshot does not change as more deltas arrive', () => {
    const b = new ResponseBuilder('m', 'p');
    [...b.textDelta(0, 'a')];
    const before = b.snapshot();
    [...b.textDelta(0, 'b')];
    expect(before.parts).toEqual([{ partKind: 'text', content: 'a' }]);
    expect(b.snapshot().parts).toEqual([{ partKind: 'text', content: 'ab' }]);
  });
});

describe('ResponseStream', () => {
  function streamOf(events: () => AsyncGenerator<ModelResponseStreamEvent>) {
    const builder = new ResponseBuilder('m', 'p');
    const abort = new AbortController();
    return { stream: new ResponseStream(builder, events(), abort), abort, builder };
  }

  test('breaking out early aborts the upstream call', async () => {
    const { stream, abort } = streamOf(async function* () {
      yield { kind: 'part-start', index: 0, part: { partKind: 'text', content: 'a' } };
      yield { kind: 'part-start', index: 1, part: { partKind: 'text', content: 'b' } };
    });
    for await (const _ of stream) break;
    expect(abort.signal.aborted).toBe(true);
  });

  test('a completed stream does not abort; a second iteration is refused', async () => {
    const { stream, abort } = streamOf(async function* () {
      yield { kind: 'part-start', index: 0, part: { partKind: 'text', content: 'a' } };
    });
    const seen: string[] = [];
    for await (const event of stream) seen.push(event.kind);
    expect(seen).toEqual(['part-start']);
    expect(abort.signal.aborted).toBe(false);
    await expect(async () => {
      for await (const _ of stream) {
      }
    }).rejects.toThrow(UserError);
  });

  test('cancel() aborts with the reason', () => {
    const { stream, abort } = streamOf(async function* () {});
    stream.cancel('stop');
    expect(abort.signal.reason).toBe('stop');
  });
});
