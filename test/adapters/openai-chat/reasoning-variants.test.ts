/**
 * The other shapes OpenAI-compatible hosts in the prefix table give reasoning and refusals, each body
 * written by hand from the provider's documented example (URL beside each) and served from a local
 * host: where the thinking is read from, and whether it goes back in the next turn.
 */
import { describe, expect, test } from 'vitest';
import { type ModelMessage, type ModelResponse, userPrompt } from '../../../src/core/messages.ts';
import type { ModelRequestParameters } from '../../../src/core/model.ts';
import { inferModel } from '../../../src/registry/infer-model.ts';
import { useScriptedChatServer } from '../../support/scripted-chat-server.ts';

const server = useScriptedChatServer();
const env = {
  DEEPSEEK_API_KEY: 'sk-deepseek',
  OPENROUTER_API_KEY: 'sk-or',
  GROQ_API_KEY: 'gsk-test',
  OPENAI_API_KEY: 'sk-test',
};
const model = (id: string) => inferModel(id, { baseUrl: server.baseUrl, env });
const lastBody = () => server.requests.at(-1) as { messages: Array<Record<string, unknown>> };

const completion = (model: string, message: Record<string, unknown>, finishReason = 'stop') => ({
  id: 'cmpl-1',
  object: 'chat.completion',
  created: 1757000000,
  model,
  choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finishReason }],
  usage: { prompt_tokens: 20, completion_tokens: 40, total_tokens: 60 },
});

describe('DeepSeek thinking mode (https://api-docs.deepseek.com/guides/thinking_mode)', () => {
  const weather: ModelMessage[] = [
    { kind: 'request', parts: [userPrompt("How's the weather in Hangzhou tomorrow?")] },
  ];
  const tools: ModelRequestParameters = {
    functionTools: [
      { name: 'get_date', description: 'Get the current date', parametersJsonSchema: { type: 'object' } },
    ],
    outputTools: [],
    allowTextOutput: true,
  };
  const reasoning = 'The user asks about tomorrow, so I need today’s date first. I will call get_date.';
  const toolCallTurn = completion(
    'deepseek-chat',
    {
      content: '',
      reasoning_content: reasoning,
      tool_calls: [
        {
          index: 0,
          id: 'call_00_kZ8Ea4SNmdMT4cm2KxPvTbQ1',
          type: 'function',
          function: { name: 'get_date', arguments: '{}' },
        },
      ],
    },
    'tool_calls',
  );

  test('reasoning_content goes back on the assistant turn that called a tool, as DeepSeek requires', async () => {
    server.reply(
      { json: toolCallTurn },
      {
        json: completion('deepseek-chat', { content: 'Sunny, 24°C.', reasoning_content: 'Now the weather.' }),
      },
    );
    const deepseek = model('deepseek:deepseek-chat');
    const first = await deepseek.request(weather, undefined, tools);
    expect(first.parts).toEqual([
      { partKind: 'thinking', content: reasoning, providerName: 'deepseek' },
      {
        partKind: 'tool-call',
        toolName: 'get_date',
        args: '{}',
        toolCallId: 'call_00_kZ8Ea4SNmdMT4cm2KxPvTbQ1',
      },
    ]);
    const history: ModelMessage[] = [
      ...weather,
      first,
      {
        kind: 'request',
        parts: [
          {
            partKind: 'tool-return',
            toolName: 'get_date',
            toolCallId: 'call_00_kZ8Ea4SNmdMT4cm2KxPvTbQ1',
            content: '2025-12-01',
          },
        ],
      },
    ];
    await deepseek.request(history, undefined, tools);
    expect(lastBody().messages[1]).toEqual({
      role: 'assistant',
      content: null,
      reasoning_content: reasoning,
      tool_calls: [
        {
          id: 'call_00_kZ8Ea4SNmdMT4cm2KxPvTbQ1',
          type: 'function',
          function: { name: 'get_date', arguments: '{}' },
        },
      ],
    });
  });

  test('a stream of reasoning_content then content deltas gives a thinking part then text', async () => {
    const delta = (fields: Record<string, unknown>, finish: string | null = null) => ({
      id: 'cmpl-2',
      object: 'chat.completion.chunk',
      model: 'deepseek-reasoner',
      choices: [{ index: 0, delta: fields, finish_reason: finish }],
    });
    server.reply({
      sse: [
        delta({ role: 'assistant', content: null, reasoning_content: '' }),
        delta({ content: null, reasoning_content: '9.11 vs 9.8: ' }),
        delta({ content: null, reasoning_content: '0.8 > 0.11.' }),
        delta({ content: '9.8 is greater.', reasoning_content: null }),
        delta({ content: '' }, 'stop'),
      ],
    });
    const stream = await model('deepseek:deepseek-reasoner').requestStream(weather);
    for await (const _ of stream);
    expect(stream.get().parts).toEqual([
      { partKind: 'thinking', content: '9.11 vs 9.8: 0.8 > 0.11.', providerName: 'deepseek' },
      { partKind: 'text', content: '9.8 is greater.' },
    ]);
  });

  test("another provider's thinking never becomes DeepSeek's reasoning_content", async () => {
    server.reply({ json: completion('deepseek-chat', { content: 'ok' }) });
    const foreign = answerFrom('mistral');
    await model('deepseek:deepseek-chat').request([
      ...weather,
      foreign,
      { kind: 'request', parts: [userPrompt('and?')] },
    ]);
    expect(lastBody().messages[1]).toEqual({ role: 'assistant', content: 'Cloudy.' });
  });
});

