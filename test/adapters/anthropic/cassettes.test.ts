/**
 * Replays real Anthropic traffic (pydantic-ai's recorded cassettes) through AnthropicModel: the history
 * the recording sent is rebuilt as ModelMessage[], the body the adapter sends must equal the recorded
 * request, and the parsed response is asserted value by value.
 */
import { describe, expect, test } from 'vitest';
import { AnthropicModel } from '../../../src/adapters/anthropic/model.ts';
import { ModelHTTPError } from '../../../src/core/errors/index.ts';
import type { ModelMessage, ModelResponse, ModelResponseStreamEvent } from '../../../src/core/messages.ts';
import { systemPrompt, userPrompt } from '../../../src/core/messages.ts';
import type { ModelRequestParameters } from '../../../src/core/model.ts';
import type { ModelSettings } from '../../../src/core/settings.ts';
import type { Provider } from '../../../src/transport/provider.ts';
import { loadCassette, useCassetteServers } from '../../support/cassette-server.ts';
import { localProvider } from '../../support/local-provider.ts';

const serve = useCassetteServers();

function providerFor(origin: string): Provider {
  return localProvider(origin, {
    name: 'anthropic',
    protocol: 'anthropic',
    prefix: '/v1',
    headers: { 'x-api-key': 'test-key', 'anthropic-version': '2023-06-01' },
  });
}

// biome-ignore lint/suspicious/noExplicitAny: recorded JSON is walked by path in assertions; a wrong path fails the test.
type Json = Record<string, any>;

/** Serves the cassette's interactions from `from` on (earlier ones went to another provider). */
async function replay(name: string, from = 0) {
  const interactions = loadCassette('test_anthropic', name).slice(from);
  const server = await serve(interactions);
  const recordedRequest = (i: number) => interactions[i]!.request.body as Json;
  const recordedResponse = (i: number) => JSON.parse(interactions[i]!.response.body as string) as Json;
  const model = new AnthropicModel(recordedRequest(0).model, { provider: providerFor(server.url) });
  const sent = (i: number) => {
    expect(server.received[i]!.path).toBe('/v1/messages');
    expect(server.received[i]!.headers['x-api-key']).toBe('test-key');
    expect(server.received[i]!.headers['anthropic-version']).toBe('2023-06-01');
    return server.received[i]!.body as Json;
  };
  return { interactions, server, model, recordedRequest, recordedResponse, sent };
}

const MAX_4096: ModelSettings = { maxTokens: 4096 };

function usage(input: number, output: number, cacheRead = 0, cacheWrite = 0, fiveMinutes = 0) {
  return {
    inputTokens: input,
    outputTokens: output,
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    details: { ephemeral_1h_input_tokens: 0, ephemeral_5m_input_tokens: fiveMinutes },
  };
}

function expectResponse(actual: ModelResponse, expected: Omit<ModelResponse, 'kind' | 'timestamp'>) {
  expect(actual.timestamp).toBeInstanceOf(Date);
  const { timestamp: _, ...rest } = actual;
  expect(rest).toEqual({ kind: 'response', ...expected });
}

/** `part-start:0`, `part-delta:0 x13`, `part-end:0`...: the shape of a stream, runs collapsed. */
function streamShape(events: ModelResponseStreamEvent[]): string[] {
  const shape: string[] = [];
  let last = '';
  let run = 0;
  const flush = () => {
    if (run > 0) shape.push(run > 1 ? `${last} x${run}` : last);
  };
  for (const event of events) {
    const label = `${event.kind}:${event.index}`;
    if (label === last) run++;
    else {
      flush();
      last = label;
      run = 1;
    }
  }
  flush();
  return shape;
}

