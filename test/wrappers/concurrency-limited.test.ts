import { describe, expect, test } from 'vitest';
import { type ModelMessage, userPrompt } from '../../src/core/messages.ts';
import { FunctionModel } from '../../src/testing/function.ts';
import {
  ConcurrencyLimitExceeded,
  ConcurrencyLimiter,
  limitModelConcurrency,
} from '../../src/wrappers/concurrency-limited.ts';

const hello: ModelMessage[] = [{ kind: 'request', parts: [userPrompt('hi')] }];

/** A model whose calls wait until the test finishes them, in the order they started. */
function gatedModel(name: string) {
  const started: string[] = [];
  const gates: Array<() => void> = [];
  const model = new FunctionModel(
    async (messages) => {
      const prompt = messages[0]!.kind === 'request' ? String(messages[0]!.parts[0]!.content) : '';
      started.push(prompt);
      await new Promise<void>((resolve) => gates.push(resolve));
      return { parts: [{ partKind: 'text', content: `done ${prompt}` }] };
    },
    { modelName: name },
  );
  const finishNext = () => gates.shift()?.();
  return { model, started, finishNext };
}

const ask = (prompt: string): ModelMessage[] => [{ kind: 'request', parts: [userPrompt(prompt)] }];
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('limitModelConcurrency', () => {
  test('runs at most `limit` calls at once and starts the queued ones in FIFO order', async () => {
    const { model, started, finishNext } = gatedModel('m');
    const limited = limitModelConcurrency(model, { limit: 2 });
    const calls = ['a', 'b', 'c', 'd'].map((prompt) => limited.request(ask(prompt)));
    await tick();
    expect(started).toEqual(['a', 'b']);
    expect(limited.limiter.running).toBe(2);
    expect(limited.limiter.waiting).toBe(2);
    finishNext();
    await tick();
    expect(started).toEqual(['a', 'b', 'c']);
    finishNext();
    finishNext();
    await tick();
    finishNext();
    const answers = await Promise.all(calls);
    expect(answers.map((answer) => answer.parts[0])).toEqual(
      ['a', 'b', 'c', 'd'].map((p) => ({ partKind: 'text', content: `done ${p}` })),
    );
    expect(limited.limiter.running).toBe(0);
  });

  test('fails with ConcurrencyLimitExceeded when the queue is full', async () => {
    const { model, finishNext } = gatedModel('busy-model');
    const limited = limitModelConcurrency(model, { limit: 1, maxQueued: 1 });
    const first = limited.request(ask('a'));
    const second = limited.request(ask('b'));
    const third = limited.request(ask('c'));
    await expect(third).rejects.toThrow(ConcurrencyLimitExceeded);
    await expect(third).rejects.toMatchObject({
      kind: 'overloaded',
      modelName: 'busy-model',
      message: 'Concurrency limit reached for busy-model: 1 calls in flight and 1 queued',
    });
    await tick();
    finishNext();
    await tick();
    finishNext();
    await Promise.all([first, second]);
  });

  test('a queued call whose signal aborts leaves the queue', async () => {
    const { model, started, finishNext } = gatedModel('m');
    const limited = limitModelConcurrency(model, { limit: 1, maxQueued: 1 });
    const first = limited.request(ask('a'));
    const controller = new AbortController();
    const queued = limited.request(ask('b'), { signal: controller.signal });
    expect(limited.limiter.waiting).toBe(1);
    controller.abort(new Error('caller gave up'));
    await expect(queued).rejects.toThrow('caller gave up');
    expect(limited.limiter.waiting).toBe(0);
    // Its place is free again.
    const third = limited.request(ask('c'));
    await tick();
    finishNext();
    await tick();
    finishNext();
    await Promise.all([first, third]);
    expect(started).toEqual(['a', 'c']);
  });

  test('one limiter shared by two models gives them one budget', async () => {
    const one = gatedModel('one');
    const two = gatedModel('two');
    const shared = new ConcurrencyLimiter({ limit: 1, maxQueued: 0 });
    const a = limitModelConcurrency(one.model, shared);
    const b = limitModelConcurrency(two.model, shared);
    const first = a.request(hello);
    await expect(b.request(hello)).rejects.toThrow('Concurrency limit reached for two');
    await tick();
    one.finishNext();
    await first;
    const second = b.request(hello);
    await tick();
    two.finishNext();
    await second;
    expect(shared.running).toBe(0);
  });

  test('a stream holds its slot until it ends, or until it is cancelled', async () => {
    const model = new FunctionModel(undefined, {
      stream: async function* () {
        yield 'x';
        yield 'y';
      },
    });
    const limited = limitModelConcurrency(model, { limit: 1 });
    const stream = await limited.requestStream(hello);
    expect(limited.limiter.running).toBe(1);
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    expect(limited.limiter.running).toBe(1);
    while (!(await iterator.next()).done) {
      // read to the end
    }
    expect(limited.limiter.running).toBe(0);
    expect(stream.get().parts).toEqual([{ partKind: 'text', content: 'xy' }]);

    const cancelled = await limited.requestStream(hello);
    expect(limited.limiter.running).toBe(1);
    cancelled.cancel();
    expect(limited.limiter.running).toBe(0);
  });

  test('a failed call releases its slot', async () => {
    const model = new FunctionModel(() => {
      throw new Error('boom');
    });
    const limited = limitModelConcurrency(model, { limit: 1 });
    await expect(limited.request(hello)).rejects.toThrow('boom');
    expect(limited.limiter.running).toBe(0);
  });

  test('forwards the model’s names and settings', () => {
    const model = new FunctionModel(() => ({ parts: [] }), {
      modelName: 'named',
      settings: { maxTokens: 3 },
    });
    const limited = limitModelConcurrency(model, { limit: 1 });
    expect([limited.modelName, limited.system, limited.settings]).toEqual([
      'named',
      'function',
      { maxTokens: 3 },
    ]);
  });

  test('rejects a limit below one', () => {
    expect(() => new ConcurrencyLimiter({ limit: 0 })).toThrow('limit must be a whole number ≥ 1, got 0');
  });
});
