/**
 * What recording one request costs the gateway's process, measured without the noise of a loaded
 * network path: the `request-finished` listener (ledger entry, budget spend) plus its share of the
 * batched write, as CPU time per request, for the in-memory SQLite default, a SQLite file and (with
 * `--postgres <url>`) Postgres. Compare it with the gateway's CPU per request (bench/gateway-ab.ts).
 *
 * Run: node bench/ledger-cost.ts [--requests 50000] [--postgres postgres://…]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BudgetGuard } from '../src/gateway/budgets/budget-guard.ts';
import type { RequestFinished } from '../src/gateway/events.ts';
import { openLedger } from '../src/gateway/ledger/ledger.ts';

const { values } = parseArgs({
  options: { requests: { type: 'string', default: '50000' }, postgres: { type: 'string' } },
});
const total = Number(values.requests);
// As the gateway flushes once a second at ~1,000 req/s: a batch is about a thousand records.
const BATCH = 1000;

function event(i: number): RequestFinished {
  const now = Date.now();
  return {
    route: 'smart',
    api: 'openai',
    stream: false,
    servedModel: 'anthropic:claude-sonnet-4-5',
    attempts: [
      {
        modelName: 'gpt-4o',
        providerName: 'openai',
        breakerKey: 'openai:gpt-4o@https://api.openai.com/v1',
        outcome: 'error',
        errorKind: 'rate_limit',
        statusCode: 429,
        startedAt: now - 40,
        durationMs: 12.5,
      },
      {
        modelName: 'claude-sonnet-4-5',
        providerName: 'anthropic',
        breakerKey: 'anthropic:claude-sonnet-4-5@https://api.anthropic.com',
        outcome: 'ok',
        startedAt: now - 28,
        durationMs: 27.1,
        usage: { inputTokens: 812, outputTokens: 190, cacheReadTokens: 0, cacheWriteTokens: 0, details: {} },
        cost: 0.00529,
      },
    ],
    status: 200,
    errorKind: undefined,
    latencyMs: 41.3,
    timeToFirstTokenMs: undefined,
    usage: { inputTokens: 812, outputTokens: 190, cacheReadTokens: 0, cacheWriteTokens: 0, details: {} },
    cost: 0.00529,
    clientKeyId: `key${i % 20}`,
    clientName: `team-${i % 20}`,
    userAgent: i % 3 === 0 ? 'claude-cli/2.0.14 (external, cli)' : 'OpenAI/JS 5.12.0',
    responseId: `chatcmpl-${i.toString(36)}-${now.toString(36)}`,
    finishReason: 'stop',
    insured: false,
    body: undefined,
  };
}

async function measure(name: string, database: string, quiet = false): Promise<void> {
  const ledger = await openLedger({ database, flushIntervalMs: 3_600_000 });
  new BudgetGuard(ledger);
  const events = Array.from({ length: total }, (_, i) => event(i));
  const start = process.cpuUsage();
  let listener = 0;
  // CPU is read per batch, not per record: reading it costs about a microsecond itself.
  for (let first = 0; first < total; first += BATCH) {
    const before = process.cpuUsage();
    for (let i = first; i < Math.min(total, first + BATCH); i++) ledger.record(events[i]!);
    const spent = process.cpuUsage(before);
    listener += spent.user + spent.system;
    await ledger.flush();
  }
  await ledger.flush();
  const used = process.cpuUsage(start);
  const perRequest = (used.user + used.system) / total;
  if (!quiet)
    console.log(
      `${name}: ${perRequest.toFixed(1)} µs CPU per request in all (listener on the request path ${(listener / total).toFixed(1)} µs, the rest the batched write), ${total} requests`,
    );
  await ledger.close();
}

const dir = mkdtempSync(join(tmpdir(), 'ledger-cost-'));
try {
  // A first pass warms the JIT up, as a gateway that has served for a while is.
  await measure('warm-up', ':memory:', true);
  await measure('SQLite in memory (default)', ':memory:');
  await measure('SQLite file', join(dir, 'ledger.db'));
  if (values.postgres) await measure('Postgres', values.postgres);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
