/**
 * OpenTelemetry tracing for any model, following the GenAI semantic conventions: one `chat <model>` span
 * per call with the request settings, the served model, finish reasons and token usage, and — when a
 * FallbackModel answered — one child span per attempt with its outcome and error kind, placed at the
 * attempt's real start time and duration. A stream's span ends when the stream does.
 *
 * @example
 * const model = instrument(new FallbackModel('openai:gpt-4o', 'anthropic:claude-sonnet-4-5'));
 * await model.request(messages); // spans go to whatever tracer provider the app registered
 */
import {
  type Attributes,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { Attempt, ModelMessage, ModelResponse } from '../core/messages.ts';
import type { Model, ModelRequestParameters, ModelUpstream, StreamedResponse } from '../core/model.ts';
import type { ModelSettings } from '../core/settings.ts';
import { ObservedStream } from './observed-stream.ts';

export interface InstrumentOptions {
  /** Default: `trace.getTracer('understudy')` from the globally registered provider. */
  tracer?: Tracer;
}

/** Span attribute names used beyond the GenAI conventions, under our own namespace. */
export const ATTEMPT_OUTCOME_ATTRIBUTE = 'understudy.attempt.outcome';
export const ATTEMPT_INDEX_ATTRIBUTE = 'understudy.attempt.index';
export const COST_ATTRIBUTE = 'understudy.usage.cost_usd';

/** A model whose every call is traced. Build it with `instrument`. */
export class InstrumentedModel implements Model {
  readonly wrapped: Model;
  readonly tracer: Tracer;

  constructor(wrapped: Model, options: InstrumentOptions = {}) {
    this.wrapped = wrapped;
    this.tracer = options.tracer ?? trace.getTracer('understudy');
  }

  get modelName(): string {
    return this.wrapped.modelName;
  }

  get system(): string {
    return this.wrapped.system;
  }

  /** The wrapped model's: wrapping a model does not make it another upstream, nor another breaker. */
  get provider(): ModelUpstream | undefined {
    return this.wrapped.provider;
  }

  get settings(): ModelSettings | undefined {
    return this.wrapped.settings;
  }

  async request(
    messages: ModelMessage[],
    settings?: ModelSettings,
    params?: ModelRequestParameters,
  ): Promise<ModelResponse> {
    const span = this.#startSpan(settings);
    try {
      const response = await context.with(trace.setSpan(context.active(), span), () =>
        this.wrapped.request(messages, settings, params),
      );
      this.#endWithResponse(span, response);
      return response;
    } catch (error) {
      this.#endWithError(span, error);
      throw error;
    }
  }

  async requestStream(
    messages: ModelMessage[],
    settings?: ModelSettings,
    params?: ModelRequestParameters,
  ): Promise<StreamedResponse> {
    const span = this.#startSpan(settings);
    let stream: StreamedResponse;
    try {
      stream = await context.with(trace.setSpan(context.active(), span), () =>
        this.wrapped.requestStream(messages, settings, params),
      );
    } catch (error) {
      this.#endWithError(span, error);
      throw error;
    }
    return new ObservedStream(stream, {
      onEnd: (outcome) => {
        if (outcome.kind === 'failed') {
          this.#endWithError(span, outcome.error, stream.get());
          return;
        }
        if (outcome.kind === 'stopped') span.setAttribute('understudy.stream.cancelled', true);
        this.#endWithResponse(span, stream.get());
      },
    });
  }

  #startSpan(settings: ModelSettings | undefined): Span {
    const merged = { ...this.wrapped.settings, ...settings };
    const attributes: Attributes = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': this.wrapped.modelName,
      'gen_ai.provider.name': this.wrapped.system,
    };
    const requestAttributes: Array<[string, unknown]> = [
      ['gen_ai.request.max_tokens', merged.maxTokens],
      ['gen_ai.request.temperature', merged.temperature],
      ['gen_ai.request.top_p', merged.topP],
      ['gen_ai.request.seed', merged.seed],
      ['gen_ai.request.presence_penalty', merged.presencePenalty],
      ['gen_ai.request.frequency_penalty', merged.frequencyPenalty],
      ['gen_ai.request.stop_sequences', merged.stopSequences],
    ];
    for (const [name, value] of requestAttributes) {
      if (value !== undefined) attributes[name] = value as number | string[];
    }
    return this.tracer.startSpan(`chat ${this.wrapped.modelName}`, { kind: SpanKind.CLIENT, attributes });
  }

  #endWithResponse(span: Span, response: ModelResponse): void {
    span.setAttributes(responseAttributes(response));
    this.#attemptSpans(span, response.attempts ?? []);
    span.end();
  }

  #endWithError(span: Span, error: unknown, partial?: ModelResponse): void {
    if (partial) span.setAttributes(responseAttributes(partial));
    span.setAttribute('error.type', errorType(error));
    if (error instanceof Error) span.recordException(error);
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : String(error),
    });
    // A FallbackModel that failed everywhere says what each model did in its group's errors.
    if (error instanceof AggregateError) this.#errorSpans(span, error.errors);
    span.end();
  }

  #attemptSpans(parent: Span, attempts: Attempt[]): void {
    const parentContext = trace.setSpan(context.active(), parent);
    attempts.forEach((attempt, index) => {
      const attributes: Attributes = {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': attempt.modelName,
        'gen_ai.provider.name': attempt.providerName,
        [ATTEMPT_OUTCOME_ATTRIBUTE]: attempt.outcome,
        [ATTEMPT_INDEX_ATTRIBUTE]: index,
      };
      if (attempt.errorKind !== undefined) attributes['error.type'] = attempt.errorKind;
      if (attempt.statusCode !== undefined) attributes['http.response.status_code'] = attempt.statusCode;
      if (attempt.usage) {
        attributes['gen_ai.usage.input_tokens'] = attempt.usage.inputTokens;
        attributes['gen_ai.usage.output_tokens'] = attempt.usage.outputTokens;
      }
      if (attempt.cost !== undefined) attributes[COST_ATTRIBUTE] = attempt.cost;
      const child = this.tracer.startSpan(
        `chat ${attempt.modelName}`,
        { kind: SpanKind.CLIENT, attributes, startTime: attempt.startedAt },
        parentContext,
      );
      if (attempt.outcome === 'error') {
        child.setStatus({ code: SpanStatusCode.ERROR, message: attempt.errorKind ?? 'error' });
      }
      child.end(attempt.startedAt + attempt.durationMs);
    });
  }

  #errorSpans(parent: Span, errors: unknown[]): void {
    const parentContext = trace.setSpan(context.active(), parent);
    errors.forEach((error, index) => {
      const modelName = (error as { modelName?: unknown } | null)?.modelName;
      const name = typeof modelName === 'string' ? modelName : 'unknown';
      const child = this.tracer.startSpan(
        `chat ${name}`,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.request.model': name,
            [ATTEMPT_OUTCOME_ATTRIBUTE]: 'error',
            [ATTEMPT_INDEX_ATTRIBUTE]: index,
            'error.type': errorType(error),
          },
        },
        parentContext,
      );
      child.setStatus({
        code: SpanStatusCode.ERROR,
        message: error instanceof Error ? error.message : String(error),
      });
      child.end();
    });
  }
}

