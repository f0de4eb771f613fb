import { describe, expect, test } from 'vitest';
import { ModelAPIError, UserError } from '../../src/core/errors/index.ts';
import type { ModelMessage, ModelResponseStreamEvent } from '../../src/core/messages.ts';
import { userPrompt } from '../../src/core/messages.ts';
import type { StreamedResponse } from '../../src/core/model.ts';
import { FunctionModel } from '../../src/testing/function.ts';

const hello: ModelMessage[] = [{ kind: 'request', parts: [userPrompt('Hello there, world')] }];

async function collect(stream: StreamedResponse): Promise<ModelResponseStreamEvent[]> {
  const events: ModelResponseStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

describe('FunctionModel', () => {
  test('fills in what the function left out and estimates usage from the words', async () => {
    function answer() {
      return { parts: [{ partKind: 'text' as const, content: 'two words' }] };
    }
    const model = new FunctionModel(answer);
    expect(model.modelName).toBe('function:answer:');
    expect(model.system).toBe('function');
    const response = await model.request(hello);
    expect(response).toMatchObject({
      kind: 'response',
      parts: [{ partKind: 'text', content: 'two words' }],
      modelName: 'function:answer:',
      providerName: 'function',
      usage: { inputTokens: 53, outputTokens: 2, cacheReadTokens: 0, cacheWriteTokens: 0, details: {} },
    });
    expect(response.timestamp).toBeInstanceOf(Date);
  });

  test('keeps usage and names the function gave', async () => {
    const usage = { inputTokens: 1, outputTokens: 2, cacheReadTokens: 0, cacheWriteTokens: 0, details: {} };
    const model = new FunctionModel(
      async () => ({ parts: [], usage, modelName: 'mine', providerName: 'p' }),
      {
        modelName: 'custom',
      },
    );
    expect(model.modelName).toBe('custom');
    const response = await model.request(hello);
    expect(response.usage).toEqual(usage);
    expect(response.modelName).toBe('mine');
    expect(response.providerName).toBe('p');
  });

  test('passes merged settings, parameters and itself to the function', async () => {
    let seen: unknown;
    const model = new FunctionModel(
      (_messages, info) => {
        seen = { settings: info.settings, params: info.params, same: info.model === model };
        return { parts: [] };
      },
      { settings: { maxTokens: 10, temperature: 1 } },
    );
    const settings = { temperature: 0 };
    await model.request(hello, settings);
    expect(seen).toEqual({
      settings: { maxTokens: 10, temperature: 0 },
      params: { functionTools: [], outputTools: [], allowTextOutput: true },
      same: true,
    });
    expect(settings).toEqual({ temperature: 0 });
  });

  test('a missing function is a UserError that says what to pass', async () => {
    const streamOnly = new FunctionModel(undefined, { stream: async function* s() {} });
    expect(streamOnly.modelName).toBe('function::s');
    await expect(streamOnly.request(hello)).rejects.toThrow(
      new UserError(
        'FunctionModel function::s has no request function: pass one as the first argument to use request().',
      ),
    );
    const requestOnly = new FunctionModel(() => ({ parts: [] }));
    await expect(requestOnly.requestStream(hello)).rejects.toBeInstanceOf(UserError);
    await expect(requestOnly.requestStream(hello)).rejects.toThrow(/pass `\{ stream \}`/);
  });

  test('an abort rejects with the signal reason, even while the function is still running', async () => {
    const controller = new AbortController();
    const model = new FunctionModel(() => new Promise(() => {}));
    const pending = model.request(hello, { signal: controller.signal });
    const reason = new Error('caller gave up');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await expect(model.request(hello, { signal: controller.signal })).rejects.toBe(reason);
  });

  test('errors thrown by the function come out unchanged', async () => {
    const error = new ModelAPIError('x', 'boom', { kind: 'server' });
    const model = new FunctionModel(() => {
      throw error;
    });
    await expect(model.request(hello)).rejects.toBe(error);
  });

  test('streams text, tool-call and thinking deltas as part events', async () => {
    const model = new FunctionModel(undefined, {
      stream: async function* () {
        yield { kind: 'thinking', parts: { 0: { content: 'hmm' } } };
        yield 'Hel';
        yield 'lo';
        yield { kind: 'tool-calls', calls: { 0: { name: 'get', toolCallId: 'c1', argsJson: '{"a":' } } };
        yield { kind: 'tool-calls', calls: { 0: { argsJson: '1}' } } };
      },
    });
    const stream = await model.requestStream(hello);
    const events = await collect(stream);
    expect(events.map((e) => `${e.kind}:${e.index}`)).toEqual([
      'part-start:0',
      'part-start:1',
      'part-delta:1',
      'part-start:2',
      'part-delta:2',
      'part-end:0',
      'part-end:1',
      'part-end:2',
    ]);
    const response = stream.get();
    expect(response.parts).toEqual([
      { partKind: 'thinking', content: 'hmm', providerName: 'function' },
      { partKind: 'text', content: 'Hello' },
      { partKind: 'tool-call', toolName: 'get', toolCallId: 'c1', args: '{"a":1}' },
    ]);
    expect(response.finishReason).toBe('tool_call');
    expect(response.usage.outputTokens).toBe(1 + 1 + 1 + 2);
  });

  test('a stream error is thrown from the iterator after the events before it', async () => {
    const model = new FunctionModel(undefined, {
      stream: async function* () {
        yield 'a';
        throw new ModelAPIError('m', 'cut', { kind: 'stream_error' });
      },
    });
    const stream = await model.requestStream(hello);
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const event of stream) seen.push(event.kind);
      })(),
    ).rejects.toThrow('cut');
    expect(seen).toEqual(['part-start']);
  });

  test('an abort during a stream rejects the pending read with the reason', async () => {
    const controller = new AbortController();
    const model = new FunctionModel(undefined, {
      stream: async function* () {
        yield 'a';
        await new Promise(() => {});
      },
    });
    const stream = await model.requestStream(hello, { signal: controller.signal });
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    const pending = iterator.next();
    controller.abort('stop');
    await expect(pending).rejects.toBe('stop');
  });
});
