/**
 * The fault matrix through the gateway: the official `openai` client against `startGateway` over chaos
 * upstreams of each protocol. Each case is asked through a route holding the faulty model alone (the
 * client gets the right HTTP status and error body, or an error frame once the stream has sent text) and
 * through a route with a healthy backup (served by the backup unless the stream had committed). The
 * upstream key never shows in a response or a log line, and nothing stays open after each group.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../../src/chaos/index.ts';
import type { ErrorKind } from '../../../src/core/errors/index.ts';
import { type Gateway, startGateway } from '../../../src/gateway/index.ts';
import { closeUpstreamConnections } from '../../../src/transport/client.ts';
import { expectResourcesBack, type ResourceCounts, resourceCounts } from '../support/resources.ts';
import {
  BACKUP_TEXT,
  CALL_TIMEOUT_MS,
  CASE_BUDGET_MS,
  FAULT_CASES,
  FIRST_TOKEN_TIMEOUT_MS,
  HANG_CAP_MS,
  IDLE_TIMEOUT_MS,
  MODES,
  type Mode,
  matrixScenario,
  PROMPT,
  PROTOCOLS,
  PROVIDER_PREFIX,
} from './cases.ts';

const UPSTREAM_KEY = 'sk-test-SECRET123';

/** What the gateway answers when every attempt failed with `kind` (see src/gateway/errors). */
function gatewayFailure(kind: ErrorKind): { status: number; code: string } {
  if (kind === 'rate_limit') return { status: 429, code: 'upstream_rate_limited' };
  if (kind === 'overloaded' || kind === 'network' || kind === 'timeout')
    return { status: 503, code: 'upstream_unavailable' };
  if (kind === 'context_length' || kind === 'bad_request' || kind === 'content_filter')
    return { status: 400, code: 'invalid_request' };
  return { status: 502, code: 'upstream_failed' };
}

type GatewayResult =
  | { kind: 'served'; model: string; text: string; finish: string | null; header: string | null; ms: number }
  | { kind: 'http-error'; status: number; error: Record<string, unknown>; ms: number }
  | { kind: 'stream-error'; error: Record<string, unknown>; textBefore: string; ms: number };

