/**
 * The `system` and `messages` of an Anthropic request as ModelMessage[], for an upstream of another
 * protocol: system blocks (top-level, or `system`-role messages mid-conversation as Claude Code sends
 * them), text, images, documents, tool calls and their results (images in a result follow it as user
 * content, the one place other protocols take images), thinking. What has no equivalent (server tool
 * calls and results, newer block types) is collected by name for the 400 a translation answers.
 * Anthropic's hints (`cache_control`, per-message `output_config`) have no counterpart to carry them.
 */
import type {
  ModelMessage,
  ModelRequestPart,
  ModelResponsePart,
  UserContentItem,
} from '../../core/messages.ts';
import { replayedResponse } from '../../core/messages.ts';
import type { UntranslatableField } from '../routing/chat-call.ts';
import type { MessagesRequest } from './request-schema.ts';

type Block = Exclude<MessagesRequest['messages'][number]['content'], string>[number];
type ResultBlock = Exclude<Extract<Block, { type: 'tool_result' }>['content'], string | undefined>[number];

/** Converts the request's conversation, counting its characters for the token estimate. */
export function toModelMessages(
  request: MessagesRequest,
  untranslatable: UntranslatableField[],
): { messages: ModelMessage[]; characters: number } {
  const messages: ModelMessage[] = [];
  const toolNames = new Map<string, string>();
  let characters = 0;
  let system: ModelRequestPart[] = [];
  if (request.system !== undefined) {
    const text =
      typeof request.system === 'string' ? request.system : request.system.map((b) => b.text).join('\n');
    characters += text.length;
    if (text !== '') system.push({ partKind: 'system-prompt', content: text });
  }
  request.messages.forEach((m, i) => {
    const blocks: Block[] =
      typeof m.content === 'string' ? [{ type: 'text' as const, text: m.content }] : m.content;
    const where = (j: number) => `messages[${i}].content[${j}]`;
    if (m.role === 'system') {
      const text = blocks.map((b) => (b.type === 'text' && 'text' in b ? b.text : '')).join('\n');
      characters += text.length;
      if (text !== '')
        messages.push({ kind: 'request', parts: [{ partKind: 'system-prompt', content: text }] });
      return;
    }
    if (m.role === 'assistant') {
      if (system.length > 0) messages.push({ kind: 'request', parts: system });
      system = [];
      const parts: ModelResponsePart[] = [];
      blocks.forEach((b, j) => {
        const part = responsePart(b, toolNames);
        if (part === undefined) untranslatable.push({ param: where(j), what: `a block of type ${b.type}` });
        else {
          if (part.partKind === 'text') characters += part.content.length;
          parts.push(part);
        }
      });
      messages.push(replayedResponse(parts));
      return;
    }
    const parts: ModelRequestPart[] = system;
    system = [];
    const items: UserContentItem[] = [];
    blocks.forEach((b, j) => {
      if (b.type === 'tool_result' && 'tool_use_id' in b) {
        const result = toolResult(b, toolNames, where(j), untranslatable);
        characters += result.text.length;
        parts.push(result.part);
        items.push(...result.media);
        return;
      }
      const item = contentItem(b as ResultBlock);
      if (item === undefined) untranslatable.push({ param: where(j), what: `a block of type ${b.type}` });
      else {
        if (item.kind === 'text') characters += item.text.length;
        items.push(item);
      }
    });
    if (items.length > 0) {
      const onlyText = items.length === 1 && items[0]!.kind === 'text';
      parts.push({
        partKind: 'user-prompt',
        content: onlyText ? (items[0] as { text: string }).text : items,
      });
    }
    messages.push({ kind: 'request', parts });
  });
  if (system.length > 0) messages.push({ kind: 'request', parts: system });
  return { messages, characters };
}

function responsePart(b: Block, toolNames: Map<string, string>): ModelResponsePart | undefined {
  if (b.type === 'text' && 'text' in b) return { partKind: 'text', content: b.text };
  if (b.type === 'tool_use' && 'id' in b) {
    toolNames.set(b.id, b.name);
    return {
      partKind: 'tool-call',
      toolName: b.name,
      toolCallId: b.id,
      args: (b.input ?? {}) as Record<string, unknown>,
    };
  }
  if (b.type === 'thinking' && 'thinking' in b) {
    const part: ModelResponsePart = { partKind: 'thinking', content: b.thinking, providerName: 'anthropic' };
    if (b.signature !== undefined) part.signature = b.signature;
    return part;
  }
  if (b.type === 'redacted_thinking' && 'data' in b) {
    return {
      partKind: 'thinking',
      content: '',
      signature: b.data,
      providerName: 'anthropic',
      redacted: true,
    };
  }
  return undefined;
}

/**
 * A tool result: its text as the tool's return (an error result flagged, never reworded), its images and
 * documents as user content right after it.
 */
function toolResult(
  b: Extract<Block, { type: 'tool_result' }>,
  toolNames: Map<string, string>,
  where: string,
  untranslatable: UntranslatableField[],
): { part: ModelRequestPart; text: string; media: UserContentItem[] } {
  let text = '';
  const media: UserContentItem[] = [];
  if (typeof b.content === 'string') text = b.content;
  else {
    (b.content ?? []).forEach((c, k) => {
      const item = contentItem(c);
      if (item === undefined)
        untranslatable.push({ param: `${where}.content[${k}]`, what: `a block of type ${c.type}` });
      else if (item.kind === 'text') text += item.text;
      else media.push(item);
    });
  }
  const part: ModelRequestPart = {
    partKind: 'tool-return',
    toolName: toolNames.get(b.tool_use_id) ?? '',
    toolCallId: b.tool_use_id,
    content: text,
  };
  if (b.is_error) part.isError = true;
  return { part, text, media };
}

/** A user-side block as neutral content; undefined for a type with no equivalent. */
function contentItem(b: ResultBlock): UserContentItem | undefined {
  if (b.type === 'text' && 'text' in b) return { kind: 'text', text: b.text };
  if (b.type === 'image' && 'source' in b) {
    const source = b.source;
    return source.type === 'url'
      ? { kind: 'image', url: source.url }
      : { kind: 'image', data: Buffer.from(source.data, 'base64'), mediaType: source.media_type };
  }
  if (b.type === 'document' && 'source' in b) {
    const source = b.source;
    const name = b.title ?? undefined;
    const named = name === undefined ? {} : { name };
    if (source.type === 'url') return { kind: 'document', url: source.url, ...named };
    if (source.type === 'base64') {
      return {
        kind: 'document',
        data: Buffer.from(source.data, 'base64'),
        mediaType: source.media_type,
        ...named,
      };
    }
    // A plain-text document, or one given as content blocks: its text is what any upstream can read.
    const text =
      source.type === 'text'
        ? source.data
        : typeof source.content === 'string'
          ? source.content
          : source.content
              .map((c) => (typeof c === 'object' && c !== null && 'text' in c ? String(c.text) : ''))
              .join('\n');
    return { kind: 'text', text: name === undefined ? text : `${name}\n\n${text}` };
  }
  return undefined;
}
