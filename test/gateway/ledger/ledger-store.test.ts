import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestFinished } from '../../../src/gateway/events.ts';
import { type Ledger, openLedger } from '../../../src/gateway/ledger/ledger.ts';
import { periodOf } from '../../../src/gateway/ledger/spend-periods.ts';
import { TestPostgresServer } from '../../support/postgres-server.ts';
import { attempt, finished } from '../metrics/sample-events.ts';

/** The same cases against both databases: the SQL is written once and must mean the same in each. */
function ledgerSuite(name: string, database: () => string) {
  describe(`the ledger on ${name}`, () => {
    let ledger: Ledger;
    beforeAll(async () => {
      ledger = await openLedger({
        database: database(),
        flushIntervalMs: 60_000,
        storeBodies: true,
        redact: ['\\b\\d{16}\\b'],
      });
    });
    afterAll(() => ledger?.close());

    const event = (overrides: Partial<RequestFinished>) =>
      finished({ responseId: `chatcmpl-${Math.random()}`, ...overrides });

    it('writes what it queued, and reads a request back by its response id with its attempts', async () => {
      const first = event({
        clientKeyId: 'abc123',
        clientName: 'app',
        userAgent: 'claude-cli/2.0.14 (external, cli)',
        attempts: [
          attempt('openai:gpt-4o', 'error', 'rate_limit'),
          attempt('anthropic:claude-sonnet-4-5', 'ok'),
        ],
        servedModel: 'anthropic:claude-sonnet-4-5',
        body: {
          model: 'smart',
          messages: [{ role: 'user', content: 'card 4111111111111111, key sk-proj-abcdefghijklmnop' }],
        },
      });
      ledger.record(first);
      expect(ledger.queued).toBe(1);
      await ledger.flush();
      expect(ledger.queued).toBe(0);
      const stored = await ledger.store.find(first.responseId!);
      expect(stored).toMatchObject({
        clientKeyId: 'abc123',
        clientName: 'app',
        servedModel: 'anthropic:claude-sonnet-4-5',
        tool: 'Claude Code',
        cost: 0.0025,
        status: 200,
        outcome: 'ok',
        inputTokens: 10,
        outputTokens: 5,
        stream: false,
        insured: false,
      });
      expect(stored!.attempts.map((a) => `${a.providerName}:${a.modelName}=${a.outcome}`)).toEqual([
        'openai:gpt-4o=error',
        'anthropic:claude-sonnet-4-5=ok',
      ]);
      expect(stored!.body).toContain('"model":"smart"');
      expect(stored!.body).not.toContain('4111111111111111');
      expect(stored!.body).not.toContain('sk-proj-abcdefghijklmnop');
    });

    it('fills deployment and key fingerprint from the attempt that served, when attempts carry them', async () => {
      const served = {
        ...attempt('openai:gpt-4o', 'ok'),
        deployment: 'openai-east',
        keyFingerprint: 'fp-3b9c',
      };
      const event = finished({
        responseId: `chatcmpl-balanced-${Math.random()}`,
        attempts: [attempt('openai:gpt-4o', 'error', 'rate_limit'), served],
      });
      ledger.record(event);
      await ledger.flush();
      expect(await ledger.store.find(event.responseId!)).toMatchObject({
        deployment: 'openai-east',
        keyFingerprint: 'fp-3b9c',
      });
    });

    it('lists newest first and filters by key, route, model and outcome', async () => {
      const base = Date.now();
      ledger.record(event({ route: 'r1', clientName: 'k1', latencyMs: 0 }));
      await new Promise((resolve) => setTimeout(resolve, 5));
      ledger.record(
        event({
          route: 'r2',
          errorKind: 'server',
          status: 502,
          servedModel: undefined,
          cost: undefined,
          latencyMs: 0,
        }),
      );
      await ledger.flush();
      const recent = await ledger.store.list({ limit: 2 });
      expect(recent.map((r) => r.route)).toEqual(['r2', 'r1']);
      expect(recent[0]!.time).toBeGreaterThanOrEqual(base - 1);
      expect((await ledger.store.list({ outcome: 'server' })).map((r) => r.route)).toEqual(['r2']);
      expect((await ledger.store.list({ key: 'k1' })).map((r) => r.route)).toEqual(['r1']);
      expect((await ledger.store.list({ route: 'r1', model: 'openai:gpt-4o' })).length).toBe(1);
      expect(await ledger.store.list({ route: 'nowhere' })).toEqual([]);
    });

    it('adds spend per key, route and tool for the day and the month, in the same transaction', async () => {
      const now = Date.now();
      for (let i = 0; i < 3; i++)
        ledger.record(
          event({ route: 'spendy', clientKeyId: 'k-spend', cost: 0.5, userAgent: 'codex_cli_rs/0.45.0' }),
        );
      await ledger.flush();
      const rows = await ledger.store.spend([periodOf('day', now), periodOf('month', now)]);
      const usd = (scope: string, period: string) =>
        rows.find((r) => r.scope === scope && r.period === period)?.usd;
      expect(usd('key:k-spend', periodOf('day', now))).toBeCloseTo(1.5);
      expect(usd('route:spendy', periodOf('month', now))).toBeCloseTo(1.5);
      expect(usd('tool:Codex', periodOf('day', now))).toBeGreaterThanOrEqual(1.5);
    });
  });
}

let postgres: TestPostgresServer;
beforeAll(async () => {
  postgres = await TestPostgresServer.start();
}, 60_000);
afterAll(() => postgres?.stop());

ledgerSuite('SQLite (node:sqlite)', () => ':memory:');
ledgerSuite('Postgres', () => postgres.url);

describe('the in-memory ledger', () => {
  it('keeps only the newest requests it is told to retain, and every spend row', async () => {
    const ledger = await openLedger({ flushIntervalMs: 60_000, retainRequests: 3 });
    try {
      for (let i = 0; i < 8; i++) ledger.record(finished({ responseId: `r${i}`, latencyMs: -i * 10 }));
      for (let flush = 0; flush < 60; flush++) await ledger.flush();
      expect((await ledger.store.list()).map((row) => row.id)).toEqual(['r7', 'r6', 'r5']);
      const spend = await ledger.store.spend([periodOf('day', Date.now())]);
      expect(spend.find((row) => row.scope === 'route:chat')?.requests).toBe(8);
    } finally {
      await ledger.close();
    }
  });
});
