/**
 * The real Codex CLI through the gateway against chaos upstreams: a two-turn session in which the model
 * calls Codex's exec_command tool, Codex runs `cat notes.txt` in its workspace and sends the output back,
 * and the model answers — (a) passed through to an OpenAI Responses upstream (recording proxies on both
 * sides of the gateway show each turn reach it byte for byte but the model), and translated to a Chat
 * Completions upstream; (b) falling back to an Anthropic upstream after the primary fails with 529, 429
 * or a cut stream.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../src/chaos/index.ts';
import type { RequestFinished } from '../../src/gateway/events.ts';
import { type Gateway, startGateway } from '../../src/gateway/index.ts';
import { writeAgentFixture } from '../support/agent-fixture.ts';
import { type EgressProxy, startEgressProxy } from '../support/egress-proxy.ts';
import { type ProxiedRequest, type RecordingProxy, startRecordingProxy } from '../support/recording-proxy.ts';
import { type CodexRun, runCodex } from './codex-session.ts';

const NOTE = 'the launch code is 4721';
// The chaos model answers Codex's first turn with this call; Codex runs it for real.
const scenario = {
  toolCalls: { name: 'exec_command', args: { cmd: 'cat notes.txt' } },
  models: {
    overloaded: { fault: 'status:529' },
    limited: { fault: 'status:429;retry-after=1' },
    cut: { fault: 'cut-after:0' },
  },
};

let chat: ChaosServer;
let responses: ChaosServer;
let anthropic: ChaosServer;
let gateway: Gateway;
let proxy: EgressProxy;
/** In front of the gateway: what Codex sent. */
let clientSide: RecordingProxy;
/** In front of the Responses upstream: what the gateway sent on. */
let upstreamSide: RecordingProxy;
const finished: RequestFinished[] = [];

beforeAll(async () => {
  chat = await startChaosServer({ protocol: 'openai', scenario });
  responses = await startChaosServer({ protocol: 'openai-responses', scenario });
  anthropic = await startChaosServer({ protocol: 'anthropic', scenario });
  proxy = await startEgressProxy();
  upstreamSide = await startRecordingProxy(responses.url);
  const route = (models: string[]) => ({ models, breaker: false as const, retries: 0 });
  gateway = await startGateway({
    config: {
      providers: {
        chat: { type: 'openai', baseUrl: chat.url },
        resp: { type: 'openai-responses', baseUrl: `${upstreamSide.url}/v1` },
        claude: { type: 'anthropic', baseUrl: anthropic.url },
      },
      routes: {
        'codex-chat': route(['chat:gpt-4o']),
        'codex-responses': route(['resp:gpt-5']),
        'codex-529': route(['chat:overloaded', 'claude:claude-sonnet-4-5']),
        'codex-429': route(['chat:limited', 'claude:claude-sonnet-4-5']),
        // A tool call is content from its first frame, so a cut on a tool turn comes after commit: the
        // gateway ends that stream with response.failed, Codex reconnects, and the breaker (open after
        // one failure) sends the retry to Claude.
        'codex-cut': {
          models: ['chat:cut', 'claude:claude-sonnet-4-5'],
          retries: 0,
          breaker: { failureThreshold: 1, cooldownMs: 600_000 },
        },
      },
    },
    port: 0,
    env: {},
    log: () => {},
  });
  gateway.events.on('request-finished', (record) => finished.push(record));
  clientSide = await startRecordingProxy(gateway.url);
});
afterAll(async () => {
  await clientSide?.close();
  await gateway?.close();
  await Promise.all([chat, responses, anthropic, proxy, upstreamSide].map((server) => server?.close()));
});

const FIXTURE = join(import.meta.dirname, '../fixtures/agents/codex-responses-request.json');

/**
 * The first request of a session, kept as a fixture (recorded again with UPDATE_AGENT_FIXTURES=1, after a
 * Codex upgrade): what Codex really sends, for the pass-through replay test. A Codex that sends other
 * fields or headers fails here, which is the cue to look at what changed and record again.
 */
async function matchesFixture(request: ProxiedRequest): Promise<void> {
  const { authorization: _key, host: _host, 'content-length': _length, ...headers } = request.headers;
  // The shape of test/fixtures/agents/claude-code-messages.json: the body as the exact text Codex sent.
  const captured = { path: request.path, headers, body: request.body };
  if (process.env.UPDATE_AGENT_FIXTURES) {
    await mkdir(dirname(FIXTURE), { recursive: true });
    await writeAgentFixture(FIXTURE, captured);
  }
  const fixture = JSON.parse(await readFile(FIXTURE, 'utf8')) as typeof captured;
  const keys = (body: string) => Object.keys(JSON.parse(body) as object).sort();
  expect(keys(captured.body)).toEqual(keys(fixture.body));
  expect(Object.keys(captured.headers).sort()).toEqual(Object.keys(fixture.headers).sort());
}

