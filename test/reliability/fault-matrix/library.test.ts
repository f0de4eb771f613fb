/**
 * The fault matrix through the library: a FallbackModel over the real HTTP adapters (OpenAI, Anthropic,
 * Gemini) against chaos upstreams. Each case runs twice: the faulty model alone (the typed error and its
 * kind must reach the caller) and with a healthy backup behind it (served by the backup, unless the
 * stream had already committed). After each protocol's group, every socket, server and timer is gone.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../../src/chaos/index.ts';
import type { ModelMessage, ModelResponse } from '../../../src/core/messages.ts';
import type { Model } from '../../../src/core/model.ts';
import { FallbackExceptionGroup } from '../../../src/fallback/fallback-errors.ts';
import { FallbackModel } from '../../../src/fallback/fallback-model.ts';
import { inferModel } from '../../../src/registry/index.ts';
import { closeUpstreamConnections } from '../../../src/transport/client.ts';
import { expectResourcesBack, type ResourceCounts, resourceCounts } from '../support/resources.ts';
import {
  BACKUP_TEXT,
  CALL_TIMEOUT_MS,
  CASE_BUDGET_MS,
  type Expected,
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

const messages: ModelMessage[] = [
  { kind: 'request', parts: [{ partKind: 'user-prompt', content: PROMPT }] },
] as ModelMessage[];

/** What one call ended as, with everything the assertions need. */
type CallResult =
  | { kind: 'served'; response: ModelResponse; text: string; elapsedMs: number }
  | { kind: 'rejected'; error: unknown; elapsedMs: number }
  | { kind: 'stream-failed'; error: unknown; textBefore: string; elapsedMs: number };

async function call(model: Model, mode: Mode): Promise<CallResult> {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  if (mode === 'request') {
    try {
      const response = await model.request(messages);
      return { kind: 'served', response, text: textOf(response), elapsedMs: elapsed() };
    } catch (error) {
      return { kind: 'rejected', error, elapsedMs: elapsed() };
    }
  }
  let stream: Awaited<ReturnType<Model['requestStream']>>;
  try {
    stream = await model.requestStream(messages);
  } catch (error) {
    return { kind: 'rejected', error, elapsedMs: elapsed() };
  }
  try {
    for await (const _event of stream) {
      // Drain: the assembled response is read from the stream afterwards.
    }
  } catch (error) {
    return { kind: 'stream-failed', error, textBefore: textOf(stream.get()), elapsedMs: elapsed() };
  }
  const response = stream.get();
  return { kind: 'served', response, text: textOf(response), elapsedMs: elapsed() };
}

function textOf(response: ModelResponse): string {
  return response.parts.map((part) => (part.partKind === 'text' ? part.content : '')).join('');
}

/** Asserts the exact class (not a subclass) and the kind of a typed failure. */
function expectTypedError(error: unknown, expected: Extract<Expected, { outcome: 'failure' }>): void {
  expect((error as Error).constructor).toBe(expected.errorClass);
  expect((error as { kind?: unknown }).kind).toBe(expected.kind);
}

function engineOptions() {
  return {
    firstTokenTimeoutMs: FIRST_TOKEN_TIMEOUT_MS,
    idleTimeoutMs: IDLE_TIMEOUT_MS,
    timeoutMs: CALL_TIMEOUT_MS,
    retry: { maxRetries: 0 },
    breaker: false as const,
  };
}

for (const protocol of PROTOCOLS) {
  describe.concurrent(`library over ${protocol}`, () => {
    let chaos: ChaosServer;
    let baseline: ResourceCounts;
    const modelAt = (name: string) =>
      inferModel(`${PROVIDER_PREFIX[protocol]}:${name}`, { baseUrl: chaos.url, apiKey: 'sk-test-SECRET123' });

    beforeAll(async () => {
      await closeUpstreamConnections();
      baseline = resourceCounts();
      chaos = await startChaosServer({ protocol, scenario: matrixScenario(), hangCapMs: HANG_CAP_MS });
      // Warm the adapter and the connection pool so the first case's deadline is not spent loading code.
      await new FallbackModel(modelAt('backup'), engineOptions()).request(messages);
    });
    afterAll(async () => {
      await chaos.close();
      await closeUpstreamConnections();
      await expectResourcesBack(baseline);
    });

    FAULT_CASES.forEach((testCase, index) => {
      for (const mode of MODES) {
        const expected = testCase.expect(protocol, mode);

        test(`${testCase.fault} (${mode}) alone → ${describeExpected(expected)}`, async () => {
          const result = await call(new FallbackModel(modelAt(`m${index}`), engineOptions()), mode);
          expect(result.elapsedMs).toBeLessThan(CASE_BUDGET_MS);
          if (expected.outcome === 'answer') {
            expect(result.kind).toBe('served');
            if (result.kind !== 'served') return;
            expect(result.response.finishReason).toBe(expected.finishReason);
            expect(result.text).toBe(expected.text);
            expect(result.response.modelName).toBe(`m${index}`);
          } else if (expected.committed) {
            expect(result.kind).toBe('stream-failed');
            if (result.kind !== 'stream-failed') return;
            expectTypedError(result.error, expected);
            // Committed: text reached the caller before the error, and the error says so loudly.
            expect(result.textBefore.length).toBeGreaterThan(0);
            expect(BACKUP_TEXT.startsWith(result.textBefore)).toBe(true);
          } else {
            expect(result.kind).toBe('rejected');
            if (result.kind !== 'rejected') return;
            expect(result.error).toBeInstanceOf(FallbackExceptionGroup);
            const errors = (result.error as FallbackExceptionGroup).errors;
            expect(errors).toHaveLength(1);
            expectTypedError(errors[0], expected);
            expect((errors[0] as { modelName?: unknown }).modelName).toBe(`m${index}`);
          }
        });

        test(`${testCase.fault} (${mode}) with a backup → ${describeServed(expected)}`, async () => {
          const model = new FallbackModel(modelAt(`m${index}`), modelAt('backup'), engineOptions());
          const result = await call(model, mode);
          expect(result.elapsedMs).toBeLessThan(CASE_BUDGET_MS);
          if (expected.outcome === 'answer') {
            expect(result.kind).toBe('served');
            if (result.kind !== 'served') return;
            expect(result.response.modelName).toBe(`m${index}`);
            expect(result.text).toBe(expected.text);
          } else if (expected.committed) {
            expect(result.kind).toBe('stream-failed');
            if (result.kind !== 'stream-failed') return;
            expectTypedError(result.error, expected);
            expect(result.textBefore.length).toBeGreaterThan(0);
          } else {
            expect(result.kind).toBe('served');
            if (result.kind !== 'served') return;
            expect(result.text).toBe(BACKUP_TEXT);
            expect(result.response.finishReason).toBe('stop');
            expect(result.response.modelName).toBe('backup');
            const attempts = result.response.attempts ?? [];
            expect(attempts.map((a) => [a.modelName, a.outcome, a.errorKind])).toEqual([
              [`m${index}`, 'error', expected.kind],
              ['backup', 'ok', undefined],
            ]);
          }
        });
      }
    });
  });
}

function describeExpected(expected: Expected): string {
  if (expected.outcome === 'answer') return `answer (${expected.finishReason})`;
  return `${expected.errorClass.name} ${expected.kind}${expected.committed ? ' after commit' : ''}`;
}

function describeServed(expected: Expected): string {
  if (expected.outcome === 'answer') return 'served as is';
  return expected.committed ? `error after commit (${expected.kind})` : 'served by the backup';
}
