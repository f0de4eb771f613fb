/**
 * Replays real Bedrock Converse traffic (pydantic-ai's recorded cassettes, event-stream bodies included)
 * through the adapter, signing with fixed fake credentials and a fixed clock: the path and body we send
 * are compared with what AWS's SDK sent, and the parsed answer is asserted field by field.
 */
import { describe, expect, test } from 'vitest';
import { BedrockConverseModel } from '../../../src/adapters/bedrock/model.ts';
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

async function replay(name: string, from = 0, count?: number) {
  const recorded = loadCassette('test_bedrock', name).slice(
    from,
    count === undefined ? undefined : from + count,
  );
  return { server: await serve(recorded), recorded };
}

const CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};

function model(srv: CassetteServer, modelName: string): BedrockConverseModel {
  return new BedrockConverseModel(modelName, {
    provider: localProvider(srv, { name: 'bedrock', protocol: 'bedrock' }),
    region: 'us-east-1',
    credentials: CREDENTIALS,
    now: () => new Date('2025-06-01T12:00:00Z'),
  });
}

function recordedBody(interaction: RecordedInteraction): unknown {
  return JSON.parse(interaction.request.body as string);
}

/** The recorded path (`/model/us.amazon.nova-micro-v1%3A0/converse`). */
function recordedPath(interaction: RecordedInteraction): string {
  return new URL(interaction.request.uri).pathname;
}

function usage(input: number, output: number, cacheRead = 0, cacheWrite = 0) {
  return {
    inputTokens: input,
    outputTokens: output,
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    details: {},
  };
}

const ask = (text: string, system?: string): ModelMessage[] => [
  { kind: 'request', parts: [...(system ? [systemPrompt(system)] : []), userPrompt(text)] },
];