function itemsOf(run: CodexRun, type: string): Array<Record<string, unknown>> {
  return run.events
    .filter((event) => event.type === 'item.completed')
    .map((event) => event.item as Record<string, unknown>)
    .filter((item) => item.type === type);
}

/** Runs a session on `route` with the recording proxies and the request log emptied first. */
async function session(
  route: string,
): Promise<{ run: CodexRun; turns: ProxiedRequest[]; records: RequestFinished[] }> {
  clientSide.requests.length = 0;
  upstreamSide.requests.length = 0;
  finished.length = 0;
  const run = await runCodex({
    baseUrl: clientSide.url,
    model: route,
    prompt: 'What does notes.txt say?',
    files: { 'notes.txt': NOTE },
    proxy,
  });
  const turns = clientSide.requests.filter((r) => r.path === '/v1/responses');
  return { run, turns, records: finished.filter((record) => record.route === route) };
}

/** Codex ran the scripted command, read the file, sent its output back, and finished with an answer. */
function expectToolSession(run: CodexRun, turns: ProxiedRequest[], expectedRequests = 2): void {
  expect(run.code, run.stderr.slice(-2000)).toBe(0);
  const commands = itemsOf(run, 'command_execution');
  expect(commands).toHaveLength(1);
  expect(commands[0]!.command).toContain('cat notes.txt');
  expect(commands[0]!.aggregated_output).toContain(NOTE);
  const answers = itemsOf(run, 'agent_message');
  expect(answers.length).toBeGreaterThan(0);
  expect(String(answers.at(-1)!.text)).toMatch(/^echo: /);
  // Two turns through the gateway (and a reconnect after a cut): the last carries the command's output
  // back as function_call_output.
  expect(turns.length).toBe(expectedRequests);
  const second = JSON.parse(turns.at(-1)!.body) as { input: Array<Record<string, unknown>> };
  const output = second.input.find((item) => item.type === 'function_call_output');
  expect(JSON.stringify(output)).toContain(NOTE);
  expect(run.events.some((event) => event.type === 'turn.completed')).toBe(true);
  expect(proxy.refused).toEqual([]);
}

describe('Codex (codex exec) through the gateway', () => {
  it('(a) passes a tool-using session through to a Responses upstream, every turn byte for byte but the model', {
    timeout: 120_000,
  }, async () => {
    const { run, turns, records } = await session('codex-responses');
    expectToolSession(run, turns);
    expect(upstreamSide.requests.map((r) => r.body)).toEqual(
      turns.map((r) => r.body.replace('"model":"codex-responses"', '"model":"gpt-5"')),
    );
    expect(records.map((record) => record.servedModel)).toEqual(['resp:gpt-5', 'resp:gpt-5']);
  });

  it('(a) runs a tool-using session translated to a Chat Completions upstream', {
    timeout: 120_000,
  }, async () => {
    const { run, turns, records } = await session('codex-chat');
    expectToolSession(run, turns);
    expect(records.map((record) => record.servedModel)).toEqual(['chat:gpt-4o', 'chat:gpt-4o']);
    await matchesFixture(turns[0]!);
    const first = JSON.parse(turns[0]!.body) as Record<string, unknown>;
    // What Codex sends that the gateway must handle: store false, encrypted reasoning, developer messages.
    expect(first).toMatchObject({ stream: true, store: false, include: ['reasoning.encrypted_content'] });
    expect(JSON.stringify(first.input)).toContain('"role":"developer"');
    // Its sub-agent tools come as a namespace, which the gateway flattened for the upstream.
    expect(JSON.stringify(first.tools)).toContain('"type":"namespace"');
  });

  for (const [route, failure] of [
    ['codex-529', '529'],
    ['codex-429', '429'],
    ['codex-cut', 'a cut stream'],
  ] as const) {
    it(`(b) falls back to an Anthropic upstream after ${failure}`, { timeout: 120_000 }, async () => {
      const { run, turns, records } = await session(route);
      expectToolSession(run, turns, route === 'codex-cut' ? 3 : 2);
      expect(records.at(-1)!.servedModel).toBe('claude:claude-sonnet-4-5');
      if (route !== 'codex-cut') {
        // Each turn tried the primary first, then Claude served it.
        for (const record of records) expect(record.attempts.map((a) => a.outcome)).toEqual(['error', 'ok']);
      }
    });
  }
});
