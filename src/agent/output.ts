/**
 * Structured output: when an Agent is given a zod schema as `output`, the model answers by calling one
 * output tool (`final_result`) whose arguments are the answer. The arguments are validated against the
 * schema; invalid ones go back as a retry prompt. Schemas that are not objects (a string, an array, a
 * union) are wrapped as `{ response: ... }`, since tool arguments must be a JSON object.
 *
 * @example
 * const agent = new Agent(model, { output: z.object({ city: z.string(), country: z.string() }) });
 * const { output } = await agent.run('Where were the 2012 Olympics?'); // { city: 'London', country: 'UK' }
 */
import { z } from 'zod';
import type { ToolCallPart } from '../core/messages.ts';
import type { ToolDefinition } from '../core/model.ts';
import { jsonSchemaOf, parseCallArgs } from './tools.ts';

/** The name of the output tool, as in pydantic-ai. */
export const OUTPUT_TOOL_NAME = 'final_result';

const OUTPUT_TOOL_DESCRIPTION = 'The final response which ends this conversation';

/** How a run's output is obtained and checked; built once per Agent. */
export interface OutputMode<Output> {
  /** Definitions offered as output tools (empty for plain text). */
  readonly outputTools: ToolDefinition[];
  readonly allowTextOutput: boolean;
  /** Whether this tool call is the output tool. */
  isOutputCall(part: ToolCallPart): boolean;
  /** The validated output from an output tool call, or the retry prompt text. */
  parseCall(part: ToolCallPart): { ok: true; value: Output } | { ok: false; message: string };
}

/** Plain text output: the model's text is the answer. */
export function textOutput(): OutputMode<string> {
  return {
    outputTools: [],
    allowTextOutput: true,
    isOutputCall: () => false,
    parseCall: () => ({ ok: false, message: 'No output tool is expected; answer with text.' }),
  };
}

/** Output validated by `schema`, given through the `final_result` tool. */
export function schemaOutput<Output>(schema: z.ZodType<Output>): OutputMode<Output> {
  const wrapped = !(schema instanceof z.ZodObject);
  const argsSchema: z.ZodType = wrapped ? z.object({ response: schema }) : schema;
  const definition: ToolDefinition = {
    name: OUTPUT_TOOL_NAME,
    description: schema.description ?? OUTPUT_TOOL_DESCRIPTION,
    parametersJsonSchema: jsonSchemaOf(argsSchema),
  };
  return {
    outputTools: [definition],
    allowTextOutput: false,
    isOutputCall: (part) => part.toolName === OUTPUT_TOOL_NAME,
    parseCall(part) {
      const parsed = parseCallArgs(part, argsSchema);
      if (!parsed.ok) return parsed;
      const value = wrapped ? (parsed.value as { response: Output }).response : (parsed.value as Output);
      return { ok: true, value };
    },
  };
}