async function collect(stream: AsyncIterable<ModelResponseStreamEvent>) {
  const events: ModelResponseStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

describe('text', () => {
  test('system prompt and user text (model_instructions)', async () => {
    const { model, sent, recordedRequest } = await replay('test_anthropic_model_instructions');
    const response = await model.request(
      [
        {
          kind: 'request',
          parts: [
            systemPrompt('You are a helpful assistant.\n\n'),
            userPrompt('What is the capital of France?'),
          ],
        },
      ],
      MAX_4096,
    );
    expect(sent(0)).toEqual(recordedRequest(0));
    expectResponse(response, {
      parts: [{ partKind: 'text', content: 'The capital of France is Paris.' }],
      usage: usage(20, 10),
      modelName: 'claude-3-opus-20240229',
      providerName: 'anthropic',
      finishReason: 'stop',
      rawFinishReason: 'end_turn',
      providerResponseId: 'msg_01Fg1JVgvCYUHWsxrj9GkpEv',
    });
  });

  test('extra headers reach the wire and extraBody lands at the top level (extra_headers)', async () => {
    const { model, sent, recordedRequest, server } = await replay('test_extra_headers');
    const response = await model.request([{ kind: 'request', parts: [userPrompt('hello')] }], {
      maxTokens: 4096,
      extraHeaders: { 'Extra-Header-Key': 'Extra-Header-Value' },
      extraBody: { metadata: { user_id: '123' } },
    });
    expect(sent(0)).toEqual(recordedRequest(0));
    expect(server.received[0]!.headers['extra-header-key']).toBe('Extra-Header-Value');
    expect(response.parts).toEqual([
      {
        partKind: 'text',
        content: 'Hi there! How are you doing today? Is there anything I can help you with?',
      },
    ]);
    expect(response.usage).toEqual(usage(8, 21));
    expect(response.providerResponseId).toBe('msg_01PDYHzNnqSLAXuK8NNtC5MA');
    expect(response.modelName).toBe('claude-haiku-4-5-20251001');
  });

  test('temperature and a provider-only field via extraBody (sampling_settings_reach_the_wire)', async () => {
    const { model, sent, recordedRequest } = await replay('test_anthropic_sampling_settings_reach_the_wire');
    const response = await model.request([{ kind: 'request', parts: [userPrompt('hello')] }], {
      maxTokens: 4096,
      temperature: 0.2,
      // Settings the protocol lacks are dropped silently.
      seed: 7,
      presencePenalty: 0.5,
      frequencyPenalty: 0.5,
      logitBias: { '50256': -100 },
      extraBody: { top_k: 40 },
    });
    expect(sent(0)).toEqual(recordedRequest(0));
    expect(response.parts).toEqual([{ partKind: 'text', content: 'Hello! 👋 How can I help you today?' }]);
    expect(response.usage).toEqual(usage(8, 16));
  });

  test('history that opens with an assistant turn (model_empty_message_on_history)', async () => {
    const { model, sent, recordedRequest, recordedResponse } = await replay(
      'test_anthropic_model_empty_message_on_history',
    );
    const history: ModelMessage[] = [
      { kind: 'request', parts: [systemPrompt('You are a helpful assistant.\n\n')] },
      {
        kind: 'response',
        parts: [{ partKind: 'text', content: 'Hello, how can I help you?' }],
        usage: usage(0, 0),
        modelName: 'claude-sonnet-4-5',
        providerName: 'anthropic',
        timestamp: new Date(),
      },
      { kind: 'request', parts: [userPrompt('I need a potato!')] },
    ];
    const response = await model.request(history, MAX_4096);
    expect(sent(0)).toEqual(recordedRequest(0));
    expect(response.parts).toEqual([{ partKind: 'text', content: recordedResponse(0).content[0].text }]);
    expect(response.usage).toEqual(usage(41, 88));
  });

  test('a retry prompt after an empty answer joins the user turn before it (retrying_after_empty_response)', async () => {
    const { model, sent, recordedRequest } = await replay(
      'test_anthropic_model_retrying_after_empty_response',
    );
    const history: ModelMessage[] = [
      { kind: 'request', parts: [userPrompt('Hi')] },
      {
        kind: 'response',
        parts: [],
        usage: usage(0, 0),
        modelName: 'claude-haiku-4-5',
        providerName: 'anthropic',
        timestamp: new Date(),
      },
      { kind: 'request', parts: [{ partKind: 'retry-prompt', content: 'Please return text.' }] },
    ];
    const response = await model.request(history, MAX_4096);
    // The recording sent two user turns; we send them as one (the API combines them the same way).
    const recorded = recordedRequest(0);
    expect(sent(0)).toEqual({
      ...recorded,
      messages: [
        { role: 'user', content: [...recorded.messages[0].content, ...recorded.messages[1].content] },
      ],
    });
    expect(sent(0).messages[0].content[1].text).toBe(
      'Validation feedback:\nPlease return text.\n\nFix the errors and try again.',
    );
    expect(response.parts).toEqual([
      { partKind: 'text', content: '# Hi there! 👋\n\nHow can I help you today?' },
    ]);
    expect(response.providerResponseId).toBe('msg_011Ccmc3JDrLNAjTnX1WNbcp');
  });

  test('cache reads and writes (cache_real_api)', async () => {
    const { model, sent, recordedRequest, recordedResponse } = await replay('test_anthropic_cache_real_api');
    const settings: ModelSettings = {
      maxTokens: 4096,
      extraBody: { cache_control: { type: 'ephemeral', ttl: '5m' } },
    };
    const question = recordedRequest(0).messages[0].content[0].text as string;
    const history: ModelMessage[] = [
      { kind: 'request', parts: [systemPrompt('You are a helpful assistant.'), userPrompt(question)] },
    ];
    const first = await model.request(history, settings);
    expect(sent(0)).toEqual(recordedRequest(0));
    expect(first.usage).toEqual(usage(1114, 406, 1111, 0));
    expect(first.parts).toEqual([{ partKind: 'text', content: recordedResponse(0).content[0].text }]);

    history.push(first, {
      kind: 'request',
      parts: [userPrompt('Can you summarize that in one sentence?')],
    });
    const second = await model.request(history, settings);
    expect(sent(1)).toEqual(recordedRequest(1));
    expect(second.usage).toEqual(usage(1532, 33, 1111, 418, 418));
    expect(second.providerResponseId).toBe('msg_01KPaKTJSqAKoZri7Ujrny58');
  });
});

describe('user content', () => {
  test('image by URL (image_url_input)', async () => {
    const { model, sent, recordedRequest } = await replay('test_image_url_input');
    const url = 'https://t3.ftcdn.net/jpg/00/85/79/92/360_F_85799278_0BBGV9OAdQDTLnKwAPBCcg1J7QtiieJY.jpg';
    const response = await model.request(
      [
        {
          kind: 'request',
          parts: [
            userPrompt([
              { kind: 'text', text: 'What is this vegetable?' },
              { kind: 'image', url },
            ]),
          ],
        },
      ],
      MAX_4096,
    );
    expect(sent(0)).toEqual(recordedRequest(0));
    expect(response.usage).toEqual(usage(296, 91));
    expect(response.finishReason).toBe('stop');
  });

  test('PDF document by URL (document_url_input)', async () => {
    const { model, sent, recordedRequest } = await replay('test_document_url_input');
    const response = await model.request(
      [
        {
          kind: 'request',
          parts: [
            userPrompt([
              { kind: 'text', text: 'What is the main content on this document?' },
              { kind: 'document', url: 'https://pdfobject.com/pdf/sample.pdf', mediaType: 'application/pdf' },
            ]),
          ],
        },
      ],
      MAX_4096,
    );
    expect(sent(0)).toEqual(recordedRequest(0));
    expect(response.providerResponseId).toBe('msg_014baYh9nwS6x3wiEtCQHkU7');
    expect(response.usage.inputTokens).toBe(2682);
  });

  test('text document given as bytes goes as a text source (text_document_as_binary_content_input)', async () => {
    const { model, sent, recordedRequest } = await replay('test_text_document_as_binary_content_input');
    const response = await model.request(
      [
        {
          kind: 'request',
          parts: [
            userPrompt([
              { kind: 'text', text: 'What does this text file say?' },
              {
                kind: 'document',
                data: new TextEncoder().encode('Dummy TXT file\n'),
                mediaType: 'text/plain',
              },
            ]),
          ],
        },
      ],
      MAX_4096,
    );
    expect(sent(0)).toEqual(recordedRequest(0));
    expect(response.parts).toEqual([{ partKind: 'text', content: 'The text file says "Dummy TXT file".' }]);
  });
});

const ENTITY_TOOL = {
  name: 'retrieve_entity_info',
  description: 'Get the knowledge about the given entity.',
  parametersJsonSchema: {
    additionalProperties: false,
    properties: { name: { type: 'string' } },
    required: ['name'],
    type: 'object',
  },
};
const COUNTRY_TOOL = {
  name: 'get_user_country',
  parametersJsonSchema: { additionalProperties: false, properties: {}, type: 'object' },
};

describe('tool calls', () => {
  test('four parallel tool calls, then their results (multiple_parallel_tool_calls)', async () => {
    const { model, sent, recordedRequest, recordedResponse } = await replay(
      'test_multiple_parallel_tool_calls',
    );
    const params: ModelRequestParameters = {
      functionTools: [ENTITY_TOOL],
      outputTools: [],
      allowTextOutput: true,
    };
    const history: ModelMessage[] = [
      {
        kind: 'request',
        parts: [
          systemPrompt(recordedRequest(0).system),
          userPrompt('Alice, Bob, Charlie and Daisy are a family. Who is the youngest?'),
        ],
      },
    ];
    const first = await model.request(history, MAX_4096, params);
    expect(sent(0)).toEqual(recordedRequest(0));
    const ids = [
      'toolu_0167cfEnoQaPviGdVXA95zcu',
      'toolu_01EEe2V5HD1Ac4rKiUR4HD2T',
      'toolu_01XFyAjstT3966qvRynZyVPo',
      'toolu_013mnQZbgtK2oe3Mo3XKJsx3',
    ];
    const names = ['Alice', 'Bob', 'Charlie', 'Daisy'];
    expectResponse(first, {
      parts: [
        { partKind: 'text', content: recordedResponse(0).content[0].text },
        ...names.map((name, i) => ({
          partKind: 'tool-call' as const,
          toolName: 'retrieve_entity_info',
          args: { name },
          toolCallId: ids[i]!,
        })),
      ],
      usage: usage(423, 202),
      modelName: 'claude-haiku-4-5-20251001',
      providerName: 'anthropic',
      finishReason: 'tool_call',
      rawFinishReason: 'tool_use',
      providerResponseId: 'msg_011S3wxtqL5CVescWqS3zeg2',
    });

    const results = [
      "alice is bob's wife",
      "bob is alice's husband",
      "charlie is alice's son",
      "daisy is bob's daughter and charlie's younger sister",
    ];
    history.push(first, {
      kind: 'request',
      parts: results.map((content, i) => ({
        partKind: 'tool-return' as const,
        toolName: 'retrieve_entity_info',
        toolCallId: ids[i]!,
        content,
      })),
    });
    const second = await model.request(history, MAX_4096, params);
    expect(sent(1)).toEqual(recordedRequest(1));
    expect(second.parts).toEqual([{ partKind: 'text', content: recordedResponse(1).content[0].text }]);
    expect(second.finishReason).toBe('stop');
    expect(second.usage).toEqual(usage(771, 77));
  });

  test('an output tool forces tool use when text is not allowed (tool_output)', async () => {
    const { model, sent, recordedRequest } = await replay('test_anthropic_tool_output');
    const params: ModelRequestParameters = {
      functionTools: [COUNTRY_TOOL],
      outputTools: [
        {
          name: 'final_result',
          description: 'The final response which ends this conversation',
          parametersJsonSchema: {
            properties: { city: { type: 'string' }, country: { type: 'string' } },
            required: ['city', 'country'],
            title: 'CityLocation',
            type: 'object',
          },
        },
      ],
      allowTextOutput: false,
    };
    const history: ModelMessage[] = [
      { kind: 'request', parts: [userPrompt('What is the largest city in the user country?')] },
    ];
    const first = await model.request(history, MAX_4096, params);
    expect(sent(0)).toEqual(recordedRequest(0));
    expect(sent(0).tool_choice).toEqual({ type: 'any' });
    expect(first.parts).toEqual([
      {
        partKind: 'tool-call',
        toolName: 'get_user_country',
        args: {},
        toolCallId: 'toolu_01X9wcHKKAZD9tBC711xipPa',
      },
    ]);
    history.push(first, {
      kind: 'request',
      parts: [
        {
          partKind: 'tool-return',
          toolName: 'get_user_country',
          toolCallId: 'toolu_01X9wcHKKAZD9tBC711xipPa',
          content: 'Mexico',
        },
      ],
    });
    const second = await model.request(history, MAX_4096, params);
    expect(sent(1)).toEqual(recordedRequest(1));
    expectResponse(second, {
      parts: [
        {
          partKind: 'tool-call',
          toolName: 'final_result',
          args: { city: 'Mexico City', country: 'Mexico' },
          toolCallId: 'toolu_01LZABsgreMefH2Go8D5PQbW',
        },
      ],
      usage: usage(497, 56),
      modelName: 'claude-sonnet-4-5-20250929',
      providerName: 'anthropic',
      finishReason: 'tool_call',
      rawFinishReason: 'tool_use',
      providerResponseId: 'msg_01K4Fzcf1bhiyLzHpwLdrefj',
    });
  });

  test('text before a tool call, then a text answer (text_output_function)', async () => {
    const { model, sent, recordedRequest, recordedResponse } = await replay(
      'test_anthropic_text_output_function',
    );
    const params: ModelRequestParameters = {
      functionTools: [COUNTRY_TOOL],
      outputTools: [],
      allowTextOutput: true,
    };
    const history: ModelMessage[] = [
      { kind: 'request', parts: [userPrompt(recordedRequest(0).messages[0].content[0].text)] },
    ];
    const first = await model.request(history, MAX_4096, params);
    expect(sent(0)).toEqual(recordedRequest(0));
    expect(first.parts).toEqual([
      { partKind: 'text', content: recordedResponse(0).content[0].text },
      {
        partKind: 'tool-call',
        toolName: 'get_user_country',
        args: {},
        toolCallId: 'toolu_01JJ8TequDsrEU2pv1QFRWAK',
      },
    ]);
    history.push(first, {
      kind: 'request',
      parts: [
        {
          partKind: 'tool-return',
          toolName: 'get_user_country',
          toolCallId: 'toolu_01JJ8TequDsrEU2pv1QFRWAK',
          content: 'Mexico',
        },
      ],
    });
    const second = await model.request(history, MAX_4096, params);
    expect(sent(1)).toEqual(recordedRequest(1));
    expect(second.parts).toEqual([{ partKind: 'text', content: recordedResponse(1).content[0].text }]);
    expect(second.usage).toEqual(usage(460, 91));
  });
});

describe('thinking', () => {
  test('a thinking block with its signature goes back unchanged (model_thinking_part)', async () => {
    const { model, sent, recordedRequest, recordedResponse } = await replay(
      'test_anthropic_model_thinking_part',
    );
    const settings: ModelSettings = { maxTokens: 4096, thinking: 'minimal' };
    const history: ModelMessage[] = [{ kind: 'request', parts: [userPrompt('How do I cross the street?')] }];
    const first = await model.request(history, settings);
    expect(sent(0)).toEqual(recordedRequest(0));
    const [thinking, text] = recordedResponse(0).content;
    expectResponse(first, {
      parts: [
        {
          partKind: 'thinking',
          content: thinking.thinking,
          signature: thinking.signature,
          providerName: 'anthropic',
        },
        { partKind: 'text', content: text.text },
      ],
      usage: usage(43, 321),
      modelName: 'claude-sonnet-4-5-20250929',
      providerName: 'anthropic',
      finishReason: 'stop',
      rawFinishReason: 'end_turn',
      providerResponseId: 'msg_01TGA8SWcHTTn5674cmicbnJ',
    });
    expect(thinking.thinking.startsWith('This is a straightforward question about')).toBe(true);

    history.push(first, {
      kind: 'request',
      parts: [userPrompt('Considering the way to cross the street, analogously, how do I cross the river?')],
    });
    const second = await model.request(history, settings);
    expect(sent(1)).toEqual(recordedRequest(1));
    expect(second.parts.map((part) => part.partKind)).toEqual(['thinking', 'text']);
    expect(second.usage).toEqual(usage(354, 525));
  });

  test('redacted thinking keeps its data and goes back as redacted_thinking (model_thinking_part_redacted)', async () => {
    const { model, sent, recordedRequest, recordedResponse } = await replay(
      'test_anthropic_model_thinking_part_redacted',
    );
    const settings: ModelSettings = { maxTokens: 4096, thinking: 'minimal' };
    const history: ModelMessage[] = [
      { kind: 'request', parts: [userPrompt(recordedRequest(0).messages[0].content[0].text)] },
    ];
    const first = await model.request(history, settings);
    expect(sent(0)).toEqual(recordedRequest(0));
    const [redacted, text] = recordedResponse(0).content;
    expect(first.parts).toEqual([
      {
        partKind: 'thinking',
        content: '',
        signature: redacted.data,
        providerName: 'anthropic',
        redacted: true,
      },
      { partKind: 'text', content: text.text },
    ]);
    history.push(first, { kind: 'request', parts: [userPrompt('What was that?')] });
    const second = await model.request(history, settings);
    expect(sent(1)).toEqual(recordedRequest(1));
    expect(sent(1).messages[1].content[0]).toEqual({ type: 'redacted_thinking', data: redacted.data });
    expect(second.providerResponseId).toBe('msg_012oSSVsQdwoGH6b2fryM4fF');
  });

  test('thinking, text and a tool call, with a custom budget via extraBody (tool_with_thinking)', async () => {
    const { model, sent, recordedRequest, recordedResponse } = await replay(
      'test_anthropic_tool_with_thinking',
    );
    const settings: ModelSettings = {
      maxTokens: 4096,
      extraBody: { thinking: { budget_tokens: 3000, type: 'enabled' } },
    };
    const params: ModelRequestParameters = {
      functionTools: [COUNTRY_TOOL],
      outputTools: [],
      allowTextOutput: true,
    };
    const history: ModelMessage[] = [
      { kind: 'request', parts: [userPrompt('What is the largest city in the user country?')] },
    ];
    const first = await model.request(history, settings, params);
    expect(sent(0)).toEqual(recordedRequest(0));
    const [thinking, text] = recordedResponse(0).content;
    expect(first.parts).toEqual([
      {
        partKind: 'thinking',
        content: thinking.thinking,
        signature: thinking.signature,
        providerName: 'anthropic',
      },
      { partKind: 'text', content: text.text },
      {
        partKind: 'tool-call',
        toolName: 'get_user_country',
        args: {},
        toolCallId: 'toolu_01YGzqpRE16Vricda3Aqcejo',
      },
    ]);
    expect(first.usage).toEqual(usage(398, 155));
    history.push(first, {
      kind: 'request',
      parts: [
        {
          partKind: 'tool-return',
          toolName: 'get_user_country',
          toolCallId: 'toolu_01YGzqpRE16Vricda3Aqcejo',
          content: 'Mexico',
        },
      ],
    });
    const second = await model.request(history, settings, params);
    expect(sent(1)).toEqual(recordedRequest(1));
    expect(second.finishReason).toBe('stop');
  });

  test("another provider's thinking goes as <thinking> text (model_thinking_part_from_other_model)", async () => {
    const { model, sent, recordedRequest } = await replay(
      'test_anthropic_model_thinking_part_from_other_model',
      1,
    );
    const assistantBlocks = recordedRequest(0).messages[1].content as Array<{ text: string }>;
    const openaiAnswer: ModelResponse = {
      kind: 'response',
      parts: assistantBlocks.map((block, i) =>
        block.text.startsWith('<thinking>\n')
          ? {
              partKind: 'thinking' as const,
              content: block.text.slice('<thinking>\n'.length, -'\n</thinking>'.length),
              signature: `rs_openai_encrypted_${i}`,
              providerName: 'openai',
            }
          : { partKind: 'text' as const, content: block.text },
      ),
      usage: usage(23, 2211),
      modelName: 'gpt-5-2025-08-07',
      providerName: 'openai',
      timestamp: new Date(),
    };
    expect(openaiAnswer.parts.filter((part) => part.partKind === 'thinking')).toHaveLength(6);
    const response = await model.request(
      [
        {
          kind: 'request',
          parts: [systemPrompt('You are a helpful assistant.'), userPrompt('How do I cross the street?')],
        },
        openaiAnswer,
        {
          kind: 'request',
          parts: [
            userPrompt('Considering the way to cross the street, analogously, how do I cross the river?'),
          ],
        },
      ],
      { maxTokens: 4096, thinking: 'minimal' },
    );
    expect(sent(0)).toEqual(recordedRequest(0));
    expect(JSON.stringify(sent(0))).not.toContain('rs_openai_encrypted');
    expect(response.modelName).toBe('claude-sonnet-4-20250514');
    expect(response.usage).toEqual(usage(1343, 538));
  });

  test('text, thinking, text in one answer keeps its order (opus_46_features[adaptive-thinking])', async () => {
    const { model, sent, recordedRequest, recordedResponse } = await replay(
      'test_anthropic_opus_46_features[adaptive-thinking]',
    );
    const response = await model.request([{ kind: 'request', parts: [userPrompt('What is 2+2?')] }], {
      maxTokens: 4096,
      extraBody: { thinking: { type: 'adaptive' } },
    });
    expect(sent(0)).toEqual(recordedRequest(0));
    const blocks = recordedResponse(0).content;
    expect(response.parts).toEqual([
      { partKind: 'text', content: blocks[0].text },
      { partKind: 'thinking', content: '4', signature: blocks[1].signature, providerName: 'anthropic' },
      { partKind: 'text', content: '2 + 2 = **4**' },
    ]);
    expect(response.usage).toEqual(usage(31, 30));
  });
});

/** The text the recorded SSE body streamed for one kind of delta, joined: the oracle for `get()`. */
function recordedDeltas(sse: string, field: 'text' | 'thinking'): string {
  let joined = '';
  for (const line of sse.split('\n')) {
    if (!line.startsWith('data: ')) continue;
    const frame = JSON.parse(line.slice(6)) as Json;
    if (frame.type === 'content_block_delta' && typeof frame.delta[field] === 'string')
      joined += frame.delta[field];
  }
  return joined;
}

describe('streams', () => {
  test('thinking then text, with thinking_delta and signature_delta (model_thinking_part_stream)', async () => {
    const { model, sent, recordedRequest, interactions } = await replay(
      'test_anthropic_model_thinking_part_stream',
    );
    const stream = await model.requestStream(
      [{ kind: 'request', parts: [userPrompt('How do I cross the street?')] }],
      {
        maxTokens: 4096,
        thinking: 'minimal',
      },
    );
    const events = await collect(stream);
    expect(sent(0)).toEqual(recordedRequest(0));
    expect(streamShape(events)).toEqual([
      'part-start:0',
      'part-delta:0 x14',
      'part-end:0',
      'part-start:1',
      'part-delta:1 x94',
      'part-end:1',
    ]);
    expect(events[0]).toEqual({
      kind: 'part-start',
      index: 0,
      part: { partKind: 'thinking', content: '', providerName: 'anthropic' },
    });
    expect(events[1]).toEqual({
      kind: 'part-delta',
      index: 0,
      delta: { partKind: 'thinking', contentDelta: 'This' },
    });
    const sse = interactions[0]!.response.body as string;
    const signature = /"signature":"(E[^"]+)"/.exec(sse)![1]!;
    expect(events[14]).toEqual({
      kind: 'part-delta',
      index: 0,
      delta: { partKind: 'thinking', signatureDelta: signature },
    });
    expectResponse(stream.get(), {
      parts: [
        {
          partKind: 'thinking',
          content:
            'This is a straightforward question about pedestrian safety. I should provide clear, helpful advice about how to safely cross a street. This is basic safety information that could help prevent accidents.',
          signature,
          providerName: 'anthropic',
        },
        { partKind: 'text', content: recordedDeltas(sse, 'text') },
      ],
      usage: usage(43, 282),
      modelName: 'claude-sonnet-4-20250514',
      providerName: 'anthropic',
      finishReason: 'stop',
      rawFinishReason: 'end_turn',
      providerResponseId: 'msg_01ALwQ87pTS7hH1PjSdC9wJD',
    });
    expect(stream.get().parts[1]).toMatchObject({
      content: expect.stringMatching(/^Here are the basic steps for safely/),
    });
    expect(stream.modelName).toBe('claude-sonnet-4-20250514');
  });

  test('redacted thinking blocks arrive whole in content_block_start (model_thinking_part_redacted_stream)', async () => {
    const { model, sent, recordedRequest, interactions } = await replay(
      'test_anthropic_model_thinking_part_redacted_stream',
    );
    const stream = await model.requestStream(
      [{ kind: 'request', parts: [userPrompt(recordedRequest(0).messages[0].content[0].text)] }],
      { maxTokens: 4096, thinking: 'minimal' },
    );
    const events = await collect(stream);
    expect(sent(0)).toEqual(recordedRequest(0));
    expect(streamShape(events)).toEqual([
      'part-start:0',
      'part-end:0',
      'part-start:1',
      'part-end:1',
      'part-start:2',
      'part-delta:2 x14',
      'part-end:2',
    ]);
    const sse = interactions[0]!.response.body as string;
    const data = [...sse.matchAll(/"redacted_thinking","data":"([^"]+)"/g)].map((match) => match[1]);
    expect(data).toHaveLength(2);
    expect(events[0]).toEqual({
      kind: 'part-start',
      index: 0,
      part: {
        partKind: 'thinking',
        content: '',
        signature: data[0],
        providerName: 'anthropic',
        redacted: true,
      },
    });
    const response = stream.get();
    expect(response.parts).toEqual([
      { partKind: 'thinking', content: '', signature: data[0], providerName: 'anthropic', redacted: true },
      { partKind: 'thinking', content: '', signature: data[1], providerName: 'anthropic', redacted: true },
      { partKind: 'text', content: recordedDeltas(sse, 'text') },
    ]);
    expect(response.usage).toEqual(usage(92, 189));
    expect(response.finishReason).toBe('stop');
    expect(response.providerResponseId).toBe('msg_018XZkwvj9asBiffg3fXt88s');
  });

  test('a short text stream with a high max_tokens (request_stream_fallback_for_high_max_tokens)', async () => {
    const { model, sent, recordedRequest } = await replay('test_request_stream_fallback_for_high_max_tokens');
    const stream = await model.requestStream(
      [{ kind: 'request', parts: [userPrompt('What is 1+1? Answer with just the number.')] }],
      { maxTokens: 32000 },
    );
    const events = await collect(stream);
    expect(sent(0)).toEqual(recordedRequest(0));
    expect(events).toEqual([
      { kind: 'part-start', index: 0, part: { partKind: 'text', content: '2' } },
      { kind: 'part-end', index: 0, part: { partKind: 'text', content: '2' } },
    ]);
    expectResponse(stream.get(), {
      parts: [{ partKind: 'text', content: '2' }],
      usage: usage(20, 5),
      modelName: 'claude-sonnet-4-5-20250929',
      providerName: 'anthropic',
      finishReason: 'stop',
      rawFinishReason: 'end_turn',
      providerResponseId: 'msg_018E1hg8GoVTGEKQY3ovMcSJ',
    });
  });
});

describe('recorded errors', () => {
  test('a 400 invalid_request_error is a ModelHTTPError of kind bad_request (explicit_effort_xhigh_unsupported)', async () => {
    const { model, sent, recordedRequest } = await replay(
      'test_anthropic_explicit_effort_xhigh_unsupported_model_errors',
    );
    const error = await model
      .request([{ kind: 'request', parts: [userPrompt('What is 2+2?')] }], {
        maxTokens: 4096,
        extraBody: { output_config: { effort: 'xhigh' } },
      })
      .catch((e: unknown) => e);
    expect(sent(0)).toEqual(recordedRequest(0));
    expect(error).toBeInstanceOf(ModelHTTPError);
    const httpError = error as ModelHTTPError;
    expect(httpError.statusCode).toBe(400);
    expect(httpError.kind).toBe('bad_request');
    expect(httpError.modelName).toBe('claude-opus-4-6');
    expect(httpError.body).toEqual({
      error: {
        message:
          "This model does not support effort level 'xhigh'. Supported levels: high, low, max, medium.",
        type: 'invalid_request_error',
      },
      request_id: 'req_011Ca7jT9AHpgXgdv8igm4z9',
      type: 'error',
    });
  });
});
