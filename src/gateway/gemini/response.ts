/**
 * Writes a ModelResponse as a Gemini `GenerateContentResponse`: one candidate whose parts are the text,
 * the thoughts (only when the client asked for them with `includeThoughts`; their signatures always) and
 * the function calls; the finish reason in Google's words; `usageMetadata` as Google counts it
 * (thoughts apart from candidates); `modelVersion` the `provider:model` that served.
 *
 * @example
 * renderGenerateContent(response, served, { includeThoughts: false, outputToolName: undefined })
 * // '{"candidates":[{"content":{"parts":[{"text":"Hi"}],"role":"model"},"finishReason":"STOP","index":0}],...}'
 */
import type { FinishReason, ModelResponse, ModelResponsePart } from '../../core/messages.ts';
import { toolCallArgs, toolCallArgsJson } from '../../core/messages.ts';
import type { RequestUsage } from '../../core/usage.ts';
import type { ServedModel } from '../routing/served.ts';

export interface RenderOptions {
  includeThoughts: boolean;
  /** The structured-output tool whose arguments are the answer's text (see request.ts). */
  outputToolName: string | undefined;
}

export function geminiFinishReason(reason: FinishReason | undefined): string {
  switch (reason) {
    case 'length':
      return 'MAX_TOKENS';
    case 'content_filter':
      return 'SAFETY';
    case 'error':
      return 'OTHER';
    default:
      // Gemini ends a turn of function calls with STOP too.
      return 'STOP';
  }
}

/** Google's usage: `candidatesTokenCount` without the thoughts, which have `thoughtsTokenCount`. */
export function geminiUsage(usage: RequestUsage): Record<string, unknown> {
  const thoughts = thoughtTokens(usage);
  const result: Record<string, unknown> = {
    promptTokenCount: usage.inputTokens,
    candidatesTokenCount: Math.max(0, usage.outputTokens - thoughts),
    totalTokenCount: usage.inputTokens + usage.outputTokens,
  };
  if (thoughts > 0) result.thoughtsTokenCount = thoughts;
  if (usage.cacheReadTokens > 0) result.cachedContentTokenCount = usage.cacheReadTokens;
  if (usage.cost !== undefined) result.cost = usage.cost;
  return result;
}

function thoughtTokens(usage: RequestUsage): number {
  const details = usage.details;
  return details.thoughtsTokenCount ?? details.reasoning_tokens ?? 0;
}

/** A function call as Gemini writes it; the id lets the client's functionResponse name the call. */
export function functionCallPart(toolName: string, toolCallId: string, args: Record<string, unknown>) {
  return { functionCall: { name: toolName, args, id: toolCallId } };
}

/** Arguments as an object, whatever the upstream wrote (text that is not an object is kept under `arguments`). */
export function argsObject(
  part: Extract<ModelResponsePart, { partKind: 'tool-call' }>,
): Record<string, unknown> {
  try {
    return toolCallArgs(part);
  } catch {
    return { arguments: toolCallArgsJson(part) };
  }
}

/** The parts of the one candidate, in order; a signature-only thought rides on the part after it. */
export function geminiParts(
  parts: readonly ModelResponsePart[],
  options: RenderOptions,
): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  let signature: string | undefined;
  for (const part of parts) {
    let wire: Record<string, unknown>;
    if (part.partKind === 'thinking') {
      if (part.redacted || part.content === '' || !options.includeThoughts) {
        if (part.signature) signature = part.signature;
        continue;
      }
      wire = { text: part.content, thought: true };
      if (part.signature) wire.thoughtSignature = part.signature;
      out.push(wire);
      continue;
    }
    if (part.partKind === 'text') wire = { text: part.content };
    else if (part.toolName === options.outputToolName) wire = { text: toolCallArgsJson(part) };
    else wire = functionCallPart(part.toolName, part.toolCallId, argsObject(part));
    if (signature !== undefined) wire.thoughtSignature = signature;
    signature = undefined;
    out.push(wire);
  }
  if (signature !== undefined) out.push({ text: '', thoughtSignature: signature });
  return out;
}

export function renderGenerateContent(
  response: ModelResponse,
  served: ServedModel,
  options: RenderOptions,
): string {
  return JSON.stringify({
    candidates: [
      {
        content: { parts: geminiParts(response.parts, options), role: 'model' },
        finishReason: geminiFinishReason(response.finishReason),
        index: 0,
      },
    ],
    usageMetadata: geminiUsage(response.usage),
    modelVersion: served.modelId,
    responseId: served.responseId,
  });
}
