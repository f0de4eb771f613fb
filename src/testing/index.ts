/**
 * `understudy/testing`: models that answer from your own code, for tests — `FunctionModel` runs a function
 * (and a stream function) you write; `TestModel` answers with text or calls each offered tool once.
 */
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
} from './function.ts';
export { TestModel } from './test-model.ts';
