/**
 * The FallbackModel the package exports: the fallback layer's FallbackModel, which composes Model
 * instances, plus `'provider:model'` strings, which this one builds with `inferModel` before handing them
 * over. It lives here, beside `inferModel`, so that the fallback layer never reaches up into the provider
 * registry; whoever holds models already (the gateway, tests) can use the fallback layer's class directly.
 *
 * @example
 * const model = new FallbackModel('openai:gpt-4o', 'anthropic:claude-sonnet-4-5', { timeoutMs: 30_000 });
 */

import type { Model } from '../core/model.ts';
import * as fallback from '../fallback/fallback-model.ts';
import { inferModel } from './infer-model.ts';

/**
 * Tries its models strictly in order until one answers; each may be a Model or a `'provider:model'` id
 * (read with the provider's environment variables, as `inferModel` does). Everything else — options,
 * attempts, errors — is the fallback layer's `FallbackModel`.
 */
export class FallbackModel extends fallback.FallbackModel {
  constructor(defaultModel: Model | string, ...rest: Array<Model | string | fallback.FallbackModelOptions>) {
    super(modelOf(defaultModel), ...rest.map((item) => (typeof item === 'string' ? inferModel(item) : item)));
  }
}

function modelOf(model: Model | string): Model {
  return typeof model === 'string' ? inferModel(model) : model;
}
