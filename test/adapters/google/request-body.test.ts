import { describe, expect, it } from 'vitest';
import {
  convertMessages,
  PLACEHOLDER_THOUGHT_SIGNATURE,
  sanitizeToolCallId,
} from '../../../src/adapters/google/convert-messages.ts';
import { mapFinishReason } from '../../../src/adapters/google/map-finish-reason.ts';
import { buildRequestBody, thinkingConfigFor } from '../../../src/adapters/google/request-body.ts';
import {
  type ModelMessage,
  type ModelResponse,
  systemPrompt,
  userPrompt,
} from '../../../src/core/messages.ts';
import { defaultRequestParameters, type ModelRequestParameters } from '../../../src/core/model.ts';
import type { ModelSettings } from '../../../src/core/settings.ts';
import { emptyUsage } from '../../../src/core/usage.ts';

const GLA = { providerName: 'google-gla', modelName: 'gemini-2.5-flash' };

/** The body of a whole-answer call (Gemini's body is the same for a stream). */
function bodyOf(
  messages: ModelMessage[],
  settings: ModelSettings,
  params: ModelRequestParameters,
  target: typeof GLA,
) {
  return buildRequestBody({ ...target, messages, settings, params, stream: false });
}

function answer(parts: ModelResponse['parts'], providerName = 'google-gla'): ModelResponse {
  return {
    kind: 'response',
    parts,
    usage: emptyUsage(),
    modelName: 'm',
    providerName,
    timestamp: new Date(0),
  };
}

describe('buildRequestBody', () => {
  it('sends exactly this body for a full conversation with settings', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    const messages: ModelMessage[] = [
      {
        kind: 'request',
        parts: [
          systemPrompt('You are a weather bot.'),
          userPrompt([
            { kind: 'text', text: 'What is the weather where this photo was taken?' },
            { kind: 'image', data: png, mediaType: 'image/png' },
          ]),
        ],
      },
      answer([
        { partKind: 'thinking', content: '', signature: 'c2lnLTE=', providerName: 'google-gla' },
        {
          partKind: 'tool-call',
          toolName: 'get_weather',
          args: '{"city":"Paris"}',
          toolCallId: 'gemini_call_1',
        },
      ]),
      {
        kind: 'request',
        parts: [
          {
            partKind: 'tool-return',
            toolName: 'get_weather',
            toolCallId: 'gemini_call_1',
            content: { temperature: 21, unit: 'C' },
          },
        ],
      },
    ];
    const body = bodyOf(
      messages,
      {
        maxTokens: 256,
        temperature: 0.2,
        stopSequences: ['END'],
        thinking: 'medium',
        extraBody: { safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }] },
        // No Gemini field: silently left out.
        logitBias: { '42': 1 },
        parallelToolCalls: false,
      },
      {
        functionTools: [
          {
            name: 'get_weather',
            description: 'Weather for a city.',
            parametersJsonSchema: {
              type: 'object',
              properties: { city: { type: 'string' } },
              required: ['city'],
            },
          },
        ],
        outputTools: [],
        allowTextOutput: true,
      },
      GLA,
    );
    expect(body).toEqual({
      contents: [
        {
          role: 'user',
          parts: [
            { text: 'What is the weather where this photo was taken?' },
            { inlineData: { mimeType: 'image/png', data: 'iVBORw==' } },
          ],
        },
        {
          role: 'model',
          parts: [
            {
              functionCall: { name: 'get_weather', args: { city: 'Paris' }, id: 'gemini_call_1' },
              thoughtSignature: 'c2lnLTE=',
            },
          ],
        },
        {
          role: 'user',
          parts: [
            {
              functionResponse: {
                name: 'get_weather',
                response: { return_value: { temperature: 21, unit: 'C' } },
                id: 'gemini_call_1',
              },
            },
          ],
        },
      ],
      systemInstruction: { role: 'user', parts: [{ text: 'You are a weather bot.' }] },
      generationConfig: {
        maxOutputTokens: 256,
        temperature: 0.2,
        stopSequences: ['END'],
        thinkingConfig: { includeThoughts: true, thinkingBudget: 8192 },
      },
      tools: [
        {
          functionDeclarations: [
            {
              name: 'get_weather',
              description: 'Weather for a city.',
              parametersJsonSchema: {
                type: 'object',
                properties: { city: { type: 'string' } },
                required: ['city'],
              },
            },
          ],
        },
      ],
      safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
    });
  });

  it('sends topP, seed and penalties; extraBody overrides a generated field', () => {
    const body = bodyOf(
      [{ kind: 'request', parts: [userPrompt('Hi')] }],
      {
        topP: 0.9,
        seed: 7,
        presencePenalty: 0.5,
        frequencyPenalty: 0.25,
        extraBody: { generationConfig: { topK: 3 } },
      },
      defaultRequestParameters(),
      GLA,
    );
    expect(body.generationConfig).toEqual({ topK: 3 });
    const plain = bodyOf(
      [{ kind: 'request', parts: [userPrompt('Hi')] }],
      { topP: 0.9, seed: 7, presencePenalty: 0.5, frequencyPenalty: 0.25 },
      defaultRequestParameters(),
      GLA,
    );
    expect(plain.generationConfig).toEqual({
      topP: 0.9,
      seed: 7,
      presencePenalty: 0.5,
      frequencyPenalty: 0.25,
    });
  });

  it('allowTextOutput false → mode ANY over every tool', () => {
    const schema = { type: 'object', properties: {} };
    const body = bodyOf(
      [{ kind: 'request', parts: [userPrompt('Hi')] }],
      {},
      {
        functionTools: [{ name: 'a', parametersJsonSchema: schema }],
        outputTools: [{ name: 'final_result', parametersJsonSchema: schema }],
        allowTextOutput: false,
      },
      GLA,
    );
    expect(body.toolConfig).toEqual({
      functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['a', 'final_result'] },
    });
    expect(body.tools).toEqual([
      {
        functionDeclarations: [
          { name: 'a', parametersJsonSchema: schema },
          { name: 'final_result', parametersJsonSchema: schema },
        ],
      },
    ]);
  });
});

