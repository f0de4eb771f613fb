/**
 * Turns a provider-neutral conversation (written by any adapter) into Gemini `contents` and a
 * `systemInstruction`. Gemini wants user and model turns to alternate, so consecutive turns of one role
 * are merged; tool results travel as `functionResponse` parts of a user turn.
 *
 * How thought signatures round-trip: the response reader puts a Gemini `thoughtSignature` either on the
 * ThinkingPart of a `thought: true` part, or — when it rode on a text or function-call part — on an empty
 * ThinkingPart placed just before that part. Here the empty ThinkingPart's signature goes back onto the
 * part that follows it, so Gemini gets every signature on the part it was issued for.
 */

import type {
  DocumentContent,
  ImageContent,
  ModelMessage,
  ModelResponsePart,
  UserContentItem,
} from '../../core/messages.ts';
import { toolCallArgs } from '../../core/messages.ts';
import { bytesToBase64, utf8ToBase64 } from '../../core/portable.ts';
import type { GeminiContent, GeminiPart } from './api.ts';

export interface ConvertOptions {
  /** This adapter's provider name: thinking from any other provider is never sent back as Gemini's. */
  providerName: string;
  /** The target model; decides whether foreign function calls need Gemini 3's placeholder signature. */
  modelName: string;
}

export interface ConvertedMessages {
  contents: GeminiContent[];
  systemInstruction?: { role: 'user'; parts: Array<{ text: string }> };
}

/**
 * Google's documented stand-in for a function call that Gemini did not make (a history from another
 * provider): Gemini 3 rejects a turn whose first function call has no signature, and accepts this one.
 * Base64 of `context_engineering_is_the_way_to_go`.
 */
export const PLACEHOLDER_THOUGHT_SIGNATURE = 'Y29udGV4dF9lbmdpbmVlcmluZ19pc190aGVfd2F5X3RvX2dv';

/** Appended to a failed tool's message so the model knows to call again. */
const RETRY_SUFFIX = '\n\nFix the errors and try again.';

/**
 * Converts a conversation to Gemini's request shape.
 *
 * @example
 * const { contents, systemInstruction } = convertMessages(
 *   [{ kind: 'request', parts: [systemPrompt('Be brief.'), userPrompt('Hi')] }],
 *   { providerName: 'google-gla', modelName: 'gemini-2.5-flash' },
 * );
 * // contents: [{ role: 'user', parts: [{ text: 'Hi' }] }]
 */
export function convertMessages(messages: ModelMessage[], options: ConvertOptions): ConvertedMessages {
  const system: Array<{ text: string }> = [];
  const contents: GeminiContent[] = [];
  const push = (role: GeminiContent['role'], parts: GeminiPart[]) => {
    if (parts.length === 0) return;
    const last = contents.at(-1);
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };

  for (const message of messages) {
    if (message.kind === 'response') {
      push('model', modelParts(message.parts, options));
      continue;
    }
    const parts: GeminiPart[] = [];
    for (const part of message.parts) {
      switch (part.partKind) {
        case 'system-prompt':
          system.push({ text: part.content });
          break;
        case 'user-prompt':
          if (typeof part.content === 'string') parts.push({ text: part.content });
          else for (const item of part.content) parts.push(userContentPart(item));
          break;
        case 'tool-return':
          parts.push({
            functionResponse: withId(
              { name: part.toolName, response: { return_value: toJsonValue(part.content) } },
              part.toolCallId,
            ),
          });
          break;
        case 'retry-prompt':
          if (part.toolName && part.toolCallId) {
            parts.push({
              functionResponse: withId(
                { name: part.toolName, response: { error: part.content + RETRY_SUFFIX } },
                part.toolCallId,
              ),
            });
          } else parts.push({ text: part.content + RETRY_SUFFIX });
          break;
      }
    }
    push('user', parts);
  }

  // Gemini rejects a request without contents; a system prompt alone still needs a (blank) user turn.
  if (contents.length === 0) contents.push({ role: 'user', parts: [{ text: '' }] });
  const converted: ConvertedMessages = { contents };
  if (system.length > 0) converted.systemInstruction = { role: 'user', parts: system };
  return converted;
}

