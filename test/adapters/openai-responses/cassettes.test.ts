/**
 * Replays real Responses API traffic (pydantic-ai's recorded cassettes) through the adapter: the body we
 * send is compared with the body the real client sent, and the parsed answer is asserted field by field.
 */
import { describe, expect, test } from 'vitest';
import { OpenAIResponsesModel } from '../../../src/adapters/openai-responses/model.ts';
import type { ModelMessage, ModelResponse, ModelResponseStreamEvent } from '../../../src/core/messages.ts';
import { systemPrompt, userPrompt } from '../../../src/core/messages.ts';
import type { ModelRequestParameters } from '../../../src/core/model.ts';
import {
  type CassetteServer,
  loadCassette,
  type RecordedInteraction,
  useCassetteServers,
} from '../../support/cassette-server.ts';
import { localProvider } from '../../support/local-provider.ts';

const serve = useCassetteServers();

async function replay(folder: string, name: string, from = 0, count?: number) {
  const all = loadCassette(folder, name);
  const recorded = all.slice(from, count === undefined ? undefined : from + count);
  return { server: await serve(recorded), recorded };
}

function model(srv: CassetteServer, modelName: string, providerName = 'openai-responses') {
  const provider = localProvider(srv, {
    name: providerName,
    protocol: 'openai-responses',
    prefix: '/v1',
    headers: { authorization: 'Bearer test-key' },
  });
  return new OpenAIResponsesModel(modelName, { provider });
}

/** The body the real client sent, without the `description: null` pydantic-ai adds to tools (we omit it). */
function recordedBody(interaction: RecordedInteraction): Record<string, unknown> {
  const body = structuredClone(interaction.request.body) as Record<string, unknown>;
  for (const tool of (body.tools as Array<Record<string, unknown>> | undefined) ?? []) {
    if (tool.description === null) delete tool.description;
  }
  return body;
}

function recordedOutput(interaction: RecordedInteraction): Array<Record<string, unknown>> {
  return (JSON.parse(interaction.response.body as string) as { output: Array<Record<string, unknown>> })
    .output;
}

function summaryOf(item: Record<string, unknown>): string {
  return (item.summary as Array<{ text: string }>).map((entry) => entry.text).join('\n\n');
}

function usage(input: number, output: number, details: Record<string, number> = {}) {
  return { inputTokens: input, outputTokens: output, cacheReadTokens: 0, cacheWriteTokens: 0, details };
}

const ask = (text: string): ModelMessage[] => [{ kind: 'request', parts: [userPrompt(text)] }];

const getCountryTool: ModelRequestParameters = {
  functionTools: [
    {
      name: 'get_country',
      parametersJsonSchema: { additionalProperties: false, properties: {}, type: 'object' },
      strict: false,
    },
  ],
  outputTools: [],
  allowTextOutput: true,
};