function responseAttributes(response: ModelResponse): Attributes {
  const attributes: Attributes = {
    'gen_ai.response.model': response.modelName,
    'gen_ai.usage.input_tokens': response.usage.inputTokens,
    'gen_ai.usage.output_tokens': response.usage.outputTokens,
  };
  if (response.finishReason !== undefined)
    attributes['gen_ai.response.finish_reasons'] = [response.finishReason];
  if (response.providerResponseId !== undefined)
    attributes['gen_ai.response.id'] = response.providerResponseId;
  if (response.usage.cacheReadTokens > 0) {
    attributes['gen_ai.usage.cache_read.input_tokens'] = response.usage.cacheReadTokens;
  }
  if (response.usage.cacheWriteTokens > 0) {
    attributes['gen_ai.usage.cache_creation.input_tokens'] = response.usage.cacheWriteTokens;
  }
  if (response.usage.cost !== undefined) attributes[COST_ATTRIBUTE] = response.usage.cost;
  return attributes;
}

/** The error's kind when it has one (`rate_limit`, `timeout`...), else its class name: low-cardinality either way. */
function errorType(error: unknown): string {
  const kind = (error as { kind?: unknown } | null)?.kind;
  if (typeof kind === 'string') return kind;
  if (error instanceof Error) return error.name;
  return '_OTHER';
}

/**
 * Wraps a model so every call is traced with OpenTelemetry (GenAI semantic conventions).
 *
 * @example
 * const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
 * const model = instrument(inferModel('openai:gpt-4o'), { tracer: provider.getTracer('app') });
 */
export function instrument(model: Model, options: InstrumentOptions = {}): InstrumentedModel {
  return new InstrumentedModel(model, options);
}