function modelParts(parts: ModelResponsePart[], options: ConvertOptions): GeminiPart[] {
  const out: GeminiPart[] = [];
  let pendingSignature: string | undefined;
  let sawFunctionCall = false;
  for (const part of parts) {
    if (part.partKind === 'thinking') {
      // Thinking from another provider means nothing to Gemini, and its signature must never be sent.
      if (part.providerName !== options.providerName) continue;
      if (part.content !== '') {
        const thought: GeminiPart = { text: part.content, thought: true };
        if (part.signature) thought.thoughtSignature = part.signature;
        out.push(thought);
      } else if (part.signature) pendingSignature = part.signature;
      continue;
    }
    let wire: GeminiPart;
    if (part.partKind === 'text') {
      if (part.content === '' && pendingSignature === undefined) continue;
      wire = { text: part.content };
    } else {
      wire = { functionCall: withId({ name: part.toolName, args: argsObject(part) }, part.toolCallId) };
      if (
        pendingSignature === undefined &&
        !sawFunctionCall &&
        needsPlaceholderSignature(options.modelName)
      ) {
        pendingSignature = PLACEHOLDER_THOUGHT_SIGNATURE;
      }
      sawFunctionCall = true;
    }
    if (pendingSignature !== undefined) wire.thoughtSignature = pendingSignature;
    pendingSignature = undefined;
    out.push(wire);
  }
  // A signature that came on a trailing empty text part (streams end that way) goes back the same way.
  if (pendingSignature !== undefined) out.push({ text: '', thoughtSignature: pendingSignature });
  // An empty model turn (the model said nothing) still has to be a turn, or the roles stop alternating.
  if (out.length === 0) out.push({ text: '' });
  return out;
}

/** Gemini 3 and later validate signatures on function calls; older models have no such rule. */
function needsPlaceholderSignature(modelName: string): boolean {
  const version = /gemini-(\d+)/.exec(modelName);
  return version === null || Number(version[1]) >= 3;
}

function argsObject(part: Extract<ModelResponsePart, { partKind: 'tool-call' }>): Record<string, unknown> {
  try {
    return toolCallArgs(part);
  } catch {
    // Another model wrote arguments that are not a JSON object; Gemini needs an object, and the text is
    // what the model must see to correct itself.
    return { arguments: typeof part.args === 'string' ? part.args : '' };
  }
}

function userContentPart(item: UserContentItem): GeminiPart {
  if (item.kind === 'text') return { text: item.text };
  return mediaPart(item);
}

function mediaPart(item: ImageContent | DocumentContent): GeminiPart {
  if ('data' in item) {
    return { inlineData: { mimeType: item.mediaType, data: bytesToBase64(item.data) } };
  }
  const inline = parseDataUrl(item.url);
  if (inline) return { inlineData: { mimeType: item.mediaType ?? inline.mimeType, data: inline.data } };
  const mimeType = item.mediaType ?? guessMimeType(item.url);
  return { fileData: mimeType ? { fileUri: item.url, mimeType } : { fileUri: item.url } };
}

/** `data:image/png;base64,AAAA` → its media type and base64 payload; undefined for other URLs. */
function parseDataUrl(url: string): { mimeType: string; data: string } | undefined {
  const match = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s.exec(url);
  if (!match) return undefined;
  const mimeType = match[1] || 'text/plain';
  const isBase64 = /;base64/i.test(match[2] ?? '');
  const data = isBase64 ? match[3]! : utf8ToBase64(decodeURIComponent(match[3]!));
  return { mimeType, data };
}

const MIME_BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  pdf: 'application/pdf',
  txt: 'text/plain',
  md: 'text/markdown',
  html: 'text/html',
  csv: 'text/csv',
  mp4: 'video/mp4',
  webm: 'video/webm',
  mov: 'video/quicktime',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
};

function guessMimeType(url: string): string | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url;
  }
  const extension = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  return extension === undefined ? undefined : MIME_BY_EXTENSION[extension];
}

/**
 * Gemini accepts ids on function calls and responses; ids from other providers (`toolu_…`, `call_…`,
 * Mistral's 9-character ids) pass through with anything outside `[A-Za-z0-9_-]` replaced, the same way on
 * the call and on its result, so the two still match.
 *
 * @example
 * sanitizeToolCallId('call.1 2'); // 'call_1_2'
 */
export function sanitizeToolCallId(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '_');
}

function withId<T extends object>(value: T, id: string | undefined): T & { id?: string } {
  if (!id) return value;
  return { ...value, id: sanitizeToolCallId(id) };
}

/** A tool's result as JSON: strings stay text; Dates and other objects go through JSON once. */
function toJsonValue(content: unknown): unknown {
  if (typeof content === 'string') return content;
  try {
    const text = JSON.stringify(content);
    return text === undefined ? null : JSON.parse(text);
  } catch {
    return String(content);
  }
}
