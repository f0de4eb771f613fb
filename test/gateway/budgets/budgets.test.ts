import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../../src/chaos/index.ts';
import { type Gateway, type GatewayConfigInput, startGateway } from '../../../src/gateway/index.ts';
import type { Ledger } from '../../../src/gateway/ledger/ledger.ts';
import { TestPostgresServer } from '../../support/postgres-server.ts';

/**
 * Budgets under concurrent load, with the overshoot measured against the bound budget-guard.ts states:
 * one process passes a budget by at most its requests in flight; processes sharing a database by the
 * fleet's requests in flight plus what the fleet finished in the last two flush intervals.
 */
const KEY = 'sk-budget-test-key-0001';
const FLUSH_MS = 100;
// 200 output tokens of gpt-4o: $0.002 and a little, so a few cents of budget is a few dozen requests.
const BUDGET_USD = 0.03;

let chaos: ChaosServer;
let postgres: TestPostgresServer;
beforeAll(async () => {
  chaos = await startChaosServer({
    protocol: 'openai',
    scenario: { answer: 'filler:200', latency: { firstTokenMs: 20 } },
  });
  postgres = await TestPostgresServer.start();
}, 60_000);
afterAll(async () => {
  await chaos?.close();
  await postgres?.stop();
});

function config(database: string, budgets: GatewayConfigInput['budgets']): GatewayConfigInput {
  return {
    providers: { a: { type: 'openai', baseUrl: chaos.url } },
    routes: { main: { models: ['a:gpt-4o'], retries: 0 }, other: { models: ['a:gpt-4o'], retries: 0 } },
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's env reference syntax
    clients: [{ name: 'app', key: '${BUDGET_KEY}' }],
    database,
    ledger: { flushIntervalMs: FLUSH_MS },
    budgets,
  };
}

const start = (database: string, budgets: GatewayConfigInput['budgets']) =>
  startGateway({ config: config(database, budgets), port: 0, env: { BUDGET_KEY: KEY }, log: () => {} });

interface LoadResult {
  served: number;
  refused: number;
  firstRefusal: string | undefined;
}

/** `workers` concurrent loops each sending requests until one is refused for the budget. */
async function loadUntilRefused(gateway: Gateway, workers: number, route = 'main'): Promise<LoadResult> {
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: KEY, maxRetries: 0 });
  const result: LoadResult = { served: 0, refused: 0, firstRefusal: undefined };
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (;;) {
        try {
          await client.chat.completions.create({ model: route, messages: [{ role: 'user', content: 'go' }] });
          result.served++;
        } catch (error) {
          if (!(error instanceof OpenAI.APIError) || error.status !== 429) throw error;
          result.refused++;
          result.firstRefusal ??= error.message;
          return;
        }
      }
    }),
  );
  return result;
}

async function recorded(ledger: Ledger): Promise<{ spend: number; cost: number }> {
  await ledger.flush();
  const requests = await ledger.store.list({ limit: 1000 });
  const served = requests.filter((request) => request.status === 200);
  return { spend: served.reduce((sum, request) => sum + (request.cost ?? 0), 0), cost: served[0]!.cost! };
}

