import { describe, expect, test } from 'vitest';
import { convertMessages, wireToolCallId } from '../../../src/adapters/openai-chat/convert-messages.ts';
import { mapFinishReason } from '../../../src/adapters/openai-chat/map-finish-reason.ts';
import { buildRequestBody } from '../../../src/adapters/openai-chat/request-body.ts';
import { UserError } from '../../../src/core/errors/index.ts';
import {
  type ModelMessage,
  type ModelResponse,
  systemPrompt,
  userPrompt,
} from '../../../src/core/messages.ts';
import { emptyUsage } from '../../../src/core/usage.ts';

function answer(parts: ModelResponse['parts'], providerName = 'openai'): ModelResponse {
  return {
    kind: 'response',
    parts,
    usage: emptyUsage(),
    modelName: 'm',
    providerName,
    timestamp: new Date(0),
  };
}

// "PNG" magic bytes: small, and their base64 is easy to check by eye.
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);

describe('the whole request body', () => {
  test('system prompt, user text + image bytes, assistant tool call, tool return and settings', () => {
    const messages: ModelMessage[] = [
      {
        kind: 'request',
        parts: [
          systemPrompt('Answer in French.'),
          userPrompt([
            { kind: 'text', text: 'What is this?' },
            { kind: 'image', data: PNG, mediaType: 'image/png' },
          ]),
        ],
      },
      answer([{ partKind: 'tool-call', toolName: 'lookup', args: { query: 'png' }, toolCallId: 'call_abc' }]),
      {
        kind: 'request',
        parts: [
          {
            partKind: 'tool-return',
            toolName: 'lookup',
            toolCallId: 'call_abc',
            content: { kind: 'image format' },
          },
        ],
      },
    ];
    const body = buildRequestBody({
      modelName: 'gpt-5',
      messages,
      settings: {
        maxTokens: 300,
        temperature: 0.2,
        stopSequences: ['END'],
        extraBody: { service_tier: 'flex', user: 'u-1' },
        thinking: true,
        timeout: 5000,
        signal: new AbortController().signal,
      },
      params: {
        functionTools: [
          {
            name: 'lookup',
            description: 'Look a thing up.',
            parametersJsonSchema: { type: 'object', properties: { query: { type: 'string' } } },
          },
        ],
        outputTools: [],
        allowTextOutput: true,
      },
      stream: true,
      providerName: 'openai',
    });
    expect(body).toEqual({
      model: 'gpt-5',
      messages: [
        { role: 'system', content: 'Answer in French.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw==' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_abc', type: 'function', function: { name: 'lookup', arguments: '{"query":"png"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_abc', content: '{"kind":"image format"}' },
      ],
      stream: true,
      stream_options: { include_usage: true },
      tools: [
        {
          type: 'function',
          function: {
            name: 'lookup',
            description: 'Look a thing up.',
            parameters: { type: 'object', properties: { query: { type: 'string' } } },
          },
        },
      ],
      tool_choice: 'auto',
      max_completion_tokens: 300,
      temperature: 0.2,
      stop: ['END'],
      reasoning_effort: 'medium',
      service_tier: 'flex',
      user: 'u-1',
    });
  });

  test('every sampling setting maps to its wire name; max_tokens for other hosts; no tools → no tool fields', () => {
    const body = buildRequestBody({
      modelName: 'deepseek-chat',
      messages: [{ kind: 'request', parts: [userPrompt('hi')] }],
      settings: {
        maxTokens: 10,
        topP: 0.9,
        seed: 7,
        presencePenalty: 0.5,
        frequencyPenalty: -0.5,
        logitBias: { '50256': -100 },
        parallelToolCalls: false,
        thinking: 'xhigh',
      },
      params: { functionTools: [], outputTools: [], allowTextOutput: true },
      stream: false,
      providerName: 'deepseek',
    });
    expect(body).toEqual({
      model: 'deepseek-chat',
      messages: [{ role: 'user', content: 'hi' }],
      stream: false,
      max_tokens: 10,
      top_p: 0.9,
      seed: 7,
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      logit_bias: { '50256': -100 },
      reasoning_effort: 'xhigh',
    });
  });

  test('an output tool without text output → tool_choice required; parallelToolCalls and strict are sent', () => {
    const body = buildRequestBody({
      modelName: 'gpt-4o',
      messages: [{ kind: 'request', parts: [userPrompt('hi')] }],
      settings: { parallelToolCalls: false, thinking: false },
      params: {
        functionTools: [],
        outputTools: [{ name: 'final_result', parametersJsonSchema: { type: 'object' }, strict: true }],
        allowTextOutput: false,
      },
      stream: false,
      providerName: 'openai',
    });
    expect(body).toEqual({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hi' }],
      stream: false,
      tools: [
        {
          type: 'function',
          function: { name: 'final_result', parameters: { type: 'object' }, strict: true },
        },
      ],
      tool_choice: 'required',
      parallel_tool_calls: false,
    });
  });
});

describe('history written by other providers', () => {
  const anthropicId = 'toolu_01A09q90qw90lq917835lq9';
  const geminiId = 'functions.get_weather:0'; // also the shape Moonshot uses: `.` and `:` are not accepted everywhere
  const longId = `pyd_ai_${'a'.repeat(40)}`;

  const history: ModelMessage[] = [
    { kind: 'request', parts: [userPrompt('Weather in Paris and Rome?')] },
    answer(
      [
        {
          partKind: 'thinking',
          content: 'I should call the tool twice.',
          signature: 'EqQBCkYIARgCKkD...',
          providerName: 'anthropic',
        },
        { partKind: 'text', content: 'Let me check.' },
        { partKind: 'tool-call', toolName: 'weather', args: { city: 'Paris' }, toolCallId: anthropicId },
        { partKind: 'tool-call', toolName: 'weather', args: '{"city":"Rome"}', toolCallId: geminiId },
        { partKind: 'tool-call', toolName: 'weather', args: '', toolCallId: longId },
      ],
      'anthropic',
    ),
    {
      kind: 'request',
      parts: [
        { partKind: 'tool-return', toolName: 'weather', toolCallId: anthropicId, content: 'sunny' },
        { partKind: 'tool-return', toolName: 'weather', toolCallId: geminiId, content: { temp: 21 } },
        { partKind: 'retry-prompt', toolName: 'weather', toolCallId: longId, content: 'city is required' },
      ],
    },
    answer(
      [{ partKind: 'thinking', content: 'only thoughts', signature: 'sig', providerName: 'google-gla' }],
      'google-gla',
    ),
    { kind: 'request', parts: [{ partKind: 'retry-prompt', content: 'Answer in one word.' }] },
  ];

  test('thinking is dropped, ids are made acceptable and still match their results', () => {
    const geminiWire = wireToolCallId(geminiId);
    const longWire = wireToolCallId(longId);
    expect(geminiWire).toMatch(/^call_[0-9a-f]{24}$/);
    expect(longWire).toMatch(/^call_[0-9a-f]{24}$/);
    expect(geminiWire).not.toBe(longWire);
    expect(convertMessages(history)).toEqual([
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: 'Let me check.',
        tool_calls: [
          { id: anthropicId, type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
          { id: geminiWire, type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } },
          { id: longWire, type: 'function', function: { name: 'weather', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: anthropicId, content: 'sunny' },
      { role: 'tool', tool_call_id: geminiWire, content: '{"temp":21}' },
      {
        role: 'tool',
        tool_call_id: longWire,
        content: 'The tool call to weather failed: city is required\n\nCorrect the call and try again.',
      },
      // The thinking-only Gemini response sends nothing.
      { role: 'user', content: 'Answer in one word.\n\nCorrect your answer and try again.' },
    ]);
  });

  test('no signature or foreign provider name ever reaches the wire', () => {
    const text = JSON.stringify(convertMessages(history));
    expect(text).not.toContain('EqQBCkYIARgCKkD');
    expect(text).not.toContain('anthropic');
    expect(text).not.toContain('I should call the tool twice');
  });

  test('Mistral ids are 9 letters or digits, the same for a call and its result', () => {
    const converted = convertMessages(history, { toolCallIdStyle: 'mistral' });
    const assistant = converted[1] as { tool_calls: Array<{ id: string }> };
    const ids = assistant.tool_calls.map((call) => call.id);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9]{9}$/);
    expect(new Set(ids).size).toBe(3);
    expect(converted.slice(2, 5).map((m) => (m as { tool_call_id: string }).tool_call_id)).toEqual(ids);
    expect(wireToolCallId('b8847f144', 'mistral')).toBe('b8847f144');
  });

  test('consecutive responses merge into one assistant turn', () => {
    expect(
      convertMessages([
        answer([{ partKind: 'text', content: 'Hel' }]),
        answer([
          { partKind: 'text', content: 'lo' },
          { partKind: 'tool-call', toolName: 't', args: {}, toolCallId: 'call_1' },
        ]),
      ]),
    ).toEqual([
      {
        role: 'assistant',
        content: 'Hello',
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 't', arguments: '{}' } }],
      },
    ]);
  });
});

