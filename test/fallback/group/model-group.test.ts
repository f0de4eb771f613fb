import { describe, expect, test } from 'vitest';
import { ModelHTTPError, UserError } from '../../../src/core/errors/index.ts';
import type { ModelMessage, ModelResponseStreamEvent } from '../../../src/core/messages.ts';
import { responseText, userPrompt } from '../../../src/core/messages.ts';
import { CircuitBreaker } from '../../../src/fallback/breaker/circuit-breaker.ts';
import { FallbackExceptionGroup } from '../../../src/fallback/fallback-errors.ts';
import { FallbackModel } from '../../../src/fallback/fallback-model.ts';
import { ModelGroup } from '../../../src/fallback/group/model-group.ts';
import { seededRandom } from '../../../src/fallback/group/seeded-random.ts';
import { FunctionModel } from '../../../src/testing/function.ts';

const hello: ModelMessage[] = [{ kind: 'request', parts: [userPrompt('hello')] }];

/** A deployment that answers with its name, and counts its calls. */
function deployment(name: string, behaviour: () => void | Promise<void> = () => {}) {
  const calls = { count: 0 };
  const model = new FunctionModel(
    async () => {
      calls.count++;
      await behaviour();
      return { parts: [{ partKind: 'text' as const, content: name }] };
    },
    {
      modelName: name,
      stream: async function* () {
        calls.count++;
        await behaviour();
        yield name;
      },
    },
  );
  return { model, calls };
}

const fails = (status: number) => () => {
  throw new ModelHTTPError(status, 'upstream', { error: { message: `status ${status}` } });
};

describe('ModelGroup strategies', () => {
  test('weighted: 3 to 1 weights serve 75% ± 3% of 4,000 calls', async () => {
    const east = deployment('east');
    const west = deployment('west');
    const group = new ModelGroup(
      [
        { model: east.model, weight: 3 },
        { model: west.model, weight: 1 },
      ],
      { strategy: 'weighted', random: seededRandom(7) },
    );
    const model = new FallbackModel(group);
    for (let i = 0; i < 4000; i++) await model.request(hello);
    expect(east.calls.count + west.calls.count).toBe(4000);
    expect(east.calls.count / 4000).toBeGreaterThan(0.72);
    expect(east.calls.count / 4000).toBeLessThan(0.78);
  });

  test('weighted: three equal deployments each serve a third ± 3% of 3,000 calls', async () => {
    const all = ['a', 'b', 'c'].map((name) => deployment(name));
    const group = new ModelGroup(
      all.map((d) => d.model),
      { random: seededRandom(11) },
    );
    const model = new FallbackModel(group);
    for (let i = 0; i < 3000; i++) await model.request(hello);
    for (const d of all) {
      expect(d.calls.count / 3000).toBeGreaterThan(0.3);
      expect(d.calls.count / 3000).toBeLessThan(0.367);
    }
  });

  test('least-busy: a call goes to the deployment with fewest in flight', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow = deployment('slow', () => held);
    const free = deployment('free');
    const group = new ModelGroup([slow.model, free.model], {
      strategy: 'least-busy',
      random: seededRandom(1),
    });
    const model = new FallbackModel(group);
    // Whichever goes first is busy while the next calls choose.
    const first = model.request(hello);
    await Promise.resolve();
    const busy = slow.calls.count === 1 ? 'slow' : 'free';
    const next = await Promise.race([
      model.request(hello),
      new Promise((r) => setTimeout(() => r('held'), 500)),
    ]);
    if (busy === 'slow') expect(responseText(next as never)).toBe('free');
    release();
    await first;
    // With nothing in flight, both are chosen over many calls.
    for (let i = 0; i < 200; i++) await model.request(hello);
    expect(slow.calls.count).toBeGreaterThan(50);
    expect(free.calls.count).toBeGreaterThan(50);
  });

  test('cost: the cheapest healthy deployment serves; when its breaker is open, the next cheapest', async () => {
    const dear = deployment('dear');
    const cheap = deployment('cheap');
    const unknown = deployment('unknown');
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 60_000 });
    const group = new ModelGroup(
      [{ model: unknown.model }, { model: dear.model, price: 20 }, { model: cheap.model, price: 2 }],
      { strategy: 'cost' },
    );
    const model = new FallbackModel(group, { breaker });
    const first = await model.request(hello);
    expect(responseText(first)).toBe('cheap');
    await breaker.onFailure('function:cheap', 'server');
    const second = await model.request(hello);
    expect(responseText(second)).toBe('dear');
    expect(second.attempts?.map((a) => [a.deployment, a.outcome])).toEqual([
      ['function:cheap', 'skipped'],
      ['function:dear', 'ok'],
    ]);
  });

  test('latency: power of two choices sends most calls to the faster deployment', async () => {
    let now = 0;
    const clock = () => now;
    const fast = deployment('fast', () => {
      now += 50;
    });
    const slow = deployment('slow', () => {
      now += 800;
    });
    const group = new ModelGroup([fast.model, slow.model], {
      strategy: 'latency',
      clock,
      random: seededRandom(3),
    });
    const model = new FallbackModel(group, { clock });
    for (let i = 0; i < 2000; i++) await model.request(hello);
    // Two deployments: the two choices are always both, so after one sample each the faster wins until
    // the slow one's average, left alone, has decayed below the fast one's: then it is measured again.
    expect(slow.calls.count).toBeGreaterThan(1);
    expect(slow.calls.count / 2000).toBeLessThan(0.05);
  });
});

