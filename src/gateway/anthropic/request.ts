/**
 * Reads an Anthropic Messages request (validated with zod; unknown fields ignored; a bad field named in
 * the 400) into a ChatCall: the system prompt and content blocks as ModelMessage[], sampling settings,
 * tools and tool_choice.
 *
 * @example
 * parseMessagesRequest({ model: 'anthropic:claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] });
 */
import type { ToolDefinition } from '../../core/model.ts';
import type { ModelSettings } from '../../core/settings.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { invalidRequest } from '../errors/zod-issue.ts';
import type { ChatCall, UntranslatableField } from '../routing/chat-call.ts';
import { freeToolName, withOutputTool } from '../routing/output-tool.ts';
import { toModelMessages } from './request-messages.ts';
import { messagesRequestSchema } from './request-schema.ts';

/** The name of the output tool that carries `output_config.format` (structured output) to any upstream. */
const STRUCTURED_OUTPUT_TOOL = 'structured_output';

export function parseMessagesRequest(body: unknown): ChatCall {
  const parsed = messagesRequestSchema.safeParse(body);
  if (!parsed.success) throw invalidRequest(parsed.error);
  const request = parsed.data;
  const untranslatable: UntranslatableField[] = [];
  const { messages, characters } = toModelMessages(request, untranslatable);
  const settings: ModelSettings = { maxTokens: request.max_tokens };
  if (request.temperature !== undefined) settings.temperature = request.temperature;
  if (request.top_p !== undefined) settings.topP = request.top_p;
  if (request.stop_sequences !== undefined) settings.stopSequences = request.stop_sequences;
  if (request.thinking?.type === 'enabled') settings.thinking = budgetLevel(request.thinking.budget_tokens);
  if (request.thinking?.type === 'adaptive') {
    const effort = request.output_config?.effort;
    settings.thinking = effort === undefined ? true : effort === 'max' ? 'xhigh' : effort;
  }
  if (request.tool_choice?.disable_parallel_tool_use) settings.parallelToolCalls = false;

  let functionTools: ToolDefinition[] = [];
  (request.tools ?? []).forEach((t, i) => {
    if (t.input_schema === undefined) {
      if (t.type === undefined || t.type === 'custom') {
        throw new GatewayError(
          400,
          'invalid_request',
          `tools[${i}].input_schema is required for a custom tool.`,
          {
            param: `tools[${i}].input_schema`,
          },
        );
      }
      untranslatable.push({ param: `tools[${i}]`, what: `the server tool ${t.type}` });
      return;
    }
    // `defer_loading` and `cache_control` are Anthropic's loading and caching hints: a translated tool is
    // simply sent in full.
    const definition: ToolDefinition = { name: t.name, parametersJsonSchema: t.input_schema };
    if (t.description !== undefined) definition.description = t.description;
    functionTools.push(definition);
  });
  let allowTextOutput = true;
  const choice = request.tool_choice;
  if (choice?.type === 'none') functionTools = [];
  else if (choice?.type === 'any') allowTextOutput = functionTools.length === 0;
  else if (choice?.type === 'tool') {
    functionTools = functionTools.filter((t) => t.name === choice.name);
    if (functionTools.length === 0) {
      throw new GatewayError(
        400,
        'invalid_request',
        `tool_choice names '${choice.name ?? ''}', which is not in tools.`,
        { param: 'tool_choice.name' },
      );
    }
    allowTextOutput = false;
  }
  const format = request.output_config?.format;
  // Structured output on every upstream (output-tool.ts), under a name of the gateway's own.
  const { params, outputToolName } = withOutputTool(
    functionTools,
    allowTextOutput,
    format && {
      name: freeToolName(STRUCTURED_OUTPUT_TOOL, functionTools),
      parametersJsonSchema: format.schema,
      strict: true,
    },
  );
  return {
    modelIds: [request.model, ...(request.models ?? [])],
    messages,
    settings,
    params,
    stream: request.stream === true,
    includeUsage: true,
    outputToolName,
    estimatedInputTokens: Math.ceil(characters / 4),
    untranslatable,
    omitThinking: request.thinking?.display === 'omitted',
  };
}

/**
 * A thinking budget as the effort level other protocols take, so a client's 31,999 tokens is asked for
 * as high effort rather than the default: up to 4,096 tokens low, up to 16,384 medium, above that high.
 */
function budgetLevel(budget: number | undefined): ModelSettings['thinking'] {
  if (budget === undefined) return true;
  return budget <= 4096 ? 'low' : budget <= 16_384 ? 'medium' : 'high';
}
