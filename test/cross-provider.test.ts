/**
 * A conversation begun on one provider continues on another — the property that makes a fallback across
 * providers work. For each ordered pair, provider A (a chaos emulator, through our adapter) answers with a
 * tool call; we add the tool's result; provider B must accept that history in its own wire shape and
 * answer with text. The emulators answer text only once they see a tool result, so a text answer proves
 * B's request carried A's tool call and our tool return in B's protocol.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ChaosServer, startChaosServer } from '../src/chaos/index.ts';
import type { ModelMessage, ModelResponse, ToolCallPart } from '../src/core/messages.ts';
import { userPrompt } from '../src/core/messages.ts';
import type { Model, ModelRequestParameters } from '../src/core/model.ts';
import { inferModel } from '../src/registry/index.ts';

const PROTOCOLS = {
  openai: 'openai:gpt-4o',
  anthropic: 'anthropic:claude-sonnet-4-5',
  gemini: 'google-gla:gemini-2.5-flash',
} as const;
type Name = keyof typeof PROTOCOLS;

const servers = new Map<Name, ChaosServer>();
const models = new Map<Name, Model>();

beforeAll(async () => {
  for (const name of Object.keys(PROTOCOLS) as Name[]) {
    const server = await startChaosServer({ protocol: name });
    servers.set(name, server);
    models.set(name, inferModel(PROTOCOLS[name], { baseUrl: server.url, apiKey: 'test' }));
  }
});

afterAll(async () => {
  await Promise.all([...servers.values()].map((server) => server.close()));
});

const params: ModelRequestParameters = {
  functionTools: [
    {
      name: 'get_weather',
      description: 'The weather in a city',
      parametersJsonSchema: {
        type: 'object',
        properties: { city: { type: 'string' } },
        required: ['city'],
      },
    },
  ],
  outputTools: [],
  allowTextOutput: true,
};

const pairs = (Object.keys(PROTOCOLS) as Name[]).flatMap((a) =>
  (Object.keys(PROTOCOLS) as Name[]).filter((b) => b !== a).map((b) => [a, b] as const),
);

describe('history written by one provider continues on another', () => {
  test.each(pairs)('%s → %s', async (first, second) => {
    const history: ModelMessage[] = [
      {
        kind: 'request',
        parts: [{ partKind: 'system-prompt', content: 'Use tools.' }, userPrompt('Weather in Paris?')],
      },
    ];
    const call: ModelResponse = await models.get(first)!.request(history, {}, params);
    const toolCall = call.parts.find((part): part is ToolCallPart => part.partKind === 'tool-call');
    expect(toolCall, `${first} should call the tool`).toBeDefined();
    expect(toolCall!.toolName).toBe('get_weather');
    history.push(call, {
      kind: 'request',
      parts: [
        {
          partKind: 'tool-return',
          toolName: 'get_weather',
          toolCallId: toolCall!.toolCallId,
          content: { tempC: 21 },
        },
      ],
    });

    const answer = await models.get(second)!.request(history, {}, params);
    expect(answer.parts.map((part) => part.partKind)).toEqual(['text']);
    expect(answer.finishReason).toBe('stop');
    expect(answer.providerName).toBe(models.get(second)!.system);

    // And back: the second provider's answer continues on the first.
    history.push(answer, { kind: 'request', parts: [userPrompt('Thanks, and tomorrow?')] });
    const back = await models.get(first)!.request(history, {}, { ...params, functionTools: [] });
    expect(back.parts[0]).toEqual({ partKind: 'text', content: 'echo: Thanks, and tomorrow?' });
  });
});
