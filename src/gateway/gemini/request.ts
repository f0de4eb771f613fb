/**
 * Reads a Gemini `generateContent` request into a ChatCall: `contents` and `systemInstruction` as
 * ModelMessage[], `generationConfig` as settings (thinking budgets and levels as a thinking level;
 * `responseMimeType: application/json` with a schema as an output tool, the way `/v1/chat/completions`
 * carries `response_format`), `tools.functionDeclarations` and `toolConfig` as tools. What has no
 * equivalent and would change the answer goes as it is to Gemini upstreams, and is refused with a 400
 * naming the field on a chain that would translate it (`untranslatable`).
 *
 * @example
 * const { call } = parseGenerateContent(
 *   { contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] }, 'gemini-2.5-flash', false);
 * call.modelIds // ['gemini-2.5-flash']
 */
import type {
  ModelMessage,
  ModelRequestPart,
  ModelResponsePart,
  UserContentItem,
} from '../../core/messages.ts';
import { replayedResponse } from '../../core/messages.ts';
import type { ToolDefinition } from '../../core/model.ts';
import type { ModelSettings, ThinkingLevel } from '../../core/settings.ts';
import { hasControlCharacter } from '../config/safe-name.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { invalidRequest } from '../errors/zod-issue.ts';
import type { ChatCall, UntranslatableField } from '../routing/chat-call.ts';
import { type CallTools, freeToolName, withOutputTool } from '../routing/output-tool.ts';
import { toJsonSchema } from './json-schema.ts';
import {
  type GeminiRequestPart,
  type GenerateContentRequest,
  generateContentRequestSchema,
} from './request-schema.ts';

/** The output tool that carries a `responseMimeType: application/json` answer back as the text. */
export const STRUCTURED_OUTPUT_TOOL = 'structured_output';

export interface GeminiCall {
  call: ChatCall;
  /** `thinkingConfig.includeThoughts`: the thought text goes to the client only when asked for. */
  includeThoughts: boolean;
}

export function parseGenerateContent(body: unknown, model: string, stream: boolean): GeminiCall {
  if (hasControlCharacter(model)) throw refused('model', 'The model id in the path has control characters.');
  const parsed = generateContentRequestSchema.safeParse(body);
  if (!parsed.success) throw invalidRequest(parsed.error);
  const request = parsed.data;
  const untranslatable: UntranslatableField[] = [];
  untranslatableFields(request, untranslatable);
  const { messages, characters } = toModelMessages(request, untranslatable);
  const { settings, includeThoughts } = toSettings(request);
  const { params, outputToolName } = toParameters(request);
  return {
    call: {
      modelIds: [model, ...(request.models ?? [])],
      messages,
      settings,
      params,
      stream,
      includeUsage: true,
      outputToolName,
      estimatedInputTokens: Math.ceil(characters / 4),
      untranslatable: untranslatable.length > 0 ? untranslatable : undefined,
    },
    includeThoughts,
  };
}

function refused(param: string, message: string): GatewayError {
  return new GatewayError(400, 'invalid_request', message, { param });
}

/**
 * Fields with no equivalent on other providers that would change what the client gets back: carried as
 * they are to a Gemini upstream (the request passes through), a 400 naming the field on any chain that
 * would translate it (routing/run-chat.ts).
 */
function untranslatableFields(request: GenerateContentRequest, found: UntranslatableField[]): void {
  const config = request.generationConfig;
  const add = (param: string, what: string) => found.push({ param, what });
  if (config?.candidateCount != null && config.candidateCount > 1)
    add('generationConfig.candidateCount', 'more than one candidate');
  if (config?.responseLogprobs) add('generationConfig.responseLogprobs', 'log probabilities');
  if (config?.responseModalities?.some((m) => m.toUpperCase() !== 'TEXT'))
    add('generationConfig.responseModalities', 'a modality other than TEXT');
  const mime = config?.responseMimeType;
  if (mime != null && mime !== 'text/plain' && mime !== 'application/json')
    add('generationConfig.responseMimeType', `the response type ${mime}`);
  if (request.cachedContent != null) add('cachedContent', 'a Google context cache');
  request.tools?.forEach((tool, i) => {
    for (const key of Object.keys(tool))
      if (key !== 'functionDeclarations') add(`tools[${i}].${key}`, `Gemini's server tool ${key}`);
  });
}

