/**
 * Replays real Chat Completions traffic (pydantic-ai's recorded cassettes) through the adapter: the
 * conversation each cassette recorded is rebuilt as ModelMessage[], the body we send is compared with the
 * body the real client sent, and the parsed answer is asserted field by field.
 */
import { describe, expect, test } from 'vitest';
import { OpenAIChatModel } from '../../../src/adapters/openai-chat/model.ts';
import { ModelHTTPError, UnexpectedModelBehavior } from '../../../src/core/errors/index.ts';
import type {
  ModelMessage,
  ModelResponse,
  ModelResponseStreamEvent,
  ToolCallPart,
} from '../../../src/core/messages.ts';
import { userPrompt } from '../../../src/core/messages.ts';
import type { ModelRequestParameters, ToolDefinition } from '../../../src/core/model.ts';
import type { Provider } from '../../../src/transport/provider.ts';
import {
  type CassetteServer,
  loadCassette,
  type RecordedInteraction,
  useCassetteServers,
} from '../../support/cassette-server.ts';
import { localProvider } from '../../support/local-provider.ts';

const serve = useCassetteServers();

async function replay(
  name: string,
  from = 0,
): Promise<{ server: CassetteServer; recorded: RecordedInteraction[] }> {
  const recorded = loadCassette('test_openai', name).slice(from);
  return { server: await serve(recorded), recorded };
}

function providerAt(base: string, name = 'openai'): Provider {
  return localProvider(base, {
    name,
    protocol: 'openai-chat',
    headers: { authorization: 'Bearer test-key' },
  });
}

function model(
  modelName: string,
  srv: CassetteServer,
  providerName = 'openai',
  prefix = '/v1',
): OpenAIChatModel {
  return new OpenAIChatModel(modelName, { provider: providerAt(`${srv.url}${prefix}`, providerName) });
}

/** The body the real client sent, minus fields pydantic-ai adds that we deliberately do not (`n: 1`). */
function recordedBody(interaction: RecordedInteraction): Record<string, unknown> {
  const body = structuredClone(interaction.request.body) as Record<string, unknown>;
  delete body.n;
  return body;
}

/** Older recordings omit `content` on a tool-calls-only assistant message; we send `content: null` (also valid). */
function withNullAssistantContent(body: Record<string, unknown>): Record<string, unknown> {
  for (const message of body.messages as Array<Record<string, unknown>>) {
    if (message.role === 'assistant' && !('content' in message)) message.content = null;
  }
  return body;
}

function response(fields: Omit<ModelResponse, 'kind' | 'timestamp'>): ModelResponse {
  return { kind: 'response', timestamp: expect.any(Date) as unknown as Date, ...fields };
}

function usage(input: number, output: number, details: Record<string, number> = {}) {
  return { inputTokens: input, outputTokens: output, cacheReadTokens: 0, cacheWriteTokens: 0, details };
}

function recordedText(interaction: RecordedInteraction): string {
  return (
    JSON.parse(interaction.response.body as string) as { choices: Array<{ message: { content: string } }> }
  ).choices[0]!.message.content;
}

const ask = (text: string): ModelMessage[] => [{ kind: 'request', parts: [userPrompt(text)] }];

