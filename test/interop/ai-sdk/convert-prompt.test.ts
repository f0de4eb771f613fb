import { describe, expect, test } from 'vitest';
import type { ModelMessage } from '../../../src/core/messages.ts';
import { emptyUsage } from '../../../src/core/usage.ts';
import { fromAISDKPrompt, toAISDKPrompt } from '../../../src/interop/ai-sdk/convert-prompt.ts';

const conversation: ModelMessage[] = [
  {
    kind: 'request',
    parts: [
      { partKind: 'system-prompt', content: 'Be brief.' },
      { partKind: 'user-prompt', content: 'Weather in Paris?' },
    ],
  },
  {
    kind: 'response',
    parts: [
      { partKind: 'thinking', content: 'need the tool' },
      { partKind: 'tool-call', toolName: 'weather', toolCallId: 'c1', args: '{"city":"Paris"}' },
      { partKind: 'tool-call', toolName: 'weather', toolCallId: 'c2', args: { city: 'Nice' } },
    ],
    usage: emptyUsage(),
    modelName: 'm',
    providerName: 'p',
    timestamp: new Date(0),
  },
  {
    kind: 'request',
    parts: [
      { partKind: 'tool-return', toolName: 'weather', toolCallId: 'c1', content: { celsius: 21 } },
      { partKind: 'retry-prompt', toolName: 'weather', toolCallId: 'c2', content: 'unknown city' },
      { partKind: 'retry-prompt', content: 'Answer in French.' },
    ],
  },
];

describe('prompt conversion', () => {
  test('ours to the AI SDK: roles, grouped tool results, errors as error-text', () => {
    expect(toAISDKPrompt(conversation)).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'need the tool' },
          { type: 'tool-call', toolCallId: 'c1', toolName: 'weather', input: { city: 'Paris' } },
          { type: 'tool-call', toolCallId: 'c2', toolName: 'weather', input: { city: 'Nice' } },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'c1',
            toolName: 'weather',
            output: { type: 'json', value: { celsius: 21 } },
          },
          {
            type: 'tool-result',
            toolCallId: 'c2',
            toolName: 'weather',
            output: { type: 'error-text', value: 'unknown city' },
          },
        ],
      },
      { role: 'user', content: [{ type: 'text', text: 'Answer in French.' }] },
    ]);
  });

  test('and back again keeps every part', () => {
    const back = fromAISDKPrompt(toAISDKPrompt(conversation));
    expect(back[0]).toEqual(conversation[0]);
    expect(back[1]).toMatchObject({
      kind: 'response',
      parts: [
        { partKind: 'thinking', content: 'need the tool' },
        { partKind: 'tool-call', toolName: 'weather', toolCallId: 'c1', args: '{"city":"Paris"}' },
        { partKind: 'tool-call', toolName: 'weather', toolCallId: 'c2', args: '{"city":"Nice"}' },
      ],
    });
    expect(back[2]).toEqual({
      kind: 'request',
      parts: [
        { partKind: 'tool-return', toolName: 'weather', toolCallId: 'c1', content: { celsius: 21 } },
        { partKind: 'retry-prompt', toolName: 'weather', toolCallId: 'c2', content: 'unknown city' },
        { partKind: 'user-prompt', content: 'Answer in French.' },
      ],
    });
  });

  test('images and documents become file parts with their media types', () => {
    const prompt = toAISDKPrompt([
      {
        kind: 'request',
        parts: [
          {
            partKind: 'user-prompt',
            content: [
              { kind: 'text', text: 'what is this?' },
              { kind: 'image', url: 'https://example.com/a.png', mediaType: 'image/png' },
              { kind: 'document', data: new Uint8Array([1, 2]), mediaType: 'application/pdf', name: 'a.pdf' },
            ],
          },
        ],
      },
    ]);
    expect(prompt).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'what is this?' },
          {
            type: 'file',
            data: { type: 'url', url: new URL('https://example.com/a.png') },
            mediaType: 'image/png',
          },
          {
            type: 'file',
            data: { type: 'data', data: new Uint8Array([1, 2]) },
            mediaType: 'application/pdf',
            filename: 'a.pdf',
          },
        ],
      },
    ]);
  });
});
