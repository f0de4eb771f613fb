import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { startChaosServer } from '../../../src/chaos/index.ts';
import { startGateway } from '../../../src/gateway/index.ts';
import { openLedger } from '../../../src/gateway/ledger/ledger.ts';

const FIXTURE = fileURLToPath(new URL('./killed-gateway-fixture.ts', import.meta.url));
const FLUSH_MS = 250;

/**
 * The ledger's promise when a gateway is killed (SIGKILL, no chance to flush): what it served more than
 * a flush interval before it died is in the database; only the last interval's records may be lost.
 */
it('loses at most the last flush interval of records when the gateway is killed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'understudy-killed-'));
  const database = join(dir, 'ledger.db');
  const child = spawn(process.execPath, [FIXTURE, database, String(FLUSH_MS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
    const url = chunk.toString().trim();
    const served: Array<{ id: string; at: number }> = [];
    const until = Date.now() + 1500;
    // At most what one page of the ledger lists (1,000): a fast gateway serves more in 1.5 s.
    while (Date.now() < until && served.length < 900) {
      const response = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'main', messages: [{ role: 'user', content: 'hi' }] }),
      });
      served.push({ id: ((await response.json()) as { id: string }).id, at: Date.now() });
    }
    child.kill('SIGKILL');
    await once(child, 'exit');
    const killedAt = Date.now();

    const ledger = await openLedger({ database, flushIntervalMs: 60_000 });
    const kept = new Set((await ledger.store.list({ limit: 1000 })).map((row) => row.id));
    await ledger.close();
    // Twice the interval: a timer tick may come late on a busy machine, and a write takes its time.
    const settled = served.filter((request) => request.at < killedAt - 2 * FLUSH_MS);
    expect(settled.length).toBeGreaterThan(10);
    for (const request of settled) expect(kept.has(request.id), `${request.id} is in the ledger`).toBe(true);
    const lost = served.length - served.filter((request) => kept.has(request.id)).length;
    console.log(
      `killed after ${served.length} requests: ${lost} not in the ledger (those of its last flush interval)`,
    );
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}, 30_000);

it('writes what is queued when the gateway closes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'understudy-closed-'));
  const database = join(dir, 'ledger.db');
  const chaos = await startChaosServer({ protocol: 'openai' });
  try {
    const gateway = await startGateway({
      config: {
        providers: { a: { type: 'openai', baseUrl: chaos.url } },
        routes: { main: { models: ['a:gpt-4o'] } },
        database,
        // Never on its own during the test: only close() writes.
        ledger: { flushIntervalMs: 60_000 },
      },
      port: 0,
      env: {},
      log: () => {},
    });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'main', messages: [{ role: 'user', content: 'hi' }] }),
      });
      ids.push(((await response.json()) as { id: string }).id);
    }
    expect(gateway.ledger.queued).toBe(3);
    await gateway.close();
    const ledger = await openLedger({ database });
    expect((await ledger.store.list()).map((row) => row.id).sort()).toEqual([...ids].sort());
    await ledger.close();
  } finally {
    await chaos.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