describe('plain text answers', () => {
  test('gpt-4o: text, usage, finish reason, response id and served model name', async () => {
    const { server: srv, recorded } = await replay('test_valid_response');
    const result = await model('gpt-4o', srv).request(ask('What is the capital of France?'));
    expect(srv.received[0]!.path).toBe('/v1/chat/completions');
    expect(srv.received[0]!.headers.authorization).toBe('Bearer test-key');
    expect(srv.received[0]!.body).toEqual(recordedBody(recorded[0]!));
    expect(result).toEqual(
      response({
        parts: [{ partKind: 'text', content: 'The capital of France is Paris.' }],
        usage: usage(14, 7),
        modelName: 'gpt-4o-2024-08-06',
        providerName: 'openai',
        finishReason: 'stop',
        rawFinishReason: 'stop',
        providerResponseId: 'chatcmpl-Bu8vBIrB8kIWKRyTcpEEPncjhHtMU',
      }),
    );
  });

  test('a system prompt goes first as role system', async () => {
    const { server: srv, recorded } = await replay('test_openai_instructions');
    const result = await model('gpt-4o', srv).request([
      {
        kind: 'request',
        parts: [
          { partKind: 'system-prompt', content: 'You are a helpful assistant.' },
          userPrompt('What is the capital of France?'),
        ],
      },
    ]);
    expect(srv.received[0]!.body).toEqual(recordedBody(recorded[0]!));
    expect(result.parts).toEqual([{ partKind: 'text', content: 'The capital of France is Paris.' }]);
    expect(result.usage).toEqual(usage(24, 8));
  });

  test('a history may start with a model response', async () => {
    const { server: srv, recorded } = await replay('test_message_history_can_start_with_model_response');
    const history: ModelMessage[] = [
      response({
        parts: [{ partKind: 'text', content: 'Where do you want to go today?' }],
        usage: usage(0, 0),
        modelName: 'x',
        providerName: 'openai',
      }),
      { kind: 'request', parts: [userPrompt('Answer in 5 words only. Who is Tux?')] },
    ];
    const result = await model('gpt-4.1-mini', srv).request(history);
    expect(srv.received[0]!.body).toEqual(recordedBody(recorded[0]!));
    expect(result.parts).toEqual([{ partKind: 'text', content: 'Linux mascot, a penguin character.' }]);
    expect(result.modelName).toBe('gpt-4.1-mini-2025-04-14');
  });

  test('Cerebras (OpenAI-compatible): served model name differs from the asked one', async () => {
    const { server: srv, recorded } = await replay('test_openai_model_cerebras_provider');
    const result = await model('llama3.3-70b', srv, 'cerebras').request(
      ask('What is the capital of France?'),
    );
    expect(srv.received[0]!.body).toEqual(recordedBody(recorded[0]!));
    expect(result).toEqual(
      response({
        parts: [{ partKind: 'text', content: 'The capital of France is Paris.' }],
        usage: usage(42, 8),
        modelName: 'llama-3.3-70b',
        providerName: 'cerebras',
        finishReason: 'stop',
        rawFinishReason: 'stop',
        providerResponseId: 'chatcmpl-175bff47-ce89-4fad-bead-62a14f787c49',
      }),
    );
  });

  test('maxTokens is sent as max_completion_tokens to OpenAI; reasoning tokens land in details', async () => {
    const { server: srv, recorded } = await replay('test_max_completion_tokens[o3-mini]');
    const result = await model('o3-mini', srv).request(ask('hello'), { maxTokens: 100 });
    expect(srv.received[0]!.body).toEqual(recordedBody(recorded[0]!));
    expect(result.usage).toEqual(usage(7, 87, { reasoning_tokens: 64 }));
    expect(result.parts).toEqual([{ partKind: 'text', content: 'Hello there! How can I help you today?' }]);
  });

  test('extraHeaders reach the upstream', async () => {
    const { server: srv, recorded } = await replay('test_extra_headers');
    const m = new OpenAIChatModel('gpt-4o', {
      provider: providerAt(`${srv.url}/v1`),
      settings: { extraHeaders: { 'xProxy-Limit-IDs': 'monthly_budget' } },
    });
    const result = await m.request(ask('hello'));
    expect(srv.received[0]!.headers['xproxy-limit-ids']).toBe('monthly_budget');
    expect(srv.received[0]!.body).toEqual(recordedBody(recorded[0]!));
    expect(result.parts).toEqual([{ partKind: 'text', content: 'Hello! How can I assist you today?' }]);
  });

  test('extraBody (moderation) is merged into the body; the answer parses', async () => {
    const { server: srv, recorded } = await replay('test_openai_moderation');
    const result = await model('gpt-5', srv).request(ask('What is the capital of France?'), {
      extraBody: { moderation: { model: 'omni-moderation-latest' } },
    });
    expect(srv.received[0]!.body).toEqual(recordedBody(recorded[0]!));
    expect(result).toEqual(
      response({
        parts: [{ partKind: 'text', content: 'Paris.' }],
        usage: usage(13, 11),
        modelName: 'gpt-5-2025-08-07',
        providerName: 'openai',
        finishReason: 'stop',
        rawFinishReason: 'stop',
        providerResponseId: 'chatcmpl-E4Rjq0z4lSeAzdbyin5pCFXEyhSW9',
      }),
    );
  });

  test('a flagged prompt still answers; reasoning tokens are counted', async () => {
    const { server: srv, recorded } = await replay('test_openai_moderation_flagged');
    const result = await model('gpt-5', srv).request(ask('I want to kill them.'), {
      extraBody: { moderation: { model: 'omni-moderation-latest' } },
    });
    expect(srv.received[0]!.body).toEqual(recordedBody(recorded[0]!));
    expect(result.parts).toEqual([{ partKind: 'text', content: recordedText(recorded[0]!) }]);
    expect(
      (result.parts[0] as { content: string }).content.startsWith("I'm really sorry you're feeling"),
    ).toBe(true);
    expect(result.usage).toEqual(usage(12, 1888, { reasoning_tokens: 1600 }));
    expect(result.providerResponseId).toBe('chatcmpl-E4VQ6XcCyuVqUxQQH9n9C5QyjWEte');
  });

  test('a PDF given as bytes is sent as a file part with a base64 data URL', async () => {
    const { server: srv, recorded } = await replay('test_document_as_binary_content_input');
    const sent = recordedBody(recorded[0]!) as {
      messages: Array<{ content: Array<{ file?: { file_data: string } }> }>;
    };
    const pdf = Buffer.from(sent.messages[0]!.content[1]!.file!.file_data.split(',')[1]!, 'base64');
    const result = await model('gpt-4o', srv).request([
      {
        kind: 'request',
        parts: [
          userPrompt([
            { kind: 'text', text: 'What is the main content on this document?' },
            {
              kind: 'document',
              data: new Uint8Array(pdf),
              mediaType: 'application/pdf',
              name: 'filename.pdf',
            },
          ]),
        ],
      },
    ]);
    expect(srv.received[0]!.body).toEqual(sent);
    expect(result.parts).toEqual([
      { partKind: 'text', content: 'The main content of the document is "Dummy PDF file."' },
    ]);
  });
});

