/**
 * A group's deployment, counted: calls in flight and time to first token go into its `DeploymentStats`
 * for the least-busy and latency strategies. Everything else is the wrapped model's (names, settings,
 * provider, so its breaker key is unchanged). A call that times out counts its wait as a sample, since
 * "no first token before the deadline" is the slowest answer there is; other failures are left to the
 * breaker, which judges health, not speed.
 *
 * @example
 * const tracked = new TrackedModel(model, new DeploymentStats(), Date.now);
 */
import type { ModelMessage, ModelResponse, ModelResponseStreamEvent } from '../../core/messages.ts';
import type { Model, ModelRequestParameters, ModelUpstream, StreamedResponse } from '../../core/model.ts';
import type { ModelSettings } from '../../core/settings.ts';
import type { RequestUsage } from '../../core/usage.ts';
import { classifyError } from '../engine/classify.ts';
import type { DeploymentStats } from './deployment-stats.ts';

export class TrackedModel implements Model {
  readonly inner: Model;
  readonly stats: DeploymentStats;
  private readonly clock: () => number;

  constructor(inner: Model, stats: DeploymentStats, clock: () => number) {
    this.inner = inner;
    this.stats = stats;
    this.clock = clock;
  }

  get modelName(): string {
    return this.inner.modelName;
  }

  get system(): string {
    return this.inner.system;
  }

  get settings(): ModelSettings | undefined {
    return this.inner.settings;
  }

  get provider(): ModelUpstream | undefined {
    return this.inner.provider;
  }

  async request(
    messages: ModelMessage[],
    settings?: ModelSettings,
    params?: ModelRequestParameters,
  ): Promise<ModelResponse> {
    const stats = this.stats;
    const startedAt = this.clock();
    stats.inFlight++;
    try {
      const response = await this.inner.request(messages, settings, params);
      const now = this.clock();
      stats.sample(now - startedAt, now);
      return response;
    } catch (error) {
      this.failed(error, startedAt);
      throw error;
    } finally {
      stats.inFlight--;
    }
  }

  async requestStream(
    messages: ModelMessage[],
    settings?: ModelSettings,
    params?: ModelRequestParameters,
  ): Promise<StreamedResponse> {
    const startedAt = this.clock();
    this.stats.inFlight++;
    let stream: StreamedResponse;
    try {
      stream = await this.inner.requestStream(messages, settings, params);
    } catch (error) {
      this.stats.inFlight--;
      this.failed(error, startedAt);
      throw error;
    }
    return new TrackedStream(stream, this, startedAt);
  }

  /** A timed-out call is a (slow) sample; the stream's end, however it came, leaves flight. */
  failed(error: unknown, startedAt: number): void {
    if (classifyError(error) !== 'timeout') return;
    const now = this.clock();
    this.stats.sample(now - startedAt, now);
  }

  /** Clock time, for the stream. */
  now(): number {
    return this.clock();
  }
}

/** The deployment's stream, with its first event timed and its end counted out of flight exactly once. */
class TrackedStream implements StreamedResponse {
  private readonly inner: StreamedResponse;
  private readonly owner: TrackedModel;
  private readonly startedAt: number;
  private landed = false;
  private ended = false;

  constructor(inner: StreamedResponse, owner: TrackedModel, startedAt: number) {
    this.inner = inner;
    this.owner = owner;
    this.startedAt = startedAt;
  }

  get modelName(): string {
    return this.inner.modelName;
  }

  get providerName(): string {
    return this.inner.providerName;
  }

  get usage(): RequestUsage {
    return this.inner.usage;
  }

  get(): ModelResponse {
    return this.inner.get();
  }

  cancel(reason?: unknown): void {
    this.end();
    this.inner.cancel(reason);
  }

  /** Events pass straight through (no generator layer: one stream carries one event per token). */
  [Symbol.asyncIterator](): AsyncIterator<ModelResponseStreamEvent> {
    const iterator = this.inner[Symbol.asyncIterator]();
    return {
      next: () => iterator.next().then(this.onStep, this.onFailure),
      return: async (value?: unknown) => {
        this.end();
        return (await iterator.return?.(value)) ?? { done: true, value: undefined };
      },
    };
  }

  private readonly onStep = (
    step: IteratorResult<ModelResponseStreamEvent>,
  ): IteratorResult<ModelResponseStreamEvent> => {
    if (step.done) this.end();
    else if (!this.landed) {
      this.landed = true;
      const now = this.owner.now();
      this.owner.stats.sample(now - this.startedAt, now);
    }
    return step;
  };

  private readonly onFailure = (error: unknown): never => {
    if (!this.landed) this.owner.failed(error, this.startedAt);
    this.end();
    throw error;
  };

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.owner.stats.inFlight--;
  }
}
