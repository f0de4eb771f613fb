/**
 * What AnthropicModel puts on the wire: the whole body for one rich conversation, histories written by
 * other providers, tool call ids, thinking budgets and max_tokens, settings precedence.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { anthropicToolCallId, convertMessages } from '../../../src/adapters/anthropic/convert-messages.ts';
import { mapAnthropicFinishReason } from '../../../src/adapters/anthropic/map-finish-reason.ts';
import { mapUsage } from '../../../src/adapters/anthropic/map-response.ts';
import { AnthropicModel } from '../../../src/adapters/anthropic/model.ts';
import { buildRequestBody, defaultMaxTokens } from '../../../src/adapters/anthropic/request-body.ts';
import type { ModelMessage, ModelResponse } from '../../../src/core/messages.ts';
import { systemPrompt, userPrompt } from '../../../src/core/messages.ts';
import type { ModelRequestParameters } from '../../../src/core/model.ts';
import type { ModelSettings } from '../../../src/core/settings.ts';
import { emptyUsage } from '../../../src/core/usage.ts';
import type { Provider } from '../../../src/transport/provider.ts';
import { type CassetteServer, serveCassette } from '../../support/cassette-server.ts';

const servers: CassetteServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const OK_BODY = JSON.stringify({
  id: 'msg_01X',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5-20250929',
  content: [{ type: 'text', text: 'ok' }],
  stop_reason: 'end_turn',
  usage: { input_tokens: 1, output_tokens: 1 },
});

async function capture(modelName: string, defaults?: ModelSettings) {
  const server = await serveCassette([
    {
      request: { method: 'POST', uri: '/v1/messages', body: undefined },
      response: { status: 200, headers: { 'content-type': 'application/json' }, body: OK_BODY },
    },
  ]);
  servers.push(server);
  const provider: Provider = {
    name: 'anthropic',
    protocol: 'anthropic',
    baseUrl: `${server.url}/v1`,
    url: (path) => `${server.url}/v1${path}`,
    headers: async () => ({ 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01' }),
  };
  const model = new AnthropicModel(modelName, { provider, ...(defaults ? { settings: defaults } : {}) });
  return { model, server };
}

function answer(parts: ModelResponse['parts'], providerName: string): ModelResponse {
  return {
    kind: 'response',
    parts,
    usage: emptyUsage(),
    modelName: 'm',
    providerName,
    timestamp: new Date(),
  };
}

const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Weather for a city',
  parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

test('the exact body for system prompt, text + image bytes, tool call, tool return and settings', async () => {
  const { model, server } = await capture('claude-sonnet-4-5');
  const history: ModelMessage[] = [
    {
      kind: 'request',
      parts: [
        systemPrompt('You are terse.'),
        userPrompt([
          { kind: 'text', text: 'What is in this picture, and the weather in Paris?' },
          { kind: 'image', data: PNG, mediaType: 'image/png' },
        ]),
      ],
    },
    answer(
      [
        { partKind: 'thinking', content: 'Need weather.', signature: 'sig-abc', providerName: 'anthropic' },
        { partKind: 'text', content: 'Checking.' },
        { partKind: 'tool-call', toolName: 'get_weather', args: '{"city":"Paris"}', toolCallId: 'toolu_01A' },
      ],
      'anthropic',
    ),
    {
      kind: 'request',
      parts: [
        { partKind: 'tool-return', toolName: 'get_weather', toolCallId: 'toolu_01A', content: { temp: 21 } },
      ],
    },
  ];
  const params: ModelRequestParameters = {
    functionTools: [WEATHER_TOOL],
    outputTools: [],
    allowTextOutput: true,
  };
  await model.request(
    history,
    {
      maxTokens: 3000,
      temperature: 0.5,
      stopSequences: ['END'],
      extraBody: { metadata: { user_id: 'u-1' } },
      thinking: 'low',
      parallelToolCalls: false,
    },
    params,
  );
  expect(server.received[0]!.path).toBe('/v1/messages');
  expect(server.received[0]!.headers['x-api-key']).toBe('sk-ant-test');
  expect(server.received[0]!.body).toEqual({
    model: 'claude-sonnet-4-5',
    max_tokens: 3000,
    stream: false,
    system: 'You are terse.',
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in this picture, and the weather in Paris?' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'Need weather.', signature: 'sig-abc' },
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'toolu_01A', name: 'get_weather', input: { city: 'Paris' } },
        ],
      },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'toolu_01A', content: '{"temp":21}', is_error: false }],
      },
    ],
    // temperature is left out: the API accepts only 1 while thinking is on.
    thinking: { type: 'enabled', budget_tokens: 2048 },
    stop_sequences: ['END'],
    tools: [
      {
        name: 'get_weather',
        description: 'Weather for a city',
        input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
    ],
    tool_choice: { type: 'auto', disable_parallel_tool_use: true },
    metadata: { user_id: 'u-1' },
  });
});

describe('history written by other providers', () => {
  const foreign: ModelMessage[] = [
    { kind: 'request', parts: [userPrompt('Weather in Paris and Rome?')] },
    answer(
      [
        {
          partKind: 'thinking',
          content: 'Two cities.',
          signature: 'gAAAAB-openai-encrypted',
          providerName: 'openai',
        },
        {
          partKind: 'thinking',
          content: 'Gemini thought.',
          signature: 'CiQB-gemini-sig',
          providerName: 'google-gla',
        },
        { partKind: 'thinking', content: '', signature: 'opaque', providerName: 'openai' },
        { partKind: 'tool-call', toolName: 'get_weather', args: { city: 'Paris' }, toolCallId: 'call_abc' },
        {
          partKind: 'tool-call',
          toolName: 'get_weather',
          args: { city: 'Rome' },
          toolCallId: 'functions.get_weather:1',
        },
        { partKind: 'tool-call', toolName: 'get_weather', args: '{"city":', toolCallId: '' },
      ],
      'openai',
    ),
    {
      kind: 'request',
      parts: [
        { partKind: 'tool-return', toolName: 'get_weather', toolCallId: 'call_abc', content: 'sunny' },
        {
          partKind: 'retry-prompt',
          toolName: 'get_weather',
          toolCallId: 'functions.get_weather:1',
          content: 'city must be a known city',
        },
        { partKind: 'retry-prompt', toolName: 'get_weather', toolCallId: '', content: 'invalid JSON' },
      ],
    },
    { kind: 'request', parts: [{ partKind: 'retry-prompt', content: 'Answer in one line.' }] },
  ];

  test('foreign thinking becomes text, ids are rewritten consistently, retries become failed results', () => {
    const rome = anthropicToolCallId('functions.get_weather:1');
    const empty = anthropicToolCallId('');
    expect(rome).toMatch(/^functions_get_weather_1_[0-9a-f]{8}$/);
    expect(empty).toMatch(/^call_[0-9a-f]{8}$/);
    expect(convertMessages(foreign, 'anthropic')).toEqual({
      system: undefined,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: '<thinking>\nTwo cities.\n</thinking>' },
            { type: 'text', text: '<thinking>\nGemini thought.\n</thinking>' },
            { type: 'tool_use', id: 'call_abc', name: 'get_weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: rome, name: 'get_weather', input: { city: 'Rome' } },
            { type: 'tool_use', id: empty, name: 'get_weather', input: { INVALID_JSON: '{"city":' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'call_abc', content: 'sunny', is_error: false },
            {
              type: 'tool_result',
              tool_use_id: rome,
              content: 'city must be a known city\n\nFix the errors and try again.',
              is_error: true,
            },
            {
              type: 'tool_result',
              tool_use_id: empty,
              content: 'invalid JSON\n\nFix the errors and try again.',
              is_error: true,
            },
            {
              type: 'text',
              text: 'Validation feedback:\nAnswer in one line.\n\nFix the errors and try again.',
            },
          ],
        },
      ],
    });
  });

  test('no foreign signature ever reaches the wire', async () => {
    const { model, server } = await capture('claude-haiku-4-5');
    await model.request(foreign);
    const sent = JSON.stringify(server.received[0]!.body);
    expect(sent).not.toContain('gAAAAB-openai-encrypted');
    expect(sent).not.toContain('CiQB-gemini-sig');
    expect(sent).not.toContain('opaque');
  });

  test('own thinking without a signature and redacted thinking from elsewhere are handled safely', () => {
    const { messages } = convertMessages(
      [
        answer(
          [
            { partKind: 'thinking', content: 'cut short', providerName: 'anthropic' },
            { partKind: 'thinking', content: '', signature: 'enc', providerName: 'bedrock', redacted: true },
            {
              partKind: 'thinking',
              content: '',
              signature: 'EmwKAhgB',
              providerName: 'anthropic',
              redacted: true,
            },
            { partKind: 'text', content: '' },
          ],
          'anthropic',
        ),
      ],
      'anthropic',
    );
    expect(messages).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'text', text: '<thinking>\ncut short\n</thinking>' },
          { type: 'redacted_thinking', data: 'EmwKAhgB' },
        ],
      },
    ]);
  });

  test('image and document data URLs become base64 sources; system prompts from any request are joined', () => {
    const { system, messages } = convertMessages(
      [
        { kind: 'request', parts: [systemPrompt('First.')] },
        {
          kind: 'request',
          parts: [
            systemPrompt('Second.'),
            userPrompt([
              { kind: 'image', url: 'data:image/jpeg;base64,/9j/4AAQ' },
              { kind: 'document', url: 'data:text/plain,hello%20world', name: 'notes.txt' },
              { kind: 'document', data: new Uint8Array([37, 80, 68, 70]), mediaType: 'application/pdf' },
            ]),
          ],
        },
      ],
      'anthropic',
    );
    expect(system).toBe('First.\n\nSecond.');
    expect(messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } },
          {
            type: 'document',
            source: { type: 'text', media_type: 'text/plain', data: 'hello world' },
            title: 'notes.txt',
          },
          { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERg==' } },
        ],
      },
    ]);
  });
});

describe('request body', () => {
  const NO_TOOLS: ModelRequestParameters = { functionTools: [], outputTools: [], allowTextOutput: true };
  const HI: ModelMessage[] = [{ kind: 'request', parts: [userPrompt('hi')] }];
  const bodyOf = (
    modelName: string,
    settings: ModelSettings,
    params: ModelRequestParameters,
    stream: boolean,
  ) => buildRequestBody({ modelName, providerName: 'anthropic', messages: HI, settings, params, stream });

  test('max_tokens defaults per model family', () => {
    expect(defaultMaxTokens('claude-3-haiku-20240307')).toBe(4096);
    expect(defaultMaxTokens('claude-3-5-sonnet-latest')).toBe(8192);
    expect(defaultMaxTokens('claude-3-7-sonnet-20250219')).toBe(64_000);
    expect(defaultMaxTokens('claude-opus-4-20250514')).toBe(32_000);
    expect(defaultMaxTokens('claude-opus-4-1')).toBe(32_000);
    expect(defaultMaxTokens('anthropic.claude-opus-4-1-20250805-v1:0')).toBe(32_000);
    expect(defaultMaxTokens('claude-opus-4-5')).toBe(64_000);
    expect(defaultMaxTokens('claude-sonnet-4-5')).toBe(64_000);
    expect(defaultMaxTokens('claude-haiku-4-5-20251001')).toBe(64_000);
    expect(defaultMaxTokens('some-compatible-model')).toBe(4096);
  });

  test('thinking levels set budgets and max_tokens always exceeds the budget', () => {
    const body = (model: string, settings: ModelSettings) => {
      const { thinking, max_tokens } = bodyOf(model, settings, NO_TOOLS, false);
      return { thinking, max_tokens };
    };
    expect(body('claude-sonnet-4-5', { thinking: true })).toEqual({
      thinking: { type: 'enabled', budget_tokens: 8192 },
      max_tokens: 64_000,
    });
    expect(body('claude-3-haiku', { thinking: 'high' })).toEqual({
      thinking: { type: 'enabled', budget_tokens: 16_384 },
      max_tokens: 16_384 + 4096,
    });
    expect(body('claude-sonnet-4-5', { thinking: 'minimal', maxTokens: 500 })).toEqual({
      thinking: { type: 'enabled', budget_tokens: 1024 },
      max_tokens: 1524,
    });
    expect(body('claude-sonnet-4-5', { thinking: 'xhigh', maxTokens: 40_000 })).toEqual({
      thinking: { type: 'enabled', budget_tokens: 24_576 },
      max_tokens: 40_000,
    });
    expect(body('claude-sonnet-4-5', { thinking: false })).toEqual({
      thinking: undefined,
      max_tokens: 64_000,
    });
  });

  test('Opus 4.7 and later take adaptive thinking with an effort, never a budget (a 400 there)', () => {
    const { thinking, output_config, max_tokens, temperature, tool_choice } = bodyOf(
      'claude-opus-4-7',
      { thinking: 'low', temperature: 0.2, maxTokens: 500 },
      {
        functionTools: [],
        outputTools: [{ name: 'final_result', parametersJsonSchema: { type: 'object' } }],
        allowTextOutput: false,
      },
      false,
    );
    expect({ thinking, output_config, max_tokens }).toEqual({
      thinking: { type: 'adaptive', display: 'summarized' },
      output_config: { effort: 'low' },
      max_tokens: 500,
    });
    // The limits that come with thinking hold for adaptive thinking too.
    expect(temperature).toBeUndefined();
    expect(tool_choice).toEqual({ type: 'auto' });
    expect(bodyOf('claude-opus-4-7', { thinking: true }, NO_TOOLS, false).output_config).toBeUndefined();
  });

  test('text not allowed forces a tool, except while thinking (the API rejects forced tools then)', () => {
    const params: ModelRequestParameters = {
      functionTools: [],
      outputTools: [WEATHER_TOOL],
      allowTextOutput: false,
    };
    expect(bodyOf('m', {}, params, true).tool_choice).toEqual({ type: 'any' });
    expect(bodyOf('m', { thinking: 'low' }, params, true).tool_choice).toEqual({
      type: 'auto',
    });
    expect(bodyOf('m', {}, NO_TOOLS, true).tool_choice).toBeUndefined();
  });

  test('model defaults and call settings merge key by key without changing either object', async () => {
    const defaults: ModelSettings = { maxTokens: 100, temperature: 0.1, topP: 0.9 };
    const { model, server } = await capture('claude-haiku-4-5', defaults);
    const call: ModelSettings = { temperature: 0.7, extraHeaders: { 'anthropic-beta': 'x-2025' } };
    await model.request(HI, call);
    expect(server.received[0]!.body).toMatchObject({ max_tokens: 100, temperature: 0.7, top_p: 0.9 });
    expect(server.received[0]!.headers['anthropic-beta']).toBe('x-2025');
    expect(defaults).toEqual({ maxTokens: 100, temperature: 0.1, topP: 0.9 });
    expect(call).toEqual({ temperature: 0.7, extraHeaders: { 'anthropic-beta': 'x-2025' } });
    expect(model.system).toBe('anthropic');
    expect(model.settings).toBe(defaults);
  });
});

test('finish reasons and usage normalize Anthropic values', () => {
  expect(
    [
      'end_turn',
      'stop_sequence',
      'pause_turn',
      'max_tokens',
      'model_context_window_exceeded',
      'tool_use',
      'refusal',
      'new',
    ].map(mapAnthropicFinishReason),
  ).toEqual(['stop', 'stop', 'stop', 'length', 'length', 'tool_call', 'content_filter', undefined]);
  expect(
    mapUsage({
      input_tokens: 3,
      output_tokens: 33,
      cache_read_input_tokens: 1111,
      cache_creation_input_tokens: 418,
      cache_creation: { ephemeral_5m_input_tokens: 418, ephemeral_1h_input_tokens: 0 },
      server_tool_use: { web_search_requests: 2 },
      service_tier: 'standard',
    }),
  ).toEqual({
    inputTokens: 1532,
    outputTokens: 33,
    cacheReadTokens: 1111,
    cacheWriteTokens: 418,
    details: { ephemeral_5m_input_tokens: 418, ephemeral_1h_input_tokens: 0, web_search_requests: 2 },
  });
});
