/**
 * The real Claude Code (`@anthropic-ai/claude-code`, node_modules/.bin/claude), non-interactive, doing a
 * multi-turn session with tool use through the gateway against chaos upstreams: the model asks to Read a
 * file, Claude Code reads it and sends the result back, the model answers. (a) The same protocol end to
 * end (the request passed through); (b) the Anthropic primary failing with 529, 429 or a cut stream and
 * an OpenAI-protocol upstream taking over (the request translated). Claude Code runs in a child process
 * with a temp HOME, nothing of the machine's environment, and every proxy variable at a refusing
 * loopback proxy: a call home fails the test.
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../src/chaos/index.ts';
import { parseConfigText } from '../../src/gateway/config/load-config.ts';
import type { RequestFinished } from '../../src/gateway/events.ts';
import { type Gateway, startGateway } from '../../src/gateway/index.ts';
import { writeAgentFixture } from '../support/agent-fixture.ts';
import { type EgressProxy, isolatedEnv, startEgressProxy } from '../support/egress-proxy.ts';
import { type RecordingProxy, startRecordingProxy } from '../support/recording-proxy.ts';
import { jsonLines, runCli } from '../support/run-cli.ts';

const CLAUDE = new URL('../../node_modules/.bin/claude', import.meta.url).pathname;
const SECRET = 'The launch code is 4-8-15-16-23-42.';

let dir: string;
let home: string;
let proxy: EgressProxy;
let anthropic: ChaosServer;
let overloaded: ChaosServer;
let rateLimited: ChaosServer;
let cut: ChaosServer;
let openai: ChaosServer;
let gateway: Gateway;
/** Records what Claude Code sent the gateway, and what the gateway sent the Anthropic upstream. */
let clientSide: RecordingProxy;
let upstreamSide: RecordingProxy;
const finished: RequestFinished[] = [];
const FIXTURE = new URL('../fixtures/agents/claude-code-messages.json', import.meta.url);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'understudy-claude-code-'));
  home = join(dir, 'home');
  const work = join(dir, 'work');
  await Promise.all([mkdir(home), mkdir(work)]);
  await writeFile(join(work, 'note.txt'), `${SECRET}\n`);
  // Every upstream, asked with Claude Code's tools and no result yet, calls Read on the note.
  const toolCalls = { name: 'Read', args: { file_path: join(work, 'note.txt') } };
  [anthropic, overloaded, rateLimited, cut, openai, proxy] = await Promise.all([
    startChaosServer({ protocol: 'anthropic', scenario: { toolCalls } }),
    startChaosServer({ protocol: 'anthropic', scenario: { toolCalls, fault: 'status:529' } }),
    startChaosServer({ protocol: 'anthropic', scenario: { toolCalls, fault: 'status:429;retry-after=30' } }),
    startChaosServer({ protocol: 'anthropic', scenario: { toolCalls, fault: 'cut-after:0' } }),
    startChaosServer({ protocol: 'openai', scenario: { toolCalls } }),
    startEgressProxy(),
  ]);
  upstreamSide = await startRecordingProxy(anthropic.url);
  const route = (models: string[], match?: string[]) => ({
    models,
    breaker: false as const,
    ...(match ? { match } : {}),
  });
  gateway = await startGateway({
    port: 0,
    log: () => {},
    env: {},
    config: {
      providers: {
        claude: { type: 'anthropic', baseUrl: upstreamSide.url },
        overloaded: { type: 'anthropic', baseUrl: overloaded.url },
        limited: { type: 'anthropic', baseUrl: rateLimited.url },
        cut: { type: 'anthropic', baseUrl: cut.url },
        gpt: { type: 'openai', baseUrl: openai.url },
      },
      routes: {
        // Claude Code's default model id, as it sends it unconfigured (its betas depend on the id).
        'claude-same': route(['claude:claude-sonnet-4-5'], ['claude-opus-5-5']),
        'claude-529': route(['overloaded:claude-sonnet-4-5', 'gpt:gpt-5']),
        'claude-429': route(['limited:claude-sonnet-4-5', 'gpt:gpt-5']),
        'claude-cut': route(['cut:claude-sonnet-4-5', 'gpt:gpt-5']),
        // Whatever else Claude Code asks for (a small model for a title): served, never a 404.
        other: route(['claude:claude-haiku-4-5'], ['*']),
      },
    },
  });
  gateway.events.on('request-finished', (record) => finished.push(record));
  clientSide = await startRecordingProxy(gateway.url);
}, 30_000);