describe('thinkingConfigFor', () => {
  const cases: Array<[boolean | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh', string, unknown]> = [
    [true, 'gemini-2.5-flash', { includeThoughts: true }],
    [false, 'gemini-2.5-flash', { thinkingBudget: 0 }],
    [false, 'gemini-2.5-flash-lite', { thinkingBudget: 0 }],
    [false, 'gemini-2.5-pro', undefined],
    ['low', 'gemini-2.5-flash', { includeThoughts: true, thinkingBudget: 1024 }],
    ['xhigh', 'gemini-2.5-flash', { includeThoughts: true, thinkingBudget: 24576 }],
    ['xhigh', 'gemini-2.5-pro', { includeThoughts: true, thinkingBudget: 32768 }],
    ['minimal', 'gemini-3-pro-preview', { includeThoughts: true, thinkingLevel: 'low' }],
    ['medium', 'gemini-3-pro-preview', { includeThoughts: true, thinkingLevel: 'high' }],
    ['minimal', 'gemini-3-flash-preview', { includeThoughts: true, thinkingLevel: 'minimal' }],
    ['medium', 'gemini-3-flash-preview', { includeThoughts: true, thinkingLevel: 'medium' }],
    ['xhigh', 'gemini-3.1-pro-preview', { includeThoughts: true, thinkingLevel: 'high' }],
    [false, 'gemini-3-pro-preview', { thinkingLevel: 'low' }],
    [false, 'gemini-3-flash-preview', { thinkingLevel: 'minimal' }],
    [true, 'gemini-2.0-flash', undefined],
    ['high', 'gemini-1.5-pro', undefined],
    ['high', 'gemini-flash-latest', { includeThoughts: true, thinkingBudget: 24576 }],
  ];
  for (const [thinking, model, expected] of cases) {
    it(`${String(thinking)} on ${model}`, () => {
      expect(thinkingConfigFor(thinking, model)).toEqual(expected);
    });
  }
});

