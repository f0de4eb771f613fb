/**
 * What a balanced step (ModelGroup, KeyPool) does when it is called as a model on its own rather than
 * held by a FallbackModel: it runs as a FallbackModel of that one step, built on first use with the
 * step's `fallback` options, so the behaviour alone and inside a route is the same.
 *
 * @example
 * class KeyPool extends BalancedStepModel { ... } // pool.request(messages) tries its keys in turn
 */
import type { ModelMessage, ModelResponse } from '../../core/messages.ts';
import type { ModelRequestParameters, StreamedResponse } from '../../core/model.ts';
import type { ModelSettings } from '../../core/settings.ts';
import { FallbackModel, type FallbackModelOptions } from '../fallback-model.ts';
import type { BalancedModel, BalancedPlan } from './balanced-step.ts';

export abstract class BalancedStepModel implements BalancedModel {
  abstract readonly plan: BalancedPlan;
  abstract readonly modelName: string;
  abstract readonly system: string;
  private readonly fallbackOptions: FallbackModelOptions;
  private alone: FallbackModel | undefined;

  constructor(fallbackOptions: FallbackModelOptions = {}) {
    this.fallbackOptions = fallbackOptions;
  }

  request(
    messages: ModelMessage[],
    settings?: ModelSettings,
    params?: ModelRequestParameters,
  ): Promise<ModelResponse> {
    return this.asChain().request(messages, settings, params);
  }

  requestStream(
    messages: ModelMessage[],
    settings?: ModelSettings,
    params?: ModelRequestParameters,
  ): Promise<StreamedResponse> {
    return this.asChain().requestStream(messages, settings, params);
  }

  private asChain(): FallbackModel {
    this.alone ??= new FallbackModel(this, this.fallbackOptions);
    return this.alone;
  }
}