afterAll(async () => {
  await clientSide?.close();
  await gateway?.close();
  await upstreamSide?.close();
  await Promise.all([anthropic, overloaded, rateLimited, cut, openai].map((server) => server?.close()));
  await proxy?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface StreamLine {
  type: string;
  subtype?: string;
  is_error?: boolean;
  num_turns?: number;
  result?: string;
  message?: { content?: Array<{ type: string; name?: string; content?: unknown }> };
}

/** Runs `claude -p` on the route and returns its stream-json lines. */
async function runClaudeCode(model: string): Promise<StreamLine[]> {
  const env = isolatedEnv(proxy, {
    HOME: home,
    ANTHROPIC_BASE_URL: clientSide.url,
    ANTHROPIC_API_KEY: 'sk-ant-client-key-for-the-gateway',
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_ERROR_REPORTING: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  });
  const args = [
    '-p',
    'Read note.txt and tell me what it says.',
    '--output-format',
    'stream-json',
    '--verbose',
  ];
  args.push('--allowedTools', 'Read', '--model', model);
  const { code, stdout, stderr } = await runCli(CLAUDE, args, { cwd: join(dir, 'work'), env });
  expect(code, `claude exited with ${code}: ${stderr.slice(0, 2000)}`).toBe(0);
  return jsonLines<StreamLine>(stdout);
}

/** The first turn as the replay fixture keeps it: the protocol's headers and the body's exact text. */
async function writeFixture(sent: {
  method: string;
  path: string;
  headers: Record<string, unknown>;
  body: string;
}) {
  const keep = [
    'anthropic-beta',
    'anthropic-version',
    'anthropic-dangerous-direct-browser-access',
    'content-type',
    'user-agent',
    'x-app',
    'x-api-key',
    'x-claude-code-session-id',
    'x-stainless-package-version',
  ];
  const headers = Object.fromEntries(
    keep.filter((k) => sent.headers[k] !== undefined).map((k) => [k, String(sent.headers[k])]),
  );
  const version = String(sent.headers['user-agent']).split(' ')[0];
  const fixture = {
    recordedWith: `${version}: claude -p "Read note.txt and tell me what it says." --output-format stream-json --verbose --allowedTools Read, first turn`,
    method: sent.method,
    path: sent.path,
    headers: { ...headers, 'x-api-key': 'sk-test' },
    body: sent.body,
  };
  await writeAgentFixture(FIXTURE, fixture);
}

/** The session used the Read tool, got the file back, and finished well on the answer after it. */
function expectToolUseSession(lines: StreamLine[]): void {
  const blocks = lines.flatMap((line) => line.message?.content ?? []);
  expect(blocks.some((b) => b.type === 'tool_use' && b.name === 'Read')).toBe(true);
  const result = blocks.find((b) => b.type === 'tool_result');
  expect(JSON.stringify(result?.content)).toContain('4-8-15-16-23-42');
  const last = lines.at(-1)!;
  expect(last).toMatchObject({ type: 'result', subtype: 'success', is_error: false });
  expect(last.num_turns).toBeGreaterThanOrEqual(2);
  expect(last.result).toMatch(/^echo: /);
  expect(proxy.refused).toEqual([]);
}

describe('Claude Code through the gateway', () => {
  test('(a) same protocol: a Read tool session, every turn passed through to Anthropic', async () => {
    finished.length = 0;
    const before = anthropic.stats.requests;
    clientSide.requests.length = 0;
    upstreamSide.requests.length = 0;
    expectToolUseSession(await runClaudeCode('claude-opus-5-5'));
    // Each turn reached the upstream byte for byte as Claude Code sent it, but the model; betas kept.
    const turns = clientSide.requests.filter((r) => r.path.startsWith('/v1/messages'));
    expect(upstreamSide.requests.map((r) => r.body)).toEqual(
      turns.map((r) => r.body.replace('"model":"claude-opus-5-5"', '"model":"claude-sonnet-4-5"')),
    );
    for (const [i, sent] of upstreamSide.requests.entries()) {
      expect(sent.headers['anthropic-beta']).toBe(turns[i]!.headers['anthropic-beta']);
      expect(sent.headers['x-api-key']).not.toBe(turns[i]!.headers['x-api-key']);
    }
    // The recorded fixture the replay test uses is what this Claude Code sends: same fields, same betas.
    // UPDATE_AGENT_FIXTURES=1 records it again (after a Claude Code upgrade).
    const first = turns[0]!;
    if (process.env.UPDATE_AGENT_FIXTURES) await writeFixture(first);
    const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as {
      headers: Record<string, string>;
      body: string;
    };
    expect(Object.keys(JSON.parse(first.body) as object)).toEqual(
      Object.keys(JSON.parse(fixture.body) as object),
    );
    expect(first.headers['anthropic-beta']).toBe(fixture.headers['anthropic-beta']);
    expect(anthropic.stats.requests - before).toBeGreaterThanOrEqual(2);
    const records = finished.filter((record) => record.route === 'claude-same');
    expect(records.length).toBeGreaterThanOrEqual(2);
    for (const turn of records) {
      expect(turn).toMatchObject({
        status: 200,
        servedModel: 'claude:claude-sonnet-4-5',
        routeReason: 'pattern claude-opus-5-5',
      });
      expect(turn.usage?.inputTokens).toBeGreaterThan(0);
    }
  }, 120_000);

  test.each([
    ['529 overloaded', 'claude-529', () => overloaded],
    ['429 rate limited', 'claude-429', () => rateLimited],
    ['a stream cut before its first token', 'claude-cut', () => cut],
  ])(
    '(b) the Anthropic primary fails with %s: an OpenAI upstream finishes the session',
    async (_, route, primary) => {
      finished.length = 0;
      const [tried, answered] = [primary().stats.requests, openai.stats.requests];
      expectToolUseSession(await runClaudeCode(route));
      expect(primary().stats.requests - tried).toBeGreaterThanOrEqual(2);
      expect(openai.stats.requests - answered).toBeGreaterThanOrEqual(2);
      const turns = finished.filter((record) => record.route === route);
      expect(turns.length).toBeGreaterThanOrEqual(2);
      for (const turn of turns) expect(turn).toMatchObject({ status: 200, servedModel: 'gpt:gpt-5' });
    },
    120_000,
  );
});

test("the README's Claude Code config is valid and serves the ids Claude Code sends", () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('#### Claude Code'));
  const yaml = /```yaml\n([\s\S]*?)```/.exec(section)![1]!;
  const config = parseConfigText(yaml, 'README (Claude Code)');
  expect(config.routes?.claude?.match).toEqual(['claude-*']);
  expect(section).toContain('ANTHROPIC_BASE_URL=http://127.0.0.1:8787');
});
