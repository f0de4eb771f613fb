/**
 * Key pools through the real OpenAI adapter against a chaos upstream that faults one key: a rate-limited
 * key hands the call to the next key of the same deployment before the route falls back, and rests for
 * its Retry-After; a refused key is taken out and reported by fingerprint; a failure that is the
 * deployment's leaves the pool.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../../src/chaos/index.ts';
import type { ModelMessage, ModelResponse } from '../../../src/core/messages.ts';
import { responseText, userPrompt } from '../../../src/core/messages.ts';
import { FallbackExceptionGroup } from '../../../src/fallback/fallback-errors.ts';
import { FallbackModel } from '../../../src/fallback/fallback-model.ts';
import type { KeyPool, KeyRemoved } from '../../../src/fallback/group/key-pool.ts';
import { KeysResting } from '../../../src/fallback/group/keys-resting.ts';
import { ModelGroup } from '../../../src/fallback/group/model-group.ts';
import { inferModel } from '../../../src/registry/infer-model.ts';
import { FunctionModel } from '../../../src/testing/function.ts';
import { keyFingerprint } from '../../../src/transport/key-fingerprint.ts';

const hello: ModelMessage[] = [{ kind: 'request', parts: [userPrompt('hello')] }];
const backup = new FunctionModel(() => ({ parts: [{ partKind: 'text' as const, content: 'backup' }] }), {
  modelName: 'backup',
});

let servers: ChaosServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

async function upstream(keys: Record<string, string>): Promise<ChaosServer> {
  const entries = Object.fromEntries(Object.entries(keys).map(([key, fault]) => [key, { fault }]));
  const server = await startChaosServer({ protocol: 'openai', scenario: { keys: entries } });
  servers.push(server);
  return server;
}

function pool(server: ChaosServer, keys: string[], onKeyRemoved?: (removed: KeyRemoved) => void): KeyPool {
  return inferModel('openai:gpt-4o', {
    baseUrl: server.url,
    apiKeys: keys,
    keyPool: onKeyRemoved ? { onKeyRemoved } : {},
  }) as KeyPool;
}

const trace = (response: ModelResponse) =>
  response.attempts?.map((a) => [a.keyFingerprint, a.outcome, a.errorKind ?? null]);

describe('KeyPool', () => {
  test('a 429 on one key moves to the next key of the deployment before any fallback', async () => {
    const server = await upstream({ 'sk-a': 'status:429;retry-after=30' });
    const model = new FallbackModel(pool(server, ['sk-a', 'sk-b']), backup);
    const first = await model.request(hello);
    expect(first.modelName).toBe('gpt-4o');
    expect(trace(first)).toEqual([
      [keyFingerprint('sk-a'), 'error', 'rate_limit'],
      [keyFingerprint('sk-b'), 'ok', null],
    ]);
    expect(first.attempts?.every((a) => a.deployment === 'openai:gpt-4o')).toBe(true);
    // Key a rests for its Retry-After (30 s): its turn comes again and it is skipped, not called.
    for (let i = 0; i < 4; i++) expect(responseText(await model.request(hello))).not.toBe('backup');
    expect(server.stats.keys[keyFingerprint('sk-a')]).toBe(1);
    expect(server.stats.keys[keyFingerprint('sk-b')]).toBe(5);
  });

  test('the keys take turns', async () => {
    const server = await upstream({});
    const model = new FallbackModel(pool(server, ['sk-a', 'sk-b', 'sk-c']));
    for (let i = 0; i < 9; i++) await model.request(hello);
    expect(Object.values(server.stats.keys)).toEqual([3, 3, 3]);
  });

  test('when every key is rate-limited, the route falls back to its next model', async () => {
    const server = await upstream({ 'sk-a': 'status:429', 'sk-b': 'status:429;retry-after=1' });
    const model = new FallbackModel(pool(server, ['sk-a', 'sk-b']), backup);
    const response = await model.request(hello);
    expect(responseText(response)).toBe('backup');
    expect(trace(response)).toEqual([
      [keyFingerprint('sk-a'), 'error', 'rate_limit'],
      [keyFingerprint('sk-b'), 'error', 'rate_limit'],
      [undefined, 'ok', null],
    ]);
  });

  test('when every key is resting for its Retry-After, no key is called: the call fails as a rate limit saying how long', async () => {
    const server = await upstream({
      'sk-a': 'status:429;retry-after=30',
      'sk-b': 'status:429;retry-after=20',
    });
    const model = new FallbackModel(pool(server, ['sk-a', 'sk-b']));
    await expect(model.request(hello)).rejects.toBeInstanceOf(FallbackExceptionGroup);
    const error = await model.request(hello).catch((failure: unknown) => failure);
    const [resting] = (error as FallbackExceptionGroup).errors as KeysResting[];
    expect(resting).toBeInstanceOf(KeysResting);
    expect(resting!.kind).toBe('rate_limit');
    expect(resting!.retryAfterMs).toBeGreaterThan(15_000);
    expect(resting!.retryAfterMs).toBeLessThanOrEqual(20_000);
    expect(resting!.message).toMatch(/^Every key of openai:gpt-4o is resting .* try again in 2\d s/);
    expect(server.stats.requests).toBe(2);
  });

  test('a key refused with 401 is taken out and reported by its fingerprint, never the key', async () => {
    const server = await upstream({ 'sk-revoked-secret': 'status:401' });
    const removed: KeyRemoved[] = [];
    const keys = pool(server, ['sk-revoked-secret', 'sk-good'], (event) => removed.push(event));
    const model = new FallbackModel(keys, backup);
    const first = await model.request(hello);
    expect(trace(first)).toEqual([
      [keyFingerprint('sk-revoked-secret'), 'error', 'auth'],
      [keyFingerprint('sk-good'), 'ok', null],
    ]);
    expect(removed).toEqual([
      { deployment: 'openai:gpt-4o', keyFingerprint: keyFingerprint('sk-revoked-secret'), statusCode: 401 },
    ]);
    expect(JSON.stringify(removed)).not.toContain('sk-revoked');
    expect(keys.removedKeys).toEqual([keyFingerprint('sk-revoked-secret')]);
    for (let i = 0; i < 6; i++) {
      const response = await model.request(hello);
      expect(trace(response)).toEqual([[keyFingerprint('sk-good'), 'ok', null]]);
    }
    expect(server.stats.keys[keyFingerprint('sk-revoked-secret')]).toBe(1);
  });

  test('a 5xx is the deployment failing, not the key: the call leaves the pool', async () => {
    const server = await startChaosServer({ protocol: 'openai', scenario: { fault: 'status:500' } });
    servers.push(server);
    const model = new FallbackModel(pool(server, ['sk-a', 'sk-b']), backup, { retry: { maxRetries: 0 } });
    const response = await model.request(hello);
    expect(responseText(response)).toBe('backup');
    expect(trace(response)).toEqual([
      [keyFingerprint('sk-a'), 'error', 'server'],
      [undefined, 'ok', null],
    ]);
  });

  test('streams rotate keys the same way', async () => {
    const server = await upstream({ 'sk-a': 'status:429' });
    const model = new FallbackModel(pool(server, ['sk-a', 'sk-b']), backup);
    const stream = await model.requestStream(hello);
    for await (const _ of stream) {
      // drain
    }
    expect(trace(stream.get())).toEqual([
      [keyFingerprint('sk-a'), 'error', 'rate_limit'],
      [keyFingerprint('sk-b'), 'ok', null],
    ]);
  });

  test('a pool is a deployment of a group: a rate-limited key rotates inside it, and the group names it', async () => {
    const east = await upstream({ 'sk-east-1': 'status:429' });
    const west = await upstream({});
    const eastPool = pool(east, ['sk-east-1', 'sk-east-2']);
    const westModel = inferModel('openai:gpt-4o', { baseUrl: west.url, apiKey: 'sk-west' });
    const group = new ModelGroup(
      [
        { model: eastPool, name: 'east', weight: 1 },
        { model: westModel, name: 'west', weight: 0 },
      ],
      { name: 'gpt-4o' },
    );
    const response = await new FallbackModel(group, backup).request(hello);
    expect(response.attempts?.map((a) => [a.group, a.deployment, a.keyFingerprint, a.outcome])).toEqual([
      ['gpt-4o', 'east', keyFingerprint('sk-east-1'), 'error'],
      ['gpt-4o', 'east', keyFingerprint('sk-east-2'), 'ok'],
    ]);
    expect(west.stats.requests).toBe(0);
  });

  test('apiKeys must hold at least one key', () => {
    expect(() => inferModel('openai:gpt-4o', { apiKeys: [] })).toThrow(/one or more non-empty keys/);
  });

  test('a fingerprint is stable and does not contain the key', () => {
    expect(keyFingerprint('sk-abc')).toBe(keyFingerprint('sk-abc'));
    expect(keyFingerprint('sk-abc')).not.toBe(keyFingerprint('sk-abd'));
    expect(keyFingerprint('sk-abc')).toMatch(/^key-[0-9a-f]{14}$/);
  });
});