describe('budgets', () => {
  it('refuses a key over its daily budget with a 429 naming the budget and its reset, in each protocol', async () => {
    const gateway = await start(':memory:', { keys: { app: `${BUDGET_USD}/day` } });
    try {
      const workers = 8;
      const load = await loadUntilRefused(gateway, workers);
      expect(load.firstRefusal).toMatch(
        /Budget exceeded: key 'app' has spent \$[\d.]+ of its \$0\.03\/day budget; it resets at \d{4}-\d\d-\d\dT00:00:00\.000Z/,
      );
      const { spend, cost } = await recorded(gateway.ledger);
      const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
      expect(metrics).toMatch(/^understudy_budget_usd\{scope="key:[0-9a-f]{12}",period="day"\} 0\.03$/m);
      // One process: past the budget by at most the requests in flight when it was reached.
      console.log(
        `budget overshoot, 1 gateway × ${workers} concurrent: ${((spend - BUDGET_USD) / cost).toFixed(1)} requests over a $${BUDGET_USD} budget; bound ${workers}`,
      );
      expect(spend).toBeGreaterThanOrEqual(BUDGET_USD);
      expect(spend - BUDGET_USD).toBeLessThanOrEqual(workers * cost + 1e-9);
      const refused = await fetch(`${gateway.url}/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': KEY, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({ model: 'main', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      const anthropic = new Anthropic({ baseURL: gateway.url, apiKey: KEY, maxRetries: 0 });
      await expect(
        anthropic.messages.create({
          model: 'main',
          max_tokens: 10,
          messages: [{ role: 'user', content: 'hi' }],
        }),
      ).rejects.toMatchObject({ status: 429, error: { type: 'error', error: { type: 'rate_limit_error' } } });
    } finally {
      await gateway.close();
    }
  });

  it('refuses a route over its monthly budget, and leaves the other routes alone', async () => {
    const gateway = await start(':memory:', { routes: { main: `${BUDGET_USD}/month` } });
    try {
      const load = await loadUntilRefused(gateway, 4);
      expect(load.firstRefusal).toMatch(
        /route 'main' has spent .* \$0\.03\/month budget; it resets at \d{4}-\d\d-01T00:00:00\.000Z/,
      );
      const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: KEY, maxRetries: 0 });
      await expect(
        client.chat.completions.create({ model: 'other', messages: [{ role: 'user', content: 'go' }] }),
      ).resolves.toBeDefined();
      // Prometheus: the route's spend this month beside its budget.
      await gateway.ledger.flush();
      const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
      const value = (line: RegExp) => Number(line.exec(metrics)?.[1]);
      expect(
        value(/^understudy_spend_usd\{scope="route:main",period="month"\} (\S+)$/m),
      ).toBeGreaterThanOrEqual(BUDGET_USD);
      expect(value(/^understudy_budget_usd\{scope="route:main",period="month"\} (\S+)$/m)).toBe(BUDGET_USD);
    } finally {
      await gateway.close();
    }
  });

  it('holds across two gateway processes sharing Postgres, within the stated bound', async () => {
    const gateways = [
      await start(postgres.url, { keys: { app: `${BUDGET_USD}/day` } }),
      await start(postgres.url, { keys: { app: `${BUDGET_USD}/day` } }),
    ];
    try {
      const workers = 4;
      // The bound counts flush intervals as they really pass: a busy machine fires timers late.
      const flushedAt: number[][] = gateways.map(() => []);
      for (const [index, gateway] of gateways.entries()) {
        gateway.ledger.onFlushed(async () => {
          flushedAt[index]!.push(performance.now());
        });
      }
      const began = performance.now();
      const loads = await Promise.all(gateways.map((gateway) => loadUntilRefused(gateway, workers)));
      const seconds = (performance.now() - began) / 1000;
      const served = loads.reduce((sum, load) => sum + load.served, 0);
      const { spend, cost } = await recorded(gateways[0]!.ledger);
      // The bound: every request in flight in the fleet, plus what the fleet finished in the two flush
      // intervals before each process saw the others' spend (their flush, then its own re-read).
      const fleetRate = served / seconds;
      const interval = Math.max(
        FLUSH_MS,
        ...flushedAt.flatMap((stamps) => stamps.slice(1).map((at, i) => at - stamps[i]!)),
      );
      const boundRequests = gateways.length * workers + Math.ceil(fleetRate * ((2 * interval) / 1000));
      const overshootRequests = (spend - BUDGET_USD) / cost;
      console.log(
        `budget overshoot, 2 gateways × ${workers} concurrent on Postgres: ${overshootRequests.toFixed(1)} requests ($${(spend - BUDGET_USD).toFixed(4)}) over a $${BUDGET_USD} budget; bound ${boundRequests} requests (${fleetRate.toFixed(0)} req/s in all, flush interval ≤ ${interval.toFixed(0)} ms)`,
      );
      expect(spend).toBeGreaterThanOrEqual(BUDGET_USD);
      expect(overshootRequests).toBeLessThanOrEqual(boundRequests);
    } finally {
      await Promise.all(gateways.map((gateway) => gateway.close()));
    }
  });
});
