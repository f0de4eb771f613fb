/**
 * The Agent's run loop, written once for both `run` and `runStream`: request the model, run the tools it
 * asks for (in parallel), send back their returns or retry prompts, and stop at the first valid output.
 * It is an async generator of events whose return value is the run's result; `run` ignores the events.
 */
import { UnexpectedModelBehavior } from '../core/errors/index.ts';
import type {
  Attempt,
  ModelMessage,
  ModelRequest,
  ModelRequestPart,
  ModelResponse,
  ModelResponseStreamEvent,
  RetryPromptPart,
  ToolCallPart,
  ToolReturnPart,
  UserContentItem,
} from '../core/messages.ts';
import { responseText, systemPrompt, userPrompt } from '../core/messages.ts';
import type { Model, ModelRequestParameters } from '../core/model.ts';
import type { ModelSettings } from '../core/settings.ts';
import type { OutputMode } from './output.ts';
import { type AnyTool, executeToolCall, type ToolCallOutcome, toolDefinition } from './tools.ts';
import {
  addResponseUsage,
  checkAfterResponse,
  checkBeforeRequest,
  checkBeforeToolCalls,
  emptyRunUsage,
  type RunUsage,
  type UsageLimits,
} from './usage-limits.ts';

/** The outcome of a finished run. */
export interface AgentRunResult<Output> {
  output: Output;
  /** Tokens, cost, requests and tool calls of this run (the history's are not counted). */
  usage: RunUsage;
  /** The whole conversation: the history given, then this run's messages. Pass it as the next run's `messageHistory`. */
  messages: ModelMessage[];
  /** Only the messages this run added. */
  newMessages: ModelMessage[];
  /** Every attempt of every response in the run, in order (a FallbackModel records them). */
  attempts: Attempt[];
}

/**
 * What a streamed run reports as it goes: the model's text and thinking as they arrive, each complete
 * response, and each tool call with its result.
 */
export type AgentStreamEvent =
  | { kind: 'text-delta'; delta: string }
  | { kind: 'thinking-delta'; delta: string }
  | { kind: 'model-response'; response: ModelResponse }
  | { kind: 'tool-call'; part: ToolCallPart }
  | { kind: 'tool-result'; part: ToolReturnPart | RetryPromptPart };

/** Everything one run needs, resolved by the Agent. */
export interface RunSetup<Output> {
  model: Model;
  prompt: string | UserContentItem[];
  instructions: string | undefined;
  history: readonly ModelMessage[];
  tools: ReadonlyMap<string, AnyTool>;
  output: OutputMode<Output>;
  settings: ModelSettings;
  usageLimits: UsageLimits;
  retries: number;
  outputRetries: number;
  stream: boolean;
}

const FINAL_RESULT_PROCESSED = 'Final result processed.';
const TOOL_NOT_EXECUTED = 'Tool not executed - a final result was already processed.';

export async function* runLoop<Output>(
  setup: RunSetup<Output>,
): AsyncGenerator<AgentStreamEvent, AgentRunResult<Output>> {
  const { model, settings, output, tools, usageLimits } = setup;
  const messages: ModelMessage[] = [...setup.history, firstRequest(setup)];
  const params: ModelRequestParameters = {
    functionTools: [...tools.values()].map(toolDefinition),
    outputTools: output.outputTools,
    allowTextOutput: output.allowTextOutput,
  };
  let usage = emptyRunUsage();
  const attempts: Attempt[] = [];
  // Consecutive failures, per tool and for the output: a success resets the count.
  const toolFailures = new Map<string, number>();
  let outputFailures = 0;

  const finish = (value: Output): AgentRunResult<Output> => ({
    output: value,
    usage,
    messages,
    newMessages: messages.slice(setup.history.length),
    attempts,
  });

  while (true) {
    settings.signal?.throwIfAborted();
    checkBeforeRequest(usageLimits, usage);
    let response: ModelResponse;
    if (setup.stream) {
      const streamed = await model.requestStream(messages, settings, params);
      for await (const event of streamed) {
        const delta = agentDelta(event);
        if (delta) yield delta;
      }
      response = streamed.get();
    } else {
      response = await model.request(messages, settings, params);
    }
    messages.push(response);
    usage = addResponseUsage(usage, response.usage);
    if (response.attempts) attempts.push(...response.attempts);
    yield { kind: 'model-response', response };
    checkAfterResponse(usageLimits, usage);

    const calls = response.parts.filter((part): part is ToolCallPart => part.partKind === 'tool-call');
    const retryParts: RetryPromptPart[] = [];

    // An output tool call with valid arguments ends the run; the other calls are answered, not run.
    let outputRejected = false;
    for (const call of calls.filter((part) => output.isOutputCall(part))) {
      const parsed = output.parseCall(call);
      if (parsed.ok) {
        messages.push({
          kind: 'request',
          parts: calls.map((other) => ({
            partKind: 'tool-return',
            toolName: other.toolName,
            toolCallId: other.toolCallId,
            content: other === call ? FINAL_RESULT_PROCESSED : TOOL_NOT_EXECUTED,
          })),
        });
        return finish(parsed.value);
      }
      outputRejected = true;
      retryParts.push(retryPrompt(parsed.message, call));
    }

    const functionCalls: ToolCallPart[] = [];
    for (const call of calls) {
      if (output.isOutputCall(call)) continue;
      if (tools.has(call.toolName)) {
        functionCalls.push(call);
      } else {
        outputRejected = true;
        retryParts.push(retryPrompt(unknownToolMessage(call.toolName, tools, output), call));
      }
    }

    if (calls.length === 0) {
      const text = responseText(response);
      if (text !== '' && output.allowTextOutput) return finish(text as Output);
      outputRejected = true;
      retryParts.push({
        partKind: 'retry-prompt',
        content:
          text === ''
            ? 'The response was empty: answer with text or call a tool.'
            : 'Plain text responses are not permitted, please include your response in a tool call.',
      });
    }

    if (outputRejected) {
      outputFailures++;
      if (outputFailures > setup.outputRetries) {
        throw new UnexpectedModelBehavior(
          `Exceeded maximum retries (${setup.outputRetries}) for output validation`,
          { modelName: response.modelName, body: retryParts.map((part) => part.content).join('\n') },
        );
      }
    } else {
      outputFailures = 0;
    }

    let outcomes: ToolCallOutcome[] = [];
    if (functionCalls.length > 0) {
      checkBeforeToolCalls(usageLimits, usage, functionCalls.length);
      usage = { ...usage, toolCalls: usage.toolCalls + functionCalls.length };
      for (const call of functionCalls) yield { kind: 'tool-call', part: call };
      const runUsage = usage;
      outcomes = await Promise.all(
        functionCalls.map((call) =>
          executeToolCall(tools.get(call.toolName)!, call, {
            signal: settings.signal,
            toolCallId: call.toolCallId,
            retry: toolFailures.get(call.toolName) ?? 0,
            messages,
            usage: runUsage,
          }),
        ),
      );
      for (const outcome of outcomes) yield { kind: 'tool-result', part: outcome };
      countToolFailures(outcomes, toolFailures, tools, setup.retries, response.modelName);
    }

    const nextParts: ModelRequestPart[] = [...outcomes, ...retryParts];
    messages.push({ kind: 'request', parts: nextParts });
  }
}

