/**
 * Replays real Anthropic traffic (pydantic-ai's recorded cassettes) through AnthropicModel: the history
 * the recording sent is rebuilt as ModelMessage[], the body the adapter sends must equal the recorded
 * request, and the parsed response is asserted value by value.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { type CassetteServer, loadCassette, serveCassette } from '../../../test/support/cassette-server.ts';
import { ModelHTTPError } from '../../errors/index.ts';
import type { ModelMessage, ModelResponse, ModelResponseStreamEvent } from '../../messages.ts';
import { systemPrompt, userPrompt } from '../../messages.ts';
import type { Provider } from '../../providers/provider.ts';
import type { ModelSettings } from '../../settings.ts';
import type { ModelRequestParameters } from '../model.ts';
import { AnthropicModel } from './model.ts';

const servers: CassetteServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function providerFor(origin: string): Provider {
  return {
    name: 'anthropic',
    protocol: 'anthropic',
    baseUrl: `${origin}/v1`,
    url: (path) => `${origin}/v1${path}`,
    headers: () => ({ 'x-api-key': 'test-key', 'anthropic-version': '2023-06-01' }),
  };
}

type Json = Record<string, any>;

async function replay(name: string) {
  const interactions = loadCassette('test_anthropic', name);
  const server = await serveCassette(interactions);
  servers.push(server);
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
const NO_TOOLS: ModelRequestParameters = { functionTools: [], outputTools: [], allowTextOutput: true };

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
