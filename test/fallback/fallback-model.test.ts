import { describe, expect, test } from 'vitest';
import { ModelAPIError, ModelHTTPError, UserError } from '../../src/core/errors/index.ts';
import type { ModelMessage, ModelResponse, ModelResponseStreamEvent } from '../../src/core/messages.ts';
import { responseText, userPrompt } from '../../src/core/messages.ts';
import type { StreamedResponse } from '../../src/core/model.ts';
import type { ModelSettings } from '../../src/core/settings.ts';
import { FallbackExceptionGroup, ResponseRejected } from '../../src/fallback/fallback-errors.ts';
import { FallbackModel } from '../../src/fallback/fallback-model.ts';
import { onResponse } from '../../src/fallback/fallback-on.ts';
import { FunctionModel } from '../../src/testing/function.ts';

const hello: ModelMessage[] = [{ kind: 'request', parts: [userPrompt('hello')] }];
const text = (content: string) => ({ parts: [{ partKind: 'text' as const, content }] });

function successResponse() {
  return text('success');
}
function failureResponse(): never {
  throw new ModelHTTPError(500, 'test-function-model', { error: 'test error' });
}
const successModel = new FunctionModel(successResponse);
const failureModel = new FunctionModel(failureResponse);

async function drain(stream: StreamedResponse): Promise<string> {
  let out = '';
  for await (const event of stream) out += deltaText(event);
  return out;
}
function deltaText(event: ModelResponseStreamEvent): string {
  if (event.kind === 'part-start' && event.part.partKind === 'text') return event.part.content;
  if (event.kind === 'part-delta' && event.delta.partKind === 'text') return event.delta.contentDelta;
  return '';
}

describe('FallbackModel basics', () => {
  test('names itself after its models', () => {
    const model = new FallbackModel(failureModel, successModel);
    expect(model.modelName).toBe('fallback:function:failureResponse:,function:successResponse:');
    expect(model.system).toBe('fallback:function,function');
  });

  test('the first model answers: no fallback', async () => {
    const response = await new FallbackModel(successModel, failureModel).request(hello);
    expect(responseText(response)).toBe('success');
    expect(response.modelName).toBe('function:successResponse:');
    expect(response.attempts?.map((a) => [a.modelName, a.outcome])).toEqual([
      ['function:successResponse:', 'ok'],
    ]);
  });

  test('the first fails, the second answers and keeps its own names', async () => {
    const response = await new FallbackModel(failureModel, successModel).request(hello);
    expect(responseText(response)).toBe('success');
    expect(response.modelName).toBe('function:successResponse:');
    expect(response.providerName).toBe('function');
    expect(response.attempts?.map((a) => [a.modelName, a.outcome, a.errorKind, a.statusCode])).toEqual([
      ['function:failureResponse:', 'error', 'server', 500],
      ['function:successResponse:', 'ok', undefined, undefined],
    ]);
  });

  test('all fail: a FallbackExceptionGroup with the errors in the order tried', async () => {
    const second = new FunctionModel(() => {
      throw new ModelHTTPError(503, 'second', 'down');
    });
    const error = await new FallbackModel(failureModel, second).request(hello).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FallbackExceptionGroup);
    expect(error).toBeInstanceOf(AggregateError);
    const group = error as FallbackExceptionGroup;
    expect(group.message).toBe('All models from FallbackModel failed');
    expect(group.errors.map((e: ModelHTTPError) => [e.statusCode, e.modelName])).toEqual([
      [500, 'test-function-model'],
      [503, 'second'],
    ]);
  });

  test('an error no condition accepts is re-thrown as it is', async () => {
    const boom = new TypeError('not a model error');
    const model = new FallbackModel(
      new FunctionModel(() => {
        throw boom;
      }),
      successModel,
    );
    await expect(model.request(hello)).rejects.toBe(boom);
  });

  test('each request starts again at the first model', async () => {
    const calls: string[] = [];
    let fail = true;
    const flaky = new FunctionModel(
      () => {
        calls.push('flaky');
        if (fail) throw new ModelAPIError('flaky', 'down', { kind: 'server' });
        return text('flaky ok');
      },
      { modelName: 'flaky' },
    );
    const backup = new FunctionModel(
      () => {
        calls.push('backup');
        return text('backup ok');
      },
      { modelName: 'backup' },
    );
    const model = new FallbackModel(flaky, backup);
    expect(responseText(await model.request(hello))).toBe('backup ok');
    fail = false;
    expect(responseText(await model.request(hello))).toBe('flaky ok');
    expect(calls).toEqual(['flaky', 'backup', 'flaky']);
  });
});

