/**
 * The real Gemini CLI (node_modules/.bin/gemini), run non-interactively as a user runs it, with
 * GOOGLE_GEMINI_BASE_URL at the gateway: a session in which the model calls `read_file`, the CLI runs it,
 * and the file's contents go back in a second turn. Once on a Gemini upstream (same protocol), and on
 * routes whose Gemini upstream answers 503 or 429 or cuts its stream, so an OpenAI upstream serves it. A recording forwarder in
 * front of each chaos upstream shows what the upstream received. The CLI's update check and telemetry
 * are off in its settings, and its traffic goes through the refusing egress proxy, which must refuse
 * nothing: it runs wholly offline.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../../src/chaos/index.ts';
import { type Gateway, startGateway } from '../../../src/gateway/index.ts';
import { type EgressProxy, isolatedEnv, startEgressProxy } from '../../support/egress-proxy.ts';
import { type Recorder, startRecorder } from './recorder.ts';

const NODE = resolve('node_modules/.bin/node');
const GEMINI = resolve('node_modules/.bin/gemini');
const SECRET = 'the secret word is marmalade';

let gemini: ChaosServer;
let openai: ChaosServer;
let geminiRecorder: Recorder;
let openaiRecorder: Recorder;
let gateway: Gateway;
let proxy: EgressProxy;
let home: string;
let workspace: string;

beforeAll(async () => {
  gemini = await startChaosServer({
    protocol: 'gemini',
    scenario: {
      models: {
        'gemini-down': { fault: 'status:503' },
        'gemini-limited': { fault: 'status:429' },
        // An error frame before the first text: the stream is not yet committed, so it falls back.
        'gemini-cut': { fault: 'error-frame:0' },
      },
    },
  });
  openai = await startChaosServer({ protocol: 'openai' });
  geminiRecorder = await startRecorder(gemini.url);
  openaiRecorder = await startRecorder(openai.url);
  gateway = await startGateway({
    config: {
      providers: {
        g: { type: 'google-gla', baseUrl: geminiRecorder.url },
        o: { type: 'openai', baseUrl: openaiRecorder.url },
      },
      routes: {
        // Gemini CLI's own model ids (gemini-3.x-flash, its router's flash-lite) land here.
        same: { models: ['g:gemini-2.5-flash'], breaker: false, match: ['gemini-*'] },
        'cross-503': { models: ['g:gemini-down', 'o:gpt-4o'], breaker: false },
        'cross-429': { models: ['g:gemini-limited', 'o:gpt-4o'], breaker: false },
        'cross-cut': { models: ['g:gemini-cut', 'o:gpt-4o'], breaker: false },
      },
    },
    port: 0,
    env: { GOOGLE_GLA_API_KEY: 'upstream-gemini-key', OPENAI_API_KEY: 'upstream-openai-key' },
    log: () => {},
  });
  proxy = await startEgressProxy();
  home = await mkdtemp(join(tmpdir(), 'understudy-gemini-cli-'));
  workspace = join(home, 'work');
  await mkdir(join(home, '.gemini'), { recursive: true });
  await mkdir(workspace);
  // Keys from the CLI's settings schema: no update check, no usage statistics, no telemetry, the API-key
  // login; and `read_file` as the only core tool, the one the chaos upstream (which calls the first tool
  // offered) will then call.
  const settings = {
    general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
    privacy: { usageStatisticsEnabled: false },
    telemetry: { enabled: false },
    security: { auth: { selectedType: 'gemini-api-key' } },
    tools: { core: ['read_file'] },
  };
  await writeFile(join(home, '.gemini', 'settings.json'), JSON.stringify(settings));
  // The chaos upstream fills a string argument with 'example': the path the model will ask to read.
  await writeFile(join(workspace, 'example'), SECRET);
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  await Promise.all([geminiRecorder?.close(), openaiRecorder?.close(), proxy?.close()]);
  await Promise.all([gemini?.close(), openai?.close()]);
  if (home) await rm(home, { recursive: true, force: true });
});

interface CliOutput {
  response: string;
  stats: {
    models: Record<string, unknown>;
    tools: { byName: Record<string, { count: number; success: number; fail: number }> };
  };
}

function runGeminiCli(args: string[]): Promise<CliOutput> {
  const env = isolatedEnv(proxy, {
    HOME: home,
    GEMINI_API_KEY: 'client-key',
    GOOGLE_GEMINI_BASE_URL: gateway.url,
    GEMINI_CLI_TRUST_WORKSPACE: 'true',
  });
  return new Promise((done, fail) => {
    execFile(
      NODE,
      [GEMINI, ...args, '--output-format', 'json'],
      { cwd: workspace, env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error)
          fail(new Error(`gemini exited with ${error.code}: ${stderr.slice(-2000)}\n${stdout.slice(-2000)}`));
        else done(JSON.parse(stdout) as CliOutput);
      },
    );
  });
}

describe('Gemini CLI through the gateway', () => {
  it('runs a tool-use session on a Gemini upstream, with its own model ids landing on a pattern route', async () => {
    const before = geminiRecorder.bodies.length;
    const output = await runGeminiCli(['-p', 'Read the file example.']);
    expect(output.response).toMatch(/^echo: /);
    expect(output.stats.tools.byName.read_file).toMatchObject({ count: 1, success: 1, fail: 0 });
    expect(Object.keys(output.stats.models)).toEqual(['g:gemini-2.5-flash']);
    const sent = geminiRecorder.bodies.slice(before);
    // The second turn carries the file's contents back as a functionResponse.
    const toolTurn = sent.find((body) => body.includes('"functionResponse"'));
    expect(toolTurn).toContain(SECRET);
    expect(proxy.refused).toEqual([]);
  }, 150_000);

  it.each([
    ['cross-503', 'answers 503'],
    ['cross-429', 'answers 429'],
    ['cross-cut', 'cuts its stream before any text'],
  ])(
    'falls back to an OpenAI upstream (%s) when the Gemini one %s, tool turn included',
    async (route) => {
      const before = openaiRecorder.bodies.length;
      const output = await runGeminiCli(['-m', route, '-p', 'Read the file example.']);
      expect(output.response).toMatch(/^echo: /);
      expect(output.stats.tools.byName.read_file).toMatchObject({ count: 1, success: 1 });
      expect(Object.keys(output.stats.models)).toEqual(['o:gpt-4o']);
      const sent = openaiRecorder.bodies
        .slice(before)
        .map((body) => JSON.parse(body) as { messages: unknown[] });
      const toolMessage = sent
        .flatMap((body) => body.messages)
        .find((m) => (m as { role: string }).role === 'tool');
      expect(JSON.stringify(toolMessage)).toContain(SECRET);
      expect(proxy.refused).toEqual([]);
    },
    150_000,
  );
});