function toSettings(request: GenerateContentRequest): { settings: ModelSettings; includeThoughts: boolean } {
  const settings: ModelSettings = {};
  const config = request.generationConfig;
  if (!config) return { settings, includeThoughts: false };
  if (config.maxOutputTokens != null) settings.maxTokens = config.maxOutputTokens;
  if (config.temperature != null) settings.temperature = config.temperature;
  if (config.topP != null) settings.topP = config.topP;
  if (config.seed != null) settings.seed = config.seed;
  if (config.presencePenalty != null) settings.presencePenalty = config.presencePenalty;
  if (config.frequencyPenalty != null) settings.frequencyPenalty = config.frequencyPenalty;
  if (config.stopSequences != null) settings.stopSequences = config.stopSequences;
  const thinking = config.thinkingConfig;
  const level = thinking ? thinkingOf(thinking) : undefined;
  if (level !== undefined) settings.thinking = level;
  return { settings, includeThoughts: thinking?.includeThoughts === true };
}

/** Budgets the other way round from the Gemini adapter's table: the smallest level that covers it. */
const LEVEL_BY_BUDGET: Array<[number, ThinkingLevel]> = [
  [512, 'minimal'],
  [1024, 'low'],
  [8192, 'medium'],
  [24576, 'high'],
];

/**
 * A thinking level from a budget (0 off, -1 the model's own choice) or a Gemini level; `includeThoughts`
 * alone asks for thinking at the model's default.
 */
function thinkingOf(config: {
  includeThoughts?: boolean | null | undefined;
  thinkingBudget?: number | null | undefined;
  thinkingLevel?: string | null | undefined;
}): boolean | ThinkingLevel | undefined {
  const level = config.thinkingLevel;
  if (level != null && level !== 'THINKING_LEVEL_UNSPECIFIED') return level.toLowerCase() as ThinkingLevel;
  const budget = config.thinkingBudget;
  if (budget != null) {
    if (budget === 0) return false;
    if (budget < 0) return true;
    return LEVEL_BY_BUDGET.find(([cap]) => budget <= cap)?.[1] ?? 'xhigh';
  }
  return config.includeThoughts ? true : undefined;
}

function toParameters(request: GenerateContentRequest): CallTools {
  let functionTools: ToolDefinition[] = [];
  request.tools?.forEach((tool) => {
    for (const declaration of tool.functionDeclarations ?? []) {
      const schema = declaration.parametersJsonSchema ?? declaration.parameters;
      const definition: ToolDefinition = {
        name: declaration.name,
        parametersJsonSchema: schema ? toJsonSchema(schema) : { type: 'object', properties: {} },
      };
      if (declaration.description != null) definition.description = declaration.description;
      functionTools.push(definition);
    }
  });
  let allowTextOutput = true;
  const calling = request.toolConfig?.functionCallingConfig;
  if (calling?.mode === 'NONE') functionTools = [];
  else if (calling?.mode === 'ANY') {
    const allowed = calling.allowedFunctionNames;
    if (allowed && allowed.length > 0) {
      functionTools = functionTools.filter((tool) => allowed.includes(tool.name));
      if (functionTools.length === 0)
        throw refused(
          'toolConfig.functionCallingConfig.allowedFunctionNames',
          `allowedFunctionNames names no function of tools: ${allowed.join(', ')}.`,
        );
    }
    allowTextOutput = functionTools.length === 0;
  }
  const config = request.generationConfig;
  if (config?.responseMimeType !== 'application/json') {
    return withOutputTool(functionTools, allowTextOutput, undefined);
  }
  // JSON out, on every provider (output-tool.ts): without a schema, any object.
  const schema = config.responseJsonSchema ?? config.responseSchema;
  return withOutputTool(functionTools, allowTextOutput, {
    name: freeToolName(STRUCTURED_OUTPUT_TOOL, functionTools),
    description: 'Give your answer as JSON matching this schema.',
    parametersJsonSchema: schema ? toJsonSchema(schema) : { type: 'object' },
  });
}

interface Converted {
  messages: ModelMessage[];
  characters: number;
  /** Parts of kinds other providers have none of, left out here (see `untranslatableFields`). */
  untranslatable: UntranslatableField[];
}

/**
 * Turns in order; a user turn's function responses and prompts share one ModelRequest. Gemini's calls
 * often carry no id, so one is made per call and its response (which names only the function) takes
 * the oldest unanswered call of that name.
 */
