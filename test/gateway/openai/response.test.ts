import { describe, expect, test } from 'vitest';
import type { ModelResponse, ModelResponsePart } from '../../../src/core/messages.ts';
import { emptyUsage } from '../../../src/core/usage.ts';
import { renderChatCompletion } from '../../../src/gateway/openai/response.ts';

const served = { modelId: 'anthropic:claude-sonnet-4-5', responseId: 'chatcmpl-1', created: 1 };

function response(parts: ModelResponsePart[]): ModelResponse {
  return {
    kind: 'response',
    parts,
    usage: emptyUsage(),
    modelName: 'claude-sonnet-4-5',
    providerName: 'anthropic',
    finishReason: 'stop',
    timestamp: new Date(0),
  };
}

function message(parts: ModelResponsePart[]): Record<string, unknown> {
  return JSON.parse(renderChatCompletion(response(parts), served, undefined)).choices[0].message;
}

describe('renderChatCompletion: reasoning', () => {
  test('thinking text is message.reasoning, beside the content', () => {
    expect(
      message([
        { partKind: 'thinking', content: 'The user greets me.', signature: 'sig', providerName: 'anthropic' },
        { partKind: 'text', content: 'Hello!' },
      ]),
    ).toEqual({
      role: 'assistant',
      content: 'Hello!',
      refusal: null,
      reasoning: 'The user greets me.',
      reasoning_details: [
        {
          type: 'reasoning.text',
          text: 'The user greets me.',
          signature: 'sig',
          format: 'anthropic-claude-v1',
          index: 0,
        },
      ],
    });
  });

  test('thinking parts around a tool call are joined in order, as a stream would deliver them', () => {
    const rendered = message([
      { partKind: 'thinking', content: 'First I look it up. ' },
      { partKind: 'tool-call', toolName: 'lookup', toolCallId: 'c1', args: '{}' },
      { partKind: 'thinking', content: 'Then I answer.' },
    ]);
    expect(rendered.reasoning).toBe('First I look it up. Then I answer.');
    expect(rendered.content).toBeNull();
    expect(rendered.tool_calls).toHaveLength(1);
  });

  test('without thinking, reasoning is null, as OpenRouter sends it', () => {
    expect(message([{ partKind: 'text', content: 'Hello!' }])).toEqual({
      role: 'assistant',
      content: 'Hello!',
      refusal: null,
      reasoning: null,
    });
  });

  test('redacted thinking and signature-only thinking add nothing readable to reasoning', () => {
    const rendered = message([
      {
        partKind: 'thinking',
        content: '',
        signature: 'EncryptedBlob',
        providerName: 'anthropic',
        redacted: true,
      },
      { partKind: 'thinking', content: '', signature: 'gemini-signature', providerName: 'google' },
      { partKind: 'text', content: 'Hello!' },
    ]);
    expect(rendered.reasoning).toBeNull();
    // They are kept, opaque, where a client sends them back from: Claude needs them on the next turn.
    expect(rendered.reasoning_details).toEqual([
      { type: 'reasoning.encrypted', data: 'EncryptedBlob', format: 'anthropic-claude-v1', index: 0 },
      { type: 'reasoning.text', text: '', signature: 'gemini-signature', format: 'unknown', index: 1 },
    ]);
  });

  test('each thinking part is its own reasoning_details item, indexed in order, with its provider id', () => {
    const rendered = message([
      { partKind: 'thinking', content: 'First. ', signature: 's1', providerName: 'anthropic' },
      { partKind: 'tool-call', toolName: 'lookup', toolCallId: 'c1', args: '{}' },
      { partKind: 'thinking', content: 'Summary.', signature: 'enc', id: 'rs_1', providerName: 'openai' },
    ]);
    expect(rendered.reasoning_details).toEqual([
      { type: 'reasoning.text', text: 'First. ', signature: 's1', format: 'anthropic-claude-v1', index: 0 },
      { type: 'reasoning.text', text: 'Summary.', signature: 'enc', id: 'rs_1', format: 'unknown', index: 1 },
    ]);
  });

  test('without thinking, there is no reasoning_details field', () => {
    expect(message([{ partKind: 'text', content: 'Hi' }])).not.toHaveProperty('reasoning_details');
  });
});
