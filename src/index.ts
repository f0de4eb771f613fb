/**
 * Understudy: keeps LLM calls working when a provider fails. One `Model` interface over every provider,
 * `FallbackModel` to move on when one fails, and the pieces they are made of.
 *
 * @example
 * import { FallbackModel, userPrompt } from 'understudy';
 * const model = new FallbackModel('openai:gpt-4o', 'anthropic:claude-sonnet-4-5');
 * const response = await model.request([{ kind: 'request', parts: [userPrompt('Hello')] }]);
 */

export { AnthropicModel, type AnthropicModelOptions } from './adapters/anthropic/model.ts';
export { BedrockConverseModel, type BedrockConverseModelOptions } from './adapters/bedrock/model.ts';
export type { AwsCredentialSource, AwsCredentials } from './adapters/bedrock/signing.ts';
export { GoogleModel, type GoogleModelOptions } from './adapters/google/model.ts';
export { OpenAIChatModel, type OpenAIChatModelOptions } from './adapters/openai-chat/model.ts';
// More protocols
export { OpenAIResponsesModel, type OpenAIResponsesModelOptions } from './adapters/openai-responses/model.ts';
// Agent
export { Agent, type AgentOptions, type AgentOverride, type AgentRunOptions } from './agent/agent.ts';
export { ModelRetry, UsageLimitExceeded, type UsageLimitName } from './agent/errors.ts';
export { OUTPUT_TOOL_NAME } from './agent/output.ts';
export type { AgentRunResult, AgentStreamEvent } from './agent/run-loop.ts';
export type { AgentRunStream } from './agent/run-stream.ts';
export { type AnyTool, type Tool, type ToolContext, tool } from './agent/tools.ts';
export type { RunUsage, UsageLimits } from './agent/usage-limits.ts';
// Errors
export {
  ERROR_KINDS,
  type ErrorKind,
  isErrorKind,
  ModelAPIError,
  ModelHTTPError,
  retryAfterMs,
  UnexpectedModelBehavior,
  UserError,
} from './core/errors/index.ts';
// Data
export * from './core/messages.ts';
// The Model interface and models
export {
  defaultRequestParameters,
  type Model,
  type ModelRequestParameters,
  type StreamedResponse,
  type ToolDefinition,
} from './core/model.ts';
export { ResponseBuilder } from './core/response-builder.ts';
export { ResponseStream } from './core/response-stream.ts';
export { type ModelSettings, mergeSettings, type ThinkingLevel } from './core/settings.ts';
export { addUsage, emptyUsage, normalizeUsage, type RequestUsage, type UsageInput } from './core/usage.ts';
// Fallback: the attempt engine, breakers, policy and pricing (FallbackModel itself is under Providers,
// which lets it take 'provider:model' strings)
export {
  type BreakerChange,
  CircuitBreaker,
  type CircuitBreakerOptions,
} from './fallback/breaker/circuit-breaker.ts';
export {
  type BreakerState,
  type HealthRecord,
  type HealthStore,
  InMemoryHealthStore,
} from './fallback/breaker/health-store.ts';
export type { FallbackEvent } from './fallback/engine/engine-options.ts';
export { DEFAULT_POLICY, type PolicyAction, type ResiliencePolicy } from './fallback/engine/policy.ts';
export type { RetryOptions } from './fallback/engine/retry.ts';
export { FallbackExceptionGroup, ResponseRejected } from './fallback/fallback-errors.ts';
export type { FallbackModelOptions } from './fallback/fallback-model.ts';
export { type FallbackCondition, type FallbackOn, onResponse } from './fallback/fallback-on.ts';
export { priceOf } from './fallback/pricing/price.ts';
// Vercel AI SDK interop (types only from @ai-sdk/provider: it is an optional peer dependency)
export { AISDKModel, type FromAISDKOptions, fromAISDK } from './interop/ai-sdk/from-ai-sdk.ts';
export { type ToAISDKOptions, toAISDK } from './interop/ai-sdk/to-ai-sdk.ts';
// Providers, and the FallbackModel that accepts their 'provider:model' strings
export {
  createProvider,
  FallbackModel,
  type InferModelOptions,
  inferModel,
  knownPrefixes,
  type Protocol,
  type Provider,
  type ProviderOptions,
} from './registry/index.ts';
export {
  type DeltaThinking,
  type DeltaToolCall,
  type DeltaToolCalls,
  type DeltaUsage,
  type FunctionInfo,
  FunctionModel,
  type FunctionModelOptions,
  type FunctionResponse,
  type ModelFunction,
  type StreamFunction,
  type StreamItem,
} from './testing/function.ts';
export { TestModel } from './testing/test-model.ts';
// HTTP
export {
  closeUpstreamConnections,
  type HttpTimeouts,
  setUpstreamConnectionLimit,
} from './transport/client.ts';
export { readSSE, type SSEEvent } from './transport/sse.ts';
// Wrappers
export {
  ConcurrencyLimitExceeded,
  ConcurrencyLimitedModel,
  ConcurrencyLimiter,
  type ConcurrencyLimiterOptions,
  limitModelConcurrency,
} from './wrappers/concurrency-limited.ts';
export { InstrumentedModel, type InstrumentOptions, instrument } from './wrappers/instrumented.ts';