function toModelMessages(request: GenerateContentRequest, untranslatable: UntranslatableField[]): Converted {
  const out: Converted = { messages: [], characters: 0, untranslatable };
  const pendingIds = new Map<string, string[]>();
  const system = systemParts(request, out);
  request.contents.forEach((content, turn) => {
    if (content.role === 'model') {
      out.messages.push(replayedResponse(modelParts(content.parts, turn, pendingIds, out)));
      return;
    }
    const parts: ModelRequestPart[] = out.messages.length === 0 ? system : [];
    const items: UserContentItem[] = [];
    content.parts.forEach((part, i) => {
      const where = `contents[${turn}].parts[${i}]`;
      if (part.functionResponse) {
        const response = part.functionResponse;
        if (response.parts && response.parts.length > 0)
          throw refused(
            `${where}.functionResponse.parts`,
            'Multimodal function responses are not supported.',
          );
        const queue = pendingIds.get(response.name);
        const toolCallId = response.id || queue?.shift() || `gemini_call_${turn}_${i}`;
        if (response.id && queue) queue.splice(queue.indexOf(response.id) >>> 0, 1);
        const result = response.response ?? {};
        out.characters += JSON.stringify(result).length;
        parts.push({ partKind: 'tool-return', toolName: response.name, toolCallId, content: result });
      } else if (part.inlineData) {
        const { mimeType, data } = part.inlineData;
        const bytes = new Uint8Array(Buffer.from(data, 'base64'));
        items.push(
          mimeType.startsWith('image/')
            ? { kind: 'image', data: bytes, mediaType: mimeType }
            : { kind: 'document', data: bytes, mediaType: mimeType },
        );
      } else if (part.fileData) {
        const { fileUri, mimeType } = part.fileData;
        const media = mimeType ?? undefined;
        items.push(
          media?.startsWith('image/')
            ? { kind: 'image', url: fileUri, mediaType: media }
            : media
              ? { kind: 'document', url: fileUri, mediaType: media }
              : { kind: 'document', url: fileUri },
        );
      } else if (typeof part.text === 'string') {
        out.characters += part.text.length;
        items.push({ kind: 'text', text: part.text });
      } else unknownPart(part, where, out);
    });
    if (items.length > 0) {
      const only = items[0]!;
      parts.push({
        partKind: 'user-prompt',
        content: items.length === 1 && only.kind === 'text' ? only.text : items,
      });
    }
    if (parts.length > 0) out.messages.push({ kind: 'request', parts });
  });
  // A conversation that opens with the model's turn still carries the system instruction.
  if (system.length > 0 && out.messages[0]?.kind !== 'request')
    out.messages.unshift({ kind: 'request', parts: system });
  return out;
}

function systemParts(request: GenerateContentRequest, out: Converted): ModelRequestPart[] {
  const instruction = request.systemInstruction;
  if (instruction == null) return [];
  let text = '';
  if (typeof instruction === 'string') text = instruction;
  else
    for (const part of instruction.parts) {
      if (typeof part.text === 'string') text = text === '' ? part.text : `${text}\n${part.text}`;
    }
  out.characters += text.length;
  return text === '' ? [] : [{ partKind: 'system-prompt', content: text }];
}

/**
 * A model turn's parts. A `thoughtSignature` on a text or call part becomes an empty thinking part just
 * before it, the way the Gemini adapter reads an answer, so it goes back onto the same part upstream.
 */
function modelParts(
  wire: GeminiRequestPart[],
  turn: number,
  pendingIds: Map<string, string[]>,
  out: Converted,
): ModelResponsePart[] {
  const parts: ModelResponsePart[] = [];
  wire.forEach((part, i) => {
    const signature = part.thoughtSignature ?? undefined;
    if (part.thought) {
      const text = part.text ?? '';
      out.characters += text.length;
      parts.push(
        signature
          ? { partKind: 'thinking', content: text, signature }
          : { partKind: 'thinking', content: text },
      );
      return;
    }
    if (signature) parts.push({ partKind: 'thinking', content: '', signature });
    if (part.functionCall) {
      const call = part.functionCall;
      const toolCallId = call.id || `gemini_call_${turn}_${i}`;
      const queue = pendingIds.get(call.name);
      if (queue) queue.push(toolCallId);
      else pendingIds.set(call.name, [toolCallId]);
      const args = call.args ?? {};
      out.characters += JSON.stringify(args).length;
      parts.push({ partKind: 'tool-call', toolName: call.name, toolCallId, args });
    } else if (typeof part.text === 'string') {
      out.characters += part.text.length;
      if (part.text !== '') parts.push({ partKind: 'text', content: part.text });
    } else unknownPart(part, `contents[${turn}].parts[${i}]`, out);
  });
  return parts;
}

/** A part of a kind other providers have no equivalent for: `executableCode`, `videoMetadata`, ... */
function unknownPart(part: GeminiRequestPart, where: string, out: Converted): void {
  const kind = Object.keys(part).find((key) => key !== 'thoughtSignature' && key !== 'thought') ?? 'part';
  out.untranslatable.push({ param: `${where}.${kind}`, what: `a part of kind ${kind}` });
}