describe('fallbackOn forms', () => {
  class MyError extends Error {}
  const myFailure = new FunctionModel(() => {
    throw new MyError('mine');
  });

  test('an error class, and an array of classes', async () => {
    expect(
      responseText(await new FallbackModel(myFailure, successModel, { fallbackOn: MyError }).request(hello)),
    ).toBe('success');
    const both = new FallbackModel(myFailure, failureModel, successModel, {
      fallbackOn: [ModelHTTPError, MyError],
    });
    expect(responseText(await both.request(hello))).toBe('success');
    // ModelHTTPError is not a MyError: re-thrown.
    const narrow = new FallbackModel(failureModel, successModel, { fallbackOn: MyError });
    await expect(narrow.request(hello)).rejects.toBeInstanceOf(ModelHTTPError);
  });

  test('a sync and an async error handler', async () => {
    const seen: unknown[] = [];
    const sync = new FallbackModel(myFailure, successModel, {
      fallbackOn: (error) => {
        seen.push(error);
        return error instanceof MyError;
      },
    });
    expect(responseText(await sync.request(hello))).toBe('success');
    expect(seen).toHaveLength(1);
    const asyncNo = new FallbackModel(myFailure, successModel, { fallbackOn: async () => false });
    await expect(asyncNo.request(hello)).rejects.toBeInstanceOf(MyError);
  });

  test('an error kind string', async () => {
    const rateLimited = new FunctionModel(() => {
      throw new ModelHTTPError(429, 'r', 'slow down');
    });
    const model = new FallbackModel(rateLimited, successModel, { fallbackOn: 'rate_limit' });
    expect(responseText(await model.request(hello))).toBe('success');
    const onlyAuth = new FallbackModel(rateLimited, successModel, { fallbackOn: ['auth'] });
    await expect(onlyAuth.request(hello)).rejects.toBeInstanceOf(ModelHTTPError);
  });

  test('a kind named in fallbackOn falls back even where the policy would fail', async () => {
    const badRequest = new FunctionModel(() => {
      throw new ModelHTTPError(400, 'b', { error: { message: 'unsupported parameter' } });
    });
    await expect(new FallbackModel(badRequest, successModel).request(hello)).rejects.toBeInstanceOf(
      ModelHTTPError,
    );
    const model = new FallbackModel(badRequest, successModel, { fallbackOn: 'bad_request' });
    expect(responseText(await model.request(hello))).toBe('success');
  });

  test('a response handler rejects a response and adds its cost but not its tokens', async () => {
    const usage = {
      inputTokens: 5,
      outputTokens: 5,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      details: {},
      cost: 0.25,
    };
    const empty = new FunctionModel(() => ({ parts: [], usage }), { modelName: 'empty' });
    const paid = new FunctionModel(() => ({ ...text('full'), usage: { ...usage, cost: 0.5 } }), {
      modelName: 'paid',
    });
    const model = new FallbackModel(empty, paid, {
      fallbackOn: onResponse((response: ModelResponse) => response.parts.length === 0),
    });
    const response = await model.request(hello);
    expect(responseText(response)).toBe('full');
    expect(response.usage).toEqual({ ...usage, cost: 0.75 });
    expect(response.attempts?.map((a) => [a.modelName, a.outcome, a.cost])).toEqual([
      ['empty', 'rejected', 0.25],
      ['paid', 'ok', 0.5],
    ]);
  });

  test('all responses rejected: ResponseRejected comes last in the group', async () => {
    const model = new FallbackModel(failureModel, successModel, {
      fallbackOn: [ModelAPIError, onResponse(async () => true)],
    });
    const group = (await model.request(hello).catch((e: unknown) => e)) as FallbackExceptionGroup;
    expect(group).toBeInstanceOf(FallbackExceptionGroup);
    expect(group.errors.map((e: Error) => e.constructor.name)).toEqual([
      'ModelHTTPError',
      'ResponseRejected',
    ]);
    expect(group.errors[1]).toBeInstanceOf(ResponseRejected);
    expect((group.errors[1] as Error).message).toBe('1 model response(s) rejected by fallbackOn handler');
  });

  test('mixed handlers: the first truthy answer wins, errors and responses checked apart', async () => {
    const checked: string[] = [];
    const model = new FallbackModel(myFailure, successModel, {
      fallbackOn: [
        () => {
          checked.push('error-handler');
          return false;
        },
        MyError,
        onResponse((response) => {
          checked.push(`response:${responseText(response)}`);
          return false;
        }),
      ],
    });
    expect(responseText(await model.request(hello))).toBe('success');
    expect(checked).toEqual(['error-handler', 'response:success']);
  });

  test('empty, bad items and unknown kinds are UserErrors at construction', () => {
    expect(() => new FallbackModel(successModel, { fallbackOn: [] })).toThrow(UserError);
    expect(() => new FallbackModel(successModel, { fallbackOn: [] })).toThrow(/empty fallbackOn/);
    expect(() => new FallbackModel(successModel, { fallbackOn: 'rate-limit' as never })).toThrow(
      /Unknown error kind 'rate-limit' in fallbackOn; valid kinds: rate_limit, overloaded/,
    );
    expect(() => new FallbackModel(successModel, { fallbackOn: [42 as never] })).toThrow(
      'fallbackOn item 42 of type number is not valid: use an Error class, an error kind string, an (error) => boolean handler, onResponse(fn), or an array of these.',
    );
  });
});