/** A response as another provider's adapter would have built it, with thinking of its own. */
function answerFrom(providerName: string): ModelResponse {
  return {
    kind: 'response',
    parts: [
      { partKind: 'thinking', content: 'Looking at the forecast.', providerName },
      { partKind: 'text', content: 'Cloudy.' },
    ],
    usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, details: {} },
    modelName: 'm',
    providerName,
    timestamp: new Date(),
  };
}

describe('hosts whose reasoning is read but not sent back', () => {
  const ask: ModelMessage[] = [{ kind: 'request', parts: [userPrompt("What's bigger, 9.11 or 9.9?")] }];

  test.each([
    {
      // https://openrouter.ai/docs/use-cases/reasoning-tokens: `reasoning` beside `reasoning_details`.
      id: 'openrouter:anthropic/claude-sonnet-4',
      message: {
        content: '9.9 is bigger.',
        reasoning: 'Compare the tenths: 9 against 1.',
        reasoning_details: [
          {
            type: 'reasoning.text',
            text: 'Compare the tenths: 9 against 1.',
            format: 'anthropic-claude-v1',
            index: 0,
          },
        ],
      },
      provider: 'openrouter',
    },
    {
      // https://console.groq.com/docs/reasoning: `reasoning_format: "parsed"` puts it in `reasoning`.
      id: 'groq:openai/gpt-oss-20b',
      message: { content: '9.9 is bigger.', reasoning: 'Compare the tenths: 9 against 1.' },
      provider: 'groq',
    },
  ])(
    '$provider: `reasoning` becomes a thinking part and stays out of the next turn',
    async ({ id, message, provider }) => {
      server.reply({ json: completion(id, message) }, { json: completion(id, { content: 'ok' }) });
      const host = model(id);
      const first = await host.request(ask);
      expect(first.parts).toEqual([
        { partKind: 'thinking', content: 'Compare the tenths: 9 against 1.', providerName: provider },
        { partKind: 'text', content: '9.9 is bigger.' },
      ]);
      await host.request([...ask, first, { kind: 'request', parts: [userPrompt('Why?')] }]);
      expect(lastBody().messages[1]).toEqual({ role: 'assistant', content: '9.9 is bigger.' });
    },
  );

  test('OpenAI: a refusal (https://platform.openai.com/docs/guides/structured-outputs#refusals) is the text', async () => {
    const refusal = "I'm sorry, I cannot assist with that request.";
    server.reply({ json: completion('gpt-4o-2024-08-06', { content: null, refusal }) });
    expect((await model('openai:gpt-4o').request(ask)).parts).toEqual([
      { partKind: 'text', content: refusal },
    ]);
  });

  test('content as an array of plain text parts reads as their concatenation', async () => {
    server.reply({
      json: completion('gpt-4o', {
        content: [
          { type: 'text', text: '9.9 ' },
          { type: 'text', text: 'is bigger.' },
        ],
      }),
    });
    expect((await model('openai:gpt-4o').request(ask)).parts).toEqual([
      { partKind: 'text', content: '9.9 is bigger.' },
    ]);
  });
});
