/**
 * The library on every runtime it claims (README, "Runtimes"): the same portable smoke (app/smoke.js:
 * imports, a request, a stream, fallback on a 503, an abort, the first-token deadline, typed errors, a
 * refused connection, a SigV4-signed Bedrock call) runs from the packed tarball, installed into a fresh
 * app, on Node 20, 22.14, 22 and 24, Bun, Deno with `--allow-net` alone, workerd through miniflare
 * without `nodejs_compat`, and headless Chromium, each against chaos servers on 127.0.0.1. The README's
 * Worker example runs here too.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../src/chaos/index.ts';
import { launchChromium } from '../support/chromium.ts';
import { type EgressProxy, startEgressProxy } from '../support/egress-proxy.ts';
import { bundle } from './bundle.ts';
import { startPageHost } from './loopback.ts';
import { nodeBinary, type PackedApp, packedApp, ROOT } from './packed-app.ts';

const run = promisify(execFile);
const BIN = join(ROOT, 'node_modules', '.bin');
const CHECKS = [
  'imports',
  'request',
  'stream',
  'fallback on 503',
  'abort',
  'first-token deadline',
  'typed error',
  'refused connection',
  'bedrock, signed',
];
const ALL_OK = Object.fromEntries(CHECKS.map((check) => [check, 'ok']));

let app: PackedApp;
let chaos: ChaosServer;
let bedrock: ChaosServer;
let proxy: EgressProxy;

beforeAll(async () => {
  [app, chaos, bedrock, proxy] = await Promise.all([
    packedApp(),
    startChaosServer({ protocol: 'openai' }),
    startChaosServer({ protocol: 'bedrock' }),
    startEgressProxy(),
  ]);
}, 300_000);

afterAll(async () => {
  await Promise.all([chaos?.close(), bedrock?.close(), proxy?.close()]);
  // Nothing any runtime did went past loopback.
  expect((proxy?.refused ?? []).join('\n')).toBe('');
});

/** Runs app/cli.js with `command` and returns the results it printed. */
async function smokeCli(command: string, args: string[]): Promise<unknown> {
  const { stdout } = await run(command, [...args, chaos.url, bedrock.url], {
    cwd: app.dir,
    timeout: 90_000,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      // Anything not on loopback goes to the refusing proxy (Node reads these when NODE_USE_ENV_PROXY is set).
      HTTP_PROXY: proxy.url,
      HTTPS_PROXY: proxy.url,
      NO_PROXY: '127.0.0.1,localhost',
      NODE_USE_ENV_PROXY: '1',
      DENO_DIR: join(app.dir, '.deno'),
      DENO_NO_UPDATE_CHECK: '1',
      DENO_NO_PROMPT: '1',
      BUN_INSTALL_CACHE_DIR: join(app.dir, '.bun'),
      DO_NOT_TRACK: '1',
    },
  }).catch((error: Error & { stdout?: string; stderr?: string }) => {
    throw new Error(
      `${command} ${args.join(' ')} failed: ${error.stderr || error.message}\n${error.stdout ?? ''}`,
    );
  });
  const last = stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last);
  } catch {
    throw new Error(`${command} printed no results; its output was:\n${stdout}`);
  }
}

describe.concurrent('the packed library on each runtime', () => {
  // Node 22.14 stands for the Nodes before 22.19 that undici 8 cannot load (the fetch transport serves them).
  test.each(['20', '22.14.0', '22', '24'])('Node %s', { timeout: 300_000 }, async (version) => {
    expect(await smokeCli(await nodeBinary(version), ['cli.js'])).toEqual(ALL_OK);
  });

  test('Bun', { timeout: 120_000 }, async () => {
    expect(await smokeCli(join(BIN, 'bun'), ['cli.js'])).toEqual(ALL_OK);
  });

  test('Deno with --allow-net and no other permission', { timeout: 120_000 }, async () => {
    expect(await smokeCli(join(BIN, 'deno'), ['run', '--allow-net', 'cli.js'])).toEqual(ALL_OK);
  });

  test('workerd through miniflare, without nodejs_compat', { timeout: 120_000 }, async () => {
    const worker = await bundle(join(app.dir, 'worker.js'), 'workerd');
    const mf = new Miniflare({
      modules: true,
      script: worker.code,
      compatibilityDate: '2025-09-01',
      compatibilityFlags: [],
      bindings: { OPENAI_URL: chaos.url, BEDROCK_URL: bedrock.url },
    });
    try {
      const response = await mf.dispatchFetch('http://worker.test/');
      expect(await response.json()).toEqual(ALL_OK);
    } finally {
      await mf.dispose();
    }
  });

  test("the README's Worker example falls back from a failing OpenAI to Anthropic", {
    timeout: 120_000,
  }, async () => {
    const [openai, anthropic] = await Promise.all([
      startChaosServer({ protocol: 'openai', scenario: { fault: 'status:503' } }),
      startChaosServer({ protocol: 'anthropic' }),
    ]);
    const worker = await bundle(join(app.dir, 'readme-worker.ts'), 'workerd');
    const mf = new Miniflare({
      modules: true,
      script: worker.code,
      compatibilityDate: '2025-09-01',
      bindings: {
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: openai.url,
        ANTHROPIC_API_KEY: 'sk-ant-test',
        ANTHROPIC_BASE_URL: anthropic.url,
      },
    });
    try {
      const response = await mf.dispatchFetch('http://worker.test/?q=Hello%20from%20the%20edge');
      expect(await response.text()).toBe('claude-haiku-4-5: echo: Hello from the edge');
      expect([openai.stats.requests, anthropic.stats.requests]).toEqual([1, 1]);
    } finally {
      await Promise.all([mf.dispose(), openai.close(), anthropic.close()]);
    }
  });

  test('headless Chromium', { timeout: 120_000 }, async () => {
    const page = await bundle(join(app.dir, 'browser.js'), 'browser');
    const host = await startPageHost(
      {
        '/': ['text/html', '<!doctype html><script type="module" src="/smoke.js"></script>'],
        '/smoke.js': ['text/javascript', page.code],
      },
      { v1: chaos.url, model: bedrock.url },
    );
    // Chromium reaches loopback directly and sends the rest to a refusing proxy of its own: the browser
    // asks accounts.google.com for itself, which is Chromium's traffic, not the page's. What the page
    // sends is checked below, request by request.
    const browserProxy = await startEgressProxy();
    const browser = await launchChromium([`--proxy-server=${browserProxy.url}`]);
    try {
      const tab = await browser.newPage();
      const requested: string[] = [];
      tab.on('request', (request) => requested.push(request.url()));
      await tab.goto(host.url);
      await tab.waitForFunction(() => (globalThis as { smokeResults?: unknown }).smokeResults !== undefined);
      expect(await tab.evaluate(() => (globalThis as { smokeResults?: unknown }).smokeResults)).toEqual(
        ALL_OK,
      );
      // The page called its own origin, and the refused-connection check its closed port, nothing else.
      const elsewhere = requested.filter(
        (url) => !url.startsWith(`${host.url}/`) && !url.startsWith('http://127.0.0.1:9/'),
      );
      expect(elsewhere).toEqual([]);
      expect(requested.length).toBeGreaterThan(CHECKS.length);
    } finally {
      await browser.close();
      await browserProxy.close();
      await host.close();
    }
  });
});
