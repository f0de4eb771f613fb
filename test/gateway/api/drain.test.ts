import { expect, test } from 'vitest';
import { startChaosServer } from '../../../src/chaos/index.ts';
import { startGateway } from '../../../src/gateway/index.ts';

test('close() ends a request that outlives the drain timeout with a 503 the client can retry', async () => {
  const chaos = await startChaosServer({
    protocol: 'openai',
    scenario: { fault: 'hang' },
    hangCapMs: 10_000,
  });
  const gateway = await startGateway({
    port: 0,
    config: { providers: { up: { type: 'openai', baseUrl: chaos.url } } },
    log: () => {},
  });
  try {
    const pending = fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'up:gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closing = gateway.close({ drainTimeoutMs: 50 });
    const response = await pending;
    expect(response.status).toBe(503);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toContain('shutting down');
    await closing;
  } finally {
    await chaos.close();
  }
});
