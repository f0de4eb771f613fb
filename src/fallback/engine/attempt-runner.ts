/**
 * What the attempt engine asks of the model that uses it: how to do one attempt (`AttemptRunner`) and
 * when to move on (`ChainConditions`). The engine knows nothing of requests versus streams; a runner
 * resolves once an attempt has content (the whole response, or a stream's first event).
 *
 * @example
 * const runner: AttemptRunner<ModelResponse> = {
 *   start: (model, settings, deadline) => untilAborted(model.request(messages, settings), deadline.signal),
 *   response: (response) => response,
 *   release: () => {},
 * };
 */
import type { ModelResponse } from '../../core/messages.ts';
import type { Model } from '../../core/model.ts';
import type { ModelSettings } from '../../core/settings.ts';
import type { AttemptDeadline } from './deadline.ts';

/** What the engine asks of `fallbackOn`. */
export interface ChainConditions {
  acceptsError(error: unknown): Promise<boolean>;
  rejectsResponse(response: ModelResponse): Promise<boolean>;
  readonly hasResponseHandlers: boolean;
  /** Kinds the user named: they fall back even where the policy says fail. */
  readonly kinds: ReadonlySet<string>;
}

/** Does one attempt of one model. */
export interface AttemptRunner<T> {
  start(model: Model, settings: ModelSettings, deadline: AttemptDeadline): Promise<T>;
  /** The complete response of a result, to check and price; undefined for a stream still open. */
  response(result: T): ModelResponse | undefined;
  /** Gives up a result that will not be used (a rejected response, a lost race). */
  release(result: T, reason: unknown): void;
}
