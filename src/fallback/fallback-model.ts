/**
 * A Model that tries models in order until one answers: pydantic-ai's FallbackModel, with an attempt
 * engine underneath (retries, one deadline per call, circuit breakers, attribution and cost). This one
 * composes Model instances; the package exports the providers layer's subclass, which also takes
 * `'provider:model'` strings.
 *
 * @example
 * const model = new FallbackModel(primary, backup, {
 *   fallbackOn: ['rate_limit', 'server', 'overloaded'],
 *   retry: { maxRetries: 1 },
 *   timeoutMs: 30_000,
 * });
 * const response = await model.request(messages);
 * response.attempts; // [{ modelName: 'gpt-4o', outcome: 'error', errorKind: 'rate_limit', ... }, { outcome: 'ok', ... }]
 */
import { ModelAPIError, UserError } from '../errors/index.ts';
import type { ModelMessage, ModelResponse } from '../messages.ts';
import type { Model, ModelRequestParameters, StreamedResponse } from '../models/model.ts';
import { type ModelSettings, mergeSettings } from '../settings.ts';
import { breakerKeyOf } from './breaker/breaker-key.ts';
import { type BreakerChange, CircuitBreaker } from './breaker/circuit-breaker.ts';
import {
  AttemptEngine,
  type AttemptEngineOptions,
  type AttemptRunner,
  type ChainOutcome,
} from './engine/attempt-engine.ts';
import { classifyError } from './engine/classify.ts';
import { untilAborted } from './engine/deadline.ts';
import { FallbackExceptionGroup, ResponseRejected } from './fallback-errors.ts';
import { FallbackConditions, type FallbackOn } from './fallback-on.ts';
import { continuationMessages, FallbackStream, type PrimedStream, streamRunner } from './fallback-stream.ts';
import { withCost } from './pricing/price.ts';

export interface FallbackModelOptions extends AttemptEngineOptions {
  /** When to move to the next model. Default `[ModelAPIError]`. */
  fallbackOn?: FallbackOn;
  /** Settings for every call, over each inner model's own and under the call's. */
  settings?: ModelSettings;
  /** After a committed stream breaks, let the next model continue the text already sent. */
  continueOnStreamFailure?: boolean;
  /** With response handlers, hold a stream until it is complete, check it, then release it or move on. */
  bufferForResponseCheck?: boolean;
  onBreakerChange?: (change: BreakerChange) => void;
}

function isModel(value: unknown): value is Model {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Model).request === 'function' &&
    typeof (value as Model).requestStream === 'function'
  );
}

function isOptions(value: unknown): value is FallbackModelOptions {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isModel(value);
}

/**
 * Tries its models strictly in order; each call starts again at the first (unless its breaker is open).
 * An error no `fallbackOn` condition accepts is re-thrown unchanged; when every model fails the call
 * rejects with a `FallbackExceptionGroup`. The served response keeps the inner model's names and carries
 * `attempts` and `usage.cost` (including the cost of responses rejected by `onResponse` handlers).
 *
 * @example
 * const model = new FallbackModel(primary, backup, { fallbackOn: onResponse((r) => r.parts.length === 0) });
 */
export class FallbackModel implements Model {
  readonly models: readonly Model[];
  readonly settings: ModelSettings | undefined;
  private readonly conditions: FallbackConditions;
  private readonly engine: AttemptEngine;
  private readonly options: FallbackModelOptions;
  private readonly clock: () => number;

  constructor(defaultModel: Model, ...rest: Array<Model | FallbackModelOptions>) {
    const last = rest.at(-1);
    const options: FallbackModelOptions = isOptions(last) ? last : {};
    if (isOptions(last)) rest.pop();
    this.models = [defaultModel, ...(rest as Model[])];
    for (const model of this.models) {
      if (!isModel(model))
        throw new UserError(`FallbackModel takes Model instances or 'provider:model' strings.`);
    }
    this.options = options;
    this.settings = options.settings;
    this.clock = options.clock ?? Date.now;
    this.conditions = new FallbackConditions(options.fallbackOn ?? defaultFallbackOn());
    const breaker =
      options.breaker === false || options.breaker instanceof CircuitBreaker
        ? options.breaker
        : { ...options.breaker, onChange: options.breaker?.onChange ?? options.onBreakerChange };
    this.engine = new AttemptEngine({ ...options, breaker });
  }

  get modelName(): string {
    return `fallback:${this.models.map((model) => model.modelName).join(',')}`;
  }

  get system(): string {
    return `fallback:${this.models.map((model) => model.system).join(',')}`;
  }

  /** The circuit breaker shared by this model's calls (undefined when disabled). */
  get breaker(): CircuitBreaker | undefined {
    return this.engine.breaker;
  }

  async request(
    messages: ModelMessage[],
    settings?: ModelSettings,
    params?: ModelRequestParameters,
  ): Promise<ModelResponse> {
    const callSettings = mergeSettings(this.settings, settings);
    const runner: AttemptRunner<ModelResponse> = {
      start: async (model, attemptSettings, deadline) => {
        // Race the signal too, so a model that ignores it cannot outlive its deadline.
        return untilAborted(model.request(messages, attemptSettings, params), deadline.signal);
      },
      response: (response) => response,
      release: () => {},
    };
    const outcome = await this.engine.run(this.models, callSettings, this.conditions, runner, failAll);
    const response = outcome.result;
    // The engine priced the served attempt already.
    const usage = {
      ...(outcome.attempt.usage ?? withCost(response.providerName, response.modelName, response.usage)),
    };
    if (outcome.rejectedCost !== undefined) usage.cost = (usage.cost ?? 0) + outcome.rejectedCost;
    return {
      ...response,
      usage: usage === response.usage ? { ...usage } : usage,
      attempts: outcome.attempts,
    };
  }

  async requestStream(
    messages: ModelMessage[],
    settings?: ModelSettings,
    params?: ModelRequestParameters,
  ): Promise<StreamedResponse> {
    const callSettings = mergeSettings(this.settings, settings);
    const buffer = this.options.bufferForResponseCheck === true && this.conditions.hasResponseHandlers;
    const outcome = await this.engine.run(
      this.models,
      callSettings,
      this.conditions,
      streamRunner(messages, params, buffer),
      failAll,
    );
    const continueStream = this.options.continueOnStreamFailure
      ? (partialText: string, failedIndex: number): Promise<ChainOutcome<PrimedStream>> =>
          this.engine.run(
            this.models,
            callSettings,
            this.conditions,
            streamRunner(continuationMessages(messages, partialText), params, false),
            failAll,
            failedIndex + 1,
          )
      : undefined;
    return new FallbackStream({
      outcome,
      continueStream,
      report: (attempt) => this.engine.report(attempt),
      onFailure: (failed, error) =>
        this.engine.breaker?.onFailure(breakerKeyOf(failed.model), asHealthKind(error)) ?? Promise.resolve(),
      callerSignal: callSettings.signal,
      clock: this.clock,
    });
  }
}

function asHealthKind(error: unknown) {
  const kind = classifyError(error);
  return kind === 'aborted' ? 'unknown' : kind;
}

function failAll(errors: unknown[], rejected: number): Error {
  return new FallbackExceptionGroup(rejected > 0 ? [...errors, new ResponseRejected(rejected)] : errors);
}

function defaultFallbackOn(): FallbackOn {
  return [ModelAPIError];
}
