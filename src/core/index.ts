/**
 * `understudy/core`: the vocabulary every layer speaks — messages and their parts, stream events, the
 * `Model` interface, settings, usage and the error classes. Plain data and types, no I/O.
 */

export type {
  EmbeddingInput,
  EmbeddingModel,
  EmbeddingResult,
  EmbeddingSettings,
} from './embedding.ts';
export {
  ERROR_KINDS,
  type ErrorKind,
  isErrorKind,
  ModelAPIError,
  ModelHTTPError,
  retryAfterMs,
  UnexpectedModelBehavior,
  UserError,
} from './errors/index.ts';
export * from './messages.ts';
export type {
  Model,
  ModelRequestParameters,
  PassThroughRequest,
  StreamedResponse,
  ToolDefinition,
} from './model.ts';
export type { ModelSettings, ThinkingLevel } from './settings.ts';
export { addUsage, emptyUsage, normalizeUsage, type RequestUsage, type UsageInput } from './usage.ts';
