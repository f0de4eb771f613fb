/**
 * `GET /v1/models` and `GET /v1/models/{id}` held to both official clients: the OpenAI SDK reads OpenAI's
 * shapes, `@anthropic-ai/sdk` (told apart by its `anthropic-version` header) reads Anthropic's, and each
 * gets its own 404 and 401.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashClientKey, inject } from '../../../src/gateway/index.ts';
import { type GatewayFixture, startFixture } from './fixture.ts';

const KEY = 'models-key-1';
const ROUTED_KEY = 'models-key-routed-2';
let fixture: GatewayFixture;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  fixture = await startFixture({
    clients: [
      { name: 'app', sha256: hashClientKey(KEY) },
      { name: 'routed', sha256: hashClientKey(ROUTED_KEY), routes: ['main', 'limited'] },
    ],
  });
  openai = new OpenAI({ baseURL: `${fixture.gateway.url}/v1`, apiKey: KEY, maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: fixture.gateway.url, apiKey: KEY, maxRetries: 0 });
});
afterAll(() => fixture.close());

const ROUTES = ['main', 'limited', 'unavailable', 'failing', 'rejected', 'broken', 'broken-anthropic'];

async function failure<T extends Error>(promise: Promise<unknown>): Promise<T> {
  return (await promise.then(
    () => undefined,
    (e: unknown) => e,
  )) as T;
}

describe('the OpenAI SDK', () => {
  it('lists routes and their models', async () => {
    const ids: string[] = [];
    for await (const model of openai.models.list()) ids.push(model.id);
    expect(ids.slice(0, ROUTES.length)).toEqual(ROUTES);
    expect(ids).toContain('a:gpt-4o');
    expect(ids).toContain('b:claude-sonnet-4-5');
  });

  it("retrieves a route and a model in OpenAI's shape", async () => {
    expect(await openai.models.retrieve('main')).toEqual({
      id: 'main',
      object: 'model',
      created: 0,
      owned_by: 'understudy',
    });
    expect(await openai.models.retrieve('b:claude-sonnet-4-5')).toMatchObject({
      id: 'b:claude-sonnet-4-5',
      owned_by: 'b',
    });
    // Served though no route names it: a client may check the model it is about to ask for.
    expect(await openai.models.retrieve('a:gpt-4o-mini')).toMatchObject({
      id: 'a:gpt-4o-mini',
      owned_by: 'a',
    });
  });

  it("404 model_not_found in OpenAI's shape for an unknown id", async () => {
    const error = await failure<InstanceType<typeof OpenAI.NotFoundError>>(openai.models.retrieve('nope'));
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error.code).toBe('model_not_found');
    expect(error.type).toBe('invalid_request_error');
    expect(error.message).toContain("'nope'");
  });

  it("401 in OpenAI's shape without a key", async () => {
    const anonymous = new OpenAI({ baseURL: `${fixture.gateway.url}/v1`, apiKey: 'wrong', maxRetries: 0 });
    const error = await failure<InstanceType<typeof OpenAI.APIError>>(anonymous.models.retrieve('main'));
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(error.type).toBe('authentication_error');
  });
});

describe('the Anthropic SDK', () => {
  it("lists in Anthropic's shape, page by page", async () => {
    const page = await anthropic.models.list({ limit: 3 });
    expect(page.data.map((model) => model.id)).toEqual(ROUTES.slice(0, 3));
    expect(page.data[0]).toEqual({
      type: 'model',
      id: 'main',
      display_name: 'main',
      created_at: '1970-01-01T00:00:00Z',
    });
    expect(page).toMatchObject({ has_more: true, first_id: 'main', last_id: 'unavailable' });
    const all: string[] = [];
    // The SDK's auto-pagination follows after_id = last_id while has_more.
    for await (const model of anthropic.models.list({ limit: 2 })) all.push(model.id);
    const openaiIds: string[] = [];
    for await (const model of openai.models.list()) openaiIds.push(model.id);
    expect(all).toEqual(openaiIds);
  });

  it('pages backwards with before_id', async () => {
    const page = await anthropic.models.list({ before_id: 'failing', limit: 2 });
    expect(page.data.map((model) => model.id)).toEqual(['limited', 'unavailable']);
    expect(page.has_more).toBe(true);
  });

  it("retrieves a route in Anthropic's shape", async () => {
    expect(await anthropic.models.retrieve('main')).toEqual({
      type: 'model',
      id: 'main',
      display_name: 'main',
      created_at: '1970-01-01T00:00:00Z',
    });
  });

  it('404 not_found_error for an unknown id, 400 for a cursor it never gave', async () => {
    const error = await failure<InstanceType<typeof Anthropic.APIError>>(anthropic.models.retrieve('nope'));
    expect(error).toBeInstanceOf(Anthropic.NotFoundError);
    expect(error.error).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    const cursor = await failure<InstanceType<typeof Anthropic.APIError>>(
      anthropic.models.list({ after_id: 'nope' }),
    );
    expect(cursor).toBeInstanceOf(Anthropic.BadRequestError);
    expect(cursor.error).toMatchObject({ error: { type: 'invalid_request_error' } });
  });

  it("401 in Anthropic's shape without a key", async () => {
    const anonymous = new Anthropic({ baseURL: fixture.gateway.url, apiKey: 'wrong', maxRetries: 0 });
    const error = await failure<InstanceType<typeof Anthropic.APIError>>(anonymous.models.list());
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(error.error).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  });
});

describe('what decides the shape', () => {
  const get = (url: string, headers: Record<string, string>) =>
    inject(fixture.gateway.handler, { method: 'GET', url, headers });

  it("an x-api-key without Authorization is Anthropic's; a Bearer key alone is OpenAI's", async () => {
    expect((await get('/v1/models/main', { 'x-api-key': KEY })).json()).toMatchObject({ type: 'model' });
    expect((await get('/v1/models/main', { authorization: `Bearer ${KEY}` })).json()).toMatchObject({
      object: 'model',
    });
  });

  it('a key limited to routes sees only those, and no other id', async () => {
    const headers = { authorization: `Bearer ${ROUTED_KEY}` };
    expect((await get('/v1/models', headers)).json()).toMatchObject({
      data: [{ id: 'main' }, { id: 'limited' }],
    });
    expect((await get('/v1/models/main', headers)).status).toBe(200);
    expect((await get('/v1/models/a:gpt-4o', headers)).status).toBe(404);
    expect((await get('/v1/models/unavailable', headers)).status).toBe(404);
  });

  it('decodes an id the SDKs percent-encode', async () => {
    const found = await get('/v1/models/a%3Agpt-4o', { authorization: `Bearer ${KEY}` });
    expect(found.json()).toMatchObject({ id: 'a:gpt-4o' });
  });
});