describe('convertMessages: histories written by other providers', () => {
  it('Anthropic and OpenAI turns: foreign thinking dropped, ids kept or sanitized, retry prompts as results', () => {
    const messages: ModelMessage[] = [
      { kind: 'request', parts: [userPrompt('Weather in Paris and Rome?')] },
      answer(
        [
          {
            partKind: 'thinking',
            content: 'Two cities, two calls.',
            signature: 'EqQBCkYIBxgC-anthropic',
            providerName: 'anthropic',
          },
          { partKind: 'text', content: 'Checking both.' },
          {
            partKind: 'tool-call',
            toolName: 'weather',
            args: { city: 'Paris' },
            toolCallId: 'toolu_01A09q90qw90lq917835lq9',
          },
          { partKind: 'tool-call', toolName: 'weather', args: '{"city":"Rome"}', toolCallId: 'call_abc' },
        ],
        'anthropic',
      ),
      {
        kind: 'request',
        parts: [
          {
            partKind: 'tool-return',
            toolName: 'weather',
            toolCallId: 'toolu_01A09q90qw90lq917835lq9',
            content: 'Sunny',
          },
          {
            partKind: 'retry-prompt',
            toolName: 'weather',
            toolCallId: 'call_abc',
            content: 'city must be one of Paris, Berlin',
          },
        ],
      },
      answer(
        [
          {
            partKind: 'thinking',
            content: 'Reasoning summary',
            providerName: 'openai',
            signature: 'gAAAA-encrypted',
          },
          {
            partKind: 'tool-call',
            toolName: 'weather',
            args: '{"city": "Berlin"}',
            toolCallId: 'fc_12:34/56',
          },
        ],
        'openai',
      ),
      {
        kind: 'request',
        parts: [
          {
            partKind: 'tool-return',
            toolName: 'weather',
            toolCallId: 'fc_12:34/56',
            content: ['Cloudy', 14],
          },
          { partKind: 'retry-prompt', content: 'Answer in one sentence.' },
        ],
      },
    ];
    const { contents } = convertMessages(messages, GLA);
    expect(contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather in Paris and Rome?' }] },
      {
        role: 'model',
        parts: [
          { text: 'Checking both.' },
          { functionCall: { name: 'weather', args: { city: 'Paris' }, id: 'toolu_01A09q90qw90lq917835lq9' } },
          { functionCall: { name: 'weather', args: { city: 'Rome' }, id: 'call_abc' } },
        ],
      },
      {
        role: 'user',
        parts: [
          {
            functionResponse: {
              name: 'weather',
              response: { return_value: 'Sunny' },
              id: 'toolu_01A09q90qw90lq917835lq9',
            },
          },
          {
            functionResponse: {
              name: 'weather',
              response: { error: 'city must be one of Paris, Berlin\n\nFix the errors and try again.' },
              id: 'call_abc',
            },
          },
        ],
      },
      {
        role: 'model',
        parts: [{ functionCall: { name: 'weather', args: { city: 'Berlin' }, id: 'fc_12_34_56' } }],
      },
      {
        role: 'user',
        parts: [
          {
            functionResponse: {
              name: 'weather',
              response: { return_value: ['Cloudy', 14] },
              id: 'fc_12_34_56',
            },
          },
          { text: 'Answer in one sentence.\n\nFix the errors and try again.' },
        ],
      },
    ]);
    expect(JSON.stringify(contents)).not.toContain('anthropic');
    expect(JSON.stringify(contents)).not.toContain('gAAAA');
  });

  it('Gemini 3 gets the placeholder signature on the first foreign call of each turn only', () => {
    const { contents } = convertMessages(
      [
        { kind: 'request', parts: [userPrompt('Go')] },
        answer(
          [
            { partKind: 'tool-call', toolName: 'a', args: {}, toolCallId: 'toolu_1' },
            { partKind: 'tool-call', toolName: 'b', args: {}, toolCallId: 'toolu_2' },
          ],
          'anthropic',
        ),
      ],
      { providerName: 'google-gla', modelName: 'gemini-3-pro-preview' },
    );
    expect(contents[1]).toEqual({
      role: 'model',
      parts: [
        {
          functionCall: { name: 'a', args: {}, id: 'toolu_1' },
          thoughtSignature: PLACEHOLDER_THOUGHT_SIGNATURE,
        },
        { functionCall: { name: 'b', args: {}, id: 'toolu_2' } },
      ],
    });
    expect(Buffer.from(PLACEHOLDER_THOUGHT_SIGNATURE, 'base64').toString()).toBe(
      'context_engineering_is_the_way_to_go',
    );
  });

  it('a signature from another Google provider is not trusted: Vertex thinking sent to the Gemini API', () => {
    const { contents } = convertMessages(
      [
        { kind: 'request', parts: [userPrompt('Go')] },
        answer(
          [
            { partKind: 'thinking', content: '', signature: 'dmVydGV4', providerName: 'google-vertex' },
            { partKind: 'tool-call', toolName: 'a', args: {}, toolCallId: 'x' },
          ],
          'google-vertex',
        ),
      ],
      { providerName: 'google-gla', modelName: 'gemini-3-flash-preview' },
    );
    expect(contents[1]!.parts).toEqual([
      { functionCall: { name: 'a', args: {}, id: 'x' }, thoughtSignature: PLACEHOLDER_THOUGHT_SIGNATURE },
    ]);
  });

  it('Gemini thinking round-trips: thought text with its signature, a trailing signature as an empty text part', () => {
    const { contents } = convertMessages(
      [
        { kind: 'request', parts: [userPrompt('Go')] },
        answer([
          {
            partKind: 'thinking',
            content: 'Let me think.',
            signature: 'dGhvdWdodA==',
            providerName: 'google-gla',
          },
          { partKind: 'text', content: 'Done.' },
          { partKind: 'thinking', content: '', signature: 'dHJhaWxpbmc=', providerName: 'google-gla' },
        ]),
      ],
      GLA,
    );
    expect(contents[1]!.parts).toEqual([
      { text: 'Let me think.', thought: true, thoughtSignature: 'dGhvdWdodA==' },
      { text: 'Done.' },
      { text: '', thoughtSignature: 'dHJhaWxpbmc=' },
    ]);
  });

  it('consecutive requests merge into one user turn; a lone system prompt gets a blank user turn', () => {
    expect(
      convertMessages(
        [
          { kind: 'request', parts: [userPrompt('one')] },
          { kind: 'request', parts: [userPrompt('two')] },
        ],
        GLA,
      ).contents,
    ).toEqual([{ role: 'user', parts: [{ text: 'one' }, { text: 'two' }] }]);
    expect(convertMessages([{ kind: 'request', parts: [systemPrompt('Only this.')] }], GLA)).toEqual({
      contents: [{ role: 'user', parts: [{ text: '' }] }],
      systemInstruction: { role: 'user', parts: [{ text: 'Only this.' }] },
    });
  });

  it('image and document URLs: data URLs inline, others as fileData with a guessed type', () => {
    const { contents } = convertMessages(
      [
        {
          kind: 'request',
          parts: [
            userPrompt([
              { kind: 'image', url: 'data:image/jpeg;base64,/9j/4AAQ' },
              { kind: 'image', url: 'https://example.com/cat.webp?size=2' },
              { kind: 'document', url: 'https://example.com/report.pdf' },
              { kind: 'document', url: 'gs://bucket/file', mediaType: 'text/csv' },
              { kind: 'document', url: 'data:text/plain,hello%20there' },
              { kind: 'document', data: new TextEncoder().encode('%PDF'), mediaType: 'application/pdf' },
            ]),
          ],
        },
      ],
      GLA,
    );
    expect(contents[0]!.parts).toEqual([
      { inlineData: { mimeType: 'image/jpeg', data: '/9j/4AAQ' } },
      { fileData: { fileUri: 'https://example.com/cat.webp?size=2', mimeType: 'image/webp' } },
      { fileData: { fileUri: 'https://example.com/report.pdf', mimeType: 'application/pdf' } },
      { fileData: { fileUri: 'gs://bucket/file', mimeType: 'text/csv' } },
      { inlineData: { mimeType: 'text/plain', data: Buffer.from('hello there').toString('base64') } },
      { inlineData: { mimeType: 'application/pdf', data: 'JVBERg==' } },
    ]);
  });

  it('tool call args that are not a JSON object are still sent as an object', () => {
    const { contents } = convertMessages(
      [
        { kind: 'request', parts: [userPrompt('Go')] },
        answer(
          [{ partKind: 'tool-call', toolName: 'a', args: '{"city": "Par', toolCallId: 'call_1' }],
          'openai',
        ),
      ],
      GLA,
    );
    expect(contents[1]!.parts).toEqual([
      { functionCall: { name: 'a', args: { arguments: '{"city": "Par' }, id: 'call_1' } },
    ]);
  });

  it('sanitizeToolCallId keeps safe ids and maps the rest the same way every time', () => {
    expect(sanitizeToolCallId('toolu_01A09q90qw90lq917835lq9')).toBe('toolu_01A09q90qw90lq917835lq9');
    expect(sanitizeToolCallId('call.1 2|3')).toBe('call_1_2_3');
  });
});

describe('mapFinishReason', () => {
  it.each([
    ['STOP', false, 'stop'],
    ['STOP', true, 'tool_call'],
    ['MAX_TOKENS', false, 'length'],
    ['SAFETY', false, 'content_filter'],
    ['RECITATION', false, 'content_filter'],
    ['PROHIBITED_CONTENT', true, 'content_filter'],
    ['MODEL_ARMOR', false, 'content_filter'],
    ['MALFORMED_FUNCTION_CALL', false, 'error'],
    ['OTHER', false, 'error'],
    ['SOMETHING_NEW', false, 'error'],
  ] as const)('%s (tool calls: %s) → %s', (raw, hasToolCalls, expected) => {
    expect(mapFinishReason(raw, hasToolCalls)).toBe(expected);
  });
});
