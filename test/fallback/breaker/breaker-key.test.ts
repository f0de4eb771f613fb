import { describe, expect, test } from 'vitest';
import { ModelHTTPError } from '../../../src/core/errors/index.ts';
import { userPrompt } from '../../../src/core/messages.ts';
import type { Model } from '../../../src/core/model.ts';
import { breakerKeyOf, upstreamBreakerKey } from '../../../src/fallback/breaker/breaker-key.ts';
import { type BreakerChange, CircuitBreaker } from '../../../src/fallback/breaker/circuit-breaker.ts';
import { FallbackModel } from '../../../src/fallback/fallback-model.ts';
import { inferModel } from '../../../src/registry/infer-model.ts';
import { FunctionModel } from '../../../src/testing/function.ts';
import { limitModelConcurrency } from '../../../src/wrappers/concurrency-limited.ts';
import { instrument } from '../../../src/wrappers/instrumented.ts';

const messages = [{ kind: 'request' as const, parts: [userPrompt('hi')] }];

describe('breakerKeyOf', () => {
  test("an HTTP model's key names provider, model and the base URL it calls", () => {
    const model = inferModel('openai:gpt-4o', { apiKey: 'k', env: {} });
    expect(breakerKeyOf(model)).toBe('openai:gpt-4o@https://api.openai.com/v1');
    const local = inferModel('openai:llama3', {
      baseUrl: 'http://127.0.0.1:11434/v1/',
      apiKey: 'k',
      env: {},
    });
    expect(breakerKeyOf(local)).toBe('openai:llama3@http://127.0.0.1:11434/v1');
  });

  test('a wrapped model answers to the breaker of the model it wraps', () => {
    const model = inferModel('anthropic:claude-sonnet-4-5', { apiKey: 'k', env: {} });
    const key = 'anthropic:claude-sonnet-4-5@https://api.anthropic.com/v1';
    expect(breakerKeyOf(model)).toBe(key);
    expect(breakerKeyOf(instrument(model))).toBe(key);
    expect(breakerKeyOf(limitModelConcurrency(instrument(model), { limit: 1 }))).toBe(key);
  });

  test('any model that tells its provider is keyed by it, adapter or not', () => {
    const local = new FunctionModel(undefined, { modelName: 'm' });
    const proxied: Model = Object.assign(Object.create(local) as Model, {
      provider: { name: 'corp-proxy', baseUrl: 'https://llm.corp.example/v1' },
    });
    expect(breakerKeyOf(proxied)).toBe('corp-proxy:m@https://llm.corp.example/v1');
    expect(breakerKeyOf(instrument(proxied))).toBe('corp-proxy:m@https://llm.corp.example/v1');
  });

  test('a model without an upstream is keyed by system and name', () => {
    expect(breakerKeyOf(new FunctionModel(undefined, { modelName: 'local' }))).toBe('function:local');
  });

  test('credentials written into a base URL stay out of the key that /metrics and /health show', () => {
    const model = inferModel('openai:gpt-4o', {
      baseUrl: 'https://alice:s3cret@proxy.example/v1',
      apiKey: 'k',
      env: {},
    });
    expect(breakerKeyOf(model)).toBe('openai:gpt-4o@https://proxy.example/v1');
    expect(upstreamBreakerKey('p', 'm', 'http://user@127.0.0.1:9000')).toBe('p:m@http://127.0.0.1:9000');
    expect(upstreamBreakerKey('p', 'm', 'http://127.0.0.1:9000/v1#x')).toBe('p:m@http://127.0.0.1:9000/v1');
    // An ordinary base URL is the key's tail as it is.
    expect(upstreamBreakerKey('p', 'm', 'https://h.example/openai')).toBe('p:m@https://h.example/openai');
  });
});

describe('one key from breaker to trace', () => {
  test('each attempt carries the key its breaker moved under', async () => {
    const changes: BreakerChange[] = [];
    const down = new FunctionModel(
      () => {
        throw new ModelHTTPError(503, 'down', { error: 'overloaded' });
      },
      { modelName: 'down' },
    );
    const fine = () => ({ parts: [{ partKind: 'text' as const, content: 'fine' }] });
    const up = instrument(new FunctionModel(fine, { modelName: 'up' }));
    const fallback = new FallbackModel(down, up, {
      retry: { maxRetries: 0 },
      breaker: { failureThreshold: 1, onChange: (change) => changes.push(change) },
    });
    const first = await fallback.request(messages);
    expect(first.attempts?.map((a) => [a.breakerKey, a.outcome])).toEqual([
      ['function:down', 'error'],
      ['function:up', 'ok'],
    ]);
    expect(changes).toEqual([{ key: 'function:down', from: 'closed', to: 'open' }]);
    const second = await fallback.request(messages);
    expect(second.attempts?.map((a) => [a.breakerKey, a.outcome])).toEqual([
      ['function:down', 'skipped'],
      ['function:up', 'ok'],
    ]);
  });
});

describe('CircuitBreaker.withOptions', () => {
  test('judges the same store by its own thresholds and reports to the same listener', async () => {
    const changes: BreakerChange[] = [];
    const gatewayWide = new CircuitBreaker({ onChange: (change) => changes.push(change) });
    const route = gatewayWide.withOptions({ failureThreshold: 1, cooldownMs: 60_000 });
    expect(route.store).toBe(gatewayWide.store);
    await route.onFailure('k', 'server');
    expect(changes).toEqual([{ key: 'k', from: 'closed', to: 'open' }]);
    // The gateway-wide breaker (threshold 5) sees the route's verdict: one record per key.
    expect(await gatewayWide.admit('k')).toBe('skip');
  });
});