describe('ModelGroup failures and fallback', () => {
  test('a failing deployment moves the call to the next deployment of the group, not to a retry', async () => {
    const broken = deployment('broken', fails(500));
    const healthy = deployment('healthy');
    const backup = deployment('backup');
    const group = new ModelGroup(
      [
        { model: broken.model, weight: 1 },
        { model: healthy.model, weight: 0 },
      ],
      {
        name: 'pool',
      },
    );
    const model = new FallbackModel(group, backup.model, { retry: { maxRetries: 2, baseDelayMs: 1 } });
    const response = await model.request(hello);
    expect(responseText(response)).toBe('healthy');
    expect(response.attempts?.map((a) => [a.group, a.deployment, a.outcome, a.errorKind])).toEqual([
      ['pool', 'function:broken', 'error', 'server'],
      ['pool', 'function:healthy', 'ok', undefined],
    ]);
    expect(backup.calls.count).toBe(0);
  });

  test('when every deployment of the group fails, the route moves to its next step', async () => {
    const a = deployment('a', fails(429));
    const b = deployment('b', fails(503));
    const backup = deployment('backup');
    const group = new ModelGroup([a.model, b.model], { name: 'pair', random: seededRandom(5) });
    const model = new FallbackModel(group, backup.model, { retry: { maxRetries: 0 } });
    const response = await model.request(hello);
    expect(responseText(response)).toBe('backup');
    expect(response.attempts?.map((x) => x.outcome)).toEqual(['error', 'error', 'ok']);
    expect(response.attempts?.[2]?.group).toBeUndefined();
    expect(model.modelName).toBe('fallback:group:pair,backup');
  });

  test("the group's last deployment left gets the route's retries before the route moves on", async () => {
    const a = deployment('a', fails(503));
    const b = deployment('b', fails(503));
    const backup = deployment('backup');
    const group = new ModelGroup([
      { model: a.model, weight: 1 },
      { model: b.model, weight: 0 },
    ]);
    const model = new FallbackModel(group, backup.model, { retry: { maxRetries: 2, baseDelayMs: 1 } });
    const response = await model.request(hello);
    expect(responseText(response)).toBe('backup');
    expect(response.attempts?.map((x) => [x.modelName, x.outcome])).toEqual([
      ['a', 'error'],
      ['b', 'error'],
      ['b', 'error'],
      ['b', 'error'],
      ['backup', 'ok'],
    ]);
  });

  test('a failure the conditions do not accept is thrown, and a whole-group failure is a FallbackExceptionGroup', async () => {
    const a = deployment('a', fails(500));
    const b = deployment('b', fails(500));
    const group = new ModelGroup([a.model, b.model]);
    await expect(group.request(hello)).rejects.toBeInstanceOf(FallbackExceptionGroup);
    const refusing = new FallbackModel(new ModelGroup([a.model, b.model]), { fallbackOn: ['rate_limit'] });
    await expect(refusing.request(hello)).rejects.toBeInstanceOf(ModelHTTPError);
    expect(a.calls.count + b.calls.count).toBe(3);
  });

  test('every strategy skips a deployment whose breaker is open', async () => {
    for (const strategy of ['weighted', 'least-busy', 'latency', 'cost'] as const) {
      const open = deployment('open');
      const closed = deployment('closed');
      const breaker = new CircuitBreaker({ cooldownMs: 60_000 });
      await breaker.onFailure('function:open', 'auth');
      const group = new ModelGroup(
        [
          { model: open.model, price: 1 },
          { model: closed.model, price: 5 },
        ],
        { strategy, random: seededRandom(9) },
      );
      const model = new FallbackModel(group, { breaker });
      for (let i = 0; i < 20; i++) expect(responseText(await model.request(hello))).toBe('closed');
      expect(open.calls.count).toBe(0);
    }
  });

  test('streams: a group serves a stream and its trace names the deployment', async () => {
    const broken = deployment('broken', fails(502));
    const healthy = deployment('healthy');
    const group = new ModelGroup(
      [
        { model: broken.model, weight: 1 },
        { model: healthy.model, weight: 0 },
      ],
      {
        name: 'g',
      },
    );
    const stream = await new FallbackModel(group).requestStream(hello);
    const events: ModelResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(responseText(stream.get())).toBe('healthy');
    expect(stream.get().attempts?.map((a) => [a.deployment, a.outcome])).toEqual([
      ['function:broken', 'error'],
      ['function:healthy', 'ok'],
    ]);
  });

  test('groups nest: a group of a group and a model', async () => {
    const a = deployment('a');
    const b = deployment('b');
    const c = deployment('c');
    const inner = new ModelGroup([a.model, b.model], { name: 'inner', random: seededRandom(2) });
    const outer = new ModelGroup(
      [
        { model: inner, weight: 1 },
        { model: c.model, weight: 1 },
      ],
      {
        name: 'outer',
        random: seededRandom(4),
      },
    );
    const model = new FallbackModel(outer);
    const groups = new Set<string | undefined>();
    for (let i = 0; i < 200; i++) groups.add((await model.request(hello)).attempts?.at(-1)?.group);
    expect(groups).toEqual(new Set(['inner', 'outer']));
    expect(a.calls.count + b.calls.count).toBeGreaterThan(70);
    expect(c.calls.count).toBeGreaterThan(70);
  });

  test('refuses an unknown strategy, an empty group and a negative weight, saying what to do', () => {
    const a = deployment('a');
    expect(() => new ModelGroup([])).toThrow(UserError);
    expect(() => new ModelGroup([a.model], { strategy: 'fastest' as never })).toThrow(
      /use one of weighted, least-busy, latency, cost/,
    );
    expect(() => new ModelGroup([{ model: a.model, weight: -1 }])).toThrow(/negative weight/);
  });

  test("hedging over a group: a slow deployment gets the group's next one as its partner", async () => {
    const slow = deployment('slow', () => new Promise((resolve) => setTimeout(resolve, 2000)));
    const quick = deployment('quick');
    const group = new ModelGroup([
      { model: slow.model, weight: 1 },
      { model: quick.model, weight: 0 },
    ]);
    const response = await new FallbackModel(group, { hedgeAfterMs: 20 }).request(hello);
    expect(responseText(response)).toBe('quick');
    expect(response.attempts?.map((a) => [a.deployment, a.outcome])).toEqual([
      ['function:slow', 'cancelled'],
      ['function:quick', 'ok'],
    ]);
  });

  test("continueOnStreamFailure over a group: the group's next deployment continues the text", async () => {
    const cut = new FunctionModel(undefined, {
      modelName: 'cut',
      stream: async function* () {
        yield 'Hello wor';
        throw new ModelHTTPError(502, 'cut', {});
      },
    });
    const rest = deployment('ld!');
    const group = new ModelGroup([
      { model: cut, weight: 1 },
      { model: rest.model, weight: 0 },
    ]);
    const stream = await new FallbackModel(group, { continueOnStreamFailure: true }).requestStream(hello);
    let text = '';
    for await (const event of stream) {
      if (event.kind === 'part-start' && event.part.partKind === 'text') text += event.part.content;
      if (event.kind === 'part-delta' && event.delta.partKind === 'text') text += event.delta.contentDelta;
    }
    expect(text).toBe('Hello world!');
    expect(stream.get().attempts?.map((a) => [a.deployment, a.outcome])).toEqual([
      ['function:cut', 'error'],
      ['function:ld!', 'ok'],
    ]);
  });
});