describe('whole responses', () => {
  test('a document by URL: input_file, text, usage, id, served model', async () => {
    const { server: srv, recorded } = await replay('test_openai', 'test_document_url_input_response_api');
    const result = await model(srv, 'gpt-4.1-nano').request([
      {
        kind: 'request',
        parts: [
          userPrompt([
            { kind: 'text', text: 'What is the main content on this document?' },
            {
              kind: 'document',
              url: 'https://www.w3.org/WAI/ER/tests/xhtml/testfiles/resources/pdf/dummy.pdf',
            },
          ]),
        ],
      },
    ]);
    expect(srv.received[0]!.path).toBe('/v1/responses');
    expect(srv.received[0]!.headers.authorization).toBe('Bearer test-key');
    expect(srv.received[0]!.body).toEqual(recordedBody(recorded[0]!));
    expect(result).toEqual({
      kind: 'response',
      parts: [
        {
          partKind: 'text',
          content: expect.stringMatching(/^The document is titled "Dummy PDF file," indicating/),
          id: 'msg_015b88f1b471dcb900693972472ae88197acf92d328008c6a8',
        },
      ],
      usage: usage(23, 72),
      modelName: 'gpt-4.1-nano-2025-04-14',
      providerName: 'openai-responses',
      finishReason: 'stop',
      rawFinishReason: 'completed',
      providerResponseId: 'resp_015b88f1b471dcb90069397245702481979e5c36ff51d29a52',
      timestamp: expect.any(Date),
    });
  });

  test('a system prompt becomes `instructions`; extraBody adds `include`', async () => {
    const { server: srv, recorded } = await replay(
      'test_openai',
      'test_openai_instructions_with_responses_logprobs',
    );
    const result = await model(srv, 'gpt-4o-mini').request(
      [
        {
          kind: 'request',
          parts: [
            systemPrompt('You are a helpful assistant.'),
            userPrompt('What is the capital of Minas Gerais?'),
          ],
        },
      ],
      { extraBody: { include: ['message.output_text.logprobs'] } },
    );
    expect(srv.received[0]!.body).toEqual(recordedBody(recorded[0]!));
    expect(result.parts).toEqual([
      {
        partKind: 'text',
        content: 'The capital of Minas Gerais is Belo Horizonte.',
        id: 'msg_03c6f7a0e7df74a9006924b11adb348193adc4091df13b8d7c',
      },
    ]);
    expect(result.usage).toEqual(usage(25, 10));
  });

  test('reasoning: summaries become one thinking part, encrypted content its signature, reasoning tokens kept', async () => {
    const { server: srv, recorded } = await replay('test_openai', 'test_openai_model_thinking_part', 0, 1);
    const result = await model(srv, 'o3-mini').request(ask('How do I cross the street?'), {
      thinking: 'high',
      extraBody: { reasoning: { effort: 'high', summary: 'detailed' } },
    });
    expect(srv.received[0]!.body).toEqual(recordedBody(recorded[0]!));
    const [reasoning, message] = recordedOutput(recorded[0]!);
    expect(result.parts).toEqual([
      {
        partKind: 'thinking',
        content: summaryOf(reasoning!),
        signature: reasoning!.encrypted_content,
        providerName: 'openai-responses',
        id: 'rs_68c1fa166e9c81979ff56b16882744f1093f57e27128848a',
      },
      {
        partKind: 'text',
        content: expect.stringMatching(/^I'm happy to help\. When crossing the street/),
        id: message!.id,
      },
    ]);
    expect((result.parts[0] as { content: string }).content).toMatch(
      /^\*\*Emphasizing pedestrian safety\*\*\n\n[\s\S]*\n\n\*\*Clarifying street crossing guidance\*\*\n\n/,
    );
    expect((result.parts[0] as { signature: string }).signature).toMatch(/^gAAAAABowfofynE_/);
    expect(result.usage).toEqual(usage(13, 1915, { reasoning_tokens: 1600 }));
    expect(result.modelName).toBe('o3-mini-2025-01-31');
  });

  test('structured output through extraBody `text.format`; gpt-5 family asks for encrypted reasoning', async () => {
    const { server: srv, recorded } = await replay(
      'test_openai',
      'test_openai_responses_native_output_decimal_strict',
    );
    const format = (recorded[0]!.request.body as { text: unknown }).text;
    const result = await model(srv, 'gpt-5.4-mini').request(
      ask('Return exactly this payment amount: 12.34'),
      {
        extraBody: { text: format },
      },
    );
    expect(srv.received[0]!.body).toEqual(recordedBody(recorded[0]!));
    expect(result.parts).toEqual([
      {
        partKind: 'text',
        content: '{"amount":12.34}',
        id: 'msg_0d53bcfe78ba69b1006a0bc8c9ff00819ea4558233ab6c11bd',
      },
    ]);
    expect(result.usage).toEqual(usage(72, 14));
    expect(result.finishReason).toBe('stop');
  });
});

describe('tool calls and history', () => {
  test('gpt-5 calls a tool; the reasoning item and call go back with their ids and the result as function_call_output', async () => {
    const { server: srv, recorded } = await replay(
      'test_google',
      'test_thinking_with_tool_calls_from_other_model',
      0,
      2,
    );
    const m = model(srv, 'gpt-5');
    const first = await m.request(ask('What is the capital of the country?'), {}, getCountryTool);
    expect(srv.received[0]!.body).toEqual(recordedBody(recorded[0]!));
    const [reasoning] = recordedOutput(recorded[0]!);
    expect(first.parts).toEqual([
      {
        partKind: 'thinking',
        content: '',
        signature: reasoning!.encrypted_content,
        providerName: 'openai-responses',
        id: 'rs_0c71d6d8526a7a4b006920e03fd67c819da5eead157faee94b',
      },
      {
        partKind: 'tool-call',
        toolName: 'get_country',
        args: '{}',
        toolCallId: 'call_1w9YRdMtRTRucwZShoZYlLJp',
        id: 'fc_0c71d6d8526a7a4b006920e0447ea8819da94e572b1f077c44',
      },
    ]);
    expect(first.finishReason).toBe('tool_call');
    expect(first.rawFinishReason).toBe('completed');
    expect(first.usage).toEqual(usage(37, 272, { reasoning_tokens: 256 }));

    const second = await m.request(
      [
        ...ask('What is the capital of the country?'),
        first,
        {
          kind: 'request',
          parts: [
            {
              partKind: 'tool-return',
              toolName: 'get_country',
              toolCallId: 'call_1w9YRdMtRTRucwZShoZYlLJp',
              content: 'Mexico',
            },
          ],
        },
      ],
      {},
      getCountryTool,
    );
    expect(srv.received[1]!.body).toEqual(recordedBody(recorded[1]!));
    expect(second.parts.at(-1)).toEqual({
      partKind: 'text',
      content: 'Mexico City (Ciudad de México).',
      id: 'msg_0c71d6d8526a7a4b006920e0478738819d856fca72ba249557',
    });
    expect(second.finishReason).toBe('stop');
  });

  test('a history written by Anthropic goes as plain assistant text', async () => {
    const { server: srv, recorded } = await replay(
      'test_anthropic',
      'test_anthropic_server_tool_pass_history_to_another_provider',
      1,
      1,
    );
    const fromAnthropic: ModelResponse = {
      kind: 'response',
      parts: [{ partKind: 'text', content: 'Today is November 19, 2025.' }],
      usage: usage(2218, 13),
      modelName: 'claude-sonnet-4-5-20250929',
      providerName: 'anthropic',
      timestamp: new Date(),
    };
    const result = await model(srv, 'gpt-4.1').request(
      [...ask('What day is today?'), fromAnthropic, ...ask('What day is tomorrow?')],
      // The built-in web search tool is not a function tool of ours: it goes through extraBody.
      { extraBody: { tools: [{ search_context_size: 'medium', type: 'web_search' }], tool_choice: 'auto' } },
    );
    expect(srv.received[0]!.body).toEqual(recordedBody(recorded[0]!));
    expect(result.providerResponseId).toBe('resp_0dcd74f01910b54500691e5594957481a0ac36dde76eca939f');
  });

  test("another provider's thinking is dropped, its tool call sent without an item id", async () => {
    const { server: srv } = await replay('test_openai', 'test_document_url_input_response_api');
    const fromGemini: ModelResponse = {
      kind: 'response',
      parts: [
        { partKind: 'thinking', content: 'Thinking about it', signature: 'c2ln', providerName: 'google-gla' },
        { partKind: 'tool-call', toolName: 'get_country', args: {}, toolCallId: 'abc', id: 'gemini-own-id' },
      ],
      usage: usage(1, 1),
      modelName: 'gemini-2.5-pro',
      providerName: 'google-gla',
      timestamp: new Date(),
    };
    await model(srv, 'gpt-4.1-nano').request([
      ...ask('Which country?'),
      fromGemini,
      {
        kind: 'request',
        parts: [
          {
            partKind: 'tool-return',
            toolName: 'get_country',
            toolCallId: 'abc',
            content: { name: 'Mexico' },
          },
        ],
      },
    ]);
    expect((srv.received[0]!.body as { input: unknown }).input).toEqual([
      { role: 'user', content: 'Which country?' },
      { type: 'function_call', call_id: 'abc', name: 'get_country', arguments: '{}' },
      { type: 'function_call_output', call_id: 'abc', output: '{"name":"Mexico"}' },
    ]);
  });
});

describe('streaming', () => {
  test('text deltas, then the completed response: id, served model, usage, finish reason', async () => {
    const { server: srv, recorded } = await replay(
      'test_openai',
      'test_openai_instructions_with_responses_logprobs_streaming',
    );
    const stream = await model(srv, 'gpt-4o-mini').requestStream(
      [
        {
          kind: 'request',
          parts: [
            systemPrompt('You are a helpful assistant.'),
            userPrompt('What is the capital of Minas Gerais?'),
          ],
        },
      ],
      { extraBody: { include: ['message.output_text.logprobs'] } },
    );
    const events: ModelResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(srv.received[0]!.body).toEqual(recordedBody(recorded[0]!));
    expect(srv.received[0]!.headers.accept).toBe('text/event-stream');
    const deltas = events
      .filter((e) => e.kind === 'part-delta')
      .map((e) => (e.delta as { contentDelta: string }).contentDelta);
    expect(events[0]).toEqual({ kind: 'part-start', index: 0, part: { partKind: 'text', content: 'The' } });
    expect(deltas).toEqual([' capital', ' of', ' Minas', ' Gerais', ' is', ' Belo', ' Horizonte', '.']);
    expect(events.at(-1)).toEqual({
      kind: 'part-end',
      index: 0,
      part: {
        partKind: 'text',
        content: 'The capital of Minas Gerais is Belo Horizonte.',
        id: 'msg_0ecff685e411ca7b0069e063580128819b9ec474594c61b988',
      },
    });
    expect(events).toHaveLength(10);
    const response = stream.get();
    expect(response.providerResponseId).toBe('resp_0ecff685e411ca7b0069e063569c7c819bbc74c80d853802e6');
    expect(response.modelName).toBe('gpt-4o-mini-2024-07-18');
    expect(response.usage).toEqual(usage(25, 10));
    expect(response.finishReason).toBe('stop');
  });
});
