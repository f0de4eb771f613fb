/**
 * A Model that tries models in order until one answers: pydantic-ai's FallbackModel, with an attempt
 * engine underneath (retries, one deadline per call, circuit breakers, attribution and cost). This one
 * composes Model instances; the package exports the registry layer's subclass, which also takes
 * `'provider:model'` strings.
 *
 * Life of a request (`requestStream` differs only where noted):
 * 1. `FallbackModel.request` (this file) merges the settings and hands a runner for one attempt to
 *    `AttemptEngine.run` (engine/attempt-engine.ts), which opens the call's deadline (`CallDeadline`,
 *    engine/deadline.ts) and its trace (`ChainState`, engine/chain-state.ts).
 * 2. A `ChainScheduler` lays the attempts out in time: `sequentialChain` (engine/sequential-chain.ts),
 *    or `hedgedChain` (engine/hedged-chain.ts) when `hedgeAfterMs` is set.
 * 3. For each model, `AttemptLifecycle` (engine/attempt-lifecycle.ts): `nextEligible` asks the
 *    `CircuitBreaker` (breaker/circuit-breaker.ts, keyed by breaker/breaker-key.ts) whether to skip it;
 *    `begin` starts the attempt's own deadline and signal.
 * 4. The runner calls the inner model (`model.request`, raced against that signal by `untilAborted`);
 *    streams: `streamRunner` (fallback-stream.ts) opens the stream and reads ahead to its first event.
 * 5. `AttemptLifecycle.failed` classifies the error (engine/classify.ts), asks `fallbackOn`
 *    (fallback-on.ts) and the policy (engine/policy.ts, engine/retry.ts): retry, next model, or throw.
 *    `AttemptLifecycle.succeeded` runs the response handlers, prices the answer (`pricedUsage`, over
 *    pricing/price.ts) and serves it; when every model failed, `run` throws a `FallbackExceptionGroup`.
 * 6. `request` returns the response with `attempts` and the cost of rejected answers added; streams are
 *    wrapped in a `FallbackStream` (fallback-stream.ts) that replays the first event, and at the end
 *    settles the attempt through `AttemptEngine.finishStream`.
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
import { ModelAPIError, UserError } from '../core/errors/index.ts';
import type { ModelMessage, ModelResponse } from '../core/messages.ts';
import type { Model, ModelRequestParameters, StreamedResponse } from '../core/model.ts';
import { type ModelSettings, mergeSettings } from '../core/settings.ts';
import { type BreakerChange, CircuitBreaker } from './breaker/circuit-breaker.ts';
import { AttemptEngine } from './engine/attempt-engine.ts';
import type { ChainOutcome } from './engine/attempt-lifecycle.ts';
import type { AttemptRunner } from './engine/attempt-runner.ts';
import { untilAborted } from './engine/deadline.ts';
import type { AttemptEngineOptions } from './engine/engine-options.ts';
import { FallbackConditions, type FallbackOn } from './fallback-on.ts';
import { continuationMessages, FallbackStream, type PrimedStream, streamRunner } from './fallback-stream.ts';
import { expandSteps } from './group/balanced-step.ts';

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
  private readonly bufferForResponseCheck: boolean;
  private readonly continueOnStreamFailure: boolean;
  private readonly engine: AttemptEngine;
  /** Each call's order of the engine's models when a step is a balanced group; undefined otherwise. */
  private readonly order: (() => number[]) | undefined;

  constructor(defaultModel: Model, ...rest: Array<Model | FallbackModelOptions>) {
    const last = rest.at(-1);
    const options: FallbackModelOptions = isOptions(last) ? last : {};
    if (isOptions(last)) rest.pop();
    this.models = [defaultModel, ...(rest as Model[])];
    for (const model of this.models) {
      if (!isModel(model))
        throw new UserError(`FallbackModel takes Model instances or 'provider:model' strings.`);
    }
    this.settings = options.settings;
    const conditions = new FallbackConditions(options.fallbackOn ?? defaultFallbackOn());
    this.bufferForResponseCheck = options.bufferForResponseCheck === true && conditions.hasResponseHandlers;
    this.continueOnStreamFailure = options.continueOnStreamFailure === true;
    // Balanced steps (groups, key pools) are laid out flat: the engine sees every deployment and key.
    const steps = expandSteps(this.models);
    this.order = steps.order;
    this.engine = new AttemptEngine(
      steps.leaves,
      conditions,
      { ...options, breaker: engineBreaker(options) },
      steps.roles,
    );
  }

  get modelName(): string {
    return fallbackLabel(this.models, 'modelName');
  }

  get system(): string {
    return fallbackLabel(this.models, 'system');
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
    const runner: AttemptRunner<ModelResponse> = {
      start: async (model, attemptSettings, deadline) => {
        // Race the signal too, so a model that ignores it cannot outlive its deadline.
        return untilAborted(model.request(messages, attemptSettings, params), deadline.signal);
      },
      response: (response) => response,
      release: () => {},
    };
    const outcome = await this.engine.run(mergeSettings(this.settings, settings), runner, 0, this.order?.());
    // The engine settled the served attempt: its usage is the response's, priced.
    const usage = { ...(outcome.attempt.usage ?? outcome.result.usage) };
    if (outcome.rejectedCost !== undefined) usage.cost = (usage.cost ?? 0) + outcome.rejectedCost;
    return { ...outcome.result, usage, attempts: outcome.attempts };
  }

  async requestStream(
    messages: ModelMessage[],
    settings?: ModelSettings,
    params?: ModelRequestParameters,
  ): Promise<StreamedResponse> {
    const callSettings = mergeSettings(this.settings, settings);
    const engine = this.engine;
    const order = this.order?.();
    const outcome = await engine.run(
      callSettings,
      streamRunner(messages, params, this.bufferForResponseCheck),
      0,
      order,
    );
    const continueStream = this.continueOnStreamFailure
      ? (partialText: string, failedIndex: number): Promise<ChainOutcome<PrimedStream>> =>
          engine.run(
            callSettings,
            // A client's request passed through would resend the original, not the continuation.
            streamRunner(
              continuationMessages(messages, partialText),
              params && { ...params, passThrough: undefined },
              false,
            ),
            (order ? order.indexOf(failedIndex) : failedIndex) + 1,
            order,
          )
      : undefined;
    return new FallbackStream({ outcome, continueStream, engine, callerSignal: callSettings.signal });
  }
}

/** `fallback:a,b`: the chain's models by name (or by system), as a fallback model names itself. */
export function fallbackLabel(
  models: ReadonlyArray<{ modelName: string; system: string }>,
  field: 'modelName' | 'system',
): string {
  return `fallback:${models.map((model) => model[field]).join(',')}`;
}

/** The engine's breaker option: one given, none, or options with `onBreakerChange` as their `onChange`. */
export function engineBreaker(options: Pick<FallbackModelOptions, 'breaker' | 'onBreakerChange'>) {
  return options.breaker === false || options.breaker instanceof CircuitBreaker
    ? options.breaker
    : { ...options.breaker, onChange: options.breaker?.onChange ?? options.onBreakerChange };
}

function defaultFallbackOn(): FallbackOn {
  return [ModelAPIError];
}