describe('thinking', () => {
  test('Cerebras gpt-oss `reasoning` becomes a ThinkingPart before the text', async () => {
    const { server: srv, recorded } = await replay('test_openai_model_cerebras_provider_harmony');
    const result = await model('gpt-oss-120b', srv, 'cerebras').request(
      ask('What is the capital of France?'),
    );
    expect(srv.received[0]!.body).toEqual(recordedBody(recorded[0]!));
    expect(result).toEqual(
      response({
        parts: [
          {
            partKind: 'thinking',
            content: 'User asks simple question: capital of France. Answer: Paris. Provide concise answer.',
            providerName: 'cerebras',
          },
          { partKind: 'text', content: 'The capital of France is **Paris**.' },
        ],
        usage: usage(74, 36),
        modelName: 'gpt-oss-120b',
        providerName: 'cerebras',
        finishReason: 'stop',
        rawFinishReason: 'stop',
        providerResponseId: 'chatcmpl-bc3bbd04-e8df-4ab6-bd82-9fb33726cb93',
      }),
    );
  });

  test('thinking: high is sent as reasoning_effort; earlier thinking is not sent back', async () => {
    const { server: srv, recorded } = await replay('test_openai_model_thinking_part', 1);
    const answer = "I'm happy to help. When crossing the street";
    const sent = recordedBody(recorded[0]!) as { messages: Array<{ content: string }> };
    const firstAnswer = sent.messages[1]!.content.slice(sent.messages[1]!.content.indexOf(answer));
    const history: ModelMessage[] = [
      ...ask('How do I cross the street?'),
      response({
        parts: [
          {
            partKind: 'thinking',
            content: '**Emphasizing pedestrian safety**',
            signature: 'gAAAAABowfof',
            providerName: 'openai',
          },
          { partKind: 'text', content: firstAnswer },
        ],
        usage: usage(13, 1915),
        modelName: 'o3-mini-2025-01-31',
        providerName: 'openai',
      }),
      ...ask('Considering the way to cross the street, analogously, how do I cross the river?'),
    ];
    const result = await model('o3-mini', srv).request(history, { thinking: 'high' });
    // pydantic-ai sent its thinking back wrapped in <think> tags; we send only the answer text.
    sent.messages[1]!.content = firstAnswer;
    expect(srv.received[0]!.body).toEqual(sent);
    expect(result.usage).toEqual(usage(577, 2320, { reasoning_tokens: 1792 }));
    expect(result.parts).toEqual([{ partKind: 'text', content: recordedText(recorded[0]!) }]);
  });
});

