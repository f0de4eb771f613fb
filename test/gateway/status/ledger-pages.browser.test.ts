import { mkdirSync } from 'node:fs';
import OpenAI from 'openai';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../../src/chaos/index.ts';
import { type Gateway, startGateway } from '../../../src/gateway/index.ts';
import { launchChromium } from '../../support/chromium.ts';

/**
 * The request log, a request's page and the spend page, in headless Chromium over a running gateway
 * with real traffic. `SCREENSHOTS=1` also writes the README's pictures to docs/images.
 */
const KEY = 'sk-status-pages-test-0001';
const ADMIN = 'admin-status-pages-test-0001';

describe('request log and spend pages in headless Chromium', () => {
  let chaos: ChaosServer;
  let gateway: Gateway;
  let browser: Browser;
  const failedRequestIds: string[] = [];

  beforeAll(async () => {
    chaos = await startChaosServer({
      protocol: 'openai',
      scenario: { answer: 'filler:40', models: { flaky: { fault: 'status:503' } } },
    });
    gateway = await startGateway({
      config: {
        providers: { openai: { type: 'openai', baseUrl: chaos.url } },
        routes: {
          smart: { models: ['openai:flaky', 'openai:gpt-4o'], retries: 0 },
          broken: { models: ['openai:flaky'], retries: 0 },
        },
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's env reference syntax
        clients: [{ name: 'claude-code-team', key: '${TEAM_KEY}' }],
        budgets: { keys: { 'claude-code-team': ['1/day', '20/month'] }, routes: { smart: '5/day' } },
        ledger: { flushIntervalMs: 100 },
      },
      port: 0,
      env: { TEAM_KEY: KEY, UNDERSTUDY_ADMIN_KEY: ADMIN },
      log: () => {},
    });
    const client = (userAgent: string) =>
      new OpenAI({
        baseURL: `${gateway.url}/v1`,
        apiKey: KEY,
        maxRetries: 0,
        defaultHeaders: { 'user-agent': userAgent },
      });
    for (let i = 0; i < 3; i++)
      await client('claude-cli/2.0.14 (external, cli)').chat.completions.create({
        model: 'smart',
        messages: [{ role: 'user', content: 'refactor this' }],
      });
    await client('codex_cli_rs/0.45.0').chat.completions.create({
      model: 'smart',
      messages: [{ role: 'user', content: 'write tests' }],
    });
    await client('<script>window.injected=1</script>')
      .chat.completions.create({ model: 'broken', messages: [{ role: 'user', content: 'x' }] })
      .catch(() => failedRequestIds.push('broken'));
    await gateway.ledger.flush();
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await chaos?.close();
  });

  async function open(path: string) {
    // The gateway takes client keys, so the log is the admin's: the admin key as a Basic-auth password.
    const page = await browser.newPage({
      viewport: { width: 1200, height: 700 },
      httpCredentials: { username: 'admin', password: ADMIN },
    });
    const outside: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(gateway.url)) outside.push(request.url());
    });
    const response = await page.goto(`${gateway.url}${path}`);
    expect(response?.status()).toBe(200);
    return { page, outside };
  }

  const screenshot = async (page: import('playwright-core').Page, name: string) => {
    if (process.env.SCREENSHOTS !== '1') return;
    mkdirSync('docs/images', { recursive: true });
    await page.screenshot({ path: `docs/images/${name}.png`, fullPage: true });
  };

  it('asks for the admin key, and takes no client key for it', async () => {
    for (const path of ['/requests', '/spend']) {
      const anonymous = await fetch(`${gateway.url}${path}`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic /);
      const client = await fetch(`${gateway.url}${path}`, { headers: { authorization: `Bearer ${KEY}` } });
      expect(client.status).toBe(401);
    }
  });

  it('lists requests newest first, filters them, and escapes what clients sent', async () => {
    expect(failedRequestIds).toEqual(['broken']);
    const { page, outside } = await open('/requests');
    const rows = page.locator('#log tr');
    expect(await rows.count()).toBe(5);
    const cells = await rows.first().locator('td').allTextContents();
    expect(cells.slice(1, 5)).toEqual(['claude-code-team', 'broken', '–', 'overloaded']);
    // A request that failed everywhere still shows the attempts it made.
    expect(cells[6]).toBe('1');
    // The tool is the agent's product token (up to its first '/'), shown as text, never as markup.
    expect(cells[10]).toBe('<script>window.injected=1<');
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { injected?: number }).injected)).toBeUndefined();
    expect(await rows.nth(1).locator('td').nth(10).textContent()).toBe('Codex');
    await screenshot(page, 'request-log');

    await page.fill('input[name=outcome]', 'overloaded');
    await Promise.all([page.waitForURL(/outcome=overloaded/), page.click('form.filters button')]);
    expect(await page.locator('#log tr').count()).toBe(1);
    await page.goto(`${gateway.url}/requests?route=smart&model=openai:gpt-4o`);
    expect(await page.locator('#log tr').count()).toBe(4);
    expect(outside).toEqual([]);
  });

  it("shows a request's attempt timeline", async () => {
    const { page } = await open('/requests?route=smart');
    await Promise.all([page.waitForURL(/\/requests\/chatcmpl-/), page.locator('#log tr a').first().click()]);
    const steps = page.locator('#timeline .step');
    expect(await steps.count()).toBe(2);
    expect(await steps.nth(0).getAttribute('data-outcome')).toBe('error');
    expect(await steps.nth(0).textContent()).toContain('openai:flaky');
    expect(await steps.nth(0).textContent()).toContain('503');
    expect(await steps.nth(1).getAttribute('data-outcome')).toBe('ok');
    expect(await page.locator('dl').textContent()).toContain('openai:gpt-4o');
    await screenshot(page, 'request-page');
  });

  it('shows spend per key, route and tool against the budgets', async () => {
    const { page } = await open('/spend');
    const key = page.locator('#spend-key tr');
    expect(await key.count()).toBe(1);
    expect(await key.locator('td').first().textContent()).toBe('claude-code-team');
    expect(await key.locator('td').nth(3).textContent()).toContain('$1/day');
    expect(await key.locator('td').nth(3).textContent()).toContain('$20/month');
    expect(await page.locator('#spend-route tr[data-scope="route:smart"] td').nth(3).textContent()).toContain(
      '$5/day',
    );
    const tools = await page.locator('#spend-tool td:first-child').allTextContents();
    expect(tools).toEqual(expect.arrayContaining(['Claude Code', 'Codex']));
    await screenshot(page, 'spend');
  });
});