describe('settings', () => {
  test('call settings override the inner model settings; the caller object is not changed', async () => {
    const seen: ModelSettings[] = [];
    const inner = new FunctionModel(
      (_m, info) => {
        const { signal: _signal, ...rest } = info.settings;
        seen.push(rest);
        return text('ok');
      },
      { settings: { maxTokens: 10, temperature: 1 } },
    );
    const callSettings: ModelSettings = { temperature: 0 };
    await new FallbackModel(inner, { settings: { topP: 0.5 } }).request(hello, callSettings);
    expect(seen).toEqual([{ maxTokens: 10, temperature: 0, topP: 0.5 }]);
    expect(callSettings).toEqual({ temperature: 0 });
  });
});

describe('streaming', () => {
  const streamOk = new FunctionModel(undefined, {
    modelName: 'ok-stream',
    stream: async function* () {
      yield 'hello ';
      yield 'world';
    },
  });

  test('falls back when opening the stream fails', async () => {
    const model = new FallbackModel(failureModel, streamOk); // failureModel has no stream fn: a UserError
    await expect(model.requestStream(hello)).rejects.toBeInstanceOf(UserError);
    const broken = new FunctionModel(undefined, {
      modelName: 'broken',
      stream: async function* () {
        yield* [];
        throw new ModelHTTPError(503, 'broken', 'overloaded');
      },
    });
    const stream = await new FallbackModel(broken, streamOk).requestStream(hello);
    expect(await drain(stream)).toBe('hello world');
    const response = stream.get();
    expect(response.modelName).toBe('ok-stream');
    expect(responseText(response)).toBe('hello world');
    expect(response.attempts?.map((a) => [a.modelName, a.outcome, a.errorKind])).toEqual([
      ['broken', 'error', 'overloaded'],
      ['ok-stream', 'ok', undefined],
    ]);
    expect(response.attempts?.[1]?.usage?.outputTokens).toBe(2);
  });

  test('after the first event, a failure is thrown from the iterator', async () => {
    const cut = new FunctionModel(undefined, {
      modelName: 'cut',
      stream: async function* () {
        yield 'par';
        throw new ModelAPIError('cut', 'connection reset', { kind: 'network' });
      },
    });
    const stream = await new FallbackModel(cut, streamOk).requestStream(hello);
    let seen = '';
    const error = await (async () => {
      for await (const event of stream) seen += deltaText(event);
    })().catch((e: unknown) => e);
    expect(seen).toBe('par');
    expect((error as ModelAPIError).message).toBe('connection reset');
    expect(stream.get().attempts?.map((a) => [a.modelName, a.outcome, a.errorKind])).toEqual([
      ['cut', 'error', 'network'],
    ]);
  });

  test('continueOnStreamFailure: the next model continues the text already sent', async () => {
    let continuation: ModelMessage[] = [];
    const cut = new FunctionModel(undefined, {
      modelName: 'cut',
      stream: async function* () {
        yield 'Hello wor';
        throw new ModelAPIError('cut', 'reset', { kind: 'network' });
      },
    });
    const rest = new FunctionModel(undefined, {
      modelName: 'rest',
      stream: async function* (messages) {
        continuation = messages;
        yield 'ld!';
      },
    });
    const stream = await new FallbackModel(cut, rest, { continueOnStreamFailure: true }).requestStream(hello);
    expect(await drain(stream)).toBe('Hello world!');
    expect(continuation.map((m) => m.kind)).toEqual(['request', 'response', 'request']);
    expect(responseText(continuation[1] as ModelResponse)).toBe('Hello wor');
    const response = stream.get();
    expect(responseText(response)).toBe('Hello world!');
    expect(response.modelName).toBe('rest');
    expect(response.attempts?.map((a) => [a.modelName, a.outcome])).toEqual([
      ['cut', 'error'],
      ['rest', 'ok'],
    ]);
    // Each attempt keeps its own usage; the response's usage is their sum (the cut stream reported none).
    expect(response.attempts?.[0]?.usage?.outputTokens).toBe(0);
    expect(response.attempts?.[1]?.usage?.outputTokens).toBe(1);
    expect(response.usage.outputTokens).toBe(1);
    expect(response.usage.inputTokens).toBe(
      response.attempts![0]!.usage!.inputTokens + response.attempts![1]!.usage!.inputTokens,
    );
  });

  test('bufferForResponseCheck holds the stream, checks it, then moves on', async () => {
    const bad = new FunctionModel(undefined, {
      modelName: 'bad',
      stream: async function* () {
        yield 'I cannot help';
      },
    });
    const model = new FallbackModel(bad, streamOk, {
      bufferForResponseCheck: true,
      fallbackOn: onResponse((response) => responseText(response).includes('cannot')),
    });
    const stream = await model.requestStream(hello);
    expect(await drain(stream)).toBe('hello world');
    expect(stream.get().attempts?.map((a) => [a.modelName, a.outcome])).toEqual([
      ['bad', 'rejected'],
      ['ok-stream', 'ok'],
    ]);
  });
});