async function ask(client: OpenAI, route: string, mode: Mode): Promise<GatewayResult> {
  const started = performance.now();
  const ms = () => performance.now() - started;
  const messages = [{ role: 'user' as const, content: PROMPT }];
  if (mode === 'request') {
    try {
      const { data, response } = await client.chat.completions
        .create({ model: route, messages })
        .withResponse();
      const choice = data.choices[0]!;
      return {
        kind: 'served',
        model: data.model,
        text: choice.message.content ?? '',
        finish: choice.finish_reason,
        header: response.headers.get('x-understudy-model'),
        ms: ms(),
      };
    } catch (error) {
      return httpError(error, ms());
    }
  }
  let text = '';
  let finish: string | null = null;
  let model = '';
  let header: string | null = null;
  try {
    const { data: stream, response } = await client.chat.completions
      .create({ model: route, messages, stream: true })
      .withResponse();
    header = response.headers.get('x-understudy-model');
    for await (const chunk of stream) {
      model = chunk.model;
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
  } catch (error) {
    if (error instanceof OpenAI.APIError && error.status === undefined) {
      // The SDK raises an in-band error frame as an APIError without a status.
      return {
        kind: 'stream-error',
        error: error.error as Record<string, unknown>,
        textBefore: text,
        ms: ms(),
      };
    }
    return httpError(error, ms());
  }
  return { kind: 'served', model, text, finish, header, ms: ms() };
}

function httpError(error: unknown, ms: number): GatewayResult {
  if (!(error instanceof OpenAI.APIError) || error.status === undefined) throw error;
  return { kind: 'http-error', status: error.status, error: error.error as Record<string, unknown>, ms };
}

for (const protocol of PROTOCOLS) {
  describe.concurrent(`gateway over ${protocol}`, () => {
    let chaos: ChaosServer;
    let gateway: Gateway;
    let client: OpenAI;
    let baseline: ResourceCounts;
    const logs: string[] = [];
    const seen: string[] = [];

    beforeAll(async () => {
      await closeUpstreamConnections();
      baseline = resourceCounts();
      chaos = await startChaosServer({ protocol, scenario: matrixScenario(), hangCapMs: HANG_CAP_MS });
      const deadlines = {
        breaker: false as const,
        retries: 0,
        firstTokenTimeoutMs: FIRST_TOKEN_TIMEOUT_MS,
        idleTimeoutMs: IDLE_TIMEOUT_MS,
        timeoutMs: CALL_TIMEOUT_MS,
      };
      const routes: Record<string, { models: string[] } & typeof deadlines> = {};
      FAULT_CASES.forEach((_testCase, index) => {
        routes[`alone${index}`] = { models: [`up:m${index}`], ...deadlines };
        routes[`fb${index}`] = { models: [`up:m${index}`, 'up:backup'], ...deadlines };
      });
      gateway = await startGateway({
        port: 0,
        log: (line) => logs.push(line),
        env: { UP_KEY: UPSTREAM_KEY },
        config: {
          // biome-ignore lint/suspicious/noTemplateCurlyInString: an env reference, as the config takes it
          providers: { up: { type: PROVIDER_PREFIX[protocol], baseUrl: chaos.url, apiKey: '${UP_KEY}' } },
          routes,
        },
      });
      client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'client', maxRetries: 0, timeout: 5000 });
      await ask(client, 'fb0', 'request'); // warm the path so the first case's deadline is not spent loading
    });
    afterAll(async () => {
      await gateway.close();
      await chaos.close();
      await closeUpstreamConnections();
      for (const text of [...logs, ...seen]) expect(text).not.toContain(UPSTREAM_KEY);
      await expectResourcesBack(baseline);
    });

    FAULT_CASES.forEach((testCase, index) => {
      for (const mode of MODES) {
        const expected = testCase.expect(protocol, mode);

        test(`${testCase.fault} (${mode}) alone`, async () => {
          const result = await ask(client, `alone${index}`, mode);
          seen.push(JSON.stringify(result));
          expect(result.ms).toBeLessThan(CASE_BUDGET_MS);
          if (expected.outcome === 'answer') {
            expect(result).toMatchObject({
              kind: 'served',
              model: `up:m${index}`,
              text: expected.text,
              finish: expected.finishReason,
              header: `up:m${index}`,
            });
            return;
          }
          const { status, code } = gatewayFailure(expected.kind);
          if (expected.committed) {
            expect(result.kind).toBe('stream-error');
            if (result.kind !== 'stream-error') return;
            expect(result.error.code).toBe(code);
            expect(result.textBefore.length).toBeGreaterThan(0);
            expect(BACKUP_TEXT.startsWith(result.textBefore)).toBe(true);
          } else {
            expect(result.kind).toBe('http-error');
            if (result.kind !== 'http-error') return;
            expect(result.status).toBe(status);
            expect(result.error.code).toBe(code);
            expect(result.error.type).toEqual(status === 400 ? 'invalid_request_error' : expect.any(String));
            expect(result.error.attempts).toEqual([
              expect.objectContaining({ model: `up:m${index}`, kind: expected.kind }),
            ]);
            expect(String(result.error.message)).toMatch(/^All 1 attempt failed: /);
          }
        });

        test(`${testCase.fault} (${mode}) with a backup`, async () => {
          const result = await ask(client, `fb${index}`, mode);
          seen.push(JSON.stringify(result));
          expect(result.ms).toBeLessThan(CASE_BUDGET_MS);
          if (expected.outcome === 'answer') {
            expect(result).toMatchObject({ kind: 'served', model: `up:m${index}`, text: expected.text });
          } else if (expected.committed) {
            expect(result.kind).toBe('stream-error');
            if (result.kind !== 'stream-error') return;
            expect(result.error.code).toBe(gatewayFailure(expected.kind).code);
            expect(result.textBefore.length).toBeGreaterThan(0);
          } else {
            expect(result).toEqual({
              kind: 'served',
              model: 'up:backup',
              text: BACKUP_TEXT,
              finish: 'stop',
              header: 'up:backup',
              ms: expect.any(Number),
            });
          }
        });
      }
    });
  });
}
