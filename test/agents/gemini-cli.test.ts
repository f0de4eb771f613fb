/**
 * The real Gemini CLI (`@google/gemini-cli`, node_modules/.bin/gemini), non-interactive, doing a
 * multi-turn session with tool use through the gateway against chaos upstreams: the model asks to
 * read_file a file, the CLI reads it and sends the contents back, the model answers. (a) The same
 * protocol end to end (every turn passed through, its own model ids landing on a `gemini-*` route);
 * (b) the Gemini primary failing with 503, 429 or a stream cut before its first text, and an OpenAI
 * upstream taking over (translated). The CLI runs in a child process with a temp HOME, its update check
 * and telemetry off in its settings, nothing of the machine's environment, and every proxy variable at
 * a refusing loopback proxy: a call home fails the test.
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
import { runCli } from '../support/run-cli.ts';

const NODE = new URL('../../node_modules/.bin/node', import.meta.url).pathname;
const GEMINI = new URL('../../node_modules/.bin/gemini', import.meta.url).pathname;
const SECRET = 'The secret word is marmalade.';
const FIXTURE = new URL('../fixtures/agents/gemini-cli-stream.json', import.meta.url);

let dir: string;
let home: string;
let work: string;
let proxy: EgressProxy;
let gemini: ChaosServer;
let openai: ChaosServer;
let gateway: Gateway;
/** Records what the CLI sent the gateway, and what the gateway sent each upstream. */
let clientSide: RecordingProxy;
let geminiSide: RecordingProxy;
let openaiSide: RecordingProxy;
const finished: RequestFinished[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'understudy-gemini-cli-'));
  home = join(dir, 'home');
  work = join(dir, 'work');
  await Promise.all([mkdir(join(home, '.gemini'), { recursive: true }), mkdir(work)]);
  await writeFile(join(work, 'note.txt'), `${SECRET}\n`);
  // Keys from the CLI's settings schema: no update check, no usage statistics, no telemetry, and the
  // API-key login, so that it asks nothing.
  const settings = {
    general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
    privacy: { usageStatisticsEnabled: false },
    telemetry: { enabled: false },
    security: { auth: { selectedType: 'gemini-api-key' } },
  };
  await writeFile(join(home, '.gemini', 'settings.json'), JSON.stringify(settings));
  // Every upstream, asked with the CLI's tools and no result yet, calls read_file on the note.
  const toolCalls = { name: 'read_file', args: { file_path: join(work, 'note.txt') } };
  [gemini, openai, proxy] = await Promise.all([
    startChaosServer({
      protocol: 'gemini',
      scenario: {
        toolCalls,
        models: {
          'gemini-down': { fault: 'status:503' },
          'gemini-limited': { fault: 'status:429' },
          // An error frame before the first text: the stream is not committed yet, so it falls back.
          'gemini-cut': { fault: 'error-frame:0' },
        },
      },
    }),
    startChaosServer({ protocol: 'openai', scenario: { toolCalls } }),
    startEgressProxy(),
  ]);
  [geminiSide, openaiSide] = await Promise.all([
    startRecordingProxy(gemini.url),
    startRecordingProxy(openai.url),
  ]);
  const route = (models: string[], match?: string[]) => ({
    models,
    breaker: false as const,
    ...(match ? { match } : {}),
  });
  gateway = await startGateway({
    config: {
      providers: {
        g: { type: 'google-gla', baseUrl: geminiSide.url },
        o: { type: 'openai', baseUrl: `${openaiSide.url}/v1` },
      },
      routes: {
        // Gemini CLI's own ids (gemini-3.x-flash for the session, its router's flash-lite) land here.
        same: route(['g:gemini-2.5-flash'], ['gemini-*']),
        'cross-503': route(['g:gemini-down', 'o:gpt-4o']),
        'cross-429': route(['g:gemini-limited', 'o:gpt-4o']),
        'cross-cut': route(['g:gemini-cut', 'o:gpt-4o']),
      },
    },
    port: 0,
    env: { GOOGLE_GLA_API_KEY: 'upstream-gemini-key', OPENAI_API_KEY: 'upstream-openai-key' },
    log: () => {},
  });
  gateway.events.on('request-finished', (record) => finished.push(record));
  clientSide = await startRecordingProxy(gateway.url);
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  await Promise.all([clientSide?.close(), geminiSide?.close(), openaiSide?.close(), proxy?.close()]);
  await Promise.all([gemini?.close(), openai?.close()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface CliOutput {
  response: string;
  stats: {
    models: Record<string, unknown>;
    tools: { byName: Record<string, { count: number; success: number; fail: number }> };
  };
}

/** Runs `gemini -p` (on a route with `-m`) and returns its JSON output. */
async function runGeminiCli(args: string[]): Promise<CliOutput> {
  const env = isolatedEnv(proxy, {
    HOME: home,
    GEMINI_API_KEY: 'client-key-for-the-gateway',
    GOOGLE_GEMINI_BASE_URL: clientSide.url,
    GEMINI_CLI_TRUST_WORKSPACE: 'true',
  });
  const argv = [GEMINI, ...args, '-p', 'Read note.txt and tell me what it says.', '--output-format', 'json'];
  const { code, stdout, stderr } = await runCli(NODE, argv, { cwd: work, env, timeoutMs: 120_000 });
  if (code !== 0)
    throw new Error(`gemini exited with ${code}: ${stderr.slice(-2000)}\n${stdout.slice(-2000)}`);
  return JSON.parse(stdout) as CliOutput;
}

/** The session read the file with read_file and finished on the answer after it, with no call home. */
function expectToolUseSession(output: CliOutput, servedBy: string): void {
  expect(output.response).toMatch(/^echo: /);
  expect(output.stats.tools.byName.read_file).toMatchObject({ count: 1, success: 1, fail: 0 });
  expect(Object.keys(output.stats.models)).toEqual([servedBy]);
  expect(proxy.refused).toEqual([]);
}

/** The first main turn as the replay fixture keeps it: the protocol's headers and the body's exact text. */
async function writeFixture(sent: {
  method: string;
  path: string;
  headers: Record<string, unknown>;
  body: string;
}) {
  const keep = ['content-type', 'user-agent', 'x-goog-api-client'];
  const headers = Object.fromEntries(
    keep.filter((k) => sent.headers[k] !== undefined).map((k) => [k, String(sent.headers[k])]),
  );
  const version = String(sent.headers['user-agent']).split(' ')[0];
  const fixture = {
    recordedWith: `${version}: gemini -p "Read note.txt and tell me what it says." --output-format json, the first main turn`,
    method: sent.method,
    path: sent.path,
    headers: { ...headers, 'x-goog-api-key': 'client-key' },
    body: sent.body,
  };
  await writeAgentFixture(FIXTURE, fixture);
}

describe('Gemini CLI through the gateway', () => {
  test('(a) same protocol: a read_file session, every turn passed through to Gemini', async () => {
    finished.length = 0;
    clientSide.requests.length = 0;
    geminiSide.requests.length = 0;
    expectToolUseSession(await runGeminiCli([]), 'g:gemini-2.5-flash');
    // Each call reached the upstream byte for byte as the CLI sent it, under the upstream's model and key.
    const calls = clientSide.requests.filter((r) => r.path.includes(':'));
    expect(geminiSide.requests.map((r) => r.body)).toEqual(calls.map((r) => r.body));
    for (const sent of geminiSide.requests) {
      expect(sent.path).toMatch(/^\/v1beta\/models\/gemini-2\.5-flash:/);
      expect(sent.headers['x-goog-api-key']).toBe('upstream-gemini-key');
    }
    // The file's contents went back in a functionResponse.
    expect(calls.some((r) => r.body.includes('"functionResponse"') && r.body.includes('marmalade'))).toBe(
      true,
    );
    const streamed = calls.filter((r) => r.path.includes(':streamGenerateContent'));
    expect(streamed.length).toBeGreaterThanOrEqual(2);
    // The replay fixture is what this CLI sends: the same fields. UPDATE_AGENT_FIXTURES=1 records it again.
    if (process.env.UPDATE_AGENT_FIXTURES) await writeFixture(streamed[0]!);
    const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { body: string };
    expect(Object.keys(JSON.parse(streamed[0]!.body) as object)).toEqual(
      Object.keys(JSON.parse(fixture.body) as object),
    );
    const records = finished.filter((record) => record.route === 'same');
    expect(records.length).toBeGreaterThanOrEqual(3);
    for (const turn of records) {
      expect(turn).toMatchObject({ api: 'gemini', status: 200, servedModel: 'g:gemini-2.5-flash' });
      expect(turn.routeReason).toMatch(/^pattern gemini-\*/);
    }
  }, 150_000);

  test.each([
    ['503', 'cross-503'],
    ['429', 'cross-429'],
    ['a stream cut before its first text', 'cross-cut'],
  ])(
    '(b) the Gemini primary fails with %s: an OpenAI upstream finishes the session',
    async (_, route) => {
      finished.length = 0;
      const before = openaiSide.requests.length;
      expectToolUseSession(await runGeminiCli(['-m', route]), 'o:gpt-4o');
      const sent = openaiSide.requests
        .slice(before)
        .map((r) => JSON.parse(r.body) as { messages: unknown[] });
      expect(sent.length).toBeGreaterThanOrEqual(2);
      const toolMessage = sent
        .flatMap((body) => body.messages)
        .find((m) => (m as { role: string }).role === 'tool');
      expect(JSON.stringify(toolMessage)).toContain('marmalade');
      const turns = finished.filter((record) => record.route === route);
      for (const turn of turns) expect(turn).toMatchObject({ status: 200, servedModel: 'o:gpt-4o' });
    },
    150_000,
  );
});

test("the README's Gemini CLI config is valid and serves the ids Gemini CLI sends", () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('#### Gemini CLI'));
  const yaml = /```yaml\n([\s\S]*?)```/.exec(section)![1]!;
  const config = parseConfigText(yaml, 'README (Gemini CLI)');
  expect(config.routes?.gemini?.match).toEqual(['gemini-*']);
  expect(section).toContain('GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:8787');
});