const getCapital: ToolDefinition = {
  name: 'get_capital',
  description: '',
  parametersJsonSchema: {
    additionalProperties: false,
    properties: { country: { type: 'string' } },
    required: ['country'],
    type: 'object',
  },
  strict: true,
};

describe('tool calls', () => {
  test('function tools and an output tool with allowTextOutput false → tool_choice required', async () => {
    const { server: srv, recorded } = await replay('test_openai_tool_output');
    const params: ModelRequestParameters = {
      functionTools: [
        {
          name: 'get_user_country',
          description: '',
          parametersJsonSchema: { additionalProperties: false, properties: {}, type: 'object' },
        },
      ],
      outputTools: [
        {
          name: 'final_result',
          description: 'The final response which ends this conversation',
          parametersJsonSchema: {
            properties: { city: { type: 'string' }, country: { type: 'string' } },
            required: ['city', 'country'],
            type: 'object',
          },
        },
      ],
      allowTextOutput: false,
    };
    const m = model('gpt-4o', srv);
    const messages = ask('What is the largest city in the user country?');
    const first = await m.request(messages, undefined, params);
    expect(srv.received[0]!.body).toEqual(recordedBody(recorded[0]!));
    expect(first).toEqual(
      response({
        parts: [
          {
            partKind: 'tool-call',
            toolName: 'get_user_country',
            args: '{}',
            toolCallId: 'call_iXFttys57ap0o16JSlC8yhYo',
          },
        ],
        usage: usage(68, 12),
        modelName: 'gpt-4o-2024-08-06',
        providerName: 'openai',
        finishReason: 'tool_call',
        rawFinishReason: 'tool_calls',
        providerResponseId: 'chatcmpl-BSXk0dWkG4hfPt0lph4oFO35iT73I',
      }),
    );
    const second = await m.request(
      [
        ...messages,
        first,
        {
          kind: 'request',
          parts: [
            {
              partKind: 'tool-return',
              toolName: 'get_user_country',
              toolCallId: 'call_iXFttys57ap0o16JSlC8yhYo',
              content: 'Mexico',
            },
          ],
        },
      ],
      undefined,
      params,
    );
    expect(srv.received[1]!.body).toEqual(withNullAssistantContent(recordedBody(recorded[1]!)));
    expect(second.parts).toEqual([
      {
        partKind: 'tool-call',
        toolName: 'final_result',
        args: '{"city": "Mexico City", "country": "Mexico"}',
        toolCallId: 'call_gmD2oUZUzSoCkmNmp3JPUF7R',
      },
    ]);
    expect(second.usage).toEqual(usage(89, 36));
  });

  test('a history written by Gemini (object args, pyd_ai id) continues on OpenAI', async () => {
    const { server: srv, recorded } = await replay('test_multiple_agent_tool_calls', 2);
    const tool: ToolDefinition = {
      name: 'get_capital',
      description: 'Get the capital of a country.',
      parametersJsonSchema: {
        additionalProperties: false,
        properties: { country: { description: 'The country name.', type: 'string' } },
        required: ['country'],
        type: 'object',
      },
    };
    const params = { functionTools: [tool], outputTools: [], allowTextOutput: true };
    const geminiCall: ToolCallPart = {
      partKind: 'tool-call',
      toolName: 'get_capital',
      args: { country: 'France' },
      toolCallId: 'pyd_ai_504f8147f83f44f3a5f14d87bfd01bda',
    };
    const history: ModelMessage[] = [
      ...ask('What is the capital of France?'),
      response({
        parts: [geminiCall],
        usage: usage(23, 5),
        modelName: 'gemini-2.0-flash-exp',
        providerName: 'google-gla',
      }),
      {
        kind: 'request',
        parts: [
          {
            partKind: 'tool-return',
            toolName: 'get_capital',
            toolCallId: geminiCall.toolCallId,
            content: 'Paris',
          },
        ],
      },
      response({
        parts: [{ partKind: 'text', content: 'The capital of France is Paris.\n' }],
        usage: usage(35, 8),
        modelName: 'gemini-2.0-flash-exp',
        providerName: 'google-gla',
      }),
      ...ask('What is the capital of England?'),
    ];
    const m = model('gpt-4o-mini', srv);
    const first = await m.request(history, undefined, params);
    expect(srv.received[0]!.body).toEqual(withNullAssistantContent(recordedBody(recorded[0]!)));
    expect(first.parts).toEqual([
      {
        partKind: 'tool-call',
        toolName: 'get_capital',
        args: '{"country":"England"}',
        toolCallId: 'call_SkEQ3ZGSJC8m6AvaIGNuuKdm',
      },
    ]);
    const second = await m.request(
      [
        ...history,
        first,
        {
          kind: 'request',
          parts: [
            {
              partKind: 'tool-return',
              toolName: 'get_capital',
              toolCallId: 'call_SkEQ3ZGSJC8m6AvaIGNuuKdm',
              content: 'London',
            },
          ],
        },
      ],
      undefined,
      params,
    );
    expect(srv.received[1]!.body).toEqual(withNullAssistantContent(recordedBody(recorded[1]!)));
    expect(second.parts).toEqual([{ partKind: 'text', content: 'The capital of England is London.' }]);
    expect(second.usage).toEqual(usage(129, 9));
  });

  test("Gemini's OpenAI endpoint sends an empty tool call id: one is made up and its result names it", async () => {
    const recorded = loadCassette('test_openai', 'test_compatible_api_with_tool_calls_without_id');
    const srv = await serve(recorded);
    const m = model('gemini-2.5-pro-preview-05-06', srv, 'google-openai', '/v1beta/openai');
    const params = {
      functionTools: [
        {
          name: 'get_current_time',
          description: 'Get the current time.',
          parametersJsonSchema: { additionalProperties: false, properties: {}, type: 'object' },
        },
      ],
      outputTools: [],
      allowTextOutput: true,
    };
    const first = await m.request(ask('What is the current time?'), undefined, params);
    expect(srv.received[0]!.path).toBe('/v1beta/openai/chat/completions');
    expect(srv.received[0]!.body).toEqual(recordedBody(recorded[0]!));
    const call = first.parts[0] as ToolCallPart;
    expect(call).toEqual({
      partKind: 'tool-call',
      toolName: 'get_current_time',
      args: '{}',
      toolCallId: expect.stringMatching(/^call_[0-9a-f]{24}$/),
    });
    expect(first.finishReason).toBe('tool_call');
    const second = await m.request(
      [
        ...ask('What is the current time?'),
        first,
        {
          kind: 'request',
          parts: [
            {
              partKind: 'tool-return',
              toolName: 'get_current_time',
              toolCallId: call.toolCallId,
              content: 'Noon',
            },
          ],
        },
      ],
      undefined,
      params,
    );
    const expected = recordedBody(recorded[1]!) as { messages: Array<Record<string, unknown>> };
    expected.messages[1] = {
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: call.toolCallId, type: 'function', function: { name: 'get_current_time', arguments: '{}' } },
      ],
    };
    expected.messages[2] = { role: 'tool', tool_call_id: call.toolCallId, content: 'Noon' };
    expect(srv.received[1]!.body).toEqual(expected);
    expect(second).toEqual(
      response({
        parts: [{ partKind: 'text', content: 'The current time is Noon.' }],
        usage: usage(66, 6),
        modelName: 'gemini-2.5-pro-preview-05-06',
        providerName: 'google-openai',
        finishReason: 'stop',
        rawFinishReason: 'stop',
        providerResponseId: '3iE-aNK3EIGJz7IPt_mYoAs',
      }),
    );
  });

  test('a retry prompt without a tool call id becomes user text; the retried answer is a tool call', async () => {
    const { server: srv, recorded } = await replay('test_openai_model_cerebras_provider_qwen_3_coder');
    const params: ModelRequestParameters = {
      functionTools: [],
      outputTools: [
        {
          name: 'final_result',
          description: 'The final response which ends this conversation',
          parametersJsonSchema: {
            properties: { city: { type: 'string' }, country: { type: 'string' } },
            required: ['city', 'country'],
            title: 'Location',
            type: 'object',
          },
        },
      ],
      allowTextOutput: true,
    };
    const m = model('qwen-3-coder-480b', srv, 'cerebras');
    const messages = ask('What is the capital of France?');
    const first = await m.request(messages, undefined, params);
    expect(srv.received[0]!.body).toEqual(recordedBody(recorded[0]!));
    const retry = 'Plain text responses are not permitted, please include your response in a tool call';
    const second = await m.request(
      [...messages, first, { kind: 'request', parts: [{ partKind: 'retry-prompt', content: retry }] }],
      undefined,
      params,
    );
    const expected = recordedBody(recorded[1]!) as { messages: Array<{ role: string; content: string }> };
    expected.messages[2] = { role: 'user', content: `${retry}\n\nCorrect your answer and try again.` };
    expect(srv.received[1]!.body).toEqual(expected);
    expect(second).toEqual(
      response({
        parts: [
          {
            partKind: 'tool-call',
            toolName: 'final_result',
            args: '{"city": "Paris", "country": "France"}',
            toolCallId: 'b8847f144',
          },
        ],
        usage: usage(364, 33),
        modelName: 'qwen-3-coder-480b',
        providerName: 'cerebras',
        finishReason: 'tool_call',
        rawFinishReason: 'tool_calls',
        providerResponseId: 'chatcmpl-6659125c-6d06-402c-be3b-4640aa64ffa2',
      }),
    );
  });
});

