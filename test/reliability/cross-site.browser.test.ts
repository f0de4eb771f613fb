/**
 * The two ways a web page reaches a gateway on its user's machine, played in headless Chromium against
 * a real gateway with no client keys (a local gateway as people run one) over a chaos upstream:
 *
 * - cross-site: a page on another origin POSTs the JSON as `text/plain` (or with no type) in `no-cors`
 *   mode, the kind of request a browser sends without asking the server first (no preflight);
 * - DNS rebinding: `attacker.example` is made to resolve to 127.0.0.1 (Chromium's host resolver rules),
 *   so the attacker's page and the gateway share an origin and the page may read the answers.
 *
 * Both must be refused by the gateway itself, and the upstream must receive nothing.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../src/chaos/index.ts';
import { type Gateway, type RequestFinished, startGateway } from '../../src/gateway/index.ts';
import { launchChromium } from '../support/chromium.ts';

const BROWSER_ARGS = [
  '--host-resolver-rules=MAP attacker.example 127.0.0.1',
  // A page fulfilled by page.route has no address, so Chromium's Local Network Access takes it for a
  // public site and blocks its calls to loopback itself. In the attacks played here the page is on
  // loopback (rebinding: it came from what now resolves to 127.0.0.1; cross-site: another local
  // server), where that check does not apply; and other browsers have no such check at all. The
  // gateway must refuse these requests on its own, so the browser's check is off.
  '--disable-features=LocalNetworkAccessChecks',
];
const CHAT = JSON.stringify({ model: 'main', messages: [{ role: 'user', content: 'spend your keys' }] });

let chaos: ChaosServer;
let gateway: Gateway;
let port: number;
let browser: Browser;
const finished: RequestFinished[] = [];

beforeAll(async () => {
  chaos = await startChaosServer({ protocol: 'openai' });
  gateway = await startGateway({
    port: 0,
    env: {},
    log: () => {},
    config: {
      providers: { up: { type: 'openai', baseUrl: chaos.url } },
      routes: { main: { models: ['up:gpt-4o'], breaker: false } },
    },
  });
  gateway.events.on('request-finished', (record) => finished.push(record));
  port = Number(new URL(gateway.url).port);
  browser = await launchChromium(BROWSER_ARGS);
});

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  await chaos?.close();
});

/** A page at `url`, served by Playwright (only that one URL), whose script then runs in it. */
async function pageAt(url: string): Promise<Page> {
  const page = await browser.newPage();
  await page.route(url, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>a page</title>' }),
  );
  await page.goto(url);
  return page;
}

/** Waits until the gateway has finished `count` more requests (a no-cors answer cannot be read). */
async function gatewayFinished(before: number, count: number): Promise<RequestFinished[]> {
  const deadline = Date.now() + 5000;
  while (finished.length < before + count && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 20));
  return finished.slice(before);
}

describe('a page in headless Chromium cannot spend a local gateway', () => {
  test('a control: the same page and gateway reach the upstream when nothing is refused', async () => {
    // Same-origin with the gateway by its real address, with the right type: served. The refusals below
    // are the gateway's doing, not the browser's.
    const page = await pageAt(`http://127.0.0.1:${port}/control`);
    try {
      const before = chaos.stats.requests;
      const answer = await page.evaluate(async (body) => {
        const response = await fetch('/v1/chat/completions', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        return { status: response.status, text: await response.text() };
      }, CHAT);
      expect(answer.status).toBe(200);
      expect(answer.text).toContain('echo: spend your keys');
      expect(chaos.stats.requests).toBe(before + 1);
    } finally {
      await page.close();
    }
  });

  test('cross-site: text/plain and untyped no-cors POSTs from another origin are refused (415)', async () => {
    const page = await pageAt(`http://localhost:${port + 1}/`);
    try {
      const before = chaos.stats.requests;
      const count = finished.length;
      await page.evaluate(
        async ({ url, body }) => {
          // The two bodies a page can send anywhere without a preflight: a string (text/plain) and a
          // Blob with no type (no Content-Type at all).
          await fetch(url, { method: 'POST', mode: 'no-cors', body });
          await fetch(url, { method: 'POST', mode: 'no-cors', body: new Blob([body]) });
        },
        { url: `http://127.0.0.1:${port}/v1/chat/completions`, body: CHAT },
      );
      const records = await gatewayFinished(count, 2);
      expect(records.map((r) => [r.status, r.errorKind])).toEqual([
        [415, 'unsupported_media_type'],
        [415, 'unsupported_media_type'],
      ]);
      expect(chaos.stats.requests).toBe(before);
    } finally {
      await page.close();
    }
  });

  test('DNS rebinding: a page on attacker.example resolved to 127.0.0.1 is refused on every route (403)', async () => {
    const page = await pageAt(`http://attacker.example:${port}/`);
    try {
      const before = chaos.stats.requests;
      const answers = await page.evaluate(async (body) => {
        const read = async (response: Response) => ({ status: response.status, text: await response.text() });
        return {
          chat: await read(
            await fetch('/v1/chat/completions', {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body,
            }),
          ),
          messages: await read(
            await fetch('/v1/messages', {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body,
            }),
          ),
          models: await read(await fetch('/v1/models')),
          metrics: await read(await fetch('/metrics')),
          health: await read(await fetch('/health')),
          status: await read(await fetch('/?live')),
        };
      }, CHAT);
      for (const [route, answer] of Object.entries(answers)) {
        expect(answer.status, route).toBe(403);
        expect(answer.text, route).toContain('server.allowedHosts');
        expect(answer.text, route).not.toContain('spend your keys');
      }
      expect(JSON.parse(answers.messages.text)).toMatchObject({
        type: 'error',
        error: { type: 'permission_error' },
      });
      expect(chaos.stats.requests).toBe(before);
    } finally {
      await page.close();
    }
  });
});
