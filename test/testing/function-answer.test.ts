import { describe, expect, test } from 'vitest';
import { UserError } from '../../src/core/errors/index.ts';
import type { ModelMessage } from '../../src/core/messages.ts';
import { userPrompt } from '../../src/core/messages.ts';
import { FunctionModel, type FunctionResponse, type StreamItem } from '../../src/testing/function.ts';

const hello: ModelMessage[] = [{ kind: 'request', parts: [userPrompt('Hello')] }];

/** A model answering `answer` as it is, however wrong; JS callers can hand in anything. */
const answering = (answer: unknown) =>
  new FunctionModel(() => answer as FunctionResponse, { modelName: 'f' });

/** A model whose stream function yields `items` as they are. */
const streaming = (...items: unknown[]) =>
  new FunctionModel(undefined, {
    modelName: 'f',
    stream: async function* () {
      for (const item of items) yield item as StreamItem;
    },
  });

async function drain(model: FunctionModel) {
  const stream = await model.requestStream(hello);
  for await (const _event of stream) {
    // The events are not under test; the assembled response is.
  }
  return stream.get();
}

describe('what a model function returns, completed where it enters', () => {
  test('an empty answer is an empty response with every field filled in', async () => {
    const response = await answering({}).request(hello);
    expect(response).toMatchObject({
      kind: 'response',
      parts: [],
      modelName: 'f',
      providerName: 'function',
      finishReason: 'stop',
      usage: { inputTokens: 51, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, details: {} },
    });
    expect(response.timestamp).toBeInstanceOf(Date);
  });

  test('parts missing fields get what the stream path would give them', async () => {
    const response = await answering({
      parts: [{ partKind: 'text' }, { partKind: 'thinking' }, { partKind: 'tool-call', toolName: 'f' }],
    }).request(hello);
    expect(response.parts).toEqual([
      { partKind: 'text', content: '' },
      { partKind: 'thinking', content: '' },
      { partKind: 'tool-call', toolName: 'f', args: {}, toolCallId: 'call_2' },
    ]);
    expect(response.finishReason).toBe('tool_call');
  });

  test('a timestamp that went through JSON is a Date again; null optional fields are dropped', async () => {
    const response = await answering({
      timestamp: '2025-01-02T03:04:05.000Z',
      rawFinishReason: null,
      providerResponseId: null,
    }).request(hello);
    expect(response.timestamp).toEqual(new Date('2025-01-02T03:04:05.000Z'));
    expect('rawFinishReason' in response).toBe(false);
    expect('providerResponseId' in response).toBe(false);
  });

  test.each([
    [undefined, 'the function returned undefined; return an object such as { parts:'],
    [{ parts: 'hi' }, 'parts must be an array of response parts; got "hi" (a string)'],
    [{ parts: ['hi'] }, 'parts[0] must be a part such as'],
    [{ parts: [{ partKind: 'txt', content: 'a' }] }, "partKind must be 'text', 'tool-call' or 'thinking'"],
    [{ parts: [{ partKind: 'text', content: 3 }] }, 'parts[0]: content must be a string; got 3'],
    [{ parts: [{ partKind: 'tool-call', args: {} }] }, 'a tool-call part needs a toolName'],
    [
      { parts: [{ partKind: 'tool-call', toolName: 'f', args: 3 }] },
      'args must be a JSON object or its JSON text',
    ],
    [{ finishReason: 'done' }, "finishReason must be one of 'stop', 'length'"],
    [{ timestamp: 'yesterday' }, 'timestamp must be a Date'],
    [{ usage: { inputTokens: 'ten' } }, 'FunctionModel f usage: inputTokens must be a whole number'],
    [{ modelName: 7 }, 'modelName must be a string'],
  ])('rejects %j with a UserError that says what to change', async (answer, message) => {
    const request = answering(answer).request(hello);
    await expect(request).rejects.toThrow(UserError);
    await expect(answering(answer).request(hello)).rejects.toThrow(message);
  });
});

describe('what a stream function yields, checked where it enters', () => {
  test('a usage item sets the response’s usage (the last one wins), partial counts as 0', async () => {
    const response = await drain(
      streaming(
        'hi',
        { kind: 'usage', usage: { inputTokens: 1 } },
        { kind: 'usage', usage: { outputTokens: 4 } },
      ),
    );
    expect(response.usage).toEqual({
      inputTokens: 0,
      outputTokens: 4,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      details: {},
    });
  });

  test('a plain iterable works as well as an async generator', async () => {
    const model = new FunctionModel(undefined, { stream: () => ['Hel', 'lo'] });
    expect((await drain(model)).parts).toEqual([{ partKind: 'text', content: 'Hello' }]);
  });

  test('tool-call and thinking deltas with fields left out still assemble', async () => {
    const response = await drain(
      streaming(
        { kind: 'thinking', parts: { 0: {} } },
        { kind: 'tool-calls', calls: { 0: { name: 'f' } } },
        { kind: 'tool-calls', calls: { 0: { argsJson: '{"a":1}' } } },
      ),
    );
    expect(response.parts).toEqual([
      { partKind: 'thinking', content: '', providerName: 'function' },
      { partKind: 'tool-call', toolName: 'f', args: '{"a":1}', toolCallId: 'call_1' },
    ]);
    expect(response.finishReason).toBe('tool_call');
  });

  test.each([
    [42, 'the stream function yielded 42 (a number); yield a string (text)'],
    [null, 'the stream function yielded null; yield a string (text)'],
    [{ kind: 'tool-calls' }, 'its calls must be an object keyed by index'],
    [{ kind: 'tool-calls', calls: { x: {} } }, "its calls keys must be indexes 0, 1, ...; got 'x'"],
    [{ kind: 'tool-calls', calls: { 0: { name: 1 } } }, 'name must be a string; got 1'],
    [{ kind: 'thinking', parts: { 0: { content: false } } }, 'content must be a string; got false'],
    [
      { kind: 'usage', usage: { outputTokens: -3 } },
      'FunctionModel f usage: outputTokens must be a whole number',
    ],
  ])('rejects the item %j with a UserError', async (item, message) => {
    await expect(drain(streaming('before', item))).rejects.toThrow(UserError);
    await expect(drain(streaming('before', item))).rejects.toThrow(message);
  });

  test('a stream function that returns no iterable is named, not a TypeError', async () => {
    const model = new FunctionModel(undefined, { modelName: 'f', stream: (() => 'Hello') as never });
    await expect(model.requestStream(hello)).rejects.toThrow(
      'FunctionModel f: the stream function returned "Hello" (a string); write it as an async generator',
    );
  });
});
