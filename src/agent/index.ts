/**
 * `understudy/agent`: the Agent run loop — tools, output, retries and usage limits over any model.
 */
export { Agent, type AgentOptions, type AgentOverride, type AgentRunOptions } from './agent.ts';
export { ModelRetry, UsageLimitExceeded, type UsageLimitName } from './errors.ts';
export { OUTPUT_TOOL_NAME } from './output.ts';
export type { AgentRunResult, AgentStreamEvent } from './run-loop.ts';
export type { AgentRunStream } from './run-stream.ts';
export { type AnyTool, type Tool, type ToolContext, tool } from './tools.ts';
export type { RunUsage, UsageLimits } from './usage-limits.ts';
