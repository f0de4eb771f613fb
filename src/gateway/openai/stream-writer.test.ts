import { describe, expect, test } from 'vitest';
import type { ModelResponseStreamEvent } from '../../messages.ts';
import { OpenAIStreamWriter } from './stream-writer.ts';

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
      { reasoning: 'The user' },
      { reasoning: ' greets me.' },
      { content: 'Hel' },
      { content: 'lo!' },
      { reasoning: 'Done.' },
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

  test('redacted thinking writes nothing', () => {
    expect(
      deltas([
        {
          kind: 'part-start',
          index: 0,
          part: { partKind: 'thinking', content: '', signature: 'EncryptedBlob', redacted: true },
        },
        { kind: 'part-delta', index: 0, delta: { partKind: 'thinking', signatureDelta: 'More' } },
        { kind: 'part-start', index: 1, part: { partKind: 'text', content: 'Hello!' } },
      ]),
    ).toEqual([{ content: 'Hello!' }]);
  });
});
