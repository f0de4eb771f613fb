import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashClientKey, inject, scrubSecrets } from '../../../src/gateway/index.ts';
import { type GatewayFixture, startFixture } from './fixture.ts';

let fixture: GatewayFixture;
const KEY = 'client-key-for-tests-1';
const LIMITED_KEY = 'client-key-limited-2';

beforeAll(async () => {
  fixture = await startFixture(
    {
      server: { bodyLimit: '2kb', maxJsonDepth: 8 },
      clients: [
        { name: 'app', sha256: hashClientKey(KEY) },
        {
          name: 'tight',
          sha256: hashClientKey(LIMITED_KEY),
          limits: { requestsPerMinute: 2 },
          routes: ['main'],
        },
      ],
    },
    {},
  );
});
afterAll(() => fixture.close());

const chat = (body: unknown, headers: Record<string, string> = { authorization: `Bearer ${KEY}` }) =>
  inject(fixture.gateway.handler, { method: 'POST', url: '/v1/chat/completions', headers, body });
const messages = [{ role: 'user', content: 'hi' }];

describe('client keys', () => {
  it('401 without a key, and with a wrong one', async () => {
    const missing = await chat({ model: 'main', messages }, {});
    expect(missing.status).toBe(401);
    expect(missing.json()).toEqual({
      error: {
        message:
          'Missing API key: send it as `Authorization: Bearer <key>`, `x-api-key: <key>` or `x-goog-api-key: <key>`.',
        type: 'authentication_error',
        param: null,
        code: 'unauthorized',
      },
    });
    const wrong = await chat({ model: 'main', messages }, { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    expect((wrong.json() as { error: { message: string } }).error.message).toBe('Invalid API key.');
  });

  it('accepts the key as a bearer token or as x-api-key', async () => {
    expect((await chat({ model: 'main', messages })).status).toBe(200);
    expect((await chat({ model: 'main', messages }, { 'x-api-key': KEY })).status).toBe(200);
  });

  it('403 for a route the key may not use', async () => {
    const res = await chat({ model: 'limited', messages }, { 'x-api-key': LIMITED_KEY });
    expect(res.status).toBe(403);
    expect(res.json()).toMatchObject({ error: { code: 'forbidden', param: 'model' } });
  });

  it('429 with retry-after past the requests-per-minute limit', async () => {
    const headers = { 'x-api-key': LIMITED_KEY };
    // The 403 above did not spend budget: limits are checked after the route check.
    expect((await chat({ model: 'main', messages }, headers)).status).toBe(200);
    expect((await chat({ model: 'main', messages }, headers)).status).toBe(200);
    const third = await chat({ model: 'main', messages }, headers);
    expect(third.status).toBe(429);
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
    expect(third.json()).toMatchObject({ error: { type: 'rate_limit_error', code: 'rate_limited' } });
  });
});

describe('body limits and validation', () => {
  it('413 for a body over the limit', async () => {
    const res = await chat({ model: 'main', messages: [{ role: 'user', content: 'x'.repeat(3000) }] });
    expect(res.status).toBe(413);
    expect(res.json()).toMatchObject({ error: { code: 'body_too_large' } });
  });

  it('400 for JSON nested past the depth limit', async () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 10; i++) deep = [deep];
    const res = await chat({ model: 'main', messages, extra: deep });
    expect(res.status).toBe(400);
    expect((res.json() as { error: { message: string } }).error.message).toBe(
      'The JSON body is nested deeper than 8 levels.',
    );
  });

  it('400 for a body that is not JSON', async () => {
    const res = await chat('{"model": "main",');
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'invalid_json', type: 'invalid_request_error' } });
  });

  it('400 naming the bad field', async () => {
    const res = await chat({
      model: 'main',
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'robot', content: 'x' },
      ],
    });
    expect(res.status).toBe(400);
    const error = (res.json() as { error: { param: string; message: string } }).error;
    expect(error.param).toBe('messages[1].role');
    expect(error.message).toMatch(/^Invalid request: messages\[1\]\.role: /);
    const temperature = await chat({ model: 'main', messages, temperature: 5 });
    expect((temperature.json() as { error: { param: string } }).error.param).toBe('temperature');
  });

  it('ignores unknown extra fields', async () => {
    const res = await chat({
      model: 'main',
      messages,
      user: 'u1',
      metadata: { a: 1 },
      some_vendor_flag: true,
    });
    expect(res.status).toBe(200);
  });

  it('refuses a model id that is a URL', async () => {
    const res = await chat({ model: 'a:http://evil.example/v1', messages });
    expect(res.status).toBe(400);
    expect((res.json() as { error: { message: string } }).error.message).toBe(
      "Model 'a:http://evil.example/v1' looks like a URL; name a route or a 'provider:model'.",
    );
  });

  it('405 for GET on a chat route, 404 for an unknown path', async () => {
    const get = await inject(fixture.gateway.handler, {
      method: 'GET',
      url: '/v1/chat/completions',
      headers: { 'x-api-key': KEY },
    });
    expect(get.status).toBe(405);
    const none = await inject(fixture.gateway.handler, { method: 'GET', url: '/nowhere' });
    expect(none.status).toBe(404);
  });
});

describe('health', () => {
  it('reports liveness and each model breaker state without a key', async () => {
    const res = await inject(fixture.gateway.handler, { method: 'GET', url: '/health' });
    expect(res.status).toBe(200);
    const body = res.json() as {
      status: string;
      models: Record<string, { breakerKey: string; breaker: string }>;
    };
    expect(body.status).toBe('ok');
    expect(body.models['a:gpt-4o']).toEqual({
      breakerKey: `a:gpt-4o@${fixture.openaiUpstream.url}`,
      breaker: 'closed',
      consecutiveFailures: 0,
    });
  });
});

describe('request-finished events', () => {
  it('emits one per request with route, served model, attempts and status', async () => {
    const seen: Array<{
      route: string;
      servedModel: string | undefined;
      status: number;
      attempts: unknown[];
      clientKeyId: string | undefined;
    }> = [];
    const listener = (event: (typeof seen)[number]) => seen.push(event);
    fixture.gateway.events.on('request-finished', listener);
    await chat({ model: 'main', messages });
    await chat({ model: 'unavailable', messages });
    fixture.gateway.events.off('request-finished', listener);
    expect(seen.map((e) => [e.route, e.servedModel, e.status, e.attempts.length])).toEqual([
      ['main', 'b:claude-sonnet-4-5', 200, 2],
      // A request that failed everywhere reports the attempts it made too (the request log shows them).
      ['unavailable', undefined, 503, 2],
    ]);
    expect(seen[0]!.clientKeyId).toBe(hashClientKey(KEY).slice(0, 12));
  });
});

describe('scrubSecrets', () => {
  it('masks provider keys and bearer tokens in upstream messages', () => {
    expect(scrubSecrets('Incorrect API key provided: sk-proj-AbC123xyz456def. See https://x')).toBe(
      'Incorrect API key provided: [redacted]. See https://x',
    );
    expect(scrubSecrets('bad key sk-ant-api03-abcdefghijklmnop')).toBe('bad key [redacted]');
    expect(scrubSecrets('header was Bearer abcdefgh12345678')).toBe('header was [redacted]');
    expect(scrubSecrets('model gpt-4o is overloaded')).toBe('model gpt-4o is overloaded');
  });
});
