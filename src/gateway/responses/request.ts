/**
 * Reads an OpenAI Responses request into a ResponsesCall: the input items as ModelMessage[]
 * (input-items.ts), the settings, the function tools, `text.format` as an output tool, and what the
 * answer must echo. What only OpenAI's own service can do — a stored previous response, a hosted
 * tool, a file id — is refused with a 400 that names the field and says what to send instead, never
 * dropped.
 *
 * @example
 * const call = parseResponsesRequest({ model: 'openai:gpt-5', input: 'Hi', instructions: 'Be brief.' });
 * call.messages // [{ kind: 'request', parts: [system-prompt 'Be brief.', user-prompt 'Hi'] }]
 */
import type { ToolDefinition } from '../../core/model.ts';
import type { ModelSettings } from '../../core/settings.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { invalidRequest } from '../errors/zod-issue.ts';
import type { UntranslatableField } from '../routing/chat-call.ts';
import { type CallTools, jsonObjectTool, withOutputTool } from '../routing/output-tool.ts';
import { toModelMessages } from './input-items.ts';
import { flatToolName, type NamespacedTools } from './namespaced-tools.ts';
import { refused } from './refusal.ts';
import {
  type ResponsesNamespaceIn,
  type ResponsesRequest,
  type ResponsesToolIn,
  responsesRequestSchema,
} from './request-schema.ts';
import type { ResponsesCall } from './responses-call.ts';

/** The only `include` value that changes what a translated answer holds; the rest name OpenAI-hosted data. */
const ENCRYPTED_REASONING = 'reasoning.encrypted_content';

export function parseResponsesRequest(body: unknown): ResponsesCall {
  const parsed = responsesRequestSchema.safeParse(body);
  if (!parsed.success) throw invalidRequest(parsed.error);
  const request = parsed.data;
  refuseServerState(request);
  // Fields only OpenAI's own service can serve: they go as they are to a Responses upstream, and make
  // any attempt that would translate them a 400 naming them (routing/run-chat.ts).
  const untranslatable = onlyOpenAI(request);
  const include = request.include ?? [];
  const { messages, characters } = toModelMessages(request, untranslatable);
  const namespaced: NamespacedTools = new Map();
  const { params, outputToolName } = toRequestParameters(request, namespaced, untranslatable);
  return {
    modelIds: [request.model, ...(request.models ?? [])],
    messages,
    settings: toSettings(request),
    params,
    stream: request.stream === true,
    includeUsage: true,
    outputToolName,
    estimatedInputTokens: Math.ceil(characters / 4),
    includeEncryptedReasoning: include.includes(ENCRYPTED_REASONING),
    echoJson: echoJson(request),
    namespacedTools: namespaced.size > 0 ? namespaced : undefined,
    untranslatable,
  };
}

/** The request fields a `response` object restates, in OpenAI's order, as JSON object members. */
function echoJson(request: ResponsesRequest): string {
  const json = JSON.stringify;
  const reasoning = {
    effort: request.reasoning?.effort ?? null,
    summary: request.reasoning?.summary ?? request.reasoning?.generate_summary ?? null,
  };
  return (
    `"instructions":${json(request.instructions ?? null)},"max_output_tokens":${json(request.max_output_tokens ?? null)},` +
    `"max_tool_calls":null,"parallel_tool_calls":${request.parallel_tool_calls ?? true},"previous_response_id":null,` +
    `"reasoning":${json(reasoning)},"safety_identifier":null,"service_tier":"default","store":false,` +
    `"temperature":${json(request.temperature ?? null)},"text":{"format":${json(request.text?.format ?? { type: 'text' })}},` +
    `"tool_choice":${json(request.tool_choice ?? 'auto')},"tools":${json(request.tools ?? [])},"top_logprobs":0,` +
    `"top_p":${json(request.top_p ?? null)},"truncation":"disabled","user":null`
  );
}

/** The gateway keeps no responses, conversations or background runs: say so, and how to do without. */
function refuseServerState(request: ResponsesRequest): void {
  if (request.previous_response_id) {
    throw new GatewayError(
      400,
      'invalid_request',
      'previous_response_id: this gateway stores no responses, so it cannot continue one by id. Send the whole conversation in `input` (with `store: false` and `include: ["reasoning.encrypted_content"]` to keep reasoning across turns), as Codex does.',
      { param: 'previous_response_id' },
    );
  }
  // A background response is fetched later by id, from a store the gateway does not have.
  if (request.background === true)
    throw refused('background', 'background responses are stored and polled on OpenAI', 'stream instead');
}

