/**
 * What Chat Completions and the Responses API take the same way, only in differently named fields: a
 * tool's result as text, the words that ask the model to retry, and user content: text, an image as a
 * URL, a document as inline text, a named file or a link. Both adapters' conversions read these, so the two OpenAI
 * protocols cannot drift apart on what a history says.
 */

import type {
  DocumentContent,
  ImageContent,
  RetryPromptPart,
  ToolReturnPart,
  UserContentItem,
  UserPromptPart,
} from '../core/messages.ts';
import { bytesToBase64 } from '../core/portable.ts';

/**
 * A tool's return value as the text both protocols carry: a string as it is, anything else as JSON.
 *
 * @example
 * toolReturnText({ partKind: 'tool-return', toolName: 'add', toolCallId: 'c1', content: { sum: 3 } }); // '{"sum":3}'
 */
export function toolReturnText(part: ToolReturnPart): string {
  return typeof part.content === 'string' ? part.content : JSON.stringify(part.content ?? null);
}

/**
 * The retry request sent as the failed tool call's result: it names the tool, so the model knows which
 * call to correct.
 */
export function toolRetryText(part: RetryPromptPart): string {
  const tool = part.toolName ? ` to ${part.toolName}` : '';
  return `The tool call${tool} failed: ${part.content}\n\nCorrect the call and try again.`;
}

/** The retry request sent as a user turn, when what failed was the answer rather than a tool call. */
export function answerRetryText(part: RetryPromptPart): string {
  return `${part.content}\n\nCorrect your answer and try again.`;
}

/**
 * The forms user content takes, built in the protocol's own content shape. One constant object per
 * protocol, so converting content allocates only the parts it returns.
 */
export interface UserContentShapes<T> {
  /** Text: the user's own, or a text-like document inlined as a `<document>` element. */
  text(text: string): T;
  /** An image by URL: its own, or its bytes as a `data:` URL. */
  image(url: string): T;
  /** Bytes (or a `data:` URL) sent as a file with a name. */
  file(filename: string, fileData: string): T;
  /** A document that only a URL reaches; a protocol that cannot fetch it throws a UserError here. */
  url(url: string): T;
}

// Text-like documents go inline as text: both protocols' file inputs take PDFs (and a few office
// formats), not source code or data.
const TEXT_LIKE = /^text\/|^application\/(json|(x-)?yaml|xml|javascript|x-sh|toml|csv)\b|\+(json|xml)$/;

/**
 * A user prompt's content in the protocol's shape: a string stays a string, and a list of items becomes
 * the protocol's content parts.
 *
 * @example
 * userPromptContent([{ kind: 'image', url: 'https://example.com/cat.png' }], CHAT_CONTENT);
 * // [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }]
 */
export function userPromptContent<T>(
  content: UserPromptPart['content'],
  shapes: UserContentShapes<T>,
): string | T[] {
  if (typeof content === 'string') return content;
  const parts: T[] = [];
  for (const item of content) parts.push(convertItem(item, shapes));
  return parts;
}

function convertItem<T>(item: UserContentItem, shapes: UserContentShapes<T>): T {
  switch (item.kind) {
    case 'text':
      return shapes.text(item.text);
    case 'image':
      return shapes.image(imageUrl(item));
    case 'document':
      return convertDocument(item, shapes);
  }
}

function imageUrl(item: ImageContent): string {
  return 'url' in item ? item.url : dataUrl(item.mediaType, item.data);
}

/** Text-like bytes inline, other bytes and `data:` URLs as a named file, any other URL as a link. */
function convertDocument<T>(item: DocumentContent, shapes: UserContentShapes<T>): T {
  if ('data' in item) {
    if (TEXT_LIKE.test(item.mediaType)) {
      const name = item.name ? ` name="${item.name}"` : '';
      const text = new TextDecoder().decode(item.data);
      return shapes.text(`<document${name} type="${item.mediaType}">\n${text}\n</document>`);
    }
    return shapes.file(item.name ?? defaultFilename(item.mediaType), dataUrl(item.mediaType, item.data));
  }
  if (item.url.startsWith('data:')) {
    const mediaType = item.mediaType ?? item.url.slice(5, item.url.search(/[;,]/));
    return shapes.file(item.name ?? defaultFilename(mediaType), item.url);
  }
  return shapes.url(item.url);
}

function defaultFilename(mediaType: string): string {
  const subtype = mediaType.split('/')[1]?.split(/[;+]/)[0];
  return `document.${subtype || 'bin'}`;
}

function dataUrl(mediaType: string, data: Uint8Array): string {
  return `data:${mediaType};base64,${bytesToBase64(data)}`;
}
