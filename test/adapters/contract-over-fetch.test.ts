/**
 * The adapter contract again, every case, over the fetch transport that Bun, Deno, Workers and browsers
 * load: what `#transport` resolves to on Node (node-client.ts) is replaced by it for this file, and the
 * suite is contract.test.ts itself, so the two transports cannot drift apart in what an adapter sees.
 */
import { expect, test, vi } from 'vitest';

vi.mock('../../src/transport/node-client.ts', () => import('../../src/transport/fetch-client.ts'));

const seam = await import('../../src/transport/client.ts');
const fetchClient = await import('../../src/transport/fetch-client.ts');

test('the adapters in this file go through the fetch transport', () => {
  expect(seam.postJson).toBe(fetchClient.postJson);
  expect(seam.postJsonForText).toBe(fetchClient.postJsonForText);
});

await import('./contract.test.ts');