describe('thinking sent back per host profile', () => {
  const mistral = { thinkingReplay: 'mistral-chunks', providerName: 'mistral' } as const;
  const thought = (content: string, providerName = 'mistral') =>
    ({ partKind: 'thinking', content, providerName }) as const;

  test('Mistral: consecutive responses merge into one turn of chunks, in order; other thinking stays out', () => {
    expect(
      convertMessages(
        [
          answer([thought('First.'), { partKind: 'text', content: 'A' }], 'mistral'),
          answer([{ partKind: 'thinking', content: 'foreign', providerName: 'anthropic', signature: 's' }]),
          answer([{ partKind: 'text', content: 'B' }, thought('Then.'), { partKind: 'text', content: 'C' }]),
        ],
        mistral,
      ),
    ).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: [{ type: 'text', text: 'First.' }] },
          { type: 'text', text: 'A' },
          { type: 'text', text: 'B' },
          { type: 'thinking', thinking: [{ type: 'text', text: 'Then.' }] },
          { type: 'text', text: 'C' },
        ],
      },
    ]);
  });

  test('a turn of thinking alone, or thinking of no known provider, is not replayed', () => {
    expect(convertMessages([answer([thought('Cut short.')], 'mistral')], mistral)).toEqual([]);
    expect(
      convertMessages(
        [
          answer([
            { partKind: 'thinking', content: 'x' },
            { partKind: 'text', content: 'ok' },
          ]),
        ],
        mistral,
      ),
    ).toEqual([{ role: 'assistant', content: 'ok' }]);
  });
});

