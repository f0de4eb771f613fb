import { describe, expect, it } from 'vitest';
import { type ChaosRequestEvent, startChaosServer } from '../../src/chaos/index.ts';
import { keyFingerprint } from '../../src/transport/key-fingerprint.ts';

const body = JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
const post = (url: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });

describe('startChaosServer', () => {
  it('reports each request to onRequest and counts it in stats', async () => {
    const events: ChaosRequestEvent[] = [];
    const chaos = await startChaosServer({ protocol: 'openai', onRequest: (event) => events.push(event) });
    try {
      expect((await post(chaos.url)).status).toBe(200);
      expect((await post(chaos.url, { 'x-chaos': 'slow-first-token:5+status:503' })).status).toBe(503);
      expect(events).toEqual([
        { protocol: 'openai', model: 'gpt-4o', stream: false, fault: undefined },
        { protocol: 'openai', model: 'gpt-4o', stream: false, fault: 'slow-first-token:5+status:503' },
      ]);
      expect(chaos.stats).toEqual({
        requests: 2,
        answered: 1,
        faults: { 'status:503': 1, 'slow-first-token': 1 },
        models: { 'gpt-4o': 2 },
        keys: {},
      });
    } finally {
      await chaos.close();
    }
  });

  it('faults one API key of a pool, whichever header carries it, and counts requests by key fingerprint', async () => {
    const chaos = await startChaosServer({
      protocol: 'openai',
      scenario: { keys: { 'sk-limited': { fault: 'status:429;retry-after=7' } } },
    });
    try {
      const limited = await post(chaos.url, { authorization: 'Bearer sk-limited' });
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('7');
      expect((await post(chaos.url, { authorization: 'Bearer sk-other' })).status).toBe(200);
      expect((await post(chaos.url, { 'x-api-key': 'sk-limited' })).status).toBe(429);
      expect(chaos.stats.keys).toEqual({
        [keyFingerprint('sk-limited')]: 2,
        [keyFingerprint('sk-other')]: 1,
      });
    } finally {
      await chaos.close();
    }
  });

  it('follows a scheduled outage on the injected clock, without waiting', async () => {
    let now = 0;
    const chaos = await startChaosServer({
      protocol: 'openai',
      now: () => now,
      scenario: { schedule: [{ from: 10, to: 40, fault: 'status:503' }] },
    });
    try {
      expect((await post(chaos.url)).status).toBe(200);
      now = 10_000;
      expect((await post(chaos.url)).status).toBe(503);
      now = 40_000;
      expect((await post(chaos.url)).status).toBe(200);
    } finally {
      await chaos.close();
    }
  });

  it('a server-wide refuse drops every connection before a byte is sent', async () => {
    const chaos = await startChaosServer({ protocol: 'openai', scenario: { fault: 'refuse' } });
    try {
      await expect(post(chaos.url)).rejects.toThrow();
      expect(chaos.stats.faults).toEqual({ refuse: 1 });
    } finally {
      await chaos.close();
    }
  });

  it('close() ends hung requests at once', async () => {
    const chaos = await startChaosServer({ protocol: 'openai' });
    const hung = post(chaos.url, { 'x-chaos': 'hang' });
    await expect.poll(() => chaos.stats.faults.hang).toBe(1);
    const started = Date.now();
    await chaos.close();
    await expect(hung).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(500);
  });
});
