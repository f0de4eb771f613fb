/**
 * FallbackModel for embedding models: tries them in order on the same attempt engine — the same
 * retries, deadline, circuit breakers, `fallbackOn` conditions and attempt trace — rather than a second
 * engine. The engine takes models by their identity (name, system, provider, settings), which an
 * embedding model has too; each is handed to it as a stand-in whose chat methods refuse, and the runner
 * calls the embedding model behind it. Vectors of different models do not mix in one index, so chain
 * models that embed alike (the same model from two providers, or one model and its mirror).
 *
 * @example
 * const model = new FallbackEmbeddingModel(primary, backup, { fallbackOn: ['rate_limit', 'server'] });
 * const { embeddings, attempts } = await model.embed(['hello']);
 */
import type {
  EmbeddingInput,
  EmbeddingModel,
  EmbeddingResult,
  EmbeddingSettings,
} from '../core/embedding.ts';
import { ModelAPIError, UserError } from '../core/errors/index.ts';
import type { ModelResponse } from '../core/messages.ts';
import type { Model, StreamedResponse } from '../core/model.ts';
import { mergeSettings } from '../core/settings.ts';
import type { CircuitBreaker } from './breaker/circuit-breaker.ts';
import { AttemptEngine } from './engine/attempt-engine.ts';
import type { AttemptRunner } from './engine/attempt-runner.ts';
import { untilAborted } from './engine/deadline.ts';
import { engineBreaker, type FallbackModelOptions, fallbackLabel } from './fallback-model.ts';
import { FallbackConditions } from './fallback-on.ts';

/** FallbackModel's options, less those only a chat stream has. */
export type FallbackEmbeddingModelOptions = Omit<
  FallbackModelOptions,
  'continueOnStreamFailure' | 'bufferForResponseCheck' | 'settings'
> & { settings?: EmbeddingSettings };

/** An embedding model as the engine sees it: its identity, and chat methods that say it has none. */
class EmbeddingStandIn implements Model {
  readonly modelName: string;
  readonly system: string;
  readonly provider: EmbeddingModel['provider'];
  readonly settings: EmbeddingSettings | undefined;
  readonly embedder: EmbeddingModel;

  constructor(embedder: EmbeddingModel) {
    this.embedder = embedder;
    this.modelName = embedder.modelName;
    this.system = embedder.system;
    this.provider = embedder.provider;
    this.settings = embedder.settings;
  }

  request(): Promise<ModelResponse> {
    return Promise.reject(new UserError(`${this.modelName} is an embedding model; it cannot chat.`));
  }

  requestStream(): Promise<StreamedResponse> {
    return this.request() as never;
  }
}

export class FallbackEmbeddingModel implements EmbeddingModel {
  /** `fallback:a,b`, as FallbackModel names itself. */
  readonly modelName: string;
  readonly system: string;
  readonly models: readonly EmbeddingModel[];
  readonly settings: EmbeddingSettings | undefined;
  private readonly engine: AttemptEngine;

  constructor(defaultModel: EmbeddingModel, ...rest: Array<EmbeddingModel | FallbackEmbeddingModelOptions>) {
    const last = rest.at(-1);
    const hasOptions = last !== undefined && !isEmbeddingModel(last);
    const options = (hasOptions ? last : {}) as FallbackEmbeddingModelOptions;
    const models = [defaultModel, ...(hasOptions ? rest.slice(0, -1) : rest)];
    if (!models.every(isEmbeddingModel))
      throw new UserError('FallbackEmbeddingModel takes EmbeddingModel instances, then its options.');
    this.models = models;
    this.modelName = fallbackLabel(models, 'modelName');
    this.system = fallbackLabel(models, 'system');
    this.settings = options.settings;
    const conditions = new FallbackConditions(options.fallbackOn ?? [ModelAPIError]);
    const standIns = models.map((model) => new EmbeddingStandIn(model));
    this.engine = new AttemptEngine(standIns, conditions, { ...options, breaker: engineBreaker(options) });
  }

  /** The breaker shared by this model's calls (undefined when off): the gateway shares a route's. */
  get breaker(): CircuitBreaker | undefined {
    return this.engine.breaker;
  }

  async embed(inputs: readonly EmbeddingInput[], settings?: EmbeddingSettings): Promise<EmbeddingResult> {
    const runner: AttemptRunner<EmbeddingResult> = {
      start: (standIn, attemptSettings, deadline) =>
        untilAborted((standIn as EmbeddingStandIn).embedder.embed(inputs, attemptSettings), deadline.signal),
      // The engine checks, prices and records a response: an embedding is one with no parts.
      response: (result) => ({
        kind: 'response',
        parts: [],
        usage: result.usage,
        modelName: result.modelName,
        providerName: result.providerName,
        timestamp: new Date(),
      }),
      release: () => {},
    };
    const outcome = await this.engine.run(mergeSettings(this.settings, settings), runner);
    const usage = { ...(outcome.attempt.usage ?? outcome.result.usage) };
    if (outcome.rejectedCost !== undefined) usage.cost = (usage.cost ?? 0) + outcome.rejectedCost;
    return { ...outcome.result, usage, attempts: outcome.attempts };
  }
}

function isEmbeddingModel(value: unknown): value is EmbeddingModel {
  return typeof value === 'object' && value !== null && typeof (value as EmbeddingModel).embed === 'function';
}
