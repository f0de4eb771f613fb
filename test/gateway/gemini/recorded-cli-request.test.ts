/**
 * The request Gemini CLI 0.61.0 really sent (test/fixtures/agents/gemini-cli-stream.json), replayed
 * through the gateway to a recording Gemini upstream. Until Gemini requests are passed through (the
 * same-protocol seam), they are translated: this holds the translation to what the CLI sent — every turn
 * and part, the system instruction, every function declaration with its schema as written, the sampling
 * and thinking settings — with only `topK` left out, as the README's table says.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../../src/chaos/index.ts';
import { type Gateway, startGateway } from '../../../src/gateway/index.ts';
import { type Recorder, startRecorder } from './recorder.ts';

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
let recorder: Recorder;
let gateway: Gateway;

beforeAll(async () => {
  chaos = await startChaosServer({ protocol: 'gemini' });
  recorder = await startRecorder(chaos.url);
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

interface GeminiBody {
  contents: Array<{ role?: string; parts: Array<Record<string, unknown>> }>;
  systemInstruction: { parts: Array<{ text: string }> };
  tools: Array<{ functionDeclarations: Array<{ name: string; parametersJsonSchema: unknown }> }>;
  generationConfig: Record<string, unknown>;
}

describe("Gemini CLI's recorded request through the gateway", () => {
  it('streams back, and reaches a Gemini upstream with everything it carried but topK', async () => {
    const response = await fetch(`${gateway.url}${recorded.path}`, {
      method: recorded.method,
      headers: recorded.headers,
      body: recorded.body,
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/"finishReason":"STOP"/);
    const sent = JSON.parse(recorder.bodies.at(-1)!) as GeminiBody;
    const client = JSON.parse(recorded.body) as GeminiBody;
    const texts = (body: GeminiBody) => body.contents.flatMap((c) => c.parts.map((p) => p.text));
    expect(texts(sent)).toEqual(texts(client));
    expect(sent.systemInstruction.parts.map((p) => p.text).join('\n')).toBe(
      client.systemInstruction.parts.map((p) => p.text).join('\n'),
    );
    expect(sent.tools[0]?.functionDeclarations).toEqual(client.tools[0]?.functionDeclarations);
    const { topK, ...carried } = client.generationConfig;
    expect(topK).toBeDefined();
    expect(sent.generationConfig).toMatchObject({
      temperature: carried.temperature,
      topP: carried.topP,
      thinkingConfig: { includeThoughts: true, thinkingLevel: 'high' },
    });
    expect(sent.generationConfig.topK).toBeUndefined();
  });
});
