import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runChaosCommand } from '../../src/cli/chaos-command.ts';

const outage = fileURLToPath(new URL('../../examples/chaos/outage.yaml', import.meta.url));

describe('understudy chaos', () => {
  it('serves the scenario, prints the URL, and stops cleanly when told to', async () => {
    const controller = new AbortController();
    let output = '';
    let url = '';
    const done = runChaosCommand(['--protocol', 'gemini', '--scenario', outage, '--fault', 'status:503'], {
      write: (text) => {
        output += text;
      },
      signal: controller.signal,
      onListening: (listening) => {
        url = listening;
      },
    });
    await expect.poll(() => url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${url}/v1beta/models/gemini-2.5-flash:generateContent`, {
      method: 'POST',
      body: JSON.stringify({ contents: [{ parts: [{ text: 'hi' }] }] }),
    });
    expect(response.status).toBe(503);
    controller.abort();
    expect(await done).toBe(0);
    expect(output).toBe(
      `chaos gemini upstream listening on ${url}\nchaos stopped after 1 requests (faults: status:503=1)\n`,
    );
  });

  it('rejects an unknown protocol and an unknown fault with a clear message', async () => {
    await expect(runChaosCommand(['--protocol', 'cohere'])).rejects.toThrow(
      '--protocol must be one of openai, openai-responses, anthropic, gemini, bedrock',
    );
    await expect(runChaosCommand(['--fault', 'explode'])).rejects.toThrow("unknown fault 'explode'");
  });

  it('prints help with the fault syntax', async () => {
    let output = '';
    expect(await runChaosCommand(['--help'], { write: (text) => (output += text) })).toBe(0);
    expect(output).toContain('cut-after:<tokens>[;clean]');
  });
});
