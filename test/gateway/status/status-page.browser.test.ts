import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayEventMap } from '../../../src/gateway/events.ts';
import { createStatusPage, type StatusPage } from '../../../src/gateway/status/status-routes.ts';
import { launchChromium } from '../../support/chromium.ts';
import { attempt, finished } from '../metrics/sample-events.ts';

describe('status page in headless Chromium', () => {
  const events = new EventEmitter<GatewayEventMap>();
  let status: StatusPage;
  let server: Server;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    status = createStatusPage(events, {
      intervalMs: 100,
      initialBreakers: [['google:gemini-2.5-flash', 'closed']],
    });
    // The same mounting rule as the gateway's handler: exact method and path.
    server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      const route = status.routes.find((r) => r.method === req.method && r.path === path);
      if (route) void route.handle(req, res);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    status?.close();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('shows each route and model and updates live', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
    const blocked: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(url)) blocked.push(request.url());
    });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(url);
    await page.waitForSelector('#live.on');
    expect(await page.textContent('#routes')).toContain('No requests yet');

    for (let i = 0; i < 9; i++)
      events.emit('request-finished', finished({ latencyMs: 100 + i * 10, cost: 0.001 }));
    events.emit(
      'request-finished',
      finished({
        route: 'smart',
        api: 'anthropic',
        servedModel: 'anthropic:claude-sonnet-4-5',
        attempts: [
          attempt('openai:gpt-4o', 'error', 'rate_limit', 30),
          attempt('anthropic:claude-sonnet-4-5', 'ok', undefined, 900),
        ],
        latencyMs: 950,
        cost: 0.25,
      }),
    );
    events.emit('breaker-changed', { key: 'openai:gpt-4o', from: 'closed', to: 'open' });

    const chat = page.locator('tr[data-route="chat"]');
    await expect.poll(() => chat.locator('[data-field="requests"]').textContent()).toBe('9');
    expect(await chat.locator('[data-field="requestsPerMinute"]').textContent()).toBe('9');
    expect(await chat.locator('[data-field="successRate"]').textContent()).toBe('100%');
    expect(await chat.locator('[data-field="p50Ms"]').textContent()).toBe('140 ms');
    expect(await chat.locator('[data-field="p99Ms"]').textContent()).toBe('180 ms');
    expect(await chat.locator('[data-field="cost"]').textContent()).toBe('$0.0090');
    const smart = page.locator('tr[data-route="smart"]');
    expect(await smart.locator('[data-field="fallbacks"]').textContent()).toBe('1');
    expect(await smart.locator('[data-field="p50Ms"]').textContent()).toBe('950 ms');
    expect(await smart.locator('[data-field="cost"]').textContent()).toBe('$0.25');
    const gpt = page.locator('tr[data-model="openai:gpt-4o"]');
    expect(await gpt.locator('[data-field="breaker"]').textContent()).toBe('open');
    // The pill names the breaker by its key, as /health and /metrics do.
    expect(await gpt.locator('[data-field="breaker"]').getAttribute('title')).toBe('openai:gpt-4o');
    expect(await gpt.locator('[data-field="successRate"]').textContent()).toBe('90%');
    expect(await page.textContent('#total-rpm')).toBe('10');
    expect(await page.textContent('#breakers')).toBe('1 breaker not closed');

    // Live: more traffic and a breaker closing show up without a reload.
    for (let i = 0; i < 5; i++) {
      events.emit(
        'request-finished',
        finished({
          status: 502,
          errorKind: 'server',
          servedModel: undefined,
          cost: undefined,
          usage: undefined,
          attempts: [attempt('openai:gpt-4o', 'error', 'server', 20)],
        }),
      );
    }
    events.emit('breaker-changed', { key: 'openai:gpt-4o', from: 'open', to: 'closed' });
    await expect.poll(() => chat.locator('[data-field="requests"]').textContent()).toBe('14');
    expect(await chat.locator('[data-field="successRate"]').textContent()).toBe('64.2%');
    expect(await gpt.locator('[data-field="breaker"]').textContent()).toBe('closed');
    expect(await page.textContent('#breakers')).toBe('all breakers closed');
    expect(await page.getAttribute('#total-success', 'class')).toBe('value poor');

    // Something to look at: the page mid-incident, in both colour schemes.
    events.emit('breaker-changed', { key: 'openai:gpt-4o', from: 'closed', to: 'open' });
    events.emit('breaker-changed', { key: 'google:gemini-2.5-flash', from: 'open', to: 'half-open' });
    events.emit(
      'request-finished',
      finished({
        route: 'cheap',
        servedModel: 'google:gemini-2.5-flash',
        attempts: [attempt('google:gemini-2.5-flash', 'ok', undefined, 60)],
        latencyMs: 60,
        cost: 0.00004,
      }),
    );
    await expect.poll(() => page.locator('tr[data-route="cheap"]').count()).toBe(1);
    expect(await page.locator('tr[data-route="cheap"] [data-field="cost"]').textContent()).toBe('$0.000040');
    await page.screenshot({ path: '/tmp/understudy-status-light.png', fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: '/tmp/understudy-status-dark.png', fullPage: true });

    expect(blocked).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('serves the snapshot as JSON and names come out as text, never markup', async () => {
    events.emit('request-finished', finished({ route: '<img src=x onerror=alert(1)>' }));
    const response = await fetch(`${url}status.json`);
    expect(response.headers.get('content-type')).toBe('application/json');
    const snapshot = (await response.json()) as { routes: Array<{ name: string }> };
    expect(snapshot.routes.map((row) => row.name)).toContain('<img src=x onerror=alert(1)>');
    const page = await browser.newPage();
    await page.goto(url);
    await expect.poll(() => page.locator('tr[data-route^="<img"]').count()).toBe(1);
    expect(await page.locator('#routes img').count()).toBe(0);
    await page.close();
  });
});