/** The top-level fields only OpenAI's service can serve (a stored conversation, hosted-tool data...). */
function onlyOpenAI(request: ResponsesRequest): UntranslatableField[] {
  const fields: UntranslatableField[] = [];
  if (request.conversation != null)
    fields.push({ param: 'conversation', what: 'a conversation stored on OpenAI; send its items in input' });
  if (request.prompt != null)
    fields.push({
      param: 'prompt',
      what: 'a prompt template stored on OpenAI; send its text in instructions',
    });
  if (request.max_tool_calls != null)
    fields.push({ param: 'max_tool_calls', what: 'a limit on the hosted tools only OpenAI runs' });
  if (request.top_logprobs) fields.push({ param: 'top_logprobs', what: 'log probabilities' });
  (request.include ?? []).forEach((value, i) => {
    if (value !== ENCRYPTED_REASONING)
      fields.push({ param: `include[${i}]`, what: `'${value}', data only OpenAI's hosted tools produce` });
  });
  return fields;
}

function toSettings(request: ResponsesRequest): ModelSettings {
  const settings: ModelSettings = {};
  if (request.max_output_tokens != null) settings.maxTokens = request.max_output_tokens;
  if (request.temperature != null) settings.temperature = request.temperature;
  if (request.top_p != null) settings.topP = request.top_p;
  if (request.parallel_tool_calls != null) settings.parallelToolCalls = request.parallel_tool_calls;
  const effort = request.reasoning?.effort;
  if (effort === 'none') settings.thinking = false;
  else if (effort != null) settings.thinking = effort;
  return settings;
}

/** The function tools, namespaced ones flattened; any other tool is untranslatable, named. */
function functionTools(
  tools: ResponsesRequest['tools'],
  namespaced: NamespacedTools,
  untranslatable: UntranslatableField[],
): ToolDefinition[] {
  const definitions: ToolDefinition[] = [];
  (tools ?? []).forEach((tool, i) => {
    if (tool.type === 'function') definitions.push(toolDefinition(tool as ResponsesToolIn, undefined));
    else if (tool.type === 'namespace') {
      const group = tool as ResponsesNamespaceIn;
      group.tools.forEach((inner, j) => {
        if (inner.type !== 'function') {
          untranslatable.push(notAFunction(`tools[${i}].tools[${j}]`, inner.type));
          return;
        }
        const fn = inner as ResponsesToolIn;
        const definition = toolDefinition(fn, group);
        namespaced.set(definition.name, { namespace: group.name, name: fn.name });
        definitions.push(definition);
      });
    } else untranslatable.push(notAFunction(`tools[${i}]`, tool.type));
  });
  return definitions;
}

function toolDefinition(fn: ResponsesToolIn, group: ResponsesNamespaceIn | undefined): ToolDefinition {
  const definition: ToolDefinition = {
    name: group ? flatToolName(group.name, fn.name) : fn.name,
    parametersJsonSchema: fn.parameters ?? { type: 'object', properties: {} },
  };
  // A namespace's description says what its tools are for; flattened, each tool carries it.
  const description = [group?.description, fn.description].filter(Boolean).join('\n\n');
  if (description !== '') definition.description = description;
  if (fn.strict != null) definition.strict = fn.strict;
  return definition;
}

function notAFunction(param: string, type: string): UntranslatableField {
  return {
    param,
    what: `a ${type} tool, which only OpenAI runs; Codex: web_search = "disabled"`,
  };
}

function toRequestParameters(
  request: ResponsesRequest,
  namespaced: NamespacedTools,
  untranslatable: UntranslatableField[],
): CallTools {
  let tools = functionTools(request.tools, namespaced, untranslatable);
  let allowTextOutput = true;
  const choice = request.tool_choice;
  if (choice === 'none') tools = [];
  else if (choice === 'required') allowTextOutput = tools.length === 0;
  else if (choice != null && typeof choice === 'object') {
    if (choice.type !== 'function' || typeof choice.name !== 'string') {
      untranslatable.push({
        param: 'tool_choice',
        what: `a choice of ${choice.type}, which only OpenAI runs`,
      });
      return withOutputTool(tools, allowTextOutput, undefined);
    }
    const name = choice.name;
    tools = tools.filter((t) => t.name === name);
    if (tools.length === 0) {
      throw new GatewayError(400, 'invalid_request', `tool_choice names '${name}', which is not in tools.`, {
        param: 'tool_choice.name',
      });
    }
    allowTextOutput = false;
  }
  const format = request.text?.format;
  let outputTool: ToolDefinition | undefined;
  if (format?.type === 'json_schema') {
    outputTool = { name: format.name, parametersJsonSchema: format.schema };
    if (format.description != null) outputTool.description = format.description;
    if (format.strict != null) outputTool.strict = format.strict;
  } else if (format?.type === 'json_object') {
    outputTool = jsonObjectTool(tools);
  }
  return withOutputTool(tools, allowTextOutput, outputTool);
}
