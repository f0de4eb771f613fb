import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, test } from 'vitest';
import { ModelHTTPError } from '../../src/core/errors/index.ts';
import { type ModelMessage, userPrompt } from '../../src/core/messages.ts';
import { FallbackModel } from '../../src/fallback/fallback-model.ts';
import { FunctionModel } from '../../src/testing/function.ts';
import { instrument } from '../../src/wrappers/instrumented.ts';

const hello: ModelMessage[] = [{ kind: 'request', parts: [userPrompt('hello')] }];
const usage = { inputTokens: 12, outputTokens: 3, cacheReadTokens: 0, cacheWriteTokens: 0, details: {} };

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer('test');

afterEach(() => exporter.reset());

const ok = new FunctionModel(
  () => ({
    parts: [{ partKind: 'text', content: 'hi' }],
    usage,
    modelName: 'gpt-4o-2024-08-06',
    finishReason: 'stop',
    providerResponseId: 'resp_1',
  }),
  { modelName: 'gpt-4o' },
);
const rateLimited = new FunctionModel(
  () => {
    throw new ModelHTTPError(429, 'claude', { error: { type: 'rate_limit_error' } });
  },
  { modelName: 'claude' },
);

function spanNamed(name: string): ReadableSpan {
  const span = exporter.getFinishedSpans().find((candidate) => candidate.name === name);
  if (!span) throw new Error(`no span ${name}: ${exporter.getFinishedSpans().map((s) => s.name)}`);
  return span;
}

describe('instrument', () => {
  test('one chat span per request with the GenAI attributes', async () => {
    const model = instrument(ok, { tracer });
    await model.request(hello, { maxTokens: 100, temperature: 0.5, stopSequences: ['END'] });
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(1);
    expect(spans[0]!.name).toBe('chat gpt-4o');
    expect(spans[0]!.kind).toBe(SpanKind.CLIENT);
    expect(spans[0]!.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.provider.name': 'function',
      'gen_ai.request.max_tokens': 100,
      'gen_ai.request.temperature': 0.5,
      'gen_ai.request.stop_sequences': ['END'],
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.response.id': 'resp_1',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 3,
    });
    expect(spans[0]!.status.code).toBe(SpanStatusCode.UNSET);
  });

  test('a failed request records the error and its kind', async () => {
    const model = instrument(rateLimited, { tracer });
    await expect(model.request(hello)).rejects.toThrow(ModelHTTPError);
    const span = spanNamed('chat claude');
    expect(span.attributes['error.type']).toBe('rate_limit');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.events.map((event) => event.name)).toEqual(['exception']);
  });

  test('a child span per fallback attempt, with outcome and error kind, at the attempt’s own times', async () => {
    const fallback = new FallbackModel(rateLimited, ok, { retry: { maxRetries: 0 } });
    const model = instrument(fallback, { tracer });
    const response = await model.request(hello);
    const parent = spanNamed(`chat ${fallback.modelName}`);
    const children = exporter
      .getFinishedSpans()
      .filter((span) => span.parentSpanContext?.spanId === parent.spanContext().spanId);
    expect(
      children.map((span) => [
        span.name,
        span.attributes['understudy.attempt.outcome'],
        span.attributes['error.type'],
      ]),
    ).toEqual([
      ['chat claude', 'error', 'rate_limit'],
      ['chat gpt-4o-2024-08-06', 'ok', undefined],
    ]);
    expect(children[0]!.attributes['http.response.status_code']).toBe(429);
    expect(children[0]!.status.code).toBe(SpanStatusCode.ERROR);
    const first = response.attempts![0]!;
    expect(children[0]!.startTime).toEqual([
      Math.floor(first.startedAt / 1000),
      (first.startedAt % 1000) * 1e6,
    ]);
    expect(parent.attributes['gen_ai.response.model']).toBe('gpt-4o-2024-08-06');
    expect(children.every((child) => child.spanContext().traceId === parent.spanContext().traceId)).toBe(
      true,
    );
  });

  test('when every model fails, a child span per error', async () => {
    const model = instrument(new FallbackModel(rateLimited, rateLimited, { retry: { maxRetries: 0 } }), {
      tracer,
    });
    await expect(model.request(hello)).rejects.toThrow('All models from FallbackModel failed');
    const spans = exporter.getFinishedSpans();
    const parent = spans.find((span) => span.parentSpanContext === undefined)!;
    expect(parent.attributes['error.type']).toBe('FallbackExceptionGroup');
    expect(spans.filter((span) => span !== parent).map((span) => span.attributes['error.type'])).toEqual([
      'rate_limit',
      'rate_limit',
    ]);
  });

  test('a stream’s span ends when the stream ends, with the streamed usage', async () => {
    const streaming = new FunctionModel(undefined, {
      modelName: 'streamer',
      stream: async function* () {
        yield 'a b';
        yield ' c';
      },
    });
    const stream = await instrument(streaming, { tracer }).requestStream(hello);
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    for await (const _ of stream) {
      // read it all
    }
    const span = spanNamed('chat streamer');
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['stop']);
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(3);
  });

  test('a stream that breaks records the error', async () => {
    const breaking = new FunctionModel(undefined, {
      modelName: 'breaker',
      stream: async function* () {
        yield 'partial';
        throw new ModelHTTPError(500, 'breaker', 'boom');
      },
    });
    const stream = await instrument(breaking, { tracer }).requestStream(hello);
    await expect(async () => {
      for await (const _ of stream) {
        // read until it breaks
      }
    }).rejects.toThrow('status_code: 500');
    expect(spanNamed('chat breaker').attributes['error.type']).toBe('server');
  });

  test('forwards names and settings', () => {
    const model = instrument(ok, { tracer });
    expect([model.modelName, model.system, model.settings]).toEqual(['gpt-4o', 'function', undefined]);
  });
});
