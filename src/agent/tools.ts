/**
 * Function tools for an Agent: arguments described by a zod schema (sent to the model as JSON schema,
 * validated when the model calls), and an `execute` function whose result goes back as a `tool-return`.
 *
 * @example
 * const weather = tool({
 *   name: 'weather',
 *   description: 'Current temperature in a city, in °C',
 *   parameters: z.object({ city: z.string() }),
 *   execute: async ({ city }) => ({ city, celsius: 21 }),
 * });
 * const agent = new Agent('openai:gpt-4o', { tools: [weather] });
 */
import { z } from 'zod';
import { UserError } from '../core/errors/index.ts';
import type { ModelMessage, RetryPromptPart, ToolCallPart, ToolReturnPart } from '../core/messages.ts';
import { toolCallArgs } from '../core/messages.ts';
import type { ToolDefinition } from '../core/model.ts';
import { describeValue, isRecord, wholeNumber } from '../core/user-input.ts';
import { ModelRetry } from './errors.ts';
import type { RunUsage } from './usage-limits.ts';

/** What a tool's `execute` learns about the run besides its arguments. */
export interface ToolContext {
  /** The run's signal: pass it on to anything slow the tool does. */
  signal: AbortSignal | undefined;
  toolCallId: string;
  /** How many times in a row this tool has failed before this call (0 on a first try). */
  retry: number;
  /** The conversation so far, ending with the response that asked for this call. */
  messages: readonly ModelMessage[];
  usage: Readonly<RunUsage>;
}

/** A tool whose arguments are described by the zod schema `Params`. Build it with `tool()`. */
export interface Tool<Params extends z.ZodType = z.ZodType, Result = unknown> {
  readonly name: string;
  readonly description?: string | undefined;
  readonly parameters: Params;
  /** How many failures in a row (ModelRetry or invalid arguments) the model gets; default the Agent's `retries`. */
  readonly retries?: number | undefined;
  /** Ask the provider to enforce the schema exactly, where it can. */
  readonly strict?: boolean | undefined;
  execute(args: z.output<Params>, context: ToolContext): Result | Promise<Result>;
}

/**
 * Defines a tool; exists so TypeScript infers `execute`'s argument type from `parameters`.
 *
 * @example
 * const add = tool({ name: 'add', parameters: z.object({ a: z.number(), b: z.number() }), execute: ({ a, b }) => a + b });
 */
export function tool<Params extends z.ZodType, Result>(
  definition: Tool<Params, Result>,
): Tool<Params, Result> {
  return definition;
}

/**
 * Throws a `UserError` unless `value` is a usable tool: checked when the Agent is built, so a tool
 * written by hand without `parameters` or `execute` fails there and not on the model's first call.
 */
export function checkTool(value: unknown, position: number): asserts value is AnyTool {
  const where = `tools[${position}]`;
  if (!isRecord(value))
    throw new UserError(`${where} must be a tool built with tool({...}); got ${describeValue(value)}.`);
  const name = value.name;
  if (typeof name !== 'string' || name === '') {
    throw new UserError(`${where} needs a name (a non-empty string); got ${describeValue(name)}.`);
  }
  if (!(value.parameters instanceof z.ZodType)) {
    throw new UserError(
      `Tool '${name}': parameters must be a zod schema such as z.object({ city: z.string() }); got ${describeValue(value.parameters)}.`,
    );
  }
  if (typeof value.execute !== 'function') {
    throw new UserError(`Tool '${name}': execute must be a function; got ${describeValue(value.execute)}.`);
  }
  if (value.retries !== undefined) wholeNumber(value.retries, 'retries', `Tool '${name}'`);
}

/** Any tool, whatever its parameter and result types. */
// biome-ignore lint/suspicious/noExplicitAny: a list of tools holds tools of different argument types.
export type AnyTool = Tool<any, unknown>;

/** The JSON schema the model sees for a zod schema, as the model must write it (the input side). */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

/** The definition sent to the model for a tool. */
export function toolDefinition(tool: AnyTool): ToolDefinition {
  const definition: ToolDefinition = { name: tool.name, parametersJsonSchema: jsonSchemaOf(tool.parameters) };
  if (tool.description !== undefined) definition.description = tool.description;
  if (tool.strict !== undefined) definition.strict = tool.strict;
  return definition;
}

/** Validation errors as one readable message for the model to act on. */
export function describeValidationError(error: z.ZodError): string {
  return `Validation failed:\n${z.prettifyError(error)}\nFix the errors and try again.`;
}

/**
 * The arguments of a call parsed and validated against `schema`, or the retry prompt text that tells the
 * model what was wrong with them.
 */
export function parseCallArgs(
  part: ToolCallPart,
  schema: z.ZodType,
): { ok: true; value: unknown } | { ok: false; message: string } {
  let raw: Record<string, unknown>;
  try {
    raw = toolCallArgs(part);
  } catch (error) {
    return { ok: false, message: `Invalid JSON in the arguments: ${(error as Error).message}` };
  }
  const parsed = schema.safeParse(raw);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, message: describeValidationError(parsed.error) };
}

/** What one tool call produced: its return, or a retry prompt for the model. */
export type ToolCallOutcome = ToolReturnPart | RetryPromptPart;

/**
 * Runs one call: validates its arguments, executes the tool, and turns `ModelRetry` or invalid arguments
 * into a retry prompt. Any other error from `execute` fails the run: it is a bug or an outage in the
 * tool, which the model cannot fix.
 */
export async function executeToolCall(
  tool: AnyTool,
  part: ToolCallPart,
  context: ToolContext,
): Promise<ToolCallOutcome> {
  const retryPrompt = (content: string): RetryPromptPart => ({
    partKind: 'retry-prompt',
    content,
    toolName: part.toolName,
    toolCallId: part.toolCallId,
  });
  const args = parseCallArgs(part, tool.parameters);
  if (!args.ok) return retryPrompt(args.message);
  try {
    const result: unknown = await tool.execute(args.value, context);
    const content = toolReturnContent(result, part.toolName);
    return { partKind: 'tool-return', toolName: part.toolName, toolCallId: part.toolCallId, content };
  } catch (error) {
    if (error instanceof ModelRetry) return retryPrompt(error.message);
    throw error;
  }
}

/**
 * A tool's result as the content sent back to the model, which every adapter sends as text or JSON.
 * A tool that returns nothing sends `null` (JSON has no undefined; an undefined content crashed the word
 * count and went out as a missing field); a result JSON cannot hold (a BigInt, a cycle, a function) is
 * the tool's mistake, named here rather than as a TypeError inside whichever adapter serializes it.
 */
export function toolReturnContent(result: unknown, toolName: string): unknown {
  if (result === undefined) return null;
  if (typeof result === 'string') return result;
  let json: string | undefined;
  let problem = 'it has no JSON form';
  try {
    json = JSON.stringify(result);
  } catch (error) {
    problem = (error as Error).message;
  }
  if (json === undefined) {
    throw new UserError(
      `Tool '${toolName}' returned ${describeValue(result)}, which cannot be sent to the model as JSON (${problem}). Return a string or plain data.`,
    );
  }
  return result;
}
