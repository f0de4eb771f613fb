import { describe, expect, test } from 'vitest';
import type { ModelResponse } from '../../../src/core/messages.ts';
import { isPlainChatRequest } from '../../../src/gateway/openai/plain-request.ts';
import { parseChatCompletionsRequest } from '../../../src/gateway/openai/request.ts';

const question = { role: 'user', content: 'Hi' };
const followUp = { role: 'user', content: 'And then?' };

/** A request asking again after `assistant` answered `question`. */
function conversation(assistant: Record<string, unknown>): Record<string, unknown> {
  return { model: 'm', messages: [question, { role: 'assistant', ...assistant }, followUp] };
}

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

describe('an assistant message sent back with reasoning_details (OpenRouter clients do)', () => {
  const signed = {
    type: 'reasoning.text',
    text: 'I should look it up.',
    signature: 'EqcD',
    format: 'anthropic-claude-v1',
    index: 0,
  };
  const redacted = {
    type: 'reasoning.encrypted',
    data: 'EncryptedBlob',
    format: 'anthropic-claude-v1',
    index: 1,
  };
  const call = { id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{}' } };

  test("Claude's items become Anthropic thinking parts with the signature and redacted data", () => {
    const body = {
      model: 'm',
      messages: [
        question,
        { role: 'assistant', content: null, reasoning_details: [signed, redacted], tool_calls: [call] },
        { role: 'tool', tool_call_id: 'c1', content: 'found' },
      ],
    };
    expect(assistantTurn(body).parts).toEqual([
      { partKind: 'thinking', content: 'I should look it up.', signature: 'EqcD', providerName: 'anthropic' },
      {
        partKind: 'thinking',
        content: '',
        signature: 'EncryptedBlob',
        redacted: true,
        providerName: 'anthropic',
      },
      { partKind: 'tool-call', toolName: 'lookup', toolCallId: 'c1', args: '{}' },
    ]);
  });

  test('they win over reasoning, which says the same without the signature: no thinking twice', () => {
    const body = conversation({
      content: 'Hello!',
      reasoning: 'I should look it up.',
      reasoning_details: [signed],
    });
    expect(isPlainChatRequest(body)).toBe(true);
    expect(assistantTurn(body).parts).toEqual([
      { partKind: 'thinking', content: 'I should look it up.', signature: 'EqcD', providerName: 'anthropic' },
      { partKind: 'text', content: 'Hello!' },
    ]);
    // 'Hi' + 'I should look it up.' + 'Hello!' + 'And then?' = 37 characters, the thinking counted once.
    expect(parseChatCompletionsRequest(body).estimatedInputTokens).toBe(10);
  });

  test('items of an unnamed format stay unsigned-foreign; unknown and empty items are skipped', () => {
    const body = conversation({
      content: 'Hello!',
      reasoning: 'ignored',
      reasoning_details: [
        { type: 'reasoning.summary', summary: 'Greeting.', format: 'openai-responses-v1', id: 'rs_1' },
        { type: 'reasoning.text', text: 'Hm.', signature: 'x', format: 'constructor' },
        { type: 'reasoning.text', text: '', signature: null },
        { type: 'reasoning.future', text: 'what' },
      ],
    });
    expect(assistantTurn(body).parts).toEqual([
      { partKind: 'thinking', content: 'Greeting.', id: 'rs_1' },
      { partKind: 'thinking', content: 'Hm.', signature: 'x' },
      { partKind: 'text', content: 'Hello!' },
    ]);
  });

  test('when no item holds thinking, reasoning is used', () => {
    const body = conversation({ content: 'Hello!', reasoning: 'Hm.', reasoning_details: [] });
    expect(assistantTurn(body).parts[0]).toEqual({ partKind: 'thinking', content: 'Hm.' });
  });

  test('a malformed item is a 400 naming it, on either path', () => {
    const body = conversation({ content: 'Hi', reasoning_details: [{ text: 'x' }] });
    expect(isPlainChatRequest(body)).toBe(false);
    expect(() => parseChatCompletionsRequest(body)).toThrow(/messages\[1\]\.reasoning_details\[0\]\.type/);
  });
});

describe('response_format: json_object', () => {
  const tool = (name: string) => ({ type: 'function', function: { name } });

  test('becomes an output tool taking any object, and text answers are no longer allowed', () => {
    const call = parseChatCompletionsRequest({
      model: 'm',
      messages: [question],
      response_format: { type: 'json_object' },
    });
    expect(call.outputToolName).toBe('json_answer');
    expect(call.params.outputTools).toEqual([
      {
        name: 'json_answer',
        description: 'Give your answer as a JSON object.',
        parametersJsonSchema: { type: 'object' },
      },
    ]);
    expect(call.params.allowTextOutput).toBe(false);
  });

  test("takes a name none of the client's tools has", () => {
    const call = parseChatCompletionsRequest({
      model: 'm',
      messages: [question],
      tools: [tool('json_answer'), tool('json_answer_2')],
      response_format: { type: 'json_object' },
    });
    expect(call.outputToolName).toBe('json_answer_3');
    expect(call.params.functionTools.map((t) => t.name)).toEqual(['json_answer', 'json_answer_2']);
    expect(call.params.outputTools.map((t) => t.name)).toEqual(['json_answer_3']);
  });

  test('text stays the answer format for type text', () => {
    const call = parseChatCompletionsRequest({
      model: 'm',
      messages: [question],
      response_format: { type: 'text' },
    });
    expect(call.outputToolName).toBeUndefined();
    expect(call.params.outputTools).toEqual([]);
    expect(call.params.allowTextOutput).toBe(true);
  });
});
