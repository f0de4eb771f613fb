import { describe, expect, test } from 'vitest';
import type { ModelResponse } from '../../messages.ts';
import { isPlainChatRequest } from './plain-request.ts';
import { parseChatCompletionsRequest } from './request.ts';

const question = { role: 'user', content: 'Hi' };
const followUp = { role: 'user', content: 'And then?' };

/** The assistant turn of a parsed three-message conversation. */
function assistantTurn(body: Record<string, unknown>): ModelResponse {
  const turn = parseChatCompletionsRequest(body).messages[1];
  expect(turn?.kind).toBe('response');
  return turn as ModelResponse;
}

describe('an assistant message sent back with reasoning (OpenRouter clients do)', () => {
  test('is accepted on the plain path, its reasoning a thinking part before the answer', () => {
    const body = {
      model: 'm',
      messages: [
        question,
        { role: 'assistant', content: 'Hello!', reasoning: 'The user greets me.' },
        followUp,
      ],
    };
    expect(isPlainChatRequest(body)).toBe(true);
    expect(assistantTurn(body).parts).toEqual([
      { partKind: 'thinking', content: 'The user greets me.' },
      { partKind: 'text', content: 'Hello!' },
    ]);
    // 'Hi' + 'The user greets me.' + 'Hello!' + 'And then?' = 36 characters.
    expect(parseChatCompletionsRequest(body).estimatedInputTokens).toBe(9);
  });

  test('is accepted beside tool calls, which the schema reads', () => {
    const call = { id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{}' } };
    const body = {
      model: 'm',
      messages: [
        question,
        { role: 'assistant', content: null, reasoning: 'I should look it up.', tool_calls: [call] },
        { role: 'tool', tool_call_id: 'c1', content: 'found' },
      ],
    };
    expect(isPlainChatRequest(body)).toBe(false);
    expect(assistantTurn(body).parts).toEqual([
      { partKind: 'thinking', content: 'I should look it up.' },
      { partKind: 'tool-call', toolName: 'lookup', toolCallId: 'c1', args: '{}' },
    ]);
  });

  test('null or empty reasoning adds no part', () => {
    for (const reasoning of [null, '']) {
      const body = {
        model: 'm',
        messages: [question, { role: 'assistant', content: 'Hello!', reasoning }, followUp],
      };
      expect(assistantTurn(body).parts).toEqual([{ partKind: 'text', content: 'Hello!' }]);
    }
  });

  test('reasoning that is not a string is a 400 naming it', () => {
    const body = {
      model: 'm',
      messages: [question, { role: 'assistant', content: 'Hello!', reasoning: { text: 'x' } }, followUp],
    };
    expect(isPlainChatRequest(body)).toBe(false);
    expect(() => parseChatCompletionsRequest(body)).toThrow(/messages\[1\]\.reasoning/);
  });
});