function firstRequest(setup: RunSetup<unknown>): ModelRequest {
  const parts: ModelRequestPart[] = [];
  // The instructions open a conversation once; a continued one already carries its system prompt.
  const hasSystemPrompt = setup.history.some(
    (message) =>
      message.kind === 'request' && message.parts.some((part) => part.partKind === 'system-prompt'),
  );
  if (setup.instructions && !hasSystemPrompt) parts.push(systemPrompt(setup.instructions));
  parts.push(userPrompt(setup.prompt));
  return { kind: 'request', parts };
}

function agentDelta(event: ModelResponseStreamEvent): AgentStreamEvent | undefined {
  if (event.kind === 'part-start') {
    if (event.part.partKind === 'text' && event.part.content !== '') {
      return { kind: 'text-delta', delta: event.part.content };
    }
    if (event.part.partKind === 'thinking' && event.part.content !== '') {
      return { kind: 'thinking-delta', delta: event.part.content };
    }
  } else if (event.kind === 'part-delta') {
    if (event.delta.partKind === 'text') return { kind: 'text-delta', delta: event.delta.contentDelta };
    if (event.delta.partKind === 'thinking' && event.delta.contentDelta) {
      return { kind: 'thinking-delta', delta: event.delta.contentDelta };
    }
  }
  return undefined;
}

function retryPrompt(content: string, call: ToolCallPart): RetryPromptPart {
  return { partKind: 'retry-prompt', content, toolName: call.toolName, toolCallId: call.toolCallId };
}

function unknownToolMessage(
  name: string,
  tools: ReadonlyMap<string, AnyTool>,
  output: OutputMode<unknown>,
): string {
  const names = [...tools.keys(), ...output.outputTools.map((definition) => definition.name)];
  const available = names.length === 0 ? 'none' : names.map((known) => `'${known}'`).join(', ');
  return `Unknown tool name: '${name}'. Available tools: ${available}`;
}

/** Updates each tool's run of consecutive failures; past its allowance the run fails. */
function countToolFailures(
  outcomes: ToolCallOutcome[],
  failures: Map<string, number>,
  tools: ReadonlyMap<string, AnyTool>,
  defaultRetries: number,
  modelName: string,
): void {
  const failed = new Set<string>();
  const succeeded = new Set<string>();
  for (const outcome of outcomes) {
    (outcome.partKind === 'retry-prompt' ? failed : succeeded).add(outcome.toolName ?? '');
  }
  for (const name of succeeded) if (!failed.has(name)) failures.delete(name);
  for (const name of failed) {
    const count = (failures.get(name) ?? 0) + 1;
    failures.set(name, count);
    const allowed = tools.get(name)?.retries ?? defaultRetries;
    if (count > allowed) {
      const last = outcomes.findLast((outcome) => outcome.toolName === name);
      throw new UnexpectedModelBehavior(`Tool '${name}' exceeded max retries count of ${allowed}`, {
        modelName,
        body: typeof last?.content === 'string' ? last.content : undefined,
      });
    }
  }
}
