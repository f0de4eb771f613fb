/**
 * Understudy: keeps LLM calls working when a provider fails. One `Model` interface over every provider,
 * `FallbackModel` to move on when one fails, and an `Agent` on top. This root holds what an application
 * names; each layer's full surface is its own entry: `understudy/core` (every message type and helper),
 * `understudy/adapters`, `understudy/fallback` (breakers, health stores, policy), `understudy/registry`,
 * `understudy/wrappers`, `understudy/agent`, `understudy/testing` (FunctionModel, TestModel),
 * `understudy/ai-sdk`, `understudy/chaos` and `understudy/gateway`.
 *
 * @example
 * import { FallbackModel, userPrompt } from 'understudy';
 * const model = new FallbackModel('openai:gpt-4o', 'anthropic:claude-sonnet-4-5');
 * const response = await model.request([{ kind: 'request', parts: [userPrompt('Hello')] }]);
 */

// Models: one class per wire protocol.
export {
  AnthropicModel,
  BedrockConverseModel,
  GoogleEmbeddingModel,
  GoogleModel,
  OpenAIChatModel,
  OpenAIEmbeddingModel,
  OpenAIResponsesModel,
} from './adapters/index.ts';
// The Agent.
export { Agent, type AgentOptions, type AgentRunResult, ModelRetry, type Tool, tool } from './agent/index.ts';
// Messages, the Model interface, settings, usage and errors.
export {
  type Attempt,
  type EmbeddingInput,
  type EmbeddingModel,
  type EmbeddingResult,
  type EmbeddingSettings,
  type ErrorKind,
  type FinishReason,
  type Model,
  ModelAPIError,
  ModelHTTPError,
  type ModelMessage,
  type ModelRequest,
  type ModelRequestParameters,
  type ModelRequestPart,
  type ModelResponse,
  type ModelResponsePart,
  type ModelResponseStreamEvent,
  type ModelSettings,
  type RequestUsage,
  responseText,
  type StreamedResponse,
  systemPrompt,
  type TextPart,
  type ThinkingPart,
  type ToolCallPart,
  type ToolDefinition,
  toolCallArgs,
  UnexpectedModelBehavior,
  type UserContentItem,
  UserError,
  userPrompt,
} from './core/index.ts';
// Fallback: what a FallbackModel takes and throws.
export {
  type BalanceStrategy,
  FallbackEmbeddingModel,
  type FallbackEmbeddingModelOptions,
  FallbackExceptionGroup,
  type FallbackModelOptions,
  type FallbackOn,
  type GroupDeployment,
  KeyPool,
  ModelGroup,
  type ModelGroupOptions,
  onResponse,
} from './fallback/index.ts';
// The provider registry: 'provider:model' strings, and FallbackModel, which accepts them too.
export {
  createProvider,
  FallbackModel,
  type InferModelOptions,
  inferModel,
  type Provider,
} from './registry/index.ts';