describe('user content', () => {
  test('image URL, text document inline, PDF data URL; a document by http URL is refused', () => {
    const converted = convertMessages([
      {
        kind: 'request',
        parts: [
          userPrompt([
            { kind: 'image', url: 'https://example.com/cat.jpg' },
            {
              kind: 'document',
              data: new TextEncoder().encode('a: 1'),
              mediaType: 'application/yaml',
              name: 'c.yaml',
            },
            { kind: 'document', url: 'data:application/pdf;base64,JVBERi0=' },
          ]),
        ],
      },
    ]);
    expect(converted).toEqual([
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
          { type: 'text', text: '<document name="c.yaml" type="application/yaml">\na: 1\n</document>' },
          {
            type: 'file',
            file: { filename: 'document.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' },
          },
        ],
      },
    ]);
    expect(() =>
      convertMessages([
        { kind: 'request', parts: [userPrompt([{ kind: 'document', url: 'https://example.com/a.pdf' }])] },
      ]),
    ).toThrow(UserError);
  });
});

test('finish reasons normalize; unknown ones are kept raw only', () => {
  expect(
    ['stop', 'length', 'tool_calls', 'function_call', 'content_filter', 'error', 'eos', 'weird', null].map(
      mapFinishReason,
    ),
  ).toEqual([
    'stop',
    'length',
    'tool_call',
    'tool_call',
    'content_filter',
    'error',
    'stop',
    undefined,
    undefined,
  ]);
  expect(mapFinishReason('constructor')).toBeUndefined();
});
