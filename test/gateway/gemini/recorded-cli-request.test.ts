/**
 * The request Gemini CLI 0.61.0 really sent (test/fixtures/agents/gemini-cli-stream.json), replayed
 * through the gateway to a recording Gemini upstream: the pass-through guarantee as a test. The upstream
 * gets the client's body byte for byte (Gemini names the model in the URL, where the upstream's own name
 * goes), with the provider's key instead of the client's; the answer comes back as the upstream wrote it
 * but for `modelVersion`, the model that served.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../../src/chaos/index.ts';
import { type Gateway, startGateway } from '../../../src/gateway/index.ts';
import { type RecordingProxy, startRecordingProxy } from '../../support/recording-proxy.ts';

interface Recorded {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

const recorded = JSON.parse(
  readFileSync(new URL('../../fixtures/agents/gemini-cli-stream.json', import.meta.url), 'utf8'),
) as Recorded;

let chaos: ChaosServer;
let recorder: RecordingProxy;
let gateway: Gateway;

beforeAll(async () => {
  chaos = await startChaosServer({ protocol: 'gemini' });
  recorder = await startRecordingProxy(chaos.url);
  gateway = await startGateway({
    config: {
      providers: { g: { type: 'google-gla', baseUrl: recorder.url } },
      routes: { gemini: { models: ['g:gemini-3-flash-preview'], match: ['gemini-*'], breaker: false } },
    },
    port: 0,
    env: { GOOGLE_GLA_API_KEY: 'upstream-key' },
    log: () => {},
  });
});
afterAll(async () => {
  await gateway.close();
  await recorder.close();
  await chaos.close();
});

describe("Gemini CLI's recorded request through the gateway", () => {
  it('reaches a Gemini upstream byte for byte, under the upstream model, with the provider key', async () => {
    const response = await fetch(`${gateway.url}${recorded.path}`, {
      method: recorded.method,
      headers: recorded.headers,
      body: recorded.body,
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toMatch(/"finishReason":"STOP"/);
    expect(text).toContain('"modelVersion":"g:gemini-3-flash-preview"');
    expect(recorder.requests.at(-1)?.body).toBe(recorded.body);
    const sent = recorder.requests.at(-1)!;
    expect(sent.path).toBe('/v1beta/models/gemini-3-flash-preview:streamGenerateContent?alt=sse');
    expect(sent.headers['x-goog-api-key']).toBe('upstream-key');
  });
});
