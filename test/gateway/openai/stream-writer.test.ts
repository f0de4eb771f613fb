import { describe, expect, test } from 'vitest';
import type { ModelResponseStreamEvent } from '../../../src/core/messages.ts';
import { OpenAIStreamWriter } from '../../../src/gateway/openai/stream-writer.ts';

const served = { modelId: 'anthropic:claude-sonnet-4-5', responseId: 'chatcmpl-1', created: 1 };

/** The deltas of the chunks the writer writes for `events`, after its first (role) chunk. */
function deltas(events: ModelResponseStreamEvent[]): unknown[] {
  const writer = new OpenAIStreamWriter(served, { includeUsage: false, outputToolName: undefined });
  const text = events.map((event) => writer.event(event)).join('');
  return text
    .split('\n\n')
    .filter((frame) => frame !== '')
    .map((frame) => {
      expect(frame.startsWith('data: ')).toBe(true);
      const chunk = JSON.parse(frame.slice('data: '.length));
      expect(chunk).toMatchObject({ id: 'chatcmpl-1', object: 'chat.completion.chunk' });
      expect(chunk.choices[0].finish_reason).toBeNull();
      return chunk.choices[0].delta;
    });
}

const text = (t: string, index: number, format = 'unknown') => ({
  type: 'reasoning.text',
  text: t,
  format,
  index,
});

describe('OpenAIStreamWriter: reasoning', () => {
  test('thinking goes out as delta.reasoning, in order with the content', () => {
    expect(
      deltas([
        { kind: 'part-start', index: 0, part: { partKind: 'thinking', content: 'The user' } },
        { kind: 'part-delta', index: 0, delta: { partKind: 'thinking', contentDelta: ' greets me.' } },
        { kind: 'part-delta', index: 0, delta: { partKind: 'thinking', signatureDelta: 'sig' } },
        {
          kind: 'part-end',
          index: 0,
          part: { partKind: 'thinking', content: 'The user greets me.', signature: 'sig' },
        },
        { kind: 'part-start', index: 1, part: { partKind: 'text', content: 'Hel' } },
        { kind: 'part-delta', index: 1, delta: { partKind: 'text', contentDelta: 'lo!' } },
        { kind: 'part-start', index: 2, part: { partKind: 'thinking', content: '' } },
        { kind: 'part-delta', index: 2, delta: { partKind: 'thinking', contentDelta: 'Done.' } },
      ]),
    ).toEqual([
      { reasoning: 'The user', reasoning_details: [text('The user', 0)] },
      { reasoning: ' greets me.', reasoning_details: [text(' greets me.', 0)] },
      { reasoning_details: [{ type: 'reasoning.text', signature: 'sig', format: 'unknown', index: 0 }] },
      { content: 'Hel' },
      { content: 'lo!' },
      { reasoning: 'Done.', reasoning_details: [text('Done.', 1)] },
    ]);
  });

  test('without thinking, no delta carries reasoning', () => {
    expect(
      deltas([
        { kind: 'part-start', index: 0, part: { partKind: 'text', content: 'Hello' } },
        { kind: 'part-delta', index: 0, delta: { partKind: 'text', contentDelta: '!' } },
      ]),
    ).toEqual([{ content: 'Hello' }, { content: '!' }]);
  });

  test('redacted thinking writes no reasoning, only reasoning.encrypted items with its data', () => {
    const encrypted = (data: string) => ({
      reasoning_details: [{ type: 'reasoning.encrypted', data, format: 'anthropic-claude-v1', index: 0 }],
    });
    expect(
      deltas([
        {
          kind: 'part-start',
          index: 0,
          part: {
            partKind: 'thinking',
            content: '',
            signature: 'EncryptedBlob',
            redacted: true,
            providerName: 'anthropic',
          },
        },
        { kind: 'part-delta', index: 0, delta: { partKind: 'thinking', signatureDelta: 'More' } },
        { kind: 'part-start', index: 1, part: { partKind: 'text', content: 'Hello!' } },
      ]),
    ).toEqual([encrypted('EncryptedBlob'), encrypted('More'), { content: 'Hello!' }]);
  });

  test("Claude's signature arrives last in its own chunk, with the block's format and index", () => {
    const claude = { partKind: 'thinking', providerName: 'anthropic' } as const;
    expect(
      deltas([
        { kind: 'part-start', index: 0, part: { ...claude, content: '' } },
        { kind: 'part-delta', index: 0, delta: { partKind: 'thinking', contentDelta: 'Look it up.' } },
        { kind: 'part-delta', index: 0, delta: { partKind: 'thinking', signatureDelta: 'EqcD' } },
        { kind: 'part-end', index: 0, part: { ...claude, content: 'Look it up.', signature: 'EqcD' } },
        {
          kind: 'part-start',
          index: 1,
          part: { partKind: 'tool-call', toolName: 'lookup', toolCallId: 'c1', args: '' },
        },
      ]),
    ).toEqual([
      { reasoning: 'Look it up.', reasoning_details: [text('Look it up.', 0, 'anthropic-claude-v1')] },
      {
        reasoning_details: [
          { type: 'reasoning.text', signature: 'EqcD', format: 'anthropic-claude-v1', index: 0 },
        ],
      },
      {
        tool_calls: [{ index: 0, id: 'c1', type: 'function', function: { name: 'lookup', arguments: '' } }],
      },
    ]);
  });

  test('a thinking part that starts whole goes out as one chunk; a signature-only one has no reasoning', () => {
    expect(
      deltas([
        {
          kind: 'part-start',
          index: 0,
          part: { partKind: 'thinking', content: 'Hm.', signature: 's1', providerName: 'anthropic' },
        },
        {
          kind: 'part-start',
          index: 1,
          part: { partKind: 'thinking', content: '', signature: 'g1', providerName: 'google-gla' },
        },
      ]),
    ).toEqual([
      {
        reasoning: 'Hm.',
        reasoning_details: [
          { type: 'reasoning.text', text: 'Hm.', signature: 's1', format: 'anthropic-claude-v1', index: 0 },
        ],
      },
      {
        reasoning_details: [
          { type: 'reasoning.text', text: '', signature: 'g1', format: 'unknown', index: 1 },
        ],
      },
    ]);
  });
});