describe('whole answers', () => {
  test('nova-micro: signed request, exact body, text, usage, stop reason', async () => {
    const { server: srv, recorded } = await replay('test_bedrock_model');
    const result = await model(srv, 'us.amazon.nova-micro-v1:0').request(ask('Hello!', 'You are a chatbot.'));
    const sent = srv.received[0]!;
    expect(sent.path).toBe(recordedPath(recorded[0]!));
    expect(sent.path).toBe('/model/us.amazon.nova-micro-v1%3A0/converse');
    expect(sent.body).toEqual(recordedBody(recorded[0]!));
    expect(sent.headers['x-amz-date']).toBe('20250601T120000Z');
    expect(sent.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20250601\/us-east-1\/bedrock\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*x-amz-date[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
    expect(result).toEqual({
      kind: 'response',
      parts: [
        {
          partKind: 'text',
          content:
            "Hello! How can I assist you today? Whether you have questions, need information, or just want to chat, I'm here to help.",
        },
      ],
      usage: usage(7, 30),
      modelName: 'us.amazon.nova-micro-v1:0',
      providerName: 'bedrock',
      finishReason: 'stop',
      rawFinishReason: 'end_turn',
      timestamp: expect.any(Date),
    } satisfies Omit<Record<keyof ModelResponse, unknown>, 'attempts' | 'providerResponseId' | 'raw'>);
  });

  test('the same request signed twice at the same instant gives the same signature', async () => {
    const { server: srv } = await replay('test_bedrock_model');
    const m = model(srv, 'us.amazon.nova-micro-v1:0');
    await m.request(ask('Hello!', 'You are a chatbot.'));
    await m.request(ask('Hello!', 'You are a chatbot.')).catch(() => {}); // the cassette has one answer
    expect(srv.received[1]!.headers.authorization).toBe(srv.received[0]!.headers.authorization);
  });

  test('Claude thinking: reasoning with its signature, then sent back signed in the next turn', async () => {
    const { server: srv, recorded } = await replay('test_bedrock_model_thinking_part_anthropic');
    const m = model(srv, 'us.anthropic.claude-sonnet-4-20250514-v1:0');
    const first = await m.request(ask('How do I cross the street?'), { thinking: 'minimal' });
    expect(srv.received[0]!.body).toEqual(recordedBody(recorded[0]!));
    expect(first.parts[0]).toEqual({
      partKind: 'thinking',
      content:
        'This is a straightforward question about crossing the street safely. I should provide clear, practical safety advice that applies generally, while noting that specific rules may vary by location.',
      signature: expect.stringMatching(/^Eu4CCkgIBxABGAIqQCc4A\+JUj/),
      providerName: 'bedrock',
    });
    expect(first.parts[1]).toMatchObject({
      partKind: 'text',
      content: expect.stringMatching(/^Here are the basic steps/),
    });
    await m.request(
      [
        ...ask('How do I cross the street?'),
        first,
        ...ask('Considering the way to cross the street, analogously, how do I cross the river?'),
      ],
      { thinking: 'minimal' },
    );
    expect(srv.received[1]!.body).toEqual(recordedBody(recorded[1]!));
  });

  test('Claude tool call with thinking: toolUse becomes a tool call; the result goes back as toolResult', async () => {
    const { server: srv, recorded } = await replay('test_bedrock_anthropic_tool_with_thinking');
    const params: ModelRequestParameters = {
      functionTools: [
        {
          name: 'get_user_country',
          parametersJsonSchema: { additionalProperties: false, properties: {}, type: 'object' },
        },
      ],
      outputTools: [],
      allowTextOutput: true,
    };
    const m = model(srv, 'us.anthropic.claude-3-7-sonnet-20250219-v1:0');
    const prompt = ask('What is the largest city in the user country?');
    const first = await m.request(prompt, { thinking: 'minimal' }, params);
    expect(srv.received[0]!.body).toEqual(recordedBody(recorded[0]!));
    expect(first.parts.slice(1)).toEqual([
      { partKind: 'text', content: "I'll need to check what country you're from to answer that question." },
      {
        partKind: 'tool-call',
        toolName: 'get_user_country',
        args: '{}',
        toolCallId: 'tooluse_W9DaUFg4Tj2cRPpndqxWSg',
      },
    ]);
    expect(first.finishReason).toBe('tool_call');
    expect(first.usage).toEqual(usage(397, 130));
    const second = await m.request(
      [
        ...prompt,
        first,
        {
          kind: 'request',
          parts: [
            {
              partKind: 'tool-return',
              toolName: 'get_user_country',
              toolCallId: 'tooluse_W9DaUFg4Tj2cRPpndqxWSg',
              content: 'Mexico',
            },
          ],
        },
      ],
      { thinking: 'minimal' },
      params,
    );
    expect(srv.received[1]!.body).toEqual(recordedBody(recorded[1]!));
    expect(second.parts).toEqual([
      {
        partKind: 'text',
        content: expect.stringMatching(/^Based on your location in Mexico, the largest city is Mexico City/),
      },
    ]);
  });

  test('output tools force a tool call with toolChoice any', async () => {
    const { server: srv, recorded } = await replay('test_bedrock_model_structured_output', 0, 1);
    const body = recordedBody(recorded[0]!) as {
      toolConfig: {
        tools: Array<{
          toolSpec: { name: string; description: string; inputSchema: { json: Record<string, unknown> } };
        }>;
      };
    };
    const [temperature, finalResult] = body.toolConfig.tools.map((tool) => ({
      name: tool.toolSpec.name,
      description: tool.toolSpec.description,
      parametersJsonSchema: tool.toolSpec.inputSchema.json,
    }));
    const result = await model(srv, 'us.amazon.nova-micro-v1:0').request(
      ask('What was the temperature in London 1st January 2022?', 'You are a helpful chatbot.'),
      {},
      { functionTools: [temperature!], outputTools: [finalResult!], allowTextOutput: false },
    );
    expect(srv.received[0]!.body).toEqual(body);
    expect(result.parts).toEqual([
      {
        partKind: 'tool-call',
        toolName: 'temperature',
        args: '{"city":"London","date":"2022-01-01"}',
        toolCallId: 'tooluse_Mj06ft-ITJik1Otgpkc1uA',
      },
    ]);
  });

  test('cache writes and reads: inputTokens excludes them on the wire, includes them here', async () => {
    const { server: srv, recorded } = await replay('test_bedrock_cache_write_and_read');
    const sent = recordedBody(recorded[0]!);
    const m = model(srv, 'us.anthropic.claude-sonnet-4-5-20250929-v1:0');
    // The request uses cache points, which are not part of our message model: it is sent as recorded.
    const first = await m.request([], { extraBody: sent as Record<string, unknown> });
    const second = await m.request([], { extraBody: sent as Record<string, unknown> });
    expect(first.usage).toEqual(usage(1324, 5, 0, 1322));
    expect(second.usage).toEqual(usage(1324, 5, 1322, 0));
  });

  test('an OpenAI Responses history with foreign reasoning: the thinking goes as <thinking> text', async () => {
    const { server: srv, recorded } = await replay('test_bedrock_model_thinking_part_from_other_model', 1, 1);
    const fromOpenAI: ModelResponse = {
      kind: 'response',
      parts: [
        {
          partKind: 'thinking',
          content: '**Plan**',
          signature: 'gAAAA-enc',
          providerName: 'openai-responses',
          id: 'rs_1',
        },
        { partKind: 'text', content: 'Use a crosswalk.', id: 'msg_1' },
      ],
      usage: usage(1, 1),
      modelName: 'gpt-5',
      providerName: 'openai-responses',
      timestamp: new Date(),
    };
    const result = await model(srv, 'us.anthropic.claude-sonnet-4-20250514-v1:0').request(
      [
        ...ask('How do I cross the street?', 'You are a helpful assistant.'),
        fromOpenAI,
        ...ask('Considering the way to cross the street, analogously, how do I cross the river?'),
      ],
      { thinking: 'minimal' },
    );
    expect((srv.received[0]!.body as { messages: unknown[] }).messages[1]).toEqual({
      role: 'assistant',
      content: [{ text: '<thinking>\n**Plan**\n</thinking>' }, { text: 'Use a crosswalk.' }],
    });
    expect(srv.received[0]!.body).toMatchObject({
      system: [{ text: 'You are a helpful assistant.' }],
      additionalModelRequestFields: (recordedBody(recorded[0]!) as Record<string, unknown>)
        .additionalModelRequestFields,
    });
    expect(result.parts[0]).toMatchObject({
      partKind: 'thinking',
      signature: expect.stringMatching(/^Es4FCkgIBxAB/),
    });
    expect(result.usage).toEqual(usage(1241, 495));
  });
});

describe('streaming (binary event stream)', () => {
  test('nova-micro: text deltas decoded from the recorded frames; usage from metadata', async () => {
    const { server: srv, recorded } = await replay('test_bedrock_model_stream');
    const stream = await model(srv, 'us.amazon.nova-micro-v1:0').requestStream(
      ask('What is the capital of France?', 'You are a helpful chatbot.'),
      { temperature: 0 },
    );
    const events: ModelResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(srv.received[0]!.path).toBe('/model/us.amazon.nova-micro-v1%3A0/converse-stream');
    expect(srv.received[0]!.body).toEqual(recordedBody(recorded[0]!));
    expect(events[0]).toEqual({ kind: 'part-start', index: 0, part: { partKind: 'text', content: 'The' } });
    expect(events[1]).toEqual({
      kind: 'part-delta',
      index: 0,
      delta: { partKind: 'text', contentDelta: ' capital of France is Paris.' },
    });
    const response = stream.get();
    expect(response.parts).toHaveLength(1);
    expect(response.parts[0]).toMatchObject({
      partKind: 'text',
      content: expect.stringMatching(
        /^The capital of France is Paris\. Paris is not only the capital city but also the most populous city in France, and it is a major center for culture, commerce, fashion, and international diplomacy\. Known for its historical landmarks, such as the Eiffel Tower, the Louvre Museum, and Notre-Dame Cathedral, Paris is often referred to as "The City of Light" or "The City of Love\."$/,
      ),
    });
    expect(events.at(-1)?.kind).toBe('part-end');
    expect(response.usage).toEqual(usage(13, 82));
    expect(response.finishReason).toBe('stop');
  });

  test('Claude thinking stream: reasoning text and signature deltas, then text', async () => {
    const { server: srv, recorded } = await replay('test_bedrock_model_thinking_part_stream', 0, 1);
    const body = recordedBody(recorded[0]!) as Record<string, unknown>;
    const stream = await model(
      srv,
      new URL(recorded[0]!.request.uri).pathname.split('/')[2]!.replace('%3A', ':'),
    ).requestStream(
      ask((body.messages as Array<{ content: Array<{ text: string }> }>)[0]!.content[0]!.text),
      { extraBody: body },
    );
    for await (const _ of stream);
    const response = stream.get();
    expect(response.parts.map((part) => part.partKind)).toEqual(['thinking', 'text']);
    expect(response.parts[0]).toMatchObject({
      providerName: 'bedrock',
      signature: expect.stringMatching(/^E[A-Za-z0-9+/]{20}/),
    });
    expect((response.parts[0] as { content: string }).content.length).toBeGreaterThan(20);
    expect(response.finishReason).toBe('stop');
  });
});
