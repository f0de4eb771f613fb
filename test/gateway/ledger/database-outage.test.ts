import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../../src/chaos/index.ts';
import { type Gateway, startGateway } from '../../../src/gateway/index.ts';
import { TestPostgresServer } from '../../support/postgres-server.ts';

/**
 * A ledger database that goes away: requests keep being served as before, their records wait in the
 * bounded queue (drops counted in /metrics), and are written when the database is back.
 */
describe('the ledger while Postgres is gone', () => {
  let postgres: TestPostgresServer;
  let chaos: ChaosServer;
  let gateway: Gateway;
  const lines: string[] = [];

  beforeAll(async () => {
    postgres = await TestPostgresServer.start();
    chaos = await startChaosServer({ protocol: 'openai' });
    gateway = await startGateway({
      config: {
        providers: { a: { type: 'openai', baseUrl: chaos.url } },
        routes: { main: { models: ['a:gpt-4o'] } },
        database: postgres.url,
        ledger: { flushIntervalMs: 100, maxQueue: 5 },
      },
      port: 0,
      env: {},
      log: (line) => lines.push(line),
    });
  }, 60_000);
  afterAll(async () => {
    await gateway?.close();
    await chaos?.close();
    await postgres?.stop();
  });

  const ask = () =>
    new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'none', maxRetries: 0 }).chat.completions.create({
      model: 'main',
      messages: [{ role: 'user', content: 'hi' }],
    });
  const metric = async (name: string) => {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
  };

  it('serves every request, queues at most maxQueue records, counts the rest, and writes them on return', async () => {
    const before = await ask();
    await gateway.ledger.flush();
    expect(await gateway.ledger.store.find(before.id)).toBeDefined();

    await postgres.pause();
    const during = [];
    for (let i = 0; i < 7; i++) during.push(await ask());
    expect(during).toHaveLength(7);
    await gateway.ledger.flush();
    expect(gateway.ledger.queued).toBe(5);
    expect(await metric('understudy_ledger_queued')).toBe(5);
    expect(await metric('understudy_ledger_dropped_total')).toBe(2);
    expect(lines.join('\n')).toMatch(/ledger: writing to the database failed .* records stay queued/);
    expect(lines.join('\n')).not.toMatch(/postgres:\/\/understudy@/);

    await postgres.resume();
    await expect.poll(() => gateway.ledger.queued, { timeout: 10_000 }).toBe(0);
    const written = await gateway.ledger.store.list({ limit: 100 });
    // The first five made during the outage were kept; the two after the queue was full were dropped.
    for (const answer of during.slice(0, 5)) expect(written.map((row) => row.id)).toContain(answer.id);
    expect(lines.join('\n')).toMatch(/ledger: the database is back; 5 queued record\(s\) written/);
  }, 30_000);

  it('starts and serves with the database gone, and migrates and writes when it answers', async () => {
    await postgres.pause();
    const log: string[] = [];
    const late = await startGateway({
      config: {
        providers: { a: { type: 'openai', baseUrl: chaos.url } },
        routes: { main: { models: ['a:gpt-4o'] } },
        database: postgres.url,
        ledger: { flushIntervalMs: 100 },
      },
      port: 0,
      env: {},
      log: (line) => log.push(line),
    });
    try {
      const answer = await new OpenAI({
        baseURL: `${late.url}/v1`,
        apiKey: 'none',
        maxRetries: 0,
      }).chat.completions.create({
        model: 'main',
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(log.join('\n')).toMatch(/ledger: the database did not answer at start .*serving anyway/);
      expect(late.ledger.queued).toBe(1);
      await postgres.resume();
      await expect.poll(() => late.ledger.queued, { timeout: 10_000 }).toBe(0);
      expect(await late.ledger.store.find(answer.id)).toBeDefined();
    } finally {
      await late.close();
    }
  }, 30_000);
});
