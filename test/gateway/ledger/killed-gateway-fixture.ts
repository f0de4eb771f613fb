/**
 * A gateway for killed-gateway.test.ts: run as `node killed-gateway-fixture.ts <sqlite file> <flush ms>`.
 * Serves a chaos upstream's gpt-4o on a free port, records to the SQLite file, and prints its URL.
 */
import { startChaosServer } from '../../../src/chaos/index.ts';
import { startGateway } from '../../../src/gateway/index.ts';

const [database, flushMs] = process.argv.slice(2);
const chaos = await startChaosServer({ protocol: 'openai' });
const gateway = await startGateway({
  config: {
    providers: { a: { type: 'openai', baseUrl: chaos.url } },
    routes: { main: { models: ['a:gpt-4o'] } },
    database: database!,
    ledger: { flushIntervalMs: Number(flushMs) },
  },
  port: 0,
  env: {},
  log: () => {},
});
process.stdout.write(`${gateway.url}\n`);