async function collect(stream: AsyncIterable<ModelResponseStreamEvent>): Promise<ModelResponseStreamEvent[]> {
  const events: ModelResponseStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

describe('streams', () => {
  test('text stream: events, usage from the last chunk, finish reason', async () => {
    const { server: srv, recorded } = await replay('test_openai_moderation_stream');
    const stream = await model('gpt-5', srv).requestStream(ask('What is the capital of France?'), {
      extraBody: { moderation: { model: 'omni-moderation-latest' } },
    });
    const events = await collect(stream);
    expect(srv.received[0]!.body).toEqual(recordedBody(recorded[0]!));
    expect(srv.received[0]!.headers.accept).toBe('text/event-stream');
    expect(events).toEqual([
      { kind: 'part-start', index: 0, part: { partKind: 'text', content: 'Paris' } },
      { kind: 'part-delta', index: 0, delta: { partKind: 'text', contentDelta: '.' } },
      { kind: 'part-end', index: 0, part: { partKind: 'text', content: 'Paris.' } },
    ]);
    expect(stream.get()).toEqual(
      response({
        parts: [{ partKind: 'text', content: 'Paris.' }],
        usage: usage(13, 11),
        modelName: 'gpt-5-2025-08-07',
        providerName: 'openai',
        finishReason: 'stop',
        rawFinishReason: 'stop',
        providerResponseId: 'chatcmpl-E4Rjs6IxaJVge9Ntk5keJsaeDy6vS',
      }),
    );
  });

  test('tool call stream, then the tool result and a streamed text answer', async () => {
    const { server: srv, recorded } = await replay('test_run_stream_sync_streams_real_model');
    const m = model('gpt-4o-mini', srv);
    const params = { functionTools: [getCapital], outputTools: [], allowTextOutput: true };
    const messages = ask('What is the capital of the UK? Use the tool, then answer.');
    const stream = await m.requestStream(messages, undefined, params);
    const events = await collect(stream);
    expect(srv.received[0]!.body).toEqual(recordedBody(recorded[0]!));
    const id = 'call_ZR5UUuTt3pf61kjwAJIYdVMj';
    const argsDelta = (d: string) => ({
      kind: 'part-delta',
      index: 0,
      delta: { partKind: 'tool-call', argsDelta: d },
    });
    expect(events).toEqual([
      {
        kind: 'part-start',
        index: 0,
        part: { partKind: 'tool-call', toolName: 'get_capital', args: '', toolCallId: id },
      },
      argsDelta('{"'),
      argsDelta('country'),
      argsDelta('":"'),
      argsDelta('UK'),
      argsDelta('"}'),
      {
        kind: 'part-end',
        index: 0,
        part: { partKind: 'tool-call', toolName: 'get_capital', args: '{"country":"UK"}', toolCallId: id },
      },
    ]);
    const first = stream.get();
    expect(first.finishReason).toBe('tool_call');
    expect(first.rawFinishReason).toBe('tool_calls');
    expect(first.usage).toEqual(usage(53, 15));
    expect(first.modelName).toBe('gpt-4o-mini-2024-07-18');

    const next = await m.requestStream(
      [
        ...messages,
        first,
        {
          kind: 'request',
          parts: [{ partKind: 'tool-return', toolName: 'get_capital', toolCallId: id, content: 'London' }],
        },
      ],
      undefined,
      params,
    );
    const textEvents = await collect(next);
    expect(srv.received[1]!.body).toEqual(recordedBody(recorded[1]!));
    expect(textEvents.map((e) => e.kind)).toEqual(['part-start', ...Array(7).fill('part-delta'), 'part-end']);
    expect(next.get()).toEqual(
      response({
        parts: [{ partKind: 'text', content: 'The capital of the UK is London.' }],
        usage: usage(78, 9),
        modelName: 'gpt-4o-mini-2024-07-18',
        providerName: 'openai',
        finishReason: 'stop',
        rawFinishReason: 'stop',
        providerResponseId: 'chatcmpl-Dx0Xq5Xx9rHB2ehcHZCRDsnuymUXc',
      }),
    );
  });
});

describe('recorded failures', () => {
  test('a 200 JSON body that is not a completion → UnexpectedModelBehavior (server)', async () => {
    const { server: srv } = await replay('test_invalid_response');
    const error = await model('gpt-4o', srv, 'openai', '/bin/content-type/application/json')
      .request(ask('What is the capital of France?'))
      .catch((e: unknown) => e);
    expect(srv.received[0]!.path).toBe('/bin/content-type/application/json/chat/completions');
    expect(error).toBeInstanceOf(UnexpectedModelBehavior);
    expect((error as UnexpectedModelBehavior).kind).toBe('server');
    expect((error as UnexpectedModelBehavior).body).toBe(
      '{"contentType":"application/json","method":"POST","pathname":"/bin/content-type/application/json/chat/completions"}',
    );
  });

  test('a text/plain body → UnexpectedModelBehavior (server)', async () => {
    const { server: srv } = await replay('test_text_response');
    const error = await model('gpt-4o', srv, 'openai', '/bin')
      .request(ask('What is the capital of France?'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnexpectedModelBehavior);
    expect((error as UnexpectedModelBehavior).kind).toBe('server');
    expect((error as Error).message).toBe(
      'gpt-4o: response body is not a chat completion: method=POST pathname=/bin/chat/completions Content-Type=text/plain',
    );
  });

  test('400 unsupported role → ModelHTTPError bad_request with the parsed error body', async () => {
    const { server: srv } = await replay('test_openai_o1_mini_system_role[developer]');
    const error = await model('o1-mini', srv)
      .request([
        {
          kind: 'request',
          parts: [
            { partKind: 'system-prompt', content: 'You are a helpful assistant.' },
            userPrompt('Hello'),
          ],
        },
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelHTTPError);
    expect((error as ModelHTTPError).statusCode).toBe(400);
    expect((error as ModelHTTPError).kind).toBe('bad_request');
    expect((error as ModelHTTPError).body).toEqual({
      error: {
        code: 'unsupported_value',
        message: "Unsupported value: 'messages[0].role' does not support 'developer' with this model.",
        param: 'messages[0].role',
        type: 'invalid_request_error',
      },
    });
  });

  test('400 web search unsupported, sent through extraBody → bad_request', async () => {
    const { server: srv, recorded } = await replay('test_openai_web_search_tool_model_not_supported');
    const error = await model('gpt-4o', srv)
      .request(
        [
          {
            kind: 'request',
            parts: [
              { partKind: 'system-prompt', content: 'You are a helpful assistant.' },
              userPrompt('What day is today?'),
            ],
          },
        ],
        { extraBody: { web_search_options: { search_context_size: 'low' } } },
      )
      .catch((e: unknown) => e);
    expect(srv.received[0]!.body).toEqual(recordedBody(recorded[0]!));
    expect(error).toBeInstanceOf(ModelHTTPError);
    expect((error as ModelHTTPError).kind).toBe('bad_request');
    expect((error as ModelHTTPError).message).toContain('Web search options not supported with this model.');
  });
});
