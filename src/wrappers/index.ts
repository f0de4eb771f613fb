/**
 * `understudy/wrappers`: models that wrap a model — OpenTelemetry spans around each call, and a cap on
 * concurrent calls. Each forwards the wrapped model's identity, so breakers and traces see through it.
 */
export {
  ConcurrencyLimitExceeded,
  ConcurrencyLimitedModel,
  ConcurrencyLimiter,
  type ConcurrencyLimiterOptions,
  limitModelConcurrency,
} from './concurrency-limited.ts';
export { InstrumentedModel, type InstrumentOptions, instrument } from './instrumented.ts';
