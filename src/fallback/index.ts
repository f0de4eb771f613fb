/**
 * `understudy/fallback`: what FallbackModel is made of, for those who tune or share it — circuit breakers
 * and their health stores (in memory, or your own shared one), the retry policy, the attempt events and
 * pricing; balanced groups of deployments (`ModelGroup`) and pools of API keys (`KeyPool`), which a
 * FallbackModel holds as steps. `FallbackModel` itself comes from the package root, where it also takes 'provider:model' strings.
 */
export {
  type BreakerChange,
  CircuitBreaker,
  type CircuitBreakerOptions,
} from './breaker/circuit-breaker.ts';
export {
  type BreakerState,
  type HealthRecord,
  type HealthStore,
  InMemoryHealthStore,
} from './breaker/health-store.ts';
export type { FallbackEvent } from './engine/engine-options.ts';
export { DEFAULT_POLICY, type PolicyAction, type ResiliencePolicy } from './engine/policy.ts';
export type { RetryOptions } from './engine/retry.ts';
export {
  FallbackEmbeddingModel,
  type FallbackEmbeddingModelOptions,
} from './fallback-embedding-model.ts';
export { FallbackExceptionGroup, ResponseRejected } from './fallback-errors.ts';
export type { FallbackModelOptions } from './fallback-model.ts';
export { type FallbackCondition, type FallbackOn, onResponse } from './fallback-on.ts';
export { BALANCE_STRATEGIES, type BalanceStrategy } from './group/balance-strategy.ts';
export { KeyPool, type KeyPoolOptions, type KeyRemoved } from './group/key-pool.ts';
export { KeysResting } from './group/keys-resting.ts';
export { type GroupDeployment, ModelGroup, type ModelGroupOptions } from './group/model-group.ts';
export { seededRandom } from './group/seeded-random.ts';
export { priceOf } from './pricing/price.ts';
