/**
 * Same protocol in and out: a Responses request to a Responses upstream goes as it came. The request
 * Codex 0.171.0 really sent (captured by test/agents/codex.test.ts) replays through the gateway to a
 * recording upstream, which must receive it byte for byte but the model; the answer, with fields no schema
 * of the gateway knows, comes back as written but for the model that served. A fallback from it to an
 * upstream of another protocol translates.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../../src/chaos/index.ts';
import { type Gateway, startGateway } from '../../../src/gateway/index.ts';
import {
  type RecordingUpstream,
  sseFrames,
  startRecordingUpstream,
} from '../../support/recording-upstream.ts';

const codex = JSON.parse(
  readFileSync(new URL('../../fixtures/agents/codex-responses-request.json', import.meta.url), 'utf8'),
) as { path: string; headers: Record<string, string>; body: string };

// What OpenAI writes, with fields the gateway's schemas do not know (`future_field`): they must arrive.
const response = (model: unknown, status: string) => ({
  id: 'resp_up',
  object: 'response',
  created_at: 7,
  status,
  model,
  output: status === 'in_progress' ? [] : [message],
  usage: status === 'in_progress' ? null : { input_tokens: 30, output_tokens: 3, total_tokens: 33 },
  future_field: { kept: true },
});
const message = {
  id: 'msg_up',
  type: 'message',
  status: 'completed',
  role: 'assistant',
  content: [{ type: 'output_text', text: 'It says 42.', annotations: [] }],
};
const frames = (model: unknown) =>
  sseFrames([
    [
      'response.created',
      { type: 'response.created', sequence_number: 0, response: response(model, 'in_progress') },
    ],
    [
      'response.output_item.added',
      {
        type: 'response.output_item.added',
        sequence_number: 1,
        output_index: 0,
        item: { ...message, status: 'in_progress', content: [] },
      },
    ],
    [
      'response.output_text.delta',
      {
        type: 'response.output_text.delta',
        sequence_number: 2,
        item_id: 'msg_up',
        output_index: 0,
        content_index: 0,
        delta: 'It says 42.',
        obfuscation: 'x',
      },
    ],
    [
      'response.output_item.done',
      { type: 'response.output_item.done', sequence_number: 3, output_index: 0, item: message },
    ],
    [
      'response.completed',
      { type: 'response.completed', sequence_number: 4, response: response(model, 'completed') },
    ],
  ]);

let upstream: RecordingUpstream;
let overloaded: ChaosServer;
let claude: ChaosServer;
let gateway: Gateway;

beforeAll(async () => {
  upstream = await startRecordingUpstream({
    json: (request) => JSON.stringify(response(request.model, 'completed')),
    sse: (request) => frames(request.model),
  });
  overloaded = await startChaosServer({ protocol: 'openai-responses', scenario: { fault: 'status:503' } });
  claude = await startChaosServer({ protocol: 'anthropic' });
  gateway = await startGateway({
    port: 0,
    log: () => {},
    env: {},
    config: {
      providers: {
        resp: { type: 'openai-responses', baseUrl: `${upstream.url}/v1` },
        down: { type: 'openai-responses', baseUrl: overloaded.url },
        claude: { type: 'anthropic', baseUrl: claude.url },
      },
      routes: {
        'gpt-5': { models: ['resp:gpt-5-codex'], breaker: false },
        'down-then-claude': { models: ['down:gpt-5', 'claude:claude-sonnet-4-5'], breaker: false },
      },
    },
  });
});
afterAll(async () => {
  await gateway?.close();
  await Promise.all([upstream, overloaded, claude].map((server) => server?.close()));
});

function post(body: string): Promise<Response> {
  return fetch(`${gateway.url}${codex.path}`, { method: 'POST', headers: codex.headers, body });
}

describe('Responses to a Responses upstream', () => {
  it("Codex's recorded request arrives byte for byte but the model, and its stream comes back as written", async () => {
    const sent = codex.body.replace('"model":"codex-chat"', '"model":"gpt-5"');
    expect(sent).not.toBe(codex.body);
    const answer = await post(sent);
    expect(answer.status).toBe(200);
    const text = await answer.text();
    const received = upstream.requests.at(-1)!;
    expect(received.path).toBe('/v1/responses');
    expect(received.body).toBe(codex.body.replace('"model":"codex-chat"', '"model":"gpt-5-codex"'));
    expect(received.headers.authorization).not.toBe(codex.headers.authorization);
    expect(text).toBe(frames('resp:gpt-5-codex'));
    expect(answer.headers.get('x-understudy-model')).toBe('resp:gpt-5-codex');
  });

  it('passes a whole answer through with only its model set and its price added', async () => {
    const body = JSON.stringify({
      model: 'gpt-5',
      input: 'hi',
      tools: [{ type: 'web_search' }],
      store: true,
    });
    const answer = await post(body);
    expect(answer.status).toBe(200);
    // The one field the gateway adds: the answer's price, in its usage.
    const text = await answer.text();
    const { cost } = (JSON.parse(text) as { usage: { cost: number } }).usage;
    expect(cost).toBeGreaterThan(0);
    expect(text).toBe(
      JSON.stringify(response('resp:gpt-5-codex', 'completed')).replace(
        '"usage":{',
        `"usage":{"cost":${cost},`,
      ),
    );
    // A hosted tool reaches a Responses upstream as it is.
    expect(upstream.requests.at(-1)!.body).toBe(body.replace('"gpt-5"', '"gpt-5-codex"'));
  });

  it('translates when it falls back to another protocol', async () => {
    const answer = await post(JSON.stringify({ model: 'down-then-claude', input: 'hello there' }));
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as {
      model: string;
      output: Array<{ content: Array<{ text: string }> }>;
    };
    expect(body.model).toBe('claude:claude-sonnet-4-5');
    expect(body.output[0]!.content[0]!.text).toBe('echo: hello there');
  });
});
